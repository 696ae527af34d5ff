"""The embedded system of record: SQLite in WAL mode, schema versioned by numbered migrations.

Every document is committed in one transaction together with its pages, its children's manifest
rows and its input's state, so a process killed at any instant leaves either the whole document
or none of it, and a rerun picks up exactly the inputs still pending.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import CaseError
from ..model import Document, DocumentKind, IssueCategory, Page, ProcessingIssue, Production, TextSource
from .sqlite_file import check_database_file, connect_readonly, damaged, writable


@dataclass
class InputRecord:
    id: int
    item_key: str
    ingest_id: int
    production_id: int
    parent_input_id: int | None
    source_path: str
    member_path: str | None
    display_name: str
    sha256: str
    md5: str
    size: int
    custodian: str | None
    state: str
    raw_name: bytes | None = None  # the name's exact bytes where display_name escapes some
    root_input_id: int | None = None  # the top-level input this member came from
    depth: int = 0  # archives it sits inside

    @property
    def root_id(self) -> int:
        return self.root_input_id if self.root_input_id is not None else self.id


DOCUMENT_COLUMNS = (
    "production_id", "parent_id", "family_id", "kind", "filename", "path", "sha256", "md5", "size",
    "mime", "custodian", "subject", "author", "sender", "recipients", "cc", "bcc", "date", "title",
    "message_id", "in_reply_to", "references", "bates_begin", "bates_end", "page_count",
)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file in store/migrations, in order."""
    found = []
    for entry in resources.files("uncover.store.migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text("utf-8")))
    return sorted(found)


class SqliteStore:
    """The case database. `create` allows making a new, empty database where none exists; a case
    that already holds originals or an index never gets one silently (Case decides)."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        self.readonly = False
        check_database_file(path, create)
        try:
            if path.exists() and not writable(path):
                self.readonly = True
                self.conn = connect_readonly(path)
            else:
                self.conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            if not self.readonly:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise damaged(path, str(exc)) from exc
        if self.readonly:
            self._require_current_schema()
        else:
            self.migrate()

    def _require_current_schema(self) -> None:
        try:
            applied = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, str(exc)) from exc
        missing = [name for version, name, _ in migrations() if version not in applied]
        if missing:
            raise CaseError(
                f"{self.path} is read-only and was written by an older uncover (it lacks {', '.join(missing)}); "
                "open it once where it can be written, so it can be upgraded, then read it from anywhere."
            )

    # -- schema -------------------------------------------------------------------------------
    def migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        applied = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        known = migrations()
        newest_known = max((v for v, _, _ in known), default=0)
        if applied and max(applied) > newest_known:
            raise CaseError(
                f"The case database {self.path} was written by a newer uncover (schema {max(applied)}); upgrade uncover to open it."
            )
        for version, name, sql in known:
            if version in applied:
                continue
            with self.transaction():
                if self.conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone():
                    continue  # another process applied it while this one waited for the write lock
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name))

    def schema_version(self) -> int:
        return self.conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]

    def check_integrity(self) -> str:
        """'ok', or what SQLite's quick_check finds wrong with the file (for `uncover verify`)."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            return f"damaged: {exc}"
        return "ok" if rows == ["ok"] else "damaged: " + "; ".join(rows)

    def transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    # -- productions and ingests ----------------------------------------------------------------
    def production(self, name: str, source: str = "") -> Production:
        """The production of that name, created on first use."""
        self.conn.execute("INSERT OR IGNORE INTO productions (name, source) VALUES (?, ?)", (name, source))
        row = self.conn.execute("SELECT * FROM productions WHERE name = ?", (name,)).fetchone()
        return Production(**dict(row))

    def set_received(self, name: str, received: str) -> None:
        """Record the day a production was received (ISO date): deadlines and letters count from it."""
        self.production(name)
        self.conn.execute("UPDATE productions SET received_at = ? WHERE name = ?", (received, name))

    def productions(self) -> list[Production]:
        return [Production(**dict(r)) for r in self.conn.execute("SELECT * FROM productions ORDER BY id")]

    def begin_ingest(self, production_id: int, sources: list[str], tool_version: str, settings: dict[str, Any]) -> int:
        cur = self.conn.execute(
            "INSERT INTO ingests (production_id, started_at, tool_version, sources, settings) "
            "VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?)",
            (production_id, tool_version, json.dumps(sources), json.dumps(settings)),
        )
        return int(cur.lastrowid or 0)

    def finish_ingest(self, ingest_id: int, counts: dict[str, int]) -> None:
        self.conn.execute(
            "UPDATE ingests SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), counts = ? WHERE id = ?",
            (json.dumps(counts), ingest_id),
        )

    def ingests(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM ingests ORDER BY id")]

    # -- the manifest -----------------------------------------------------------------------------
    def add_input(self, **fields: Any) -> tuple[int, bool]:
        """Record an input before it is parsed. Returns (id, created); an existing key is kept."""
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        cur = self.conn.execute(f"INSERT OR IGNORE INTO inputs ({columns}) VALUES ({marks})", tuple(fields.values()))
        if cur.rowcount:
            return int(cur.lastrowid or 0), True
        row = self.conn.execute("SELECT id FROM inputs WHERE item_key = ?", (fields["item_key"],)).fetchone()
        return int(row[0]), False

    def input(self, input_id: int) -> InputRecord:
        row = self.conn.execute("SELECT * FROM inputs WHERE id = ?", (input_id,)).fetchone()
        return _input(row)

    def pending_inputs(self, production_id: int | None = None) -> list[InputRecord]:
        sql = "SELECT * FROM inputs WHERE state = 'pending'"
        args: tuple[Any, ...] = ()
        if production_id is not None:
            sql += " AND production_id = ?"
            args = (production_id,)
        return [_input(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def expansion_used(self, root_id: int) -> tuple[int, int]:
        """(bytes, inputs) expanded so far from the top-level input `root_id`, over every level."""
        row = self.conn.execute("SELECT COALESCE(SUM(size), 0), COUNT(*) FROM inputs WHERE root_input_id = ?",
                                (root_id,)).fetchone()
        return int(row[0]), int(row[1])

    def ancestor_hashes(self, input_id: int) -> set[str]:
        """The SHA-256 of an input and of every container above it (a member equal to one of them
        is an archive that contains itself)."""
        found: set[str] = set()
        current: int | None = input_id
        while current is not None and len(found) < 10_000:
            row = self.conn.execute("SELECT sha256, parent_input_id FROM inputs WHERE id = ?", (current,)).fetchone()
            if row is None:
                break
            found.add(row[0])
            current = row[1]
        return found

    def document_id_for_input(self, input_id: int) -> int | None:
        row = self.conn.execute("SELECT id FROM documents WHERE input_id = ?", (input_id,)).fetchone()
        return int(row[0]) if row else None

    # -- committing results ---------------------------------------------------------------------------
    def insert_document(self, doc: Document, input_id: int | None, pages: Iterable[Page], needed_ocr: Iterable[bool] = ()) -> int:
        """Insert a document and its pages. Call inside `transaction()` with the input's state change."""
        values = [getattr(doc, c) for c in DOCUMENT_COLUMNS]
        values[DOCUMENT_COLUMNS.index("kind")] = str(doc.kind)
        columns = ", ".join(f'"{c}"' for c in DOCUMENT_COLUMNS)
        cur = self.conn.execute(
            f"INSERT INTO documents (input_id, {columns}, metadata, raw_fields, warnings, html_body) "
            f"VALUES (?, {', '.join('?' for _ in DOCUMENT_COLUMNS)}, ?, ?, ?, ?)",
            (input_id, *values, json.dumps(doc.metadata, default=str), json.dumps(doc.raw_fields),
             json.dumps(doc.warnings), doc.html_body),
        )
        doc_id = int(cur.lastrowid or 0)
        if doc.family_id is None:
            self.conn.execute("UPDATE documents SET family_id = ? WHERE id = ?", (doc_id, doc_id))
        flags = list(needed_ocr)
        self.conn.executemany(
            "INSERT INTO pages (document_id, number, text, text_source, ocr_confidence, needed_ocr, bates, image_ref, ocr_flags) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc_id, p.number, p.text, str(p.text_source), p.ocr_confidence,
                 int(flags[i]) if i < len(flags) else 0, p.bates, p.image_ref, ",".join(p.ocr_flags))
                for i, p in enumerate(pages)
            ],
        )
        if input_id is not None:
            self.conn.execute("UPDATE inputs SET state = 'document' WHERE id = ?", (input_id,))
        return doc_id

    def record_issue(self, issue: ProcessingIssue, ingest_id: int | None = None, document_id: int | None = None) -> None:
        """An exception (the input becomes no document) or, with document_id, a warning on one."""
        self.conn.execute(
            "INSERT INTO processing_issues (input_id, ingest_id, document_id, path, member, stage, category, message, sha256, bates) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (issue.input_id, ingest_id, document_id, issue.path, issue.member, issue.stage, str(issue.category),
             issue.message, issue.sha256, issue.bates),
        )
        if issue.input_id is not None and document_id is None:
            self.conn.execute("UPDATE inputs SET state = 'exception' WHERE id = ?", (issue.input_id,))

    def mark_indexed(self, doc_ids: Iterable[int]) -> None:
        self.conn.executemany("UPDATE documents SET indexed = 1 WHERE id = ?", [(i,) for i in doc_ids])

    def mark_all_unindexed(self) -> None:
        self.conn.execute("UPDATE documents SET indexed = 0")

    def unindexed_document_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents WHERE indexed = 0 ORDER BY id")]

    # -- reading --------------------------------------------------------------------------------------
    def document(self, doc_id: int) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _document(row) if row else None

    def documents(self, ids: Iterable[int]) -> list[Document]:
        ids = list(ids)
        out: list[Document] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.conn.execute(f"SELECT * FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            by_id = {r["id"]: _document(r) for r in rows}
            out.extend(by_id[i] for i in chunk if i in by_id)
        return out

    def iter_documents(self, production_id: int | None = None, batch: int = 500) -> Iterator[Document]:
        """Stream every document in id order without loading the case into memory."""
        last = 0
        while True:
            sql = "SELECT * FROM documents WHERE id > ?"
            args: list[Any] = [last]
            if production_id is not None:
                sql += " AND production_id = ?"
                args.append(production_id)
            rows = self.conn.execute(sql + " ORDER BY id LIMIT ?", (*args, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _document(row)
            last = rows[-1]["id"]

    def pages(self, doc_id: int) -> list[Page]:
        rows = self.conn.execute("SELECT * FROM pages WHERE document_id = ? ORDER BY number", (doc_id,))
        return [_page(r) for r in rows]

    def children(self, doc_id: int) -> list[Document]:
        return [_document(r) for r in self.conn.execute("SELECT * FROM documents WHERE parent_id = ? ORDER BY id", (doc_id,))]

    def family(self, family_id: int) -> list[Document]:
        return [_document(r) for r in self.conn.execute("SELECT * FROM documents WHERE family_id = ? ORDER BY id", (family_id,))]

    def find_by_bates(self, bates: str) -> tuple[int, int] | None:
        """(document id, page number) for any page's Bates number, or a document's first Bates."""
        row = self.conn.execute("SELECT document_id, number FROM pages WHERE bates = ? LIMIT 1", (bates,)).fetchone()
        if row:
            return int(row[0]), int(row[1])
        row = self.conn.execute("SELECT id FROM documents WHERE bates_begin = ? LIMIT 1", (bates,)).fetchone()
        return (int(row[0]), 1) if row else None

    def issues(self, exceptions_only: bool = False) -> list[ProcessingIssue]:
        sql = "SELECT * FROM processing_issues"
        if exceptions_only:
            sql += " WHERE document_id IS NULL"
        return [_issue(r) for r in self.conn.execute(sql + " ORDER BY id")]

    def counts(self) -> dict[str, int]:
        one = lambda sql: int(self.conn.execute(sql).fetchone()[0] or 0)  # noqa: E731
        return {
            "productions": one("SELECT COUNT(*) FROM productions"),
            "inputs": one("SELECT COUNT(*) FROM inputs"),
            "inputs_pending": one("SELECT COUNT(*) FROM inputs WHERE state = 'pending'"),
            "documents": one("SELECT COUNT(*) FROM documents"),
            "documents_from_inputs": one("SELECT COUNT(*) FROM documents WHERE input_id IS NOT NULL"),
            "exceptions": one("SELECT COUNT(*) FROM inputs WHERE state = 'exception'"),
            "warnings": one("SELECT COUNT(*) FROM processing_issues WHERE document_id IS NOT NULL"),
            "pages": one("SELECT COUNT(*) FROM pages"),
            "pages_ocr": one("SELECT COUNT(*) FROM pages WHERE text_source = 'ocr'"),
            "pages_needing_ocr_without": one("SELECT COUNT(*) FROM pages WHERE needed_ocr = 1 AND text_source != 'ocr'"),
            "pages_ocr_low_confidence": one("SELECT COUNT(*) FROM pages WHERE ocr_flags LIKE '%low-confidence%'"),
            "pages_ocr_nearly_empty": one("SELECT COUNT(*) FROM pages WHERE ocr_flags LIKE '%nearly-empty%'"),
            "pages_ocr_rotated": one("SELECT COUNT(*) FROM pages WHERE ocr_flags LIKE '%rotated-%'"),
            "unindexed": one("SELECT COUNT(*) FROM documents WHERE indexed = 0"),
        }

    def production_counts(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT p.id, p.name, p.received_at, p.due_date, COUNT(DISTINCT d.id) AS documents, "
            "COALESCE(SUM(d.page_count), 0) AS pages FROM productions p LEFT JOIN documents d ON d.production_id = p.id "
            "GROUP BY p.id ORDER BY p.id"
        )
        return [dict(r) for r in rows]


class _Transaction:
    """BEGIN IMMEDIATE .. COMMIT, rolled back on any exception; nests as a no-op."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def _split_sql(sql: str) -> list[str]:
    statements, buf = [], []
    for line in sql.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if sqlite3.complete_statement("\n".join(buf)):
            statements.append("\n".join(buf).strip())
            buf = []
    if "".join(buf).strip():
        statements.append("\n".join(buf))
    return [s for s in statements if s]


def _input(row: sqlite3.Row) -> InputRecord:
    return InputRecord(**dict(row))


def _document(row: sqlite3.Row) -> Document:
    data = dict(row)
    for name in ("input_id", "indexed"):
        data.pop(name, None)
    data["kind"] = DocumentKind(data["kind"])
    data["metadata"] = json.loads(data["metadata"])
    data["raw_fields"] = json.loads(data["raw_fields"])
    data["warnings"] = json.loads(data["warnings"])
    return Document(**data)


def _page(row: sqlite3.Row) -> Page:
    data = dict(row)
    data.pop("needed_ocr", None)
    data["text_source"] = TextSource(data["text_source"])
    data["ocr_flags"] = [f for f in (data.get("ocr_flags") or "").split(",") if f]
    return Page(**data)


def _issue(row: sqlite3.Row) -> ProcessingIssue:
    data = dict(row)
    data.pop("ingest_id", None)
    data.pop("document_id", None)
    data["category"] = IssueCategory(data["category"]) if data["category"] in IssueCategory._value2member_map_ else data["category"]
    return ProcessingIssue(**data)
