"""Review actions shared by the web workspace and the CLI: tags, notes, annotations, saved searches.

Every action checks its input with a plain-language error, writes in one transaction and leaves a
line in the review audit (who, what, when), so a team can answer "who marked this privileged?".

Importing this module registers the `tag:` search field (`tag:hot`, `tag:priv*`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import InputError, QueryError
from .search.filters import SqlFilter, fold, glob_regex, register_field
from .store import review as sql

if TYPE_CHECKING:
    from .case import Case
    from .search.query import Field

BUILTIN_TAGS = ("hot", "responsive", "privileged")
ROLES = ("admin", "reviewer", "viewer")
_TAG_RE = re.compile(r"^[a-z0-9][a-z0-9 _.-]{0,39}$")
MAX_NOTE = 20_000


def clean_tag(name: str) -> str:
    """Tags compare case-insensitively: `Hot` and `hot ` are the same tag."""
    tag = " ".join((name or "").split()).lower()
    if not _TAG_RE.match(tag):
        raise InputError(
            f"{name!r} is not a usable tag name: use 1 to 40 letters, digits, spaces, '-', '_' or '.', "
            "starting with a letter or digit. For example: hot, needs-review"
        )
    return tag


def _check_document(case: Case, doc_id: int) -> None:
    if case.store.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is None:
        raise InputError(f"There is no document {doc_id} in this case.")


def record_receipt(case: Case, production: str, received: str, actor: str) -> str:
    """The day a production was received, as YYYY-MM-DD, recorded and audited; the ISO date back."""
    from .errors import InputError
    from .ingest.pipeline import received_date

    names = [p.name for p in case.store.productions()]
    if production not in names:
        raise InputError(f"No production named {production!r} in {case.root}; productions: "
                         f"{', '.join(names) or 'none yet'}.")
    day = received_date(received)
    with case.store.transaction() as conn:
        case.store.set_received(production, day)
        sql.audit(conn, actor, "received", None, production=production, received=day)
    return day


def add_tag(case: Case, doc_id: int, tag: str, actor: str) -> bool:
    """Tag one document; False when it already had the tag."""
    tag = clean_tag(tag)
    _check_document(case, doc_id)
    with case.store.transaction() as conn:
        added = sql.tag_documents(conn, tag, [doc_id], actor) > 0
        if added:
            sql.audit(conn, actor, "tag", doc_id, tag=tag)
    return added


def remove_tag(case: Case, doc_id: int, tag: str, actor: str) -> bool:
    tag = clean_tag(tag)
    with case.store.transaction() as conn:
        removed = sql.untag_document(conn, tag, doc_id)
        if removed:
            sql.audit(conn, actor, "untag", doc_id, tag=tag)
    return removed


@dataclass
class BulkResult:
    query: str
    tag: str
    matched: int
    newly_tagged: int


def bulk_tag(case: Case, query: str, tag: str, actor: str) -> BulkResult:
    """Tag every document matching a search query (the whole result, not one page of it)."""
    from .search import matching_ids

    tag = clean_tag(tag)
    ids = sorted(matching_ids(case, query or "*"))
    with case.store.transaction() as conn:
        added = sql.tag_documents(conn, tag, ids, actor)
        sql.audit(conn, actor, "bulk-tag", None, tag=tag, query=query, matched=len(ids), added=added)
    return BulkResult(query, tag, len(ids), added)


CODING_ACTIONS = ("tag", "untag", "note")


@dataclass
class CodingResult:
    action: str
    value: str
    selected: int  # documents chosen
    changed: int  # documents newly tagged, untagged, or given the note


def code_documents(case: Case, doc_ids: list[int], action: str, value: str, actor: str) -> CodingResult:
    """Tag, untag or note the chosen documents (a reviewer's selection, or a whole result) in one
    transaction, each change in the audit: bulk coding answers "who marked this?" as one at a time does."""
    if action not in CODING_ACTIONS:
        raise InputError(f"{action!r} is not a coding action; choose one of {', '.join(CODING_ACTIONS)}.")
    ids = sorted({int(d) for d in doc_ids})
    if not ids:
        raise InputError("Choose at least one document first.")
    known = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known |= {int(r[0]) for r in case.store.conn.execute(
            f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk)}
    missing = [d for d in ids if d not in known]
    if missing:
        raise InputError(f"There is no document {missing[0]} in this case.")
    if action == "note":
        text = (value or "").strip()
        if not text:
            raise InputError("A note needs some text.")
        if len(text) > MAX_NOTE:
            raise InputError(f"A note can hold at most {MAX_NOTE:,} characters; split it in two.")
        with case.store.transaction() as conn:
            for d in ids:
                note_id = sql.add_note(conn, d, actor, text, None)
                sql.audit(conn, actor, "note", d, note_id=note_id, bulk=len(ids))
        return CodingResult(action, text, len(ids), len(ids))
    tag = clean_tag(value)
    with case.store.transaction() as conn:
        if action == "tag":
            changed = sql.tag_documents(conn, tag, ids, actor)
            sql.audit(conn, actor, "bulk-tag", None, tag=tag, selected=len(ids), added=changed)
        else:
            changed = 0
            for d in ids:
                if sql.untag_document(conn, tag, d):
                    changed += 1
                    sql.audit(conn, actor, "untag", d, tag=tag, bulk=len(ids))
    return CodingResult(action, tag, len(ids), changed)


def tags(case: Case, doc_id: int) -> list[str]:
    return sql.document_tags(case.store.conn, doc_id)


def add_note(case: Case, doc_id: int, text: str, actor: str, page: int | None = None) -> int:
    text = (text or "").strip()
    if not text:
        raise InputError("A note needs some text.")
    if len(text) > MAX_NOTE:
        raise InputError(f"A note can hold at most {MAX_NOTE:,} characters; split it in two.")
    _check_document(case, doc_id)
    with case.store.transaction() as conn:
        note_id = sql.add_note(conn, doc_id, actor, text, page)
        sql.audit(conn, actor, "note", doc_id, note_id=note_id, page=page)
    return note_id


def add_annotation(case: Case, doc_id: int, page: int, box: tuple[float, float, float, float], text: str,
                   actor: str, public: bool = False) -> int:
    """Annotate a region of a page: box = (x, y, w, h) as fractions of the page, top-left origin."""
    text = (text or "").strip()
    if not text:
        raise InputError("An annotation needs some text.")
    if len(text) > MAX_NOTE:
        raise InputError(f"An annotation can hold at most {MAX_NOTE:,} characters.")
    x, y, w, h = (float(v) for v in box)
    x, y = min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)
    w, h = min(w, 1.0 - x), min(h, 1.0 - y)
    if not (w > 0.001 and h > 0.001):
        raise InputError("Draw a rectangle on the page before saving the annotation (it has no area).")
    doc = case.store.document(doc_id)
    if doc is None:
        raise InputError(f"There is no document {doc_id} in this case.")
    if not 1 <= page <= max(doc.page_count, 1):
        raise InputError(f"{doc.label} has no page {page}.")
    with case.store.transaction() as conn:
        ann_id = sql.add_annotation(conn, doc_id, page, (x, y, w, h), text, public, actor)
        sql.audit(conn, actor, "annotate", doc_id, annotation_id=ann_id, page=page, public=public)
    return ann_id


def delete_annotation(case: Case, doc_id: int, annotation_id: int, actor: str) -> bool:
    with case.store.transaction() as conn:
        done = sql.delete_annotation(conn, annotation_id, doc_id)
        if done:
            sql.audit(conn, actor, "delete-annotation", doc_id, annotation_id=annotation_id)
    return done


def save_search(case: Case, name: str, query: str, actor: str, sort: str = "relevance") -> int:
    from .search import parse

    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise InputError("Give the saved search a name of 1 to 100 characters.")
    parse(query or "*")  # a query that does not parse is not worth saving: QueryError says why
    with case.store.transaction() as conn:
        search_id = sql.save_search(conn, actor, name, query, sort)
        sql.audit(conn, actor, "save-search", None, name=name, query=query)
    return search_id


def saved_searches(case: Case, actor: str) -> list[sql.SavedSearch]:
    return sql.saved_searches(case.store.conn, actor)


def delete_saved_search(case: Case, search_id: int, actor: str) -> bool:
    with case.store.transaction() as conn:
        return sql.delete_saved_search(conn, actor, search_id)


# -- the `tag:` search field -------------------------------------------------------------------------
def _tag_sql(f: Field) -> SqlFilter:
    value = fold(f.value)
    if value is None:
        raise QueryError("tag: needs a tag name. For example: tag:hot")
    if f.wildcard:
        return SqlFilter(
            "SELECT dt.document_id FROM document_tags dt JOIN tags t ON t.id = dt.tag_id WHERE uncover_glob(t.name, ?)",
            (glob_regex(value),),
        )
    return SqlFilter("SELECT dt.document_id FROM document_tags dt JOIN tags t ON t.id = dt.tag_id WHERE t.name = ?", (value,))


register_field("tag", _tag_sql, description="documents carrying a review tag (* globs)", example="tag:hot")
