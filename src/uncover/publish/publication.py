"""A publication: a chosen set of documents, an introduction and a briefing guide.

The selection is explicit: documents added by label, and searches frozen at a moment into a list
of ids (rerunning the search later, after more productions arrive, changes nothing). Only those
documents, and only annotations marked public on them, can reach the published site.

Citations in the guide are written `[[ABC0001234]]` or `[[ABC0001234 p3]]`: a document's Bates
number, any page's Bates number, or DOC-000123, optionally with a page, and optionally with a few
quoted words, `[[ABC0001234 p3 "opt out"]]`: the guide then quotes the passage (the sentence)
holding those words, as published on that page.

Each publication has a personal-data policy (migration 0014): e-mail addresses, phone numbers,
Cc and Bcc lists and custodians' names are masked unless the publication shows that kind, and
values listed to keep (a press office's address) are always shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..case import Case
from ..document_view import resolve_document
from ..errors import InputError
from ..store import publish as sql
from .personal import KINDS, PersonalDataPolicy, split_names

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CITATION_RE = re.compile(r"\[\[\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\s+p\.?\s*(\d+))?"
                         r"(?:\s+[\"“]([^\"”\]]{1,300})[\"”])?\s*\]\]")


@dataclass
class Publication:
    id: int
    name: str
    title: str
    introduction: str = ""
    guide: str = ""
    base_url: str = ""
    document_ids: list[int] = field(default_factory=list)
    searches: list[sql.FrozenSearch] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Citation:
    """One `[[...]]` of the guide: what was written and where it lands (None: unresolved)."""

    text: str
    ref: str
    page: int | None
    document_id: int | None
    resolved_page: int | None
    quote: str | None = None


def _check_name(name: str) -> str:
    name = name.strip().lower()
    if not NAME_RE.match(name):
        raise InputError(f"{name!r} cannot name a publication: use lower-case letters, digits and dashes, e.g. ndlon-2011.")
    return name


def create_publication(case: Case, name: str, title: str, introduction: str = "", guide: str = "",
                       base_url: str = "") -> Publication:
    name = _check_name(name)
    title = title.strip()
    if not title:
        raise InputError("A publication needs a title (--title).")
    conn = case.store.conn
    if sql.by_name(conn, name):
        raise InputError(f"There is already a publication named {name}; choose another name or edit that one.")
    with case.store.transaction() as c:
        sql.create(c, name, title, introduction, guide, base_url.strip())
    return get_publication(case, name)


def get_publication(case: Case, name: str) -> Publication:
    conn = case.store.conn
    row = sql.by_name(conn, name.strip().lower())
    if row is None:
        known = ", ".join(p.name for p in sql.all_publications(conn)) or "none yet"
        raise InputError(f"There is no publication named {name!r} in this case (publications: {known}).")
    return Publication(
        id=row.id, name=row.name, title=row.title, introduction=row.introduction, guide=row.guide, base_url=row.base_url,
        document_ids=sql.document_ids(conn, row.id), searches=sql.frozen_searches(conn, row.id),
        created_at=row.created_at, updated_at=row.updated_at,
    )


def list_publications(case: Case) -> list[Publication]:
    return [get_publication(case, row.name) for row in sql.all_publications(case.store.conn)]


def resolve_labels(case: Case, labels: list[str]) -> list[int]:
    """Document ids for labels (Bates of any page, DOC-000123 or an id); every one must exist."""
    ids, missing = [], []
    for label in labels:
        found = resolve_document(case, label)
        if found is None:
            missing.append(label)
        else:
            ids.append(found[0])
    if missing:
        raise InputError(f"No document in this case is labelled {', '.join(missing)}; check the Bates numbers.")
    return ids


def add_documents(case: Case, publication: Publication, labels: list[str]) -> int:
    """Add documents by label; returns how many were new to the selection."""
    ids = resolve_labels(case, labels)
    with case.store.transaction() as conn:
        added = sql.add_documents(conn, publication.id, ids)
    publication.document_ids = sql.document_ids(case.store.conn, publication.id)
    return added


def remove_documents(case: Case, publication: Publication, labels: list[str]) -> int:
    ids = resolve_labels(case, labels)
    with case.store.transaction() as conn:
        removed = sql.remove_documents(conn, publication.id, ids)
    publication.document_ids = sql.document_ids(case.store.conn, publication.id)
    return removed


def freeze_search(case: Case, publication: Publication, query: str) -> sql.FrozenSearch:
    """Run a search now and add its documents; later runs of the same query add nothing by themselves."""
    from ..search.engine import matching_ids

    ids = sorted(matching_ids(case, query))
    with case.store.transaction() as conn:
        frozen = sql.freeze_search(conn, publication.id, query, ids)
    publication.document_ids = sql.document_ids(case.store.conn, publication.id)
    publication.searches = sql.frozen_searches(case.store.conn, publication.id)
    return frozen


def _update(case: Case, publication: Publication, **fields: str) -> Publication:
    with case.store.transaction() as conn:
        sql.update(conn, publication.id, **fields)
    return get_publication(case, publication.name)


def set_guide(case: Case, publication: Publication, markdown: str) -> Publication:
    return _update(case, publication, guide=markdown)


def set_introduction(case: Case, publication: Publication, markdown: str) -> Publication:
    return _update(case, publication, introduction=markdown)


def set_title(case: Case, publication: Publication, title: str) -> Publication:
    if not title.strip():
        raise InputError("A publication needs a title.")
    return _update(case, publication, title=title.strip())


def set_base_url(case: Case, publication: Publication, base_url: str) -> Publication:
    base_url = base_url.strip()
    if base_url and not re.match(r"^https?://[^\s]+$", base_url):
        raise InputError(f"{base_url!r} is not a web address; write it like https://example.org/reading-room/.")
    return _update(case, publication, base_url=base_url)


def delete_publication(case: Case, publication: Publication) -> None:
    with case.store.transaction() as conn:
        sql.delete(conn, publication.id)


def citations(case: Case, markdown: str) -> list[Citation]:
    """Every `[[...]]` in a text, resolved against the case (resolution says nothing of publication)."""
    out = []
    for match in CITATION_RE.finditer(markdown):
        ref, page = match[1], int(match[2]) if match[2] else None
        found = resolve_document(case, ref)
        doc_id = found[0] if found else None
        target = page if page is not None else (found[1] if found else None)
        out.append(Citation(match[0], ref, page, doc_id, target, match[3].strip() if match[3] else None))
    return out


def personal_data_policy(case: Case, publication: Publication) -> PersonalDataPolicy:
    """The publication's policy, with the names its Cc, Bcc and custodian fields hold."""
    row = sql.privacy(case.store.conn, publication.id)
    shown = frozenset(k for k in row.shown.split(",") if k)
    names: dict[str, set[str]] = {"cc": set(), "bcc": set(), "custodians": set()}
    conn = case.store.conn
    for start in range(0, len(publication.document_ids), 500):
        chunk = publication.document_ids[start : start + 500]
        for r in conn.execute(f"SELECT cc, bcc FROM documents WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            names["cc"].update(split_names(r["cc"]))
            names["bcc"].update(split_names(r["bcc"]))
    for r in conn.execute("SELECT DISTINCT custodian FROM documents WHERE custodian IS NOT NULL"):
        names["custodians"].update(split_names(r["custodian"]))
    return PersonalDataPolicy(shown, tuple(k for k in row.keep.split("\n") if k.strip()),
                              {k: tuple(sorted(v)) for k, v in names.items()})


def set_personal_data(case: Case, publication: Publication, *, show: list[str] | None = None,
                      mask: list[str] | None = None, keep: list[str] | None = None) -> PersonalDataPolicy:
    """Show or mask kinds of personal data (emails, phones, cc, bcc, custodians); add values to keep."""
    row = sql.privacy(case.store.conn, publication.id)
    shown = {k for k in row.shown.split(",") if k}
    for kind in (show or []) + (mask or []):
        if kind not in KINDS:
            raise InputError(f"{kind!r} is not a kind of personal data; choose from {', '.join(KINDS)}.")
    shown |= set(show or [])
    shown -= set(mask or [])
    kept = [k for k in row.keep.split("\n") if k.strip()]
    kept += [k.strip() for k in keep or [] if k.strip() and k.strip() not in kept]
    with case.store.transaction() as conn:
        sql.set_privacy(conn, publication.id, ",".join(k for k in KINDS if k in shown), "\n".join(kept))
    return personal_data_policy(case, publication)
