"""SQL for migration 0011: recovered fields with their provenance, message segments, readings.

Derived data: `replace_reading` deletes a document's earlier reading and writes the new one, so
`uncover analyze` can run any number of times. Importing this module registers the `own:`
search field (words in the author's own text, not in what the message quotes).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..analyze.messages import MessageReading

OWN_TEXT_SQL = ("SELECT document_id, own_text FROM message_segments WHERE kind = 'own' AND own_text IS NOT NULL "
                "AND document_id IN ({marks}) ORDER BY document_id, position")
QUOTING_SQL = "SELECT document_id FROM message_reading WHERE quoted > 0"


def replace_reading(conn: sqlite3.Connection, document_id: int, reading: MessageReading, version: int) -> None:
    """Replace one document's derived fields, segments and reading. Call inside a transaction."""
    for table in ("derived_fields", "message_segments", "message_reading"):
        conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))
    conn.executemany(
        "INSERT INTO derived_fields (document_id, field, value, source, page, confidence, applied, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(document_id, d.field, d.value, d.source, d.page, d.confidence, int(d.applied), d.note) for d in reading.derived],
    )
    keep_own = reading.own is not None
    conn.executemany(
        "INSERT INTO message_segments (document_id, position, kind, depth, start_offset, end_offset, page, style, sender, "
        "recipients, cc, subject, date, date_printed, own_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(document_id, s.position, s.kind, s.depth, s.start, s.end, s.page, s.style, s.sender, s.recipients, s.cc,
          s.subject, s.date, s.date_printed, None) for s in reading.segments],
    )
    if keep_own:
        first_own = next((s.position for s in reading.segments if s.kind == "own"), None)
        if first_own is not None:  # the whole own text on the first own row: what `own:` searches
            conn.execute("UPDATE message_segments SET own_text = ? WHERE document_id = ? AND position = ?",
                         (reading.own, document_id, first_own))
    conn.execute("INSERT INTO message_reading (document_id, version, header, quoted, warnings) VALUES (?, ?, ?, ?, ?)",
                 (document_id, version, reading.header, reading.quoted, json.dumps(reading.warnings)))


def applied_values(conn: sqlite3.Connection, doc_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """document id -> {column: value} a printed header put into its columns."""
    from ..analyze.messages import COLUMNS

    ids = list(doc_ids)
    out: dict[int, dict[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(
            f"SELECT document_id, field, value FROM derived_fields WHERE applied = 1 AND document_id IN ({','.join('?' * len(chunk))})",
            chunk)
        for doc_id, name, value in rows:
            if name in COLUMNS:
                out.setdefault(doc_id, {})[COLUMNS[name]] = value
    return out


def derived_fields(conn: sqlite3.Connection, document_id: int) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT field, value, source, page, confidence, applied, note FROM derived_fields "
                        "WHERE document_id = ? ORDER BY rowid", (document_id,))
    return [dict(r) | {"applied": bool(r["applied"])} for r in rows]


def segments(conn: sqlite3.Connection, document_id: int) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT position, kind, depth, start_offset, end_offset, page, style, sender, recipients, cc, "
                        "subject, date, date_printed FROM message_segments WHERE document_id = ? ORDER BY position",
                        (document_id,))
    return [dict(r) for r in rows]


def read_ids(conn: sqlite3.Connection) -> set[int]:
    return {r[0] for r in conn.execute("SELECT document_id FROM message_reading")}


def own_texts(conn: sqlite3.Connection, doc_ids: list[int]) -> dict[int, str]:
    """document id -> its own text, for the documents among these that quote earlier messages."""
    out: dict[int, list[str]] = {}
    for start in range(0, len(doc_ids), 500):
        chunk = doc_ids[start : start + 500]
        for doc_id, text in conn.execute(OWN_TEXT_SQL.format(marks=",".join("?" * len(chunk))), chunk):
            out.setdefault(doc_id, []).append(text)
    return {k: "\n".join(v) for k, v in out.items()}


def register_search_fields() -> bool:
    """`own:` words in the author's own text: a quoting document's own segments, or the whole
    text of a document that quotes nothing."""
    try:
        from ..search.filters import SqlFilter, register_field, value_tokens
    except ImportError:
        return False

    def own(f):  # type: ignore[no-untyped-def]
        toks, prefix = value_tokens(f)
        args = (" ".join(toks), int(prefix))
        return SqlFilter(
            "SELECT document_id FROM message_segments WHERE own_text IS NOT NULL AND uncover_words(own_text, ?, ?) "
            f"UNION SELECT document_id FROM pages WHERE document_id NOT IN ({QUOTING_SQL}) "
            "GROUP BY document_id HAVING uncover_words(group_concat(text, char(10)), ?, ?)", args + args)

    register_field("own", own, description="words the author wrote, not words quoted from earlier messages",
                   example="own:benghazi", indexed=True)
    return True


register_search_fields()
