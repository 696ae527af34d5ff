"""Tables out of the case: a CSV and an XLSX file per table, and one SQLite file of every table
with a provenance table (ready for datasette).

A redacted cell is written as `[REDACTED (b)(6)]` (or `[REDACTED]`) in every format, never as a
number and never as an empty cell: a sum over the column cannot silently count it as zero.
Every file name carries the Bates number (or file name) and page, and the provenance says which
document, pages, boxes and method each table came from.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..analyze.tables.model import Cell, Table
from ..model import Document
from ..store.tables import StoredTable


@dataclass
class ExportedTable:
    stored: StoredTable
    document: Document
    name: str  # file stem


def redacted_text(cell: Cell) -> str:
    return f"[REDACTED {cell.exemption}]" if cell.exemption else "[REDACTED]"


def cell_out(cell: Cell | None) -> str:
    """What a cell exports as text."""
    if cell is None:
        return ""
    return redacted_text(cell) if cell.redacted else cell.display


def rows_of(table: Table) -> list[list[Cell | None]]:
    """The grid by position, each merged cell at its top-left, covered positions None."""
    grid: list[list[Cell | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for c in table.cells:
        if c.row < table.n_rows and c.col < table.n_cols:
            grid[c.row][c.col] = c
    return grid


def citation(doc: Document, stored: StoredTable) -> str:
    """`ICE0001234, page 3, table 1: Detainers by county` style, as a brief cites it."""
    t = stored.table
    cite = doc.label if doc.bates_begin else doc.filename
    pages = f"page {t.pages[0]}" if len(t.pages) == 1 else f"pages {t.pages[0]}-{t.pages[-1]}"
    bates = f" ({stored.bates})" if stored.bates and stored.bates != doc.bates_begin else ""
    head = f"{cite}{bates}, {pages}, table {stored.position}"
    subject = doc.heading if doc.heading not in (cite, doc.label) else ""
    parts = [head] + [p for p in (t.title, subject, doc.day) if p]
    return " · ".join(parts)


def file_stem(doc: Document, stored: StoredTable) -> str:
    cite = doc.label if doc.bates_begin else Path(doc.filename).stem
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{cite}_p{stored.table.pages[0]}_t{stored.position}").strip("_")


def write_csv(path: Path, table: Table, preface: Sequence[str] = ()) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        for line in preface:
            out.writerow([line])
        if preface:
            out.writerow([])
        for row in rows_of(table):
            out.writerow([cell_out(c) for c in row])


def write_xlsx(path: Path, table: Table, cite: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Table"
    for r, row in enumerate(rows_of(table), start=1):
        for c, cell in enumerate(row, start=1):
            if cell is None:
                continue
            target = sheet.cell(row=r, column=c)
            if cell.redacted:
                target.value = redacted_text(cell)
                target.font = Font(bold=True)
            elif cell.value is not None and not cell.marks:
                target.value = cell.value
            else:
                target.value = cell.display
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
    source = book.create_sheet("Source")
    source.append(["citation", cite])
    source.append(["pages", ", ".join(map(str, table.pages))])
    source.append(["method", table.method])
    if table.title:
        source.append(["title", table.title])
    if table.notes:
        source.append(["notes", table.notes])
    book.save(path)


PROVENANCE_COLUMNS = ("table_name", "citation", "document", "file_name", "bates", "first_page", "last_page", "pages",
                      "bbox", "method", "title", "notes", "rows", "columns", "redacted_cells")


def write_sqlite(path: Path, exported: Sequence[ExportedTable]) -> None:
    """One SQLite table per extracted table (columns c1, c2, ... as text; numbers in `cN_value`),
    a `cells` table of every cell, and `provenance`."""
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    try:
        db.execute(f"CREATE TABLE provenance ({', '.join(PROVENANCE_COLUMNS)})")
        db.execute("CREATE TABLE cells (table_name, row, col, rowspan, colspan, text, value REAL, redacted INTEGER, "
                   "exemption, page, bbox)")
        for e in exported:
            t, doc = e.stored.table, e.document
            cols = ", ".join(f'"c{k + 1}" TEXT, "c{k + 1}_value" REAL' for k in range(t.n_cols))
            db.execute(f'CREATE TABLE "{e.name}" (row INTEGER PRIMARY KEY, {cols})')
            for r, row in enumerate(rows_of(t)):
                values: list[object] = [r]
                for cell in row:
                    values += [cell_out(cell), None if cell is None or cell.redacted else cell.value]
                db.execute(f'INSERT INTO "{e.name}" VALUES ({", ".join("?" * len(values))})', values)
            db.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(e.name, c.row, c.col, c.rowspan, c.colspan, cell_out(c), None if c.redacted else c.value,
                             int(c.redacted), c.exemption, c.page, str(list(c.bbox)) if c.bbox else None) for c in t.cells])
            db.execute(f"INSERT INTO provenance VALUES ({', '.join('?' * len(PROVENANCE_COLUMNS))})",
                       (e.name, citation(doc, e.stored), doc.label, doc.filename, e.stored.bates, t.pages[0], t.pages[-1],
                        ", ".join(map(str, t.pages)), str([round(v, 1) for v in t.bbox]), t.method, t.title, t.notes,
                        t.n_rows, t.n_cols, sum(c.redacted for c in t.cells)))
        db.commit()
    finally:
        db.close()


def export_tables(out: Path, tables: Sequence[StoredTable], documents: dict[int, Document]) -> list[Path]:
    """CSV and XLSX per table, `tables.sqlite` and `provenance.csv` in `out`; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    exported: list[ExportedTable] = []
    used: set[str] = set()
    written: list[Path] = []
    for stored in tables:
        doc = documents[stored.document_id]
        name = file_stem(doc, stored)
        while name in used:
            name += "_"
        used.add(name)
        exported.append(ExportedTable(stored, doc, name))
        write_csv(out / f"{name}.csv", stored.table)
        write_xlsx(out / f"{name}.xlsx", stored.table, citation(doc, stored))
        written += [out / f"{name}.csv", out / f"{name}.xlsx"]
    write_sqlite(out / "tables.sqlite", exported)
    with (out / "provenance.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "citation", "document", "bates", "pages", "method", "rows", "columns", "redacted_cells"])
        for e in exported:
            t = e.stored.table
            w.writerow([f"{e.name}.csv", citation(e.document, e.stored), e.document.label, e.stored.bates or "",
                        ", ".join(map(str, t.pages)), t.method, t.n_rows, t.n_cols, sum(c.redacted for c in t.cells)])
    return written + [out / "tables.sqlite", out / "provenance.csv"]
