"""SQL for the publication tables (migrations 0006 and 0014). Validation lives in uncover.publish.publication."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass
class PublicationRow:
    id: int
    name: str
    title: str
    introduction: str
    guide: str
    base_url: str
    created_at: str
    updated_at: str


@dataclass
class FrozenSearch:
    id: int
    publication_id: int
    query: str
    frozen_at: str
    matched: int


def create(conn: sqlite3.Connection, name: str, title: str, introduction: str, guide: str, base_url: str) -> int:
    cur = conn.execute(
        "INSERT INTO publications (name, title, introduction, guide, base_url) VALUES (?, ?, ?, ?, ?)",
        (name, title, introduction, guide, base_url),
    )
    return int(cur.lastrowid or 0)


def by_name(conn: sqlite3.Connection, name: str) -> PublicationRow | None:
    row = conn.execute("SELECT * FROM publications WHERE name = ?", (name,)).fetchone()
    return PublicationRow(**dict(row)) if row else None


def all_publications(conn: sqlite3.Connection) -> list[PublicationRow]:
    return [PublicationRow(**dict(r)) for r in conn.execute("SELECT * FROM publications ORDER BY name")]


def update(conn: sqlite3.Connection, publication_id: int, **fields: str) -> None:
    allowed = {"title", "introduction", "guide", "base_url"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"only {sorted(allowed)} can be updated")
    sets = ", ".join(f"{k} = ?" for k in fields)
    conn.execute(
        f"UPDATE publications SET {sets}, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
        (*fields.values(), publication_id),
    )


def delete(conn: sqlite3.Connection, publication_id: int) -> None:
    conn.execute("DELETE FROM publications WHERE id = ?", (publication_id,))


def add_documents(conn: sqlite3.Connection, publication_id: int, doc_ids: Iterable[int], search_id: int | None = None) -> int:
    cur = conn.executemany(
        "INSERT OR IGNORE INTO publication_documents (publication_id, document_id, search_id) VALUES (?, ?, ?)",
        [(publication_id, d, search_id) for d in doc_ids],
    )
    return cur.rowcount


def remove_documents(conn: sqlite3.Connection, publication_id: int, doc_ids: Iterable[int]) -> int:
    cur = conn.executemany(
        "DELETE FROM publication_documents WHERE publication_id = ? AND document_id = ?",
        [(publication_id, d) for d in doc_ids],
    )
    return cur.rowcount


def document_ids(conn: sqlite3.Connection, publication_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT document_id FROM publication_documents WHERE publication_id = ? ORDER BY document_id", (publication_id,)
    )
    return [int(r[0]) for r in rows]


def freeze_search(conn: sqlite3.Connection, publication_id: int, query: str, doc_ids: list[int]) -> FrozenSearch:
    cur = conn.execute(
        "INSERT INTO publication_searches (publication_id, query, matched) VALUES (?, ?, ?)",
        (publication_id, query, len(doc_ids)),
    )
    search_id = int(cur.lastrowid or 0)
    add_documents(conn, publication_id, doc_ids, search_id)
    row = conn.execute("SELECT * FROM publication_searches WHERE id = ?", (search_id,)).fetchone()
    return FrozenSearch(**dict(row))


def frozen_searches(conn: sqlite3.Connection, publication_id: int) -> list[FrozenSearch]:
    rows = conn.execute("SELECT * FROM publication_searches WHERE publication_id = ? ORDER BY id", (publication_id,))
    return [FrozenSearch(**dict(r)) for r in rows]


def record_build(conn: sqlite3.Connection, publication_id: int, **figures: Any) -> int:
    cur = conn.execute(
        "INSERT INTO publication_builds (publication_id, documents, pages, files, bytes, manifest_sha256, leaks) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (publication_id, figures["documents"], figures["pages"], figures["files"], figures["bytes"],
         figures["manifest_sha256"], figures.get("leaks")),
    )
    return int(cur.lastrowid or 0)


def builds(conn: sqlite3.Connection, publication_id: int) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT * FROM publication_builds WHERE publication_id = ? ORDER BY id DESC", (publication_id,))
    return [dict(r) for r in rows]


@dataclass
class PrivacyRow:
    shown: str
    keep: str


def privacy(conn: sqlite3.Connection, publication_id: int) -> PrivacyRow:
    row = conn.execute("SELECT shown, keep FROM publication_privacy WHERE publication_id = ?", (publication_id,)).fetchone()
    return PrivacyRow(row["shown"], row["keep"]) if row else PrivacyRow("", "")


def set_privacy(conn: sqlite3.Connection, publication_id: int, shown: str, keep: str) -> None:
    conn.execute("DELETE FROM publication_privacy WHERE publication_id = ?", (publication_id,))
    conn.execute("INSERT INTO publication_privacy (publication_id, shown, keep) VALUES (?, ?, ?)", (publication_id, shown, keep))


@dataclass
class AcceptedFinding:
    id: int
    publication_id: int
    fingerprint: str
    source: str
    evidence: str
    reason: str
    accepted_by: str
    accepted_at: str


def accept_finding(conn: sqlite3.Connection, publication_id: int, fingerprint: str, source: str, evidence: str,
                   reason: str, accepted_by: str = "") -> None:
    conn.execute("DELETE FROM publication_accepted_findings WHERE publication_id = ? AND fingerprint = ?",
                 (publication_id, fingerprint))
    conn.execute(
        "INSERT INTO publication_accepted_findings (publication_id, fingerprint, source, evidence, reason, accepted_by) "
        "VALUES (?, ?, ?, ?, ?, ?)", (publication_id, fingerprint, source, evidence, reason, accepted_by))


def revoke_finding(conn: sqlite3.Connection, publication_id: int, fingerprint: str) -> int:
    cur = conn.execute("DELETE FROM publication_accepted_findings WHERE publication_id = ? AND fingerprint = ?",
                       (publication_id, fingerprint))
    return cur.rowcount


def accepted_findings(conn: sqlite3.Connection, publication_id: int) -> list[AcceptedFinding]:
    rows = conn.execute("SELECT * FROM publication_accepted_findings WHERE publication_id = ? ORDER BY id", (publication_id,))
    return [AcceptedFinding(**dict(r)) for r in rows]
