"""From a table's frame (the boxes its rules draw) and its words to rows and columns of cells.

Rules alone do not say where rows are. Statistical reports rule a box around a block of rows
(JAL's months, the FBI's states five at a time) or rule no line between two columns, and a ruled
box can hold a wrapped phrase. So the frame is read band by band (the space between two
horizontal rules), with the printed lines deciding:

- a band whose every filled box has the same number of aligned lines holds that many rows;
  otherwise each box's lines are one wrapped cell (`Hypersensitivity, allergic oedema and /
  Anaphylaxis`);
- a box that spans several columns but whose words stand in different columns (a header group
  with sub-headings under it, a body box with no inner rules) is read as whitespace: a line with
  words in two or more columns starts a row, a line adding to one filled column continues it;
- a column whose words leave the same wide gap on every line is two columns with no rule between;
- a box spanning bands (a merged label such as `JAL Group`) keeps its span.

A caption printed inside the frame above the grid and notes printed under it are kept apart as
the table's title and notes, so the grid holds only data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

from .model import BBox, Cell, Table
from .values import exemption_codes, parse_number, split_marks
from .words import Word, cell_text, lines_of, segments

EDGE_TOL = 2.0


@dataclass
class Box:
    x0: float
    top: float
    x1: float
    bottom: float
    words: list[Word] = field(default_factory=list)
    r0: int = 0
    r1: int = 0
    c0: int = 0
    c1: int = 0


def cluster_edges(values: Sequence[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(edges: Sequence[float], v: float) -> int:
    return min(range(len(edges)), key=lambda k: abs(edges[k] - v))


def _column_of(edges: Sequence[float], x: float) -> int:
    for k in range(len(edges) - 1):
        if x < edges[k + 1]:
            return k
    return len(edges) - 2


def _inner_gaps(words: Sequence[Word], x0: float, x1: float) -> list[float]:
    """x positions inside [x0, x1] where every line of the column leaves a gap wider than the
    font: there two columns stand with no rule between them."""
    if len(words) < 4:
        return []
    size = median(w.size for w in words)
    covered = sorted((w.x0, w.x1) for w in words)
    gaps = []
    reach = x0
    for a, b in covered:
        if a - reach >= 0.9 * size and reach > x0 + 0.5 and a < x1:
            gaps.append((reach, a))
        reach = max(reach, b)
    out = []
    line_of = {id(w): k for k, line in enumerate(lines_of(words)) for w in line}  # OCR'd lines are not level to a point
    for a, b in gaps:
        left = {line_of[id(w)] for w in words if w.x1 <= a + 0.1}
        right = {line_of[id(w)] for w in words if w.x0 >= b - 0.1}
        if len(left & right) >= 0.6 * max(len(left), len(right), 1) and len(left & right) >= 2:
            out.append((a + b) / 2)
    return out


def build_table(frames: Sequence[BBox], words: Sequence[Word], page: int, method: str,
                columns: Sequence[float] = ()) -> Table | None:
    """The table read from its frame boxes (each a ruled cell as drawn) and the words inside;
    `columns` adds column edges that no rule draws (whitespace tables)."""
    boxes = [Box(*f) for f in frames]
    for w in words:
        for b in boxes:
            if b.x0 - 0.5 <= w.xc <= b.x1 + 0.5 and b.top - 0.5 <= w.yc <= b.bottom + 0.5:
                b.words.append(w)
                break
    xs = cluster_edges([v for b in boxes for v in (b.x0, b.x1)] + list(columns))
    ys = cluster_edges([v for b in boxes for v in (b.top, b.bottom)])
    if len(xs) < 2 or len(ys) < 2:
        return None
    # columns printed with no rule between them
    extra: list[float] = []
    for j in range(len(xs) - 1):
        col_words = [w for b in boxes if _index(xs, b.x0) == j and _index(xs, b.x1) == j + 1
                     and _index(ys, b.bottom) - _index(ys, b.top) == 1 for w in b.words]
        extra += _inner_gaps(col_words, xs[j], xs[j + 1])
    xs = sorted(xs + extra)
    ys = _row_edges(boxes, ys, xs[-1] - xs[0])
    for b in boxes:
        b.c0, b.c1 = _index(xs, b.x0), _index(xs, b.x1)
        b.r0, b.r1 = _index(ys, b.top), _index(ys, b.bottom)
    boxes = [b for b in boxes if b.c1 > b.c0 and b.r1 > b.r0]

    rows: list[dict[int, list[Word]]] = []  # per output row: column -> words
    spans: dict[tuple[int, int], int] = {}  # (row, col) -> colspan for merged boxes
    row_y: list[tuple[float, float]] = []
    band_rows: list[list[int]] = []
    for band in range(len(ys) - 1):
        inside = [b for b in boxes if b.r0 == band and b.r1 == band + 1]
        first = len(rows)
        band_words = [w for b in inside for w in b.words]
        stream = any(b.c1 - b.c0 >= 2 and len({_column_of(xs, w.xc) for w in b.words}) >= 2 for b in inside)
        if stream:
            _stream_band(inside, xs, rows, spans)
        else:
            _ruled_band(inside, band_words, rows, spans)
        if len(rows) == first:
            rows.append({})
            for b in inside:
                if b.c1 - b.c0 > 1:
                    spans[(first, b.c0)] = b.c1 - b.c0
        band_rows.append(list(range(first, len(rows))))
        for k in range(first, len(rows)):
            ws = [w for col in rows[k].values() for w in col]
            if ws and len(rows) - first > 1:
                row_y.append((min(w.top for w in ws), max(w.bottom for w in ws)))
            else:
                row_y.append((ys[band], ys[band + 1]))
    # boxes merged over several bands keep their span
    rowspans: dict[tuple[int, int], int] = {}
    for b in boxes:
        if b.r1 - b.r0 > 1:
            covered = [k for band in range(b.r0, b.r1) for k in band_rows[band]]
            if not covered:
                continue
            rows[covered[0]].setdefault(b.c0, []).extend(b.words)
            rowspans[(covered[0], b.c0)] = len(covered)
            if b.c1 - b.c0 > 1:
                spans[(covered[0], b.c0)] = b.c1 - b.c0
    return _assemble(rows, spans, rowspans, xs, row_y, page, method)


def _numeric(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and all(ch.isdigit() or ch in ",.-()%$*/" for ch in text)


def _row_edges(boxes: Sequence[Box], ys: list[float], width: float) -> list[float]:
    """Horizontal rules that divide the table: an edge drawn along at least half the table's
    width. A short rule under one cell (an extra column's own boxes) does not cut every column."""
    keep = []
    for k, y in enumerate(ys):
        if k in (0, len(ys) - 1):
            keep.append(y)
            continue
        along = sum(b.x1 - b.x0 for b in boxes if abs(b.top - y) <= EDGE_TOL or abs(b.bottom - y) <= EDGE_TOL)
        above = [b for b in boxes if abs(b.bottom - y) <= EDGE_TOL and b.words]
        below = [b for b in boxes if abs(b.top - y) <= EDGE_TOL and b.words]
        parts_text = any(min(a.x1, c.x1) - max(a.x0, c.x0) > 1 for a in above for c in below)
        if along >= width * 0.5 or parts_text:
            keep.append(y)
    return keep


def _ruled_band(inside: list[Box], band_words: list[Word], rows: list[dict[int, list[Word]]],
                spans: dict[tuple[int, int], int]) -> None:
    lines = lines_of(band_words)
    line_of = {id(w): k for k, line in enumerate(lines) for w in line}
    filled = [b for b in inside if b.words]
    split = False
    if len(lines) > 1 and len(filled) >= 2:
        full = [b for b in filled if len({line_of[id(w)] for w in b.words}) == len(lines)]
        every_line_shared = all(len({id(b) for b in filled if any(line_of[id(w)] == k for w in b.words)}) >= 2
                                for k in range(len(lines)))
        numeric = [b for b in filled if all(_numeric(w.text) for w in b.words)]
        # every box holds a line per row; or most do and the rest are figures (a value left blank)
        split = every_line_shared and len(full) >= 2 and (
            len(full) == len(filled) or (len(full) >= 0.6 * len(filled) and len(numeric) >= 0.5 * len(filled)))
    centres = None if split or len(filled) < 2 else _row_centres(filled)
    if centres is not None:  # stray specks or a missed value blur the band's lines: go by the boxes
        line_of = {id(w): min(range(len(centres)), key=lambda k: abs(centres[k] - w.yc)) for b in inside for w in b.words}
        lines = [[] for _ in centres]
        split = True
    if split:
        base = len(rows)
        for _ in lines:
            rows.append({})
        for b in inside:
            for w in b.words:
                rows[base + line_of[id(w)]].setdefault(b.c0, []).append(w)
            if b.c1 - b.c0 > 1:
                for k in range(len(lines)):
                    spans[(base + k, b.c0)] = b.c1 - b.c0
    elif inside:
        row: dict[int, list[Word]] = {}
        for b in inside:
            row[b.c0] = list(b.words)
            if b.c1 - b.c0 > 1:
                spans[(len(rows), b.c0)] = b.c1 - b.c0
        rows.append(row)


def _row_centres(filled: list[Box]) -> list[float] | None:
    """Where the rows of a band lie when most of its boxes print the same number n > 1 of lines
    and most are figures: the median height of each line over those boxes."""
    per_box = {id(b): lines_of(b.words) for b in filled}
    counts = [len(v) for v in per_box.values() if len(v) > 1]
    if not counts:
        return None
    n = max(set(counts), key=counts.count)
    agree = [b for b in filled if len(per_box[id(b)]) == n]
    numeric = [b for b in filled if all(_numeric(w.text) for w in b.words)]
    if len(agree) < 2 or len(agree) < 0.4 * len(filled) or len(numeric) < 0.5 * len(filled):
        return None
    centres = [median(sum(w.yc for w in per_box[id(b)][k]) / len(per_box[id(b)][k]) for b in agree) for k in range(n)]
    return centres if all(b - a > 0 for a, b in zip(centres, centres[1:], strict=False)) else None


def _stream_band(inside: list[Box], xs: list[float], rows: list[dict[int, list[Word]]],
                 spans: dict[tuple[int, int], int]) -> None:
    words = [w for b in inside for w in b.words]
    band_rows: list[dict[int, list[Word]]] = []
    band_spans: list[dict[int, int]] = []
    box_of = {id(w): k for k, b in enumerate(inside) for w in b.words}
    for line in lines_of(words):
        segs = [seg for k in sorted({box_of[id(w)] for w in line})
                for seg in segments([w for w in line if box_of[id(w)] == k], xs)]
        placed: dict[int, list[Word]] = {}
        wide: dict[int, int] = {}
        for seg in segs:
            first, last = _column_of(xs, seg[0].x0 + 0.5), _column_of(xs, seg[-1].x1 - 0.5)
            # a phrase across columns starts a merged cell; one long word sits where its middle is
            col = _column_of(xs, (seg[0].x0 + seg[-1].x1) / 2) if first != last and len(seg) == 1 else first
            placed.setdefault(col, []).extend(seg)
            if first != last and len(seg) > 1:
                wide[col] = last - first + 1
        if not band_rows or len(segs) >= 2:
            band_rows.append(placed)
            band_spans.append(wide)
            continue
        (col, ws), = placed.items()
        if len(band_rows[-1]) == 1 and col not in band_rows[-1]:
            col = next(iter(band_rows[-1]))  # a caption or heading printed over two lines
        if col not in band_rows[-1] and wide.get(col):
            band_spans[-1][col] = wide[col]
        band_rows[-1].setdefault(col, []).extend(ws)
    base = len(rows)
    rows.extend(band_rows)
    for k, wide in enumerate(band_spans):
        for col, n in wide.items():
            if not any(c in rows[base + k] for c in range(col + 1, col + n)):
                spans[(base + k, col)] = n


def _assemble(rows: list[dict[int, list[Word]]], spans: dict[tuple[int, int], int],
              rowspans: dict[tuple[int, int], int], xs: list[float], row_y: list[tuple[float, float]],
              page: int, method: str) -> Table | None:
    n_cols = len(xs) - 1
    covered: set[tuple[int, int]] = set()
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in rows]
    for r, row in enumerate(rows):
        for c in range(n_cols):
            if (r, c) in covered:
                continue
            cs, rs = spans.get((r, c), 1), rowspans.get((r, c), 1)
            text, marks = cell_text(row.get(c, []))
            cell = Cell(row=r, col=c, text=text, marks=marks, rowspan=rs, colspan=cs, page=page,
                        bbox=(xs[c], row_y[r][0], xs[min(c + cs, n_cols)], row_y[min(r + rs, len(rows)) - 1][1]))
            grid[r][c] = cell
            for dr in range(rs):
                for dc in range(cs):
                    if dr or dc:
                        covered.add((r + dr, c + dc))
    # drop empty rows and columns
    keep_rows = [r for r in range(len(rows)) if any(cell is not None and cell.text for cell in grid[r])]
    keep_cols = [c for c in range(n_cols) if any(grid[r][c] is not None and grid[r][c].text for r in keep_rows)]
    if not keep_rows or not keep_cols:
        return None
    rmap = {r: k for k, r in enumerate(keep_rows)}
    cmap = {c: k for k, c in enumerate(keep_cols)}
    cells = []
    for r in keep_rows:
        for c in range(n_cols):
            cell = grid[r][c]
            if cell is None:
                continue
            cols_in = [cc for cc in range(c, c + cell.colspan) if cc in cmap]
            rows_in = [rr for rr in range(r, r + cell.rowspan) if rr in rmap]
            if not cols_in or not rows_in:
                continue
            cell.row, cell.col = rmap[r], cmap[cols_in[0]]
            cell.colspan, cell.rowspan = len(cols_in), len(rows_in)
            cells.append(cell)
    table = Table(pages=[page], bbox=(xs[0], row_y[0][0], xs[-1], row_y[-1][1]), method=method,
                  n_rows=len(keep_rows), n_cols=len(keep_cols), cells=cells)
    _strip_caption_and_notes(table)
    if table.n_rows == 0 or table.n_cols < 2 and table.n_rows < 2:
        return None
    for cell in table.cells:
        finish_cell(cell)
    return table


def finish_cell(cell: Cell) -> None:
    """Value, note marks and redaction of a cell from its text."""
    text, marks = split_marks(cell.text)
    if marks:
        cell.text, cell.marks = text, (marks + cell.marks)
    code = exemption_codes(cell.text)
    if code:
        cell.redacted, cell.exemption = True, code
    cell.value = None if cell.redacted else parse_number(cell.text)


def _only_cell(table: Table, row: int) -> Cell | None:
    filled = [c for c in table.cells if c.row == row and c.display]
    return filled[0] if len(filled) == 1 else None


def _strip_caption_and_notes(table: Table) -> None:
    """Move a leading caption row and trailing note rows (one filled cell across a table of
    several columns) out of the grid."""
    if table.n_cols < 3:
        return
    while table.n_rows > 1:
        cell = _only_cell(table, 0)
        if cell is None or any(c.rowspan > 1 and c.row == 0 for c in table.cells if c is not cell):
            break
        table.title = (table.title + " " + cell.display).strip()
        drop_row(table, 0)
    while table.n_rows > 1:
        last = table.n_rows - 1
        cell = _only_cell(table, last)
        if cell is None or cell.rowspan > 1:
            break
        note_like = len(cell.display) > 60 or cell.display.lower().startswith(("key", "note", "source", "*", "†"))
        if not note_like:
            break
        table.notes = (cell.display + " " + table.notes).strip()
        drop_row(table, last)


def drop_row(table: Table, row: int) -> None:
    table.cells = [c for c in table.cells if c.row != row]
    for c in table.cells:
        if c.row > row:
            c.row -= 1
        elif c.row + c.rowspan > row:
            c.rowspan -= 1
    table.n_rows -= 1
