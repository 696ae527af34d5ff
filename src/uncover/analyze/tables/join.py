"""Tables continued over page breaks become one table.

A table that ends a page continues on the next when the next page's first table starts near the
top, has the same number of columns at the same positions (within a few points), and either
repeats the header row (dropped) or starts straight with data."""

from __future__ import annotations

from .model import Table

TOP_ZONE = 0.25  # the continuation starts in the top quarter of its page
COL_TOL = 6.0


def _column_edges(t: Table) -> list[float]:
    edges = {}
    for c in t.cells:
        if c.colspan == 1 and c.bbox:
            edges.setdefault(c.col, c.bbox[0])
    return [edges[k] for k in sorted(edges)]


def _same_columns(a: Table, b: Table) -> bool:
    if a.n_cols != b.n_cols:
        return False
    ea, eb = _column_edges(a), _column_edges(b)
    return len(ea) == len(eb) and all(abs(x - y) <= COL_TOL for x, y in zip(ea, eb, strict=False))


def join_continued(tables: list[Table], page_heights: dict[int, float]) -> list[Table]:
    """Tables in page order; each continuation is folded into the table it continues."""
    tables = sorted(tables, key=lambda t: (t.page, t.bbox[1]))
    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if (prev is not None and t.page == prev.pages[-1] + 1 and _is_last_on_page(prev, tables)
                and _is_first_on_page(t, tables) and t.bbox[1] <= TOP_ZONE * page_heights.get(t.page, 792)
                and _same_columns(prev, t) and prev.method == t.method):
            _append(prev, t)
        else:
            out.append(t)
    return out


def _is_last_on_page(t: Table, tables: list[Table]) -> bool:
    page = t.pages[-1]
    bottom = t.bboxes.get(page, t.bbox)[3]
    return not any(o.page == page and o.bbox[1] > bottom for o in tables)


def _is_first_on_page(t: Table, tables: list[Table]) -> bool:
    return not any(o.page == t.page and o.bbox[1] < t.bbox[1] for o in tables)


def _header(t: Table, n: int) -> list[str]:
    return [c.display for c in sorted(t.cells, key=lambda c: c.col) if c.row == n]


def _append(head: Table, tail: Table) -> None:
    skip = 1 if tail.n_rows > 1 and _header(tail, 0) == _header(head, 0) else 0
    head.bboxes.setdefault(head.page, head.bbox)
    head.bboxes[tail.page] = tail.bbox
    for c in tail.cells:
        if c.row < skip:
            continue
        c.row += head.n_rows - skip
        head.cells.append(c)
    head.n_rows += tail.n_rows - skip
    head.pages.append(tail.page)
    if tail.notes:
        head.notes = (head.notes + " " + tail.notes).strip()
