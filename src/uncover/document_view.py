"""Looking a document up the way a user names it, and the full view of it (CLI `show`, web, JSON)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from .case import Case

_DOC_ID = re.compile(r"^(?:DOC-)?0*(\d+)$", re.IGNORECASE)


def resolve_document(case: Case, name: str) -> tuple[int, int] | None:
    """(document id, page) for `42`, `DOC-000042` or any page's Bates number."""
    name = name.strip()
    found = case.store.find_by_bates(name)
    if found:
        return found
    match = _DOC_ID.match(name)
    if match and case.store.document(int(match[1])):
        return int(match[1]), 1
    return None


def document_view(case: Case, doc_id: int, page: int = 1, *, segments: bool = False) -> dict[str, Any]:
    """Everything shown about a document; with `segments`, its text split into own and quoted parts."""
    from .store import messages as mstore

    store = case.store
    doc = store.document(doc_id)
    if doc is None:
        raise KeyError(doc_id)
    family = store.family(doc.family_id) if doc.family_id is not None else []
    production = next((p.name for p in store.productions() if p.id == doc.production_id), "")
    pages = [asdict(p) for p in store.pages(doc_id)]
    for finder in PAGE_FINDINGS:
        for number, findings in finder(case, doc_id).items():
            if 0 < number <= len(pages):
                pages[number - 1].setdefault("findings", []).extend(findings)
    data = asdict(doc)
    data.pop("html_body", None)
    view = {
        "label": doc.label, "page": page, "production": production, "document": data, "pages": pages,
        "family": [{"id": m.id, "label": m.label, "filename": m.filename, "kind": str(m.kind), "parent_id": m.parent_id} for m in family]
        if len(family) > 1 else [],
        "derived": mstore.derived_fields(store.conn, doc_id),
    }
    if segments:
        text = "\n".join(p["text"] for p in pages)
        view["segments"] = [s | {"text": text[s["start_offset"] : s["end_offset"]]} for s in mstore.segments(store.conn, doc_id)]
    return view


def _withholdings(case: Case, doc_id: int) -> dict[int, list[str]]:
    from .analyze.withholdings import page_findings

    return page_findings(case, doc_id)


# Analyses add per-page findings to the view: function(case, doc_id) -> {page: [lines]}.
PAGE_FINDINGS: list[Callable[[Case, int], dict[int, list[str]]]] = [_withholdings]
