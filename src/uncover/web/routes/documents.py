"""The document view: page image beside the text, hits highlighted, findings overlaid, metadata,
family, related documents; and the routes for page images, the original file and the e-mail body.

Files are addressed by document id and page number only: the path on disk comes from the
document's SHA-256 in case.db, never from the request.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from ...case import Case
from ...custody import intact_original
from ...errors import QueryError
from ...ingest.ocr import page_flag_notes
from ...model import Document
from ...search import search
from ...search.query import MatchAll, parse
from ...search.snippets import find_spans, locate, text_matchers
from ...store import review as review_sql
from ...store import withholdings as wstore
from .. import pages as page_images
from ..app import CaseDep, render
from ..sanitize import BODY_CSP, email_document
from .search import table_names

router = APIRouter()

CANONICAL = ("kind", "filename", "path", "custodian", "date", "sender", "recipients", "cc", "bcc", "subject", "author", "title",
             "message_id", "in_reply_to", "bates_begin", "bates_end", "page_count", "mime", "size", "sha256", "md5")


@dataclass
class Box:
    """Something drawn over the page image, in page fractions."""

    kind: str  # redaction, failed-redaction, exemption, annotation
    x: float
    y: float
    w: float
    h: float
    label: str
    code: str = ""  # the exemption code printed on the box (b6, b7C), shown over the picture


def _document(case: Case, doc_id: int) -> Document:
    doc = case.store.document(doc_id)
    if doc is None:
        raise HTTPException(404, f"There is no document {doc_id} in this case.")
    return doc


def highlighted(text: str, tree: Any) -> tuple[str, int]:
    """Page text as HTML with each hit in <mark class="hit">; (html, number of hits)."""
    if tree is None:
        return html.escape(text), 0
    spans = sorted(find_spans(text, text_matchers(tree)), key=lambda s: (s.start, -s.end))
    out, pos, n = [], 0, 0
    for span in spans:
        if span.start < pos:
            continue
        out.append(html.escape(text[pos:span.start]))
        out.append(f'<mark class="hit" tabindex="-1">{html.escape(text[span.start:span.end])}</mark>')
        pos, n = span.end, n + 1
    out.append(html.escape(text[pos:]))
    return "".join(out), n


def findings(case: Case, doc_id: int, page: int, tables: set[str]) -> tuple[list[Box], list[dict[str, Any]], dict[str, Any] | None]:
    """(boxes on this page, exemption marks of the document, release status) where those tables exist."""
    conn = case.store.conn
    boxes: list[Box] = []
    marks: list[dict[str, Any]] = []
    release = None
    if "redactions" in tables:
        for r in conn.execute("SELECT * FROM redactions WHERE document_id = ? AND page = ?", (doc_id, page)):
            failed = bool(r["failed"])
            label = (r["label"] or "redaction") + (f" - {r['recoverable_chars']} characters readable beneath" if failed else "")
            boxes.append(Box("failed-redaction" if failed else "redaction", r["x0"], r["y0"], r["x1"] - r["x0"], r["y1"] - r["y0"], label,
                             r["label"] or ""))
    if "exemption_marks" in tables:
        for m in conn.execute("SELECT * FROM exemption_marks WHERE document_id = ? AND confidence >= 0.5 ORDER BY page, start_offset",
                              (doc_id,)):
            marks.append(dict(m))
            if m["page"] == page and m["x0"] is not None:
                boxes.append(Box("exemption", m["x0"], m["y0"], m["x1"] - m["x0"], m["y1"] - m["y0"],
                                 f"({m['code']}) {m['qualifier'] or ''}".strip(), str(m["code"])))
    if "document_release" in tables:
        row = conn.execute("SELECT * FROM document_release WHERE document_id = ?", (doc_id,)).fetchone()
        release = dict(row) if row else None
    return boxes, marks, release


def related(case: Case, doc_id: int, tables: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Duplicates, near-duplicates, thread and versions, where the duplicates tables exist."""
    conn = case.store.conn
    out: dict[str, list[dict[str, Any]]] = {}

    def docs(sql: str, args: tuple[Any, ...], note: str = "") -> list[dict[str, Any]]:
        rows = conn.execute(sql, args).fetchall()
        found = {d.id: d for d in case.store.documents([r[0] for r in rows])}
        return [{"id": r[0], "label": _cite(found[r[0]]), "title": _rest_of_listing(found[r[0]]),
                 "note": (note.format(*r[1:]) if note else "")} for r in rows if r[0] in found]

    if "duplicate_members" in tables:
        out["Exact duplicates"] = docs(
            "SELECT DISTINCT m2.document_id, g.basis FROM duplicate_members m1 JOIN duplicate_members m2 ON m2.group_id = m1.group_id "
            "JOIN duplicate_groups g ON g.id = m1.group_id WHERE m1.document_id = ? AND m2.document_id != ? LIMIT 50",
            (doc_id, doc_id), "same {0}")
    if "neardup_members" in tables:
        out["Near duplicates"] = docs(
            "SELECT m2.document_id, m2.score FROM neardup_members m1 JOIN neardup_members m2 ON m2.cluster_id = m1.cluster_id "
            "WHERE m1.document_id = ? AND m2.document_id != ? ORDER BY m2.score DESC LIMIT 50", (doc_id, doc_id), "similarity {0:.2f}")
    if "thread_members" in tables:
        out["E-mail thread"] = docs(
            "SELECT m2.document_id, m2.position FROM thread_members m1 JOIN thread_members m2 ON m2.thread_id = m1.thread_id "
            "WHERE m1.document_id = ? AND m2.document_id != ? ORDER BY m2.position LIMIT 100", (doc_id, doc_id), "message {0}")
    if "version_pairs" in tables:
        out["Other versions"] = docs(
            "SELECT CASE WHEN earlier_id = ? THEN later_id ELSE earlier_id END, basis, "
            "CASE WHEN earlier_id = ? THEN 'later' ELSE 'earlier' END FROM version_pairs WHERE earlier_id = ? OR later_id = ? LIMIT 50",
            (doc_id, doc_id, doc_id, doc_id), "{1} version (by {0})")
    return {k: v for k, v in out.items() if v}


def _cite(doc: Document) -> str:
    """How a list names a document: its Bates number, else its file name (Document.listing)."""
    return doc.label if doc.bates_begin else (doc.filename or doc.label)


def _rest_of_listing(doc: Document) -> str:
    """Document.listing after the citation: subject (or title) and date."""
    rest = doc.listing.split(" · ", 1)
    return rest[1] if len(rest) > 1 and doc.listing.startswith(_cite(doc)) else ""


def neighbours(case: Case, doc_id: int, q: str, sort: str, i: int | None) -> tuple[str | None, str | None]:
    """Links to the previous and next document of the result the reviewer came from (or by id)."""
    from urllib.parse import urlencode

    if q and i is not None:
        try:
            res = search(case, q, limit=3 if i > 0 else 2, offset=max(i - 1, 0), sort=sort)
        except QueryError:
            res = None
        if res is not None:
            ids = [h.doc_id for h in res.hits]
            before = ids[0] if i > 0 and ids else None
            after_pos = 2 if i > 0 else 1
            after = ids[after_pos] if len(ids) > after_pos else None
            link = lambda d, j: f"/documents/{d}?{urlencode({'q': q, 'sort': sort, 'i': j})}"  # noqa: E731
            return (link(before, i - 1) if before else None), (link(after, i + 1) if after else None)
    conn = case.store.conn
    prev = conn.execute("SELECT MAX(id) FROM documents WHERE id < ?", (doc_id,)).fetchone()[0]
    nxt = conn.execute("SELECT MIN(id) FROM documents WHERE id > ?", (doc_id,)).fetchone()[0]
    return (f"/documents/{prev}" if prev else None), (f"/documents/{nxt}" if nxt else None)


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: int, page: int = 1, q: str = "", sort: str = "relevance", i: int | None = None,
                  *, case: CaseDep) -> Response:
    started = time.perf_counter()
    doc = _document(case, doc_id)
    pages = case.store.pages(doc_id)
    count = max(len(pages), 1)
    page = min(max(page, 1), count)
    tree = None
    if q.strip():
        try:
            tree = parse(q)
            if isinstance(tree, MatchAll):
                tree = None
        except QueryError:
            tree = None
    current = pages[page - 1] if pages else None
    text_html, hit_count = highlighted(current.text if current else "", tree)
    hit_pages = locate(tree, pages).pages if tree is not None and pages else []
    tables = table_names(case)
    boxes, marks, release = findings(case, doc_id, page, tables)
    conn = case.store.conn
    annotations = review_sql.annotations(conn, doc_id)
    boxes += [Box("annotation", a.x, a.y, a.w, a.h, a.text) for a in annotations if a.page == page]
    family = case.store.family(doc.family_id) if doc.family_id is not None else []
    production = conn.execute("SELECT name FROM productions WHERE id = ?", (doc.production_id,)).fetchone()
    prev_doc, next_doc = neighbours(case, doc_id, q.strip(), sort, i)
    has_image = page_images.source_kind(case.blobs.path_for(doc.sha256)) is not None and bool(pages)
    later_hit = next((p for p in hit_pages if p > page), None)
    earlier_hit = next((p for p in reversed(hit_pages) if p < page), None)
    context = {
        "doc": doc, "pages": pages, "page": page, "page_count": count, "current": current, "q": q, "sort": sort, "i": i,
        "text_html": text_html, "hit_count": hit_count, "hit_pages": hit_pages, "next_hit_page": later_hit,
        "prev_hit_page": earlier_hit, "boxes": boxes, "marks": marks, "release": release,
        "related": related(case, doc_id, tables), "family": family if len(family) > 1 else [],
        "production": production[0] if production else "", "prev_doc": prev_doc, "next_doc": next_doc,
        "has_image": has_image, "thumb_pages": thumb_window(page, count), "canonical": [(f, getattr(doc, f)) for f in CANONICAL if getattr(doc, f) not in (None, "")],
        "tags": review_sql.document_tags(conn, doc_id), "all_tags": [t for t, _ in review_sql.all_tags(conn)],
        "notes": review_sql.notes(conn, doc_id), "annotations": annotations,
        "bates": current.bates if current else None,
        "ocr_notes": page_flag_notes(current) if current else [],
        "withheld_full": wstore.withheld_page_counts(conn, doc_id) if "withheld_pages" in tables else {},
        "thread_id": (conn.execute("SELECT thread_id FROM thread_members WHERE document_id = ?", (doc_id,)).fetchone() or [None])[0]
        if "thread_members" in tables else None,
        **message_parts(case, doc_id, tables),
    }
    response = render(request, "document.html", **context)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


THUMBS = 40


def thumb_window(page: int, count: int) -> list[int]:
    """The page numbers shown as thumbnails: all of a short document, else a window around `page`."""
    first = max(1, min(page - THUMBS // 2, count - THUMBS + 1))
    return list(range(first, min(count, first + THUMBS - 1) + 1))


def message_parts(case: Case, doc_id: int, tables: set[str]) -> dict[str, Any]:
    """The own text and quoted messages of the document (when it quotes any), and the fields
    read from its printed header, for the view's panels."""
    if "message_segments" not in tables:
        return {"segments": [], "derived": []}
    from ...store import messages as mstore

    segments = mstore.segments(case.store.conn, doc_id)
    if not any(s["kind"] == "quoted" for s in segments):
        segments = []
    return {"segments": segments, "derived": mstore.derived_fields(case.store.conn, doc_id)}


@router.get("/documents/{doc_id}/pages/{page}/image")
def page_image(doc_id: int, page: int, dpi: int = page_images.DEFAULT_DPI, *, case: CaseDep) -> Response:
    doc = _document(case, doc_id)
    if not 1 <= page <= max(doc.page_count, 1):
        raise HTTPException(404, f"{doc.label} has no page {page}.")
    original = case.blobs.path_for(doc.sha256)
    try:
        if not page_images.cache_path(case.derived, doc.sha256, page, dpi).exists():
            original = intact_original(case, doc.sha256, doc.listing)  # drawn only from the bytes that were hashed
        path = page_images.page_image(original, case.derived, doc.sha256, page, dpi)
    except page_images.NoImage as exc:
        raise HTTPException(404, "There is no picture of this page.") from exc
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


def _safe_filename(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", name).strip(" .") or "document"
    return cleaned[:150]


@router.get("/documents/{doc_id}/original")
def original(doc_id: int, *, case: CaseDep) -> Response:
    doc = _document(case, doc_id)
    path = intact_original(case, doc.sha256, doc.listing)  # refused (409) when altered or missing
    # Always a download, never shown inline: an HTML or SVG original must not run in the app's origin.
    return FileResponse(path, media_type="application/octet-stream", filename=_safe_filename(doc.filename),
                        content_disposition_type="attachment")


@router.get("/documents/{doc_id}/body")
def email_body(doc_id: int, *, case: CaseDep) -> Response:
    doc = _document(case, doc_id)
    if not doc.html_body:
        raise HTTPException(404, "This document has no HTML body.")
    return HTMLResponse(email_document(doc.html_body), headers={
        "Content-Security-Policy": BODY_CSP, "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store",
    })


@router.get("/go")
def go(ref: str = "", *, case: CaseDep) -> Response:
    """Jump to a document by id, DOC-000123 or a Bates number (the box in the header)."""
    from ...document_view import resolve_document

    found = resolve_document(case, ref) if ref.strip() else None
    if not found:
        raise HTTPException(404, f"No document or Bates number {ref!r} in this case.")
    return RedirectResponse(f"/documents/{found[0]}?page={found[1]}", status_code=303)
