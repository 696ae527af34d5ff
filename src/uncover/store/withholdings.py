"""SQL for the withholdings tables (migration 0003): marks, redactions, notices, release status.

Results are derived data: `replace_document` deletes a document's earlier results and writes the
new ones in one transaction, so `uncover analyze` can run any number of times.

Importing this module also registers the search fields `exemption:`, `release:`, `redacted:`,
`unboxed:`, `failed-redaction:` and `withheld-full:` when the search package is present.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import QueryError
from ..model import ExemptionMark, Redaction

if TYPE_CHECKING:
    from ..analyze.deleted_pages import DeletedPageSheet


@dataclass
class ReleaseRow:
    document_id: int
    status: str
    codes: list[str]
    pages_withheld: int
    pages_redacted: int


@dataclass
class NoticeRow:
    document_id: int
    page: int
    kind: str
    text: str
    start: int
    end: int


def replace_document(conn: sqlite3.Connection, document_id: int, marks: Iterable[ExemptionMark],
                     redactions: Iterable[Redaction], notices: Iterable[NoticeRow], release: ReleaseRow) -> None:
    """Replace every withholdings result of one document. Call inside `store.transaction()`."""
    for table in ("exemption_marks", "redactions", "page_notices", "document_release"):
        conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))
    conn.executemany(
        "INSERT INTO exemption_marks (document_id, page, code, qualifier, text, start_offset, end_offset, confidence, x0, y0, x1, y1) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(document_id, m.page, m.code, m.qualifier, m.text, m.start, m.end, m.confidence, *(m.bbox or (None,) * 4))
         for m in marks],
    )
    conn.executemany(
        "INSERT INTO redactions (document_id, page, x0, y0, x1, y1, area, source, failed, recoverable_chars, label, style) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(document_id, r.page, *r.bbox, r.area, r.source, int(r.failed), r.recoverable_chars, r.label, r.style)
         for r in redactions],
    )
    conn.executemany(
        "INSERT INTO page_notices (document_id, page, kind, text, start_offset, end_offset) VALUES (?, ?, ?, ?, ?, ?)",
        [(document_id, n.page, n.kind, n.text, n.start, n.end) for n in notices],
    )
    conn.execute(
        "INSERT INTO document_release (document_id, status, codes, pages_withheld, pages_redacted) VALUES (?, ?, ?, ?, ?)",
        (document_id, release.status, ",".join(sorted(release.codes)), release.pages_withheld, release.pages_redacted),
    )


def replace_withheld_pages(conn: sqlite3.Connection, document_id: int, sheets: Iterable[DeletedPageSheet]) -> None:
    """Replace a document's deleted page sheets and the withheld pages they list."""
    conn.execute("DELETE FROM withheld_pages WHERE document_id = ?", (document_id,))
    conn.execute("DELETE FROM deleted_page_sheets WHERE document_id = ?", (document_id,))
    for sheet in sheets:
        cur = conn.execute(
            "INSERT INTO deleted_page_sheets (document_id, first_page, last_page, printed_total, listed) VALUES (?, ?, ?, ?, ?)",
            (document_id, sheet.first_page, sheet.last_page, sheet.printed_total, len(sheet.entries)))
        conn.executemany(
            "INSERT INTO withheld_pages (document_id, sheet_id, sheet_page, label, codes, reasons, duplicate, referral, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(document_id, cur.lastrowid, e.sheet_page, e.label, "," + "".join(f"{c}," for c in e.codes),
              "; ".join(e.reasons), int(e.duplicate), e.referral, e.text) for e in sheet.entries])


@dataclass
class WithheldPageRow:
    """A page withheld in full, as a deleted page sheet lists it (for reports and the web view)."""

    document_id: int
    sheet_page: int
    label: str
    codes: list[str]
    reasons: str
    duplicate: bool
    referral: str | None


@dataclass
class SheetRow:
    document_id: int
    first_page: int
    last_page: int
    printed_total: int | None
    listed: int

    @property
    def total_agrees(self) -> bool | None:
        return None if self.printed_total is None else self.printed_total == self.listed


def withheld_pages(conn: sqlite3.Connection, document_id: int | None = None) -> list[WithheldPageRow]:
    """Pages withheld in full, in sheet order: one document's, or the whole case's."""
    sql, args = "SELECT * FROM withheld_pages", ()
    if document_id is not None:
        sql, args = sql + " WHERE document_id = ?", (document_id,)
    return [WithheldPageRow(r["document_id"], r["sheet_page"], r["label"], [c for c in r["codes"].split(",") if c],
                            r["reasons"], bool(r["duplicate"]), r["referral"])
            for r in conn.execute(sql + " ORDER BY document_id, id", args)]


def deleted_page_sheets(conn: sqlite3.Connection, document_id: int | None = None) -> list[SheetRow]:
    """Each sheet with its printed total beside the entries read (a difference is worth a look)."""
    sql, args = "SELECT * FROM deleted_page_sheets", ()
    if document_id is not None:
        sql, args = sql + " WHERE document_id = ?", (document_id,)
    return [SheetRow(r["document_id"], r["first_page"], r["last_page"], r["printed_total"], r["listed"])
            for r in conn.execute(sql + " ORDER BY document_id, first_page", args)]


def withheld_page_counts(conn: sqlite3.Connection, document_id: int | None = None) -> dict[str, int]:
    """Pages withheld in full per exemption code, and per `duplicate` / `referral`, sorted by code
    (a page withheld under b6 and b7C counts once under each)."""
    counts: dict[str, int] = {}
    for row in withheld_pages(conn, document_id):
        for key in [*row.codes, *(["duplicate"] if row.duplicate else []), *(["referral"] if row.referral else [])]:
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (kv[0][0] != "b", kv[0])))


def marks(conn: sqlite3.Connection, document_id: int) -> list[ExemptionMark]:
    rows = conn.execute("SELECT * FROM exemption_marks WHERE document_id = ? ORDER BY page, start_offset", (document_id,))
    return [
        ExemptionMark(r["document_id"], r["page"], r["code"], r["qualifier"], r["text"], r["start_offset"], r["end_offset"],
                      r["confidence"], (r["x0"], r["y0"], r["x1"], r["y1"]) if r["x0"] is not None else None)
        for r in rows
    ]


def redactions(conn: sqlite3.Connection, document_id: int | None = None, failed_only: bool = False) -> list[Redaction]:
    """Redaction boxes (of one document or all), by page and position, each with its style and
    the exemption code printed beside it when one was read."""
    sql, args = "SELECT * FROM redactions WHERE 1 = 1", []
    if document_id is not None:
        sql += " AND document_id = ?"
        args.append(document_id)
    if failed_only:
        sql += " AND failed = 1"
    rows = conn.execute(sql + " ORDER BY document_id, page, y0, x0", args)
    return [Redaction(r["document_id"], r["page"], (r["x0"], r["y0"], r["x1"], r["y1"]), r["area"], r["source"],
                      bool(r["failed"]), r["recoverable_chars"], r["label"], r["style"]) for r in rows]


def box_counts(conn: sqlite3.Connection, document_id: int) -> dict[int, int]:
    """Redaction boxes per page of a document (pages without boxes left out)."""
    rows = conn.execute("SELECT page, COUNT(*) FROM redactions WHERE document_id = ? GROUP BY page ORDER BY page",
                        (document_id,))
    return {r[0]: r[1] for r in rows}


def notices(conn: sqlite3.Connection, document_id: int) -> list[NoticeRow]:
    rows = conn.execute("SELECT * FROM page_notices WHERE document_id = ? ORDER BY page, start_offset", (document_id,))
    return [NoticeRow(r["document_id"], r["page"], r["kind"], r["text"], r["start_offset"], r["end_offset"]) for r in rows]


def release(conn: sqlite3.Connection, document_id: int) -> ReleaseRow | None:
    r = conn.execute("SELECT * FROM document_release WHERE document_id = ?", (document_id,)).fetchone()
    if not r:
        return None
    return ReleaseRow(r["document_id"], r["status"], [c for c in r["codes"].split(",") if c], r["pages_withheld"], r["pages_redacted"])


def releases(conn: sqlite3.Connection) -> dict[int, ReleaseRow]:
    return {
        r["document_id"]: ReleaseRow(r["document_id"], r["status"], [c for c in r["codes"].split(",") if c],
                                     r["pages_withheld"], r["pages_redacted"])
        for r in conn.execute("SELECT * FROM document_release")
    }


def code_counts(conn: sqlite3.Connection, document_id: int) -> dict[str, int]:
    """Claimed codes of a document with how many marks carry each."""
    rows = conn.execute(
        "SELECT code, COUNT(*) FROM exemption_marks WHERE document_id = ? AND confidence >= 0.5 GROUP BY code ORDER BY code",
        (document_id,),
    )
    return {r[0]: r[1] for r in rows}


# -- search filters: (conn, value) -> set of document ids --------------------------------------------

EXEMPTION_SQL = "SELECT DISTINCT document_id FROM exemption_marks WHERE confidence >= 0.5 AND (code = ? OR code LIKE ? || '_')"
RELEASE_SQL = "SELECT document_id FROM document_release WHERE status = ?"
REDACTED_SQL = "SELECT DISTINCT document_id FROM redactions"
NOT_REDACTED_SQL = "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM redactions)"
# Released in part, yet no box seen: the withheld text was cut without a box, or the box was missed.
UNBOXED_SQL = "SELECT document_id FROM document_release WHERE status = 'part' AND document_id NOT IN (SELECT document_id FROM redactions)"
BOXED_PART_SQL = "SELECT document_id FROM document_release WHERE status = 'part' AND document_id IN (SELECT document_id FROM redactions)"
FAILED_SQL = "SELECT DISTINCT document_id FROM redactions WHERE failed = 1"
WITHHELD_FULL_SQL = {
    "yes": "SELECT DISTINCT document_id FROM withheld_pages",
    "no": "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM withheld_pages)",
    "duplicate": "SELECT DISTINCT document_id FROM withheld_pages WHERE duplicate = 1",
    "referral": "SELECT DISTINCT document_id FROM withheld_pages WHERE referral IS NOT NULL",
}
WITHHELD_FULL_CODE_SQL = "SELECT DISTINCT document_id FROM withheld_pages WHERE codes LIKE ?"
NOT_FAILED_SQL = "SELECT id FROM documents WHERE id NOT IN (SELECT document_id FROM redactions WHERE failed = 1)"

_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n"}


def _code_value(value: str) -> str:
    code = value.lower().replace("(", "").replace(")", "").replace(" ", "")
    if not code or code[0] not in "bc" or not code[1:2].isdigit():
        raise QueryError(f"exemption:{value} is not an exemption code; write it like exemption:b6 or exemption:b7c.")
    return code


def _yes_no(name: str, value: str) -> bool:
    v = value.lower()
    if v in _YES:
        return True
    if v in _NO:
        return False
    raise QueryError(f"{name}:{value} must be yes or no, e.g. {name}:yes.")


def _release_value(value: str) -> str:
    v = value.lower()
    if v not in {"full", "part", "withheld", "unknown"}:
        raise QueryError(f"release:{value} must be full, part, withheld or unknown, e.g. release:part.")
    return v


def exemption_ids(conn: sqlite3.Connection, value: str) -> set[int]:
    """`exemption:b7` matches b7 and b7a..b7f; `exemption:b7c` only b7c."""
    code = _code_value(value)
    return {r[0] for r in conn.execute(EXEMPTION_SQL, (code, code))}


def release_ids(conn: sqlite3.Connection, value: str) -> set[int]:
    return {r[0] for r in conn.execute(RELEASE_SQL, (_release_value(value),))}


def redacted_ids(conn: sqlite3.Connection, value: str) -> set[int]:
    return {r[0] for r in conn.execute(REDACTED_SQL if _yes_no("redacted", value) else NOT_REDACTED_SQL)}


def unboxed_ids(conn: sqlite3.Connection, value: str) -> set[int]:
    return {r[0] for r in conn.execute(UNBOXED_SQL if _yes_no("unboxed", value) else BOXED_PART_SQL)}


def failed_redaction_ids(conn: sqlite3.Connection, value: str) -> set[int]:
    return {r[0] for r in conn.execute(FAILED_SQL if _yes_no("failed-redaction", value) else NOT_FAILED_SQL)}


def _withheld_full(value: str) -> tuple[str, tuple[str, ...]]:
    """`withheld-full:b6` (b7 includes b7a..b7f), `:yes`, `:no`, `:duplicate`, `:referral`."""
    v = value.lower()
    key = "yes" if v in _YES else "no" if v in _NO else v
    if key in WITHHELD_FULL_SQL:
        return WITHHELD_FULL_SQL[key], ()
    code = _code_value(value)
    return WITHHELD_FULL_CODE_SQL, (f"%,{code}%" if len(code) == 2 else f"%,{code},%",)


def withheld_full_ids(conn: sqlite3.Connection, value: str) -> set[int]:
    sql, args = _withheld_full(value)
    return {r[0] for r in conn.execute(sql, args)}


def register_search_fields() -> bool:
    """Add the withholdings fields to search/filters.py's registry; False when search is not there."""
    try:
        from ..search.filters import SqlFilter, register_field
    except ImportError:
        return False

    def exemption(f):  # type: ignore[no-untyped-def]
        code = _code_value(f.value)
        return SqlFilter(EXEMPTION_SQL, (code, code))

    register_field("exemption", exemption, description="documents claiming an exemption code (b7 includes b7a..b7f)",
                   example="exemption:b6")
    register_field("release", lambda f: SqlFilter(RELEASE_SQL, (_release_value(f.value),)),
                   description="release status: full, part, withheld, unknown", example="release:part")
    register_field("redacted", lambda f: SqlFilter(REDACTED_SQL if _yes_no("redacted", f.value) else NOT_REDACTED_SQL),
                   description="documents with (or without) redaction boxes", example="redacted:yes")
    register_field("unboxed", lambda f: SqlFilter(UNBOXED_SQL if _yes_no("unboxed", f.value) else BOXED_PART_SQL),
                   description="documents released in part with no redaction box on any page (yes), or with boxes (no)",
                   example="unboxed:yes")
    register_field("failed-redaction",
                   lambda f: SqlFilter(FAILED_SQL if _yes_no("failed-redaction", f.value) else NOT_FAILED_SQL),
                   description="documents with text still readable under a redaction box", example="failed-redaction:yes")
    register_field("withheld-full", lambda f: SqlFilter(*_withheld_full(f.value)),
                   description="documents whose deleted page sheets list pages withheld in full: by code, duplicate, "
                               "referral, yes or no", example="withheld-full:b7e")
    return True


register_search_fields()
