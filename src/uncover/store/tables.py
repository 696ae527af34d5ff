"""SQL for migrations 0020 and 0022: tables read from released pages, their cells, and the pages
the ingest's workers found may hold one.

Derived data: `replace_tables` deletes a document's earlier tables and writes the new ones.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..analyze.tables.model import Cell, Table


@dataclass
class StoredTable:
    """A table with where it came from: the document, its Bates number and pages."""

    id: int
    document_id: int
    position: int
    table: Table
    bates: str | None
    parts: list[dict[str, Any]] = field(default_factory=list)


def replace_tables(conn: sqlite3.Connection, document_id: int, tables: Sequence[Table],
                   bates: dict[int, str | None], sizes: dict[int, tuple[float, float]]) -> list[int]:
    """Replace one document's tables; returns their ids. Call inside a transaction."""
    conn.execute("DELETE FROM doc_table_cells WHERE table_id IN (SELECT id FROM doc_tables WHERE document_id = ?)",
                 (document_id,))
    conn.execute("DELETE FROM doc_tables WHERE document_id = ?", (document_id,))
    ids = []
    for position, t in enumerate(tables, start=1):
        parts = [{"page": p, "bbox": [round(v, 2) for v in t.bboxes.get(p, t.bbox)],
                  "width": sizes.get(p, (0.0, 0.0))[0], "height": sizes.get(p, (0.0, 0.0))[1]} for p in t.pages]
        row = conn.execute(
            "INSERT INTO doc_tables (document_id, position, first_page, last_page, bates, parts, method, turned, "
            "n_rows, n_cols, title, notes, words, redacted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (document_id, position, t.pages[0], t.pages[-1], bates.get(t.pages[0]), json.dumps(parts), t.method,
             t.turned, t.n_rows, t.n_cols, t.title, t.notes, t.words(), sum(c.redacted for c in t.cells)),
        ).fetchone()
        table_id = int(row[0])
        ids.append(table_id)
        conn.executemany(
            "INSERT INTO doc_table_cells (table_id, row_index, col_index, rowspan, colspan, text, marks, value, "
            "redacted, exemption, page, bbox) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(table_id, c.row, c.col, c.rowspan, c.colspan, c.text, c.marks, None if c.redacted else c.value,
              int(c.redacted), c.exemption, c.page, json.dumps([round(v, 2) for v in c.bbox]) if c.bbox else None)
             for c in t.cells],
        )
    return ids


def _stored(conn: sqlite3.Connection, rows: Iterable[Any]) -> list[StoredTable]:
    out = []
    for r in rows:
        parts = json.loads(r["parts"])
        table = Table(pages=list(range(r["first_page"], r["last_page"] + 1)) if not parts else [p["page"] for p in parts],
                      bbox=tuple(parts[0]["bbox"]) if parts else (0, 0, 0, 0), method=r["method"],
                      n_rows=r["n_rows"], n_cols=r["n_cols"], title=r["title"], notes=r["notes"], turned=r["turned"],
                      bboxes={p["page"]: tuple(p["bbox"]) for p in parts})
        for c in conn.execute(
                "SELECT row_index, col_index, rowspan, colspan, text, marks, value, redacted, exemption, page, bbox "
                "FROM doc_table_cells WHERE table_id = ? ORDER BY row_index, col_index", (r["id"],)):
            table.cells.append(Cell(row=c[0], col=c[1], rowspan=c[2], colspan=c[3], text=c[4], marks=c[5],
                                    value=None if c[7] else c[6], redacted=bool(c[7]), exemption=c[8], page=c[9],
                                    bbox=tuple(json.loads(c[10])) if c[10] else None))
        out.append(StoredTable(int(r["id"]), int(r["document_id"]), int(r["position"]), table, r["bates"], parts))
    return out


COLUMNS = "id, document_id, position, first_page, last_page, bates, parts, method, turned, n_rows, n_cols, title, notes"


def document_tables(conn: sqlite3.Connection, document_id: int) -> list[StoredTable]:
    return _stored(conn, conn.execute(f"SELECT {COLUMNS} FROM doc_tables WHERE document_id = ? ORDER BY position",
                                      (document_id,)).fetchall())


def table(conn: sqlite3.Connection, table_id: int) -> StoredTable | None:
    found = _stored(conn, conn.execute(f"SELECT {COLUMNS} FROM doc_tables WHERE id = ?", (table_id,)).fetchall())
    return found[0] if found else None


def all_tables(conn: sqlite3.Connection, document_ids: Iterable[int] | None = None) -> list[StoredTable]:
    if document_ids is None:
        rows = conn.execute(f"SELECT {COLUMNS} FROM doc_tables ORDER BY document_id, position").fetchall()
        return _stored(conn, rows)
    out: list[StoredTable] = []
    for doc_id in document_ids:
        out += document_tables(conn, doc_id)
    return out


def save_table_check(conn: sqlite3.Connection, document_id: int, pages: Sequence[int]) -> None:
    """The pages of a document that may hold a table, as the worker that read it found them."""
    conn.execute("DELETE FROM table_checks WHERE document_id = ?", (document_id,))
    conn.execute("INSERT INTO table_checks (document_id, pages) VALUES (?, ?)", (document_id, ",".join(map(str, pages))))


def table_checks(conn: sqlite3.Connection, document_ids: Sequence[int]) -> dict[int, list[int]]:
    """For the documents checked at ingest: the pages worth reading for tables (maybe none)."""
    found: dict[int, list[int]] = {}
    for start in range(0, len(document_ids), 500):
        chunk = list(document_ids[start : start + 500])
        for doc_id, pages in conn.execute(
                f"SELECT document_id, pages FROM table_checks WHERE document_id IN ({','.join('?' * len(chunk))})", chunk):
            found[int(doc_id)] = [int(n) for n in str(pages).split(",") if n]
    return found


def documents_with_tables(conn: sqlite3.Connection) -> set[int]:
    return {int(r[0]) for r in conn.execute("SELECT DISTINCT document_id FROM doc_tables")}


HAS_TABLE_SQL = "SELECT DISTINCT document_id FROM doc_tables"
TABLE_WORDS_SQL = "SELECT DISTINCT document_id FROM doc_tables WHERE uncover_words(words, ?, ?)"


def register_search_fields() -> bool:
    """`has:table` (documents printing a table) and `table:WORD` (words inside their tables)."""
    try:
        from ..errors import QueryError
        from ..search.filters import SqlFilter, register_field, value_tokens
    except ImportError:
        return False

    def has(f):  # type: ignore[no-untyped-def]
        if f.value.strip().lower() not in ("table", "tables"):
            raise QueryError(f"has:{f.value} is not something a document can have here. For example: has:table")
        return SqlFilter(HAS_TABLE_SQL)

    def words(f):  # type: ignore[no-untyped-def]
        toks, prefix = value_tokens(f)
        return SqlFilter(TABLE_WORDS_SQL, (" ".join(toks), int(prefix)))

    register_field("has", has, description="documents that print a table (has:table)", example="has:table")
    register_field("table", words, description="words printed inside a document's tables", example="table:detainers")
    return True


register_search_fields()
