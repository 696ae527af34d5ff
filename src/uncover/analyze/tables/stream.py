"""Whitespace (stream) tables: blocks of lines whose words stand in aligned columns.

A table line breaks into short segments separated by wide gaps, the same gaps on line after
line. Prose set in columns (the Federal Register's three columns) breaks the same way, so a block
is a table only when its segments are short (a few words each); a transcript's line numbers
beside long lines are prose too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from statistics import median

from .grid import build_table
from .model import Table
from .words import Word, lines_of, segments

MIN_LINES = 3
_HEADER_WORDS = {"from", "sent", "to", "cc", "bcc", "subject", "date", "attachments", "importance"}
MAX_WORDS_PER_SEGMENT = 4
WIDE_ROW_GAP = 3.0  # line heights between two rows of a table set with air (shaded cells with gutters)
ALIGNED_COLUMNS = 3


def _same_columns(above: Sequence[Sequence[Word]], segs: Sequence[Sequence[Word]]) -> bool:
    """The line's cells stand under the line above's, one for one, in three columns or more: a
    row of the same table set further apart (a gutter between shaded rows, a digits-only OCR
    line whose boxes are shorter than the font), not a new block of print."""
    if len(segs) < ALIGNED_COLUMNS or len(segs) != len(above):
        return False
    return all(min(a[-1].x1, b[-1].x1) > max(a[0].x0, b[0].x0) for a, b in zip(above, segs, strict=True))


def _column_edges(segments: Sequence[Sequence[Word]], size: float) -> list[float]:
    """Edges between columns: gaps in the projection of every segment onto the x axis."""
    spans = sorted((s[0].x0, s[-1].x1) for s in segments)
    edges = []
    reach = spans[0][1]
    for a, b in spans[1:]:
        if a - reach >= 0.9 * size:
            edges.append((reach + a) / 2)
        reach = max(reach, b)
    return edges


def stream_tables(words: list[Word], page_no: int) -> list[Table]:
    lines = lines_of(words)
    blocks: list[list[list[Word]]] = []
    current: list[list[Word]] = []
    last_bottom = None
    last_segs: list[list[Word]] = []
    for line in lines:
        segs = segments(line)
        height = median(w.bottom - w.top for w in line)
        gap = 0.0 if last_bottom is None else min(w.top for w in line) - last_bottom
        gap_ok = gap <= 1.6 * height or (gap <= WIDE_ROW_GAP * height and _same_columns(last_segs, segs))
        if len(segs) >= 2 and gap_ok:
            current.append(line)
        else:
            if len(current) >= MIN_LINES:
                blocks.append(current)
            current = [line] if len(segs) >= 2 else []
        last_bottom = max(w.bottom for w in line)
        last_segs = segs
    if len(current) >= MIN_LINES:
        blocks.append(current)
    out = []
    for block in blocks:
        segs = [s for line in block for s in segments(line)]
        if median(len(s) for s in segs) > MAX_WORDS_PER_SEGMENT:
            continue
        block_words = [w for line in block for w in line]
        size = median(w.size for w in block_words)
        edges = _column_edges(segs, size)
        if not edges:
            continue
        frame = (min(w.x0 for w in block_words) - 1, min(w.top for w in block_words) - 1,
                 max(w.x1 for w in block_words) + 1, max(w.bottom for w in block_words) + 1)
        table = build_table([frame], block_words, page_no, "stream", columns=edges)
        if table is not None and table.n_cols >= 2 and table.n_rows >= MIN_LINES and not _numbered_prose(table) \
                and _mostly_filled(table):
            out.append(table)
    return out


def _numbered_prose(table: Table) -> bool:
    """Two columns, one of them running text (a transcript's line numbers beside its lines), or
    labels ending in a colon beside values (an e-mail's From:/Sent:/To:/Subject: block, a form)."""
    labels = [c.text for c in table.cells if c.col == 0 and c.text]
    if table.n_cols <= 3 and labels and sum(
            t.rstrip().endswith(":") or t.strip().lower() in _HEADER_WORDS for t in labels) >= 0.6 * len(labels):
        return True
    if table.n_cols == 2 and _list_markers(labels):
        return True
    wordy = [col for col in range(table.n_cols)
             if median([len(c.text.split()) for c in table.cells if c.col == col and c.text] or [0]) > 4]
    if len(wordy) >= 2 and len(wordy) > table.n_cols / 2:
        return True  # prose set in columns (a Federal Register page read from a scan)
    if table.n_cols != 2:
        return False
    for col in range(2):
        counts = [len(c.text.split()) for c in table.cells if c.col == col and c.text]
        if counts and median(counts) > 5:
            return True
    numbers = [c.text for c in sorted(table.cells, key=lambda c: c.row) if c.col == 0 and c.text]
    if len(numbers) >= MIN_LINES and all(n.isdigit() for n in numbers):
        values = [int(n) for n in numbers]
        return all(b == a + 1 for a, b in zip(values, values[1:], strict=False))  # a transcript's line numbers
    return False


_LIST_MARKER = re.compile(r"^(?:[•·▪■●◦○o*e-]|\(?[0-9]{1,2}[.)]|\(?[a-zA-Z][.)])$")


def _list_markers(labels: list[str]) -> bool:
    """A first column of bullets or list numbers (`•`, read as `e` or `o` from a scan; `1.`,
    `a)`): a list beside its items, not a column of data."""
    return len(labels) >= 2 and all(_LIST_MARKER.match(t.strip()) for t in labels) and (
        len({t.strip() for t in labels}) == 1 or all(t.strip()[-1] in ".)" for t in labels))


def _mostly_filled(table: Table) -> bool:
    """Half the grid holds words (two letters or digits at least): a table, not the specks and
    fragments a poor OCR layer scatters over a page."""
    words = sum(1 for c in table.cells if sum(ch.isalnum() for ch in c.text) >= 2)
    return words >= 0.5 * table.n_rows * table.n_cols
