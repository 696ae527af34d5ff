"""FBI margin codes the page pass of OCR dropped, recovered from a second reading of the margin.

An FBI page prints a code beside each withholding (`b6 -1` / `b7C -1`, `b5 Per EOUSA`) in
7-point type in the right margin. Tesseract's page pass drops one of several when it sits by a
redaction box, a stamp or handwriting, or reads it as junk (`"3 -1`, `b6 =`). The margin strip is
read again, enlarged and binarised, in two layouts that drop different codes: sparse text (PSM 11)
and one block of rows (PSM 6, which keeps a code beside a box's edge that sparse text discards).

Merging without double counting: a code is placed by the box of the words it was read from. The
two strip readings of one code overlap, so they count once; a strip code is added to the page
text only when the page pass did not read that code at the same place (the page words
overlapping it, parsed by the same detector). A strip code must look like FBI print (a
lower-case `b`) and be read with confidence: the strip's binarised Bates line yields junk such
as `At BS`, which the detector alone would take for b5.

State's image-only releases print upper-case codes (`B6`) in the margin and in the release stamp
(`RELEASE IN PART B5,B3` over `INA,B6`); on a page whose text shows that stamp, a strip code may
also be `B6` or `B7(C)` with a true digit, read at higher confidence (`STATE_CODE_CONFIDENCE`).
Measured by reading the 24 labelled State pages through OCR instead of their text layer: one
stamp line the page pass dropped is recovered, nothing else changes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels

STRIP_CODE_CONFIDENCE = 50.0  # mean confidence of a strip code's words, under which it is junk
STATE_CODE_CONFIDENCE = 80.0  # the same for State's upper-case codes, whose letters OCR makes of more junk
_STATE_CODE = re.compile(r"B[1-9](?:\([A-F]\))?(?![0-9])")
SEGMENT_GAP = 2.0  # a gap between words wider than this many line heights starts a new segment


@dataclass
class StripWord:
    text: str
    box: Box
    confidence: float


@dataclass
class StripCode:
    code: str
    text: str  # as read: `b6 -1`
    box: Box


def union(boxes: Sequence[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def same_place(a: Box, b: Box) -> bool:
    """Whether two boxes hold the same print: they overlap across, and by half the smaller
    height down."""
    if min(a[2], b[2]) <= max(a[0], b[0]):
        return False
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap >= 0.5 * min(a[3] - a[1], b[3] - b[1])


def group_lines(words: Sequence[StripWord]) -> list[list[StripWord]]:
    """Words in rows by where they sit (sparse text splits `b7E` from its `-4`), left to right.

    A row is the band of its first word; a word taller than twice the usual (a stamp, a
    handwritten stroke read as a word) is left out, or it would join rows that are apart."""
    heights = sorted(w.box[3] - w.box[1] for w in words)
    usual = heights[len(heights) // 2] if heights else 0
    lines: list[tuple[tuple[int, int], list[StripWord]]] = []
    for word in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        top, bottom = word.box[1], word.box[3]
        if bottom - top > 2 * usual:
            continue
        for (band_top, band_bottom), line in lines:
            if min(bottom, band_bottom) - max(top, band_top) >= 0.5 * min(bottom - top, band_bottom - band_top):
                line.append(word)
                break
        else:
            lines.append(((top, bottom), [word]))
    return [sorted(line, key=lambda w: w.box[0]) for _, line in lines]


def _line_text(line: Sequence[StripWord]) -> tuple[str, list[tuple[int, int]]]:
    """The line as text, spaced as the page pass spaces it (a wide gap is a segment break), and
    each word's character span."""
    text, spans = "", []
    for i, word in enumerate(line):
        if i:
            height = max(1, word.box[3] - word.box[1])
            text += "   " if word.box[0] - line[i - 1].box[2] > SEGMENT_GAP * height else " "
        spans.append((len(text), len(text) + len(word.text)))
        text += word.text
    return text, spans


def claimed(text: str) -> Counter[str]:
    """The codes the exemption detector claims in a piece of text."""
    from ..analyze.exemptions import CLAIM_THRESHOLD, find_exemption_marks

    return Counter(m.code for m in find_exemption_marks(text) if m.confidence >= CLAIM_THRESHOLD)


def _looks_printed(mark_text: str, state: bool) -> bool:
    """Whether a code read from the strip has the form the page's style prints: FBI's lower-case
    `b6 -1`; on a State page also `B6`, `B7(C)` with a true digit (`BS` and `86` are how OCR
    reads a Bates line or a figure as often as a code)."""
    if mark_text.startswith("b"):
        return True
    return state and bool(_STATE_CODE.match(mark_text))


def strip_codes(words: Sequence[StripWord], state: bool = False) -> list[StripCode]:
    """The codes in one reading of the strip, each with the box of the words it was read from:
    FBI codes, and with `state` State's upper-case ones read with more confidence."""
    from ..analyze.exemptions import CLAIM_THRESHOLD, find_exemption_marks

    out = []
    for line in group_lines(words):
        text, spans = _line_text(line)
        for mark in find_exemption_marks(text):
            if mark.confidence < CLAIM_THRESHOLD or not _looks_printed(mark.text, state):
                continue
            read = [w for w, (s, e) in zip(line, spans, strict=True) if s < mark.end and e > mark.start]
            needed = STRIP_CODE_CONFIDENCE if mark.text.startswith("b") else STATE_CODE_CONFIDENCE
            if read and sum(w.confidence for w in read) / len(read) >= needed:
                out.append(StripCode(mark.code, mark.text, union([w.box for w in read])))
    return out


def _matched_words(words: Sequence[StripWord], code: str) -> list[int] | None:
    """The indexes of the words (one row of the page pass, left to right) from which the detector
    claims `code`, or None when it claims no such code there."""
    from ..analyze.exemptions import CLAIM_THRESHOLD, find_exemption_marks

    text, spans = _line_text(words)
    for mark in find_exemption_marks(text):
        if mark.code == code and mark.confidence >= CLAIM_THRESHOLD:
            return [i for i, (s, e) in enumerate(spans) if s < mark.end and e > mark.start]
    return None


def missed_codes(readings: Sequence[Sequence[StripWord]], page_words: Sequence[StripWord],
                 state: bool = False) -> list[str]:
    """The codes (as read, one per line) that the strip readings found and the page pass did not
    read at the same place; a code read by several strip readings at one place counts once.

    The page pass "read a code at the place" when the page words on the code's row, from its
    left edge rightwards, claim that code (`AUSAb5 Per EOUSA`, `66 Per DOJ` claim it only with
    the agency's note beside them); each page word stands for each code it holds once (State's
    `B5,B3` holds two)."""
    found: list[StripCode] = []
    for words in readings:
        for code in strip_codes(words, state):
            if not any(f.code == code.code and same_place(f.box, code.box) for f in found):
                found.append(code)
    out = []
    used: set[tuple[int, str]] = set()  # page words matched to a strip code, with that code
    for code in sorted(found, key=lambda c: (c.box[1], c.box[0])):
        row = (code.box[0], code.box[1], 1 << 30, code.box[3])
        here = sorted((i for i, w in enumerate(page_words) if (i, code.code) not in used and same_place(w.box, row)),
                      key=lambda i: page_words[i].box[0])
        matched = _matched_words([page_words[i] for i in here], code.code)
        if matched:
            used.update((here[i], code.code) for i in matched)
        else:
            out.append(code.text)
    return out
