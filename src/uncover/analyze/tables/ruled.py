"""Ruled (lattice) tables: the cells the page's drawn rules enclose, found by pdfplumber's
table finder (MIT; chosen by measurement, bench/tables.py), then read by grid.build_table."""

from __future__ import annotations

from typing import Any

from .grid import build_table
from .model import BBox, Table
from .words import Word

SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
            "join_tolerance": 3, "intersection_tolerance": 3}


def _inside(inner: BBox, outer: BBox, tol: float = 2.0) -> bool:
    return (inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def ruled_tables(page: Any, words: list[Word], page_no: int) -> list[Table]:
    """Tables drawn with rules on a pdfplumber page. A frame that holds other tables (a form's
    outer box) is not itself a table."""
    found = page.find_tables(SETTINGS)
    frames = [(tuple(float(v) for v in t.bbox), [tuple(float(v) for v in c) for c in t.cells]) for t in found]
    frames = [f for f in frames if not any(g is not f and _inside(g[0], f[0]) for g in frames)]
    out = []
    for bbox, cells in frames:
        inside = [w for w in words if bbox[0] - 1 <= w.xc <= bbox[2] + 1 and bbox[1] - 1 <= w.yc <= bbox[3] + 1]
        table = build_table(cells, inside, page_no, "ruled")
        if table is not None and table.n_rows >= 2 and table.n_cols >= 2 and not _checklist(table):
            out.append(table)  # a box around a paragraph is no table, nor a form's column of tick boxes
    return out


def _checklist(table: Table) -> bool:
    """A column of tick boxes (narrower than 14 pt, mostly empty) beside labels: the FBI's list
    of exemptions on a release letter, a form; not a table of data."""
    for col in range(table.n_cols):
        cells = [c for c in table.cells if c.col == col and c.colspan == 1 and c.bbox]
        narrow = [c for c in cells if c.bbox[2] - c.bbox[0] < 14]
        if cells and len(narrow) >= 2 and sum(not c.text for c in narrow) >= 2 / 3 * len(cells):
            return True
    return False
