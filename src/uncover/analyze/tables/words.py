"""Words with their boxes, from a PDF text layer or from OCR, and how they group into lines.

Everything after this module works on `Word` alone, so ruled and whitespace tables are read the
same way whether the words came from the text layer or from Tesseract on a scanned page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

_UNMAPPED = re.compile(r"\(cid:\d+\)|[\u200b\u200c\u200d\u2060\ufeff]")  # and zero-width characters


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # font size (text layer) or box height (OCR)

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


def text_layer_words(page: Any) -> list[Word]:
    """Words of a pdfplumber page. A change of font size ends a word, so a raised note mark
    (`haemorrhage†`, `1,234¹`) stays a word of its own and can be told apart."""
    out = []
    for w in page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=False,
                                extra_attrs=["size"]):
        text = _UNMAPPED.sub("", w["text"])  # a glyph the font maps to no character (a tab drawn as a glyph), or none at all
        if text:
            out.append(Word(text, float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]), float(w["size"])))
    return out


def lines_of(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped into printed lines, top to bottom, each left to right. A small raised or
    lowered word (a note mark, a subscript) joins the line it sits beside."""
    ordered = sorted(words, key=lambda w: (w.yc, w.x0))
    if not ordered:
        return []
    big = median(w.size for w in ordered)
    lines: list[list[Word]] = []
    centres: list[float] = []
    for w in sorted(ordered, key=lambda w: -w.size):  # full-size words found the lines first
        tol = 0.5 * max(w.size, big * 0.8)
        best = min(range(len(lines)), key=lambda k: abs(centres[k] - w.yc), default=None)
        if best is not None and abs(centres[best] - w.yc) <= tol:
            lines[best].append(w)
            if w.size >= 0.8 * big:
                full = [x for x in lines[best] if x.size >= 0.8 * big] or lines[best]
                centres[best] = sum(x.yc for x in full) / len(full)
        else:
            lines.append([w])
            centres.append(w.yc)
    lines = _settle(lines, big)
    centres = [sum(w.yc for w in line) / len(line) for line in lines]
    order = sorted(range(len(lines)), key=lambda k: centres[k])
    return [sorted(lines[k], key=lambda w: w.x0) for k in order]


def _settle(lines: list[list[Word]], big: float, rounds: int = 3) -> list[list[Word]]:
    """Each word moved to the nearest line of two words or more, until none moves. Lines are
    found tallest word first, so an OCR box taller than its line's (a word read with a speck
    above it) can start a line between two printed ones and draw a word of the line above
    into it, which then stands as a row of its own."""
    for _ in range(rounds):
        anchors = []
        for line in lines:
            if len(line) >= 2:
                full = [x for x in line if x.size >= 0.8 * big] or line
                anchors.append(sum(x.yc for x in full) / len(full))
        if not anchors:
            return lines
        moved: list[list[Word]] = [[] for _ in anchors]
        alone: list[list[Word]] = []
        for line in lines:
            for w in line:
                k = min(range(len(anchors)), key=lambda k: abs(anchors[k] - w.yc))
                if abs(anchors[k] - w.yc) <= 0.5 * max(w.size, big * 0.8):
                    moved[k].append(w)
                else:
                    alone.append([w])
        settled = [line for line in moved if line] + alone
        if {frozenset(map(id, line)) for line in settled} == {frozenset(map(id, line)) for line in lines}:
            return settled  # the same lines (both hold every word once): nothing moved
        lines = settled
    return lines


def join_line(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words)


def split_note_marks(line: Sequence[Word]) -> tuple[list[Word], str]:
    """A small word raised above the line's end, made of mark characters or digits, is a note
    mark: (the line without it, the marks)."""
    if len(line) < 2:
        return list(line), ""
    body = [w for w in line]
    last = body[-1]
    rest = body[:-1]
    size = median(w.size for w in rest)
    base = median(w.bottom for w in rest)
    raised = last.size < 0.85 * size and last.bottom < base - 0.15 * size
    if raised and len(last.text) <= 3 and all(ch in "*†‡§¶#0123456789abcdefghijklmnopqrstuvwxyz" for ch in last.text):
        return rest, last.text
    return body, ""


def cell_text(words: Iterable[Word]) -> tuple[str, str]:
    """(text, note marks) of the words in one cell: its lines joined with spaces."""
    lines = lines_of(words)
    texts, marks = [], ""
    for k, line in enumerate(lines):
        if k == len(lines) - 1:
            line, marks = split_note_marks(line)
        texts.append(join_line(line))
    return " ".join(t for t in texts if t), marks


def segments(line: Sequence[Word], edges: Sequence[float] = ()) -> list[list[Word]]:
    """A line cut where words stand further apart than 1.2 times the font size, or more than
    0.6 times with a column edge between them: the cells of a whitespace table, or a caption
    left whole."""
    size = median(x.size for x in line)
    segs: list[list[Word]] = [[line[0]]]
    for x in line[1:]:
        gap_from = segs[-1][-1].x1
        gap = x.x0 - gap_from
        if gap >= 1.2 * size or (gap >= 0.6 * size and any(gap_from <= e <= x.x0 for e in edges)):
            segs.append([x])
        else:
            segs[-1].append(x)
    return segs
