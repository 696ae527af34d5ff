"""A read-only view of one production for the rules: documents and pages streamed in id order.

Rules see narrow rows (only the columns they need) fetched in batches, so checking 100,000
documents never holds them all in memory, and the JSON columns are decoded only when a rule asks.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..errors import InputError
from ..model import DocumentKind

BATCH = 2000
_PAPER = re.compile(r"\b(paper|hard ?copy|scan(ned)?)\b", re.IGNORECASE)


@dataclass
class DocRow:
    id: int
    production_id: int
    kind: str
    filename: str
    custodian: str | None
    bates_begin: str | None
    bates_end: str | None
    page_count: int
    parent_id: int | None
    raw_json: str
    meta_json: str

    @cached_property
    def raw_fields(self) -> dict[str, str]:
        return json.loads(self.raw_json) if self.raw_json and self.raw_json != "{}" else {}

    @cached_property
    def metadata(self) -> dict[str, Any]:
        return json.loads(self.meta_json) if self.meta_json and self.meta_json != "{}" else {}

    @property
    def loadfile_info(self) -> dict[str, Any]:
        info = self.metadata.get("_loadfile")
        return info if isinstance(info, dict) else {}

    @property
    def from_loadfile(self) -> bool:
        return bool(self.loadfile_info)

    @property
    def record_kind(self) -> str:
        """email, edoc or paper: the three record kinds a production spec distinguishes.

        A load-file record is paper only when the producer says so (DOCTYPE "paper"/"hard copy"):
        an image with no metadata is not excused from the ESI fields by lacking them."""
        if self.kind == DocumentKind.EMAIL:
            return "email"
        doc_type = str(self.metadata.get("doc_type", ""))
        if doc_type and _PAPER.search(doc_type):
            return "paper"
        if not self.from_loadfile and self.kind in (DocumentKind.SCAN, DocumentKind.IMAGE):
            return "paper"
        return "edoc"

    @property
    def label(self) -> str:
        if self.bates_begin:
            return self.bates_begin if self.bates_begin == self.bates_end or not self.bates_end \
                else f"{self.bates_begin}-{self.bates_end}"
        return f"{self.filename or 'unnamed file'} (no Bates number)"


_DOC_COLUMNS = "id, production_id, kind, filename, custodian, bates_begin, bates_end, page_count, parent_id, " \
               "raw_fields, metadata"


class ProductionView:
    """One production (or, with production=None, every production of the case)."""

    def __init__(self, case: Any, production: str | None = None) -> None:
        self.case = case
        self.conn: sqlite3.Connection = case.store.conn
        productions = case.store.productions()
        if production is not None:
            chosen = [p for p in productions if p.name == production]
            if not chosen:
                names = ", ".join(p.name for p in productions) or "none yet"
                raise InputError(f"No production named {production!r} in {case.root}; productions: {names}.")
            self.productions = chosen
        else:
            self.productions = productions
        self.production_ids = [p.id for p in self.productions]
        self.name = production or (self.productions[0].name if len(self.productions) == 1 else "all productions")
        self._in = f"({','.join(str(i) for i in self.production_ids) or 'NULL'})"

    # -- documents --------------------------------------------------------------------------------
    def documents(self, meta_keys: tuple[str, ...] | None = None, raw: bool = True) -> Iterator[DocRow]:
        """Every document in id order. With `meta_keys`, only those metadata keys (and `_loadfile`'s
        text/original) are read, by SQLite's json_extract: far cheaper than decoding every row's JSON."""
        columns = _DOC_COLUMNS if raw else _DOC_COLUMNS.replace("raw_fields", "'{}'")
        if meta_keys is not None:
            extracts = [f"json_extract(metadata, '$.\"{k}\"')" for k in meta_keys]
            extracts += ["json_extract(metadata, '$._loadfile.image_count')",
                         "json_extract(metadata, '$._loadfile.text')", "json_extract(metadata, '$._loadfile.original')"]
            columns = columns.replace("metadata", "'{}'") + ", " + ", ".join(extracts)
        last = 0
        width = 11
        while True:
            rows = self.conn.execute(
                f"SELECT {columns} FROM documents WHERE id > ? AND production_id IN {self._in} "
                "ORDER BY id LIMIT ?", (last, BATCH)).fetchall()
            if not rows:
                return
            for r in rows:
                values = tuple(r)
                doc = DocRow(*values[:width])
                if meta_keys is not None:
                    meta = {k: v for k, v in zip(meta_keys, values[width:width + len(meta_keys)], strict=True)
                            if v is not None}
                    image_count, text, original = values[-3], values[-2], values[-1]
                    if text is not None or original is not None:
                        meta["_loadfile"] = {"text": text, "original": original}
                        if image_count is not None:
                            meta["_loadfile"]["image_count"] = image_count
                    doc.__dict__["metadata"] = meta
                yield doc
            last = rows[-1][0]

    def document(self, doc_id: int) -> DocRow | None:
        row = self.conn.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return DocRow(*tuple(row)) if row else None

    @cached_property
    def document_count(self) -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) FROM documents WHERE production_id IN {self._in}").fetchone()[0])

    def find_begin(self, bates: str) -> list[tuple[int, int]]:
        """(document id, production id) of every document beginning at that Bates number, in the case."""
        rows = self.conn.execute("SELECT id, production_id FROM documents WHERE bates_begin = ?", (bates,))
        return [(int(a), int(b)) for a, b in rows]

    def pages_between(self, first: str, last: str) -> dict[int, int]:
        """Pages per production whose Bates number lies in first..last (same prefix and width)."""
        rows = self.conn.execute(
            "SELECT d.production_id, COUNT(*) FROM pages p JOIN documents d ON d.id = p.document_id "
            "WHERE p.bates >= ? AND p.bates <= ? AND length(p.bates) = ? GROUP BY d.production_id",
            (first, last, len(first)))
        return {int(a): int(b) for a, b in rows}

    # -- pages ------------------------------------------------------------------------------------
    def pages(self, columns: str = "p.bates, p.image_ref") -> Iterator[tuple[Any, ...]]:
        """(document_id, page number, <columns>) for every page, in document then page order."""
        last_doc, last_page = 0, 0
        while True:
            rows = self.conn.execute(
                f"SELECT p.document_id, p.number, {columns} FROM pages p JOIN documents d ON d.id = p.document_id "
                f"WHERE (p.document_id, p.number) > (?, ?) AND d.production_id IN {self._in} "
                "ORDER BY p.document_id, p.number LIMIT ?", (last_doc, last_page, BATCH * 4)).fetchall()
            if not rows:
                return
            for r in rows:
                yield tuple(r)
            last_doc, last_page = rows[-1][0], rows[-1][1]

    # -- what the ingest recorded -----------------------------------------------------------------
    @cached_property
    def loadfile_runs(self) -> list[dict[str, Any]]:
        from ..store.loadfiles import runs

        return [r for pid in self.production_ids for r in runs(self.conn, pid)]

    @cached_property
    def has_loadfile(self) -> bool:
        if self.loadfile_runs:
            return True
        row = self.conn.execute(
            f"SELECT 1 FROM documents WHERE production_id IN {self._in} AND metadata LIKE '%\"_loadfile\"%' LIMIT 1"
        ).fetchone()
        return row is not None

    def loadfile_issues(self, like: str | None = None) -> Iterator[tuple[int, str, str, str | None]]:
        """(document id, category, message, Bates) of load-file warnings stored by the ingest."""
        sql = ("SELECT i.document_id, i.category, i.message, i.bates FROM processing_issues i "
               f"JOIN documents d ON d.id = i.document_id WHERE i.stage = 'loadfile' AND d.production_id IN {self._in}")
        args: tuple[Any, ...] = ()
        if like:
            sql += " AND i.message LIKE ?"
            args = (f"%{like}%",)
        for row in self.conn.execute(sql + " ORDER BY i.document_id, i.id", args):
            yield int(row[0]), str(row[1]), str(row[2]), row[3]

    def has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() \
            is not None
