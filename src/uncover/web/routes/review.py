"""Review actions from the browser: tags, notes, annotations, bulk tagging of a whole result.

Every route needs the `review` right (admin, reviewer; a viewer gets 403) and the session's CSRF
token. An htmx request gets the updated panel back; a plain form post is redirected to the page.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ... import review
from ...case import Case
from ...store import review as review_sql
from ..app import CaseDep, is_htmx, render
from ..auth import Reviewer, csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)])


def _back(request: Request, doc_id: int, fragment: str, case: Case) -> Response:
    if is_htmx(request):
        conn = case.store.conn
        return render(request, fragment, doc=case.store.document(doc_id), tags=review_sql.document_tags(conn, doc_id),
                      all_tags=[t for t, _ in review_sql.all_tags(conn)], notes=review_sql.notes(conn, doc_id))
    page = request.query_params.get("page", "1")
    return RedirectResponse(f"/documents/{doc_id}?page={quote(page)}", status_code=303)


@router.post("/documents/{doc_id}/tags")
def tag(request: Request, doc_id: int, tag: str = Form(...), *, case: CaseDep,
        who: Reviewer) -> Response:
    review.add_tag(case, doc_id, tag, who.name)
    return _back(request, doc_id, "_tags.html", case)


@router.post("/documents/{doc_id}/tags/delete")
def untag(request: Request, doc_id: int, tag: str = Form(...), *, case: CaseDep,
          who: Reviewer) -> Response:
    review.remove_tag(case, doc_id, tag, who.name)
    return _back(request, doc_id, "_tags.html", case)


@router.post("/documents/{doc_id}/notes")
def note(request: Request, doc_id: int, text: str = Form(...), page: int | None = Form(None), *, case: CaseDep,
         who: Reviewer) -> Response:
    review.add_note(case, doc_id, text, who.name, page)
    return _back(request, doc_id, "_notes.html", case)


@router.post("/documents/{doc_id}/annotations")
def annotate(doc_id: int, page: int = Form(...), x: float = Form(...), y: float = Form(...), w: float = Form(...),
             h: float = Form(...), text: str = Form(...), public: bool = Form(False), *, case: CaseDep,
             who: Reviewer) -> Response:
    review.add_annotation(case, doc_id, page, (x, y, w, h), text, who.name, public=public)
    return RedirectResponse(f"/documents/{doc_id}?page={page}#annotations", status_code=303)


@router.post("/documents/{doc_id}/annotations/{annotation_id}/delete")
def delete_annotation(doc_id: int, annotation_id: int, page: int = Form(1), *, case: CaseDep,
                      who: Reviewer) -> Response:
    review.delete_annotation(case, doc_id, annotation_id, who.name)
    return RedirectResponse(f"/documents/{doc_id}?page={page}#annotations", status_code=303)


@router.post("/productions/received")
def production_received(production: str = Form(...), received: str = Form(...), *, case: CaseDep,
                        who: Reviewer) -> Response:
    """Record the day a production was received (as `uncover received`): deadlines and letters count from it."""
    review.record_receipt(case, production, received, who.name)
    return RedirectResponse("/overview#prod-title", status_code=303)


@router.post("/review/bulk-code")
def bulk_code(request: Request, action: str = Form(...), value: str = Form(""), scope: str = Form("selected"),
              doc: Annotated[list[int] | None, Form()] = None, q: str = Form(""), sort: str = Form("relevance"), page: int = Form(1), *,
              case: CaseDep, who: Reviewer) -> Response:
    """Tag, untag or note the documents ticked on the result page, or every document of the result."""
    from ...search import matching_ids

    ids = sorted(matching_ids(case, q.strip() or "*")) if scope == "all" else (doc or [])
    result = review.code_documents(case, ids, action, value, who.name)
    back = (f"/search?q={quote(q, safe='')}&sort={quote(sort, safe='')}&page={int(page)}&coded={quote(result.action)}"
            f"&value={quote(result.value[:60], safe='')}&changed={result.changed}&selected={result.selected}")
    return RedirectResponse(back, status_code=303)


@router.post("/review/bulk-tag")
def bulk_tag(request: Request, q: str = Form(""), tag: str = Form(...), *, case: CaseDep,
             who: Reviewer) -> Response:
    result = review.bulk_tag(case, q.strip() or "*", tag, who.name)
    if is_htmx(request):
        return render(request, "_bulk_done.html", result=result)
    return RedirectResponse(f"/search?q={quote(q, safe='')}&tagged={result.newly_tagged}&tag={quote(result.tag)}", status_code=303)
