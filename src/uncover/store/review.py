"""SQL for the review tables (migration 0005): tags, notes, annotations, saved searches, users, audit.

Plain functions over a connection, so the web app (one connection per worker thread) and the CLI
share them without sharing a connection. Validation lives one level up, in uncover.review.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass
class Note:
    id: int
    document_id: int
    page: int | None
    author: str
    text: str
    created_at: str


@dataclass
class Annotation:
    id: int
    document_id: int
    page: int
    x: float
    y: float
    w: float
    h: float
    text: str
    public: bool
    author: str
    created_at: str


@dataclass
class SavedSearch:
    id: int
    name: str
    query: str
    sort: str
    owner: str
    created_at: str


@dataclass
class User:
    id: int
    name: str
    password_hash: str
    role: str
    created_at: str = ""


def tag_id(conn: sqlite3.Connection, name: str) -> int:
    """The id of a tag, created on first use."""
    conn.execute("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
    return int(conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0])


def tag_documents(conn: sqlite3.Connection, tag: str, doc_ids: Iterable[int], actor: str) -> int:
    """Tag documents; returns how many were newly tagged (already tagged ones are left as they are)."""
    tid = tag_id(conn, tag)
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO document_tags (document_id, tag_id, tagged_by) SELECT id, ?, ? FROM documents WHERE id = ?",
        [(tid, actor, d) for d in doc_ids],
    )
    return conn.total_changes - before


def untag_document(conn: sqlite3.Connection, tag: str, doc_id: int) -> bool:
    cur = conn.execute(
        "DELETE FROM document_tags WHERE document_id = ? AND tag_id = (SELECT id FROM tags WHERE name = ?)", (doc_id, tag)
    )
    return cur.rowcount > 0


def document_tags(conn: sqlite3.Connection, doc_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id WHERE dt.document_id = ? ORDER BY t.name", (doc_id,)
    )
    return [r[0] for r in rows]


def tags_by_document(conn: sqlite3.Connection, doc_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(doc_ids)
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            f"SELECT dt.document_id, t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id "
            f"WHERE dt.document_id IN ({','.join('?' * len(chunk))}) ORDER BY t.name", chunk,
        )
        for doc_id, name in rows:
            out.setdefault(int(doc_id), []).append(name)
    return out


def all_tags(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every tag with its document count, the built-in ones first."""
    rows = conn.execute(
        "SELECT t.name, COUNT(dt.document_id) FROM tags t LEFT JOIN document_tags dt ON dt.tag_id = t.id "
        "GROUP BY t.id ORDER BY t.id"
    )
    return [(r[0], int(r[1])) for r in rows]


def add_note(conn: sqlite3.Connection, doc_id: int, author: str, text: str, page: int | None) -> int:
    cur = conn.execute("INSERT INTO notes (document_id, page, author, text) VALUES (?, ?, ?, ?)", (doc_id, page, author, text))
    return int(cur.lastrowid or 0)


def notes(conn: sqlite3.Connection, doc_id: int) -> list[Note]:
    rows = conn.execute("SELECT id, document_id, page, author, text, created_at FROM notes WHERE document_id = ? ORDER BY id", (doc_id,))
    return [Note(**dict(r)) for r in rows]


def add_annotation(conn: sqlite3.Connection, doc_id: int, page: int, box: tuple[float, float, float, float],
                   text: str, public: bool, author: str) -> int:
    cur = conn.execute(
        "INSERT INTO annotations (document_id, page, x, y, w, h, text, public, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (doc_id, page, *box, text, int(public), author),
    )
    return int(cur.lastrowid or 0)


def annotations(conn: sqlite3.Connection, doc_id: int, page: int | None = None, public_only: bool = False) -> list[Annotation]:
    sql = "SELECT id, document_id, page, x, y, w, h, text, public, author, created_at FROM annotations WHERE document_id = ?"
    args: list[Any] = [doc_id]
    if page is not None:
        sql += " AND page = ?"
        args.append(page)
    if public_only:
        sql += " AND public = 1"
    return [Annotation(**{**dict(r), "public": bool(r["public"])}) for r in conn.execute(sql + " ORDER BY page, id", args)]


def delete_annotation(conn: sqlite3.Connection, annotation_id: int, doc_id: int) -> bool:
    return conn.execute("DELETE FROM annotations WHERE id = ? AND document_id = ?", (annotation_id, doc_id)).rowcount > 0


def save_search(conn: sqlite3.Connection, owner: str, name: str, query: str, sort: str) -> int:
    conn.execute(
        "INSERT INTO saved_searches (name, query, sort, owner) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (owner, name) DO UPDATE SET query = excluded.query, sort = excluded.sort",
        (name, query, sort, owner),
    )
    return int(conn.execute("SELECT id FROM saved_searches WHERE owner = ? AND name = ?", (owner, name)).fetchone()[0])


def saved_searches(conn: sqlite3.Connection, owner: str) -> list[SavedSearch]:
    rows = conn.execute("SELECT id, name, query, sort, owner, created_at FROM saved_searches WHERE owner = ? ORDER BY name", (owner,))
    return [SavedSearch(**dict(r)) for r in rows]


def delete_saved_search(conn: sqlite3.Connection, owner: str, search_id: int) -> bool:
    return conn.execute("DELETE FROM saved_searches WHERE id = ? AND owner = ?", (search_id, owner)).rowcount > 0


def audit(conn: sqlite3.Connection, actor: str, action: str, document_id: int | None = None, **detail: Any) -> None:
    conn.execute(
        "INSERT INTO review_audit (actor, action, document_id, detail) VALUES (?, ?, ?, ?)",
        (actor, action, document_id, json.dumps(detail, default=str)),
    )


def audit_log(conn: sqlite3.Connection, document_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    sql, args = "SELECT * FROM review_audit", []
    if document_id is not None:
        sql += " WHERE document_id = ?"
        args.append(document_id)
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))
    return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]


# -- users and sessions ----------------------------------------------------------------------------
def upsert_user(conn: sqlite3.Connection, name: str, password_hash: str, role: str) -> int:
    conn.execute(
        "INSERT INTO users (name, password_hash, role) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role",
        (name, password_hash, role),
    )
    return int(conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()[0])


def user_by_name(conn: sqlite3.Connection, name: str) -> User | None:
    row = conn.execute("SELECT id, name, password_hash, role, created_at FROM users WHERE name = ?", (name,)).fetchone()
    return User(**dict(row)) if row else None


def user_by_id(conn: sqlite3.Connection, user_id: int) -> User | None:
    row = conn.execute("SELECT id, name, password_hash, role, created_at FROM users WHERE id = ?", (user_id,)).fetchone()
    return User(**dict(row)) if row else None


def users(conn: sqlite3.Connection) -> list[User]:
    return [User(**dict(r)) for r in conn.execute("SELECT id, name, password_hash, role, created_at FROM users ORDER BY name")]


def set_password_hash(conn: sqlite3.Connection, user_id: int, password_hash: str) -> None:
    conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))


def create_session(conn: sqlite3.Connection, token_hash: str, user_id: int | None, csrf: str, expires_at: str) -> None:
    conn.execute("INSERT INTO sessions (token_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)", (token_hash, user_id, csrf, expires_at))


def session(conn: sqlite3.Connection, token_hash: str, now: str) -> tuple[int | None, str] | None:
    """(user id, csrf token) of a live session."""
    row = conn.execute("SELECT user_id, csrf FROM sessions WHERE token_hash = ? AND expires_at > ?", (token_hash, now)).fetchone()
    return (row[0], row[1]) if row else None


def delete_session(conn: sqlite3.Connection, token_hash: str) -> None:
    conn.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))


def purge_sessions(conn: sqlite3.Connection, now: str) -> None:
    conn.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
