"""Publications in the review workspace: list, create, see what a guide cites, build and preview.

Building writes the static site into CASE/exports/sites/<name>/ and runs the leak check; the
preview serves those files (and only those: the path is resolved and must stay inside the
folder). Reading needs the `read` right, creating and building the `admin` right: a build is
what goes public. The app includes this router with one line in web/app.py (see the report).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from ...case import Case
from ...publish import (
    add_documents,
    blocking,
    check_site,
    citations,
    create_publication,
    freeze_search,
    get_publication,
    list_publications,
    publish,
    set_guide,
)
from ...store import publish as publish_sql
from ..app import CaseDep, render
from ..auth import Principal, Reader, csrf_protect, require

router = APIRouter(dependencies=[Depends(csrf_protect)])
Admin = Annotated[Principal, Depends(require("admin"))]
PREVIEW_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


def site_dir(case: Case, name: str) -> Path:
    return case.exports / "sites" / name


@router.get("/publications")
def publications_page(request: Request, case: CaseDep, who: Reader) -> Response:
    return render(request, "publish_list.html", title="Publications", publications=list_publications(case))


@router.post("/publications")
def create(request: Request, case: CaseDep, who: Admin, name: str = Form(...), title: str = Form(...),
           search: str = Form(""), docs: str = Form("")) -> Response:
    pub = create_publication(case, name, title)
    if docs.split():
        add_documents(case, pub, docs.split())
    if search.strip():
        freeze_search(case, pub, search.strip())
    return RedirectResponse(f"/publications/{pub.name}", status_code=303)


@router.get("/publications/{name}")
def publication_page(request: Request, name: str, case: CaseDep, who: Reader) -> Response:
    pub = get_publication(case, name)
    docs = case.store.documents(pub.document_ids)
    chosen = set(pub.document_ids)
    labels = {d.id: d.label for d in case.store.documents({c.document_id for c in citations(case, pub.guide)
                                                           if c.document_id is not None})}
    cites = [{"text": c.text, "label": labels.get(c.document_id or -1), "page": c.resolved_page,
              "published": c.document_id in chosen} for c in citations(case, pub.guide + "\n" + pub.introduction)]
    built = site_dir(case, pub.name) / "index.html"
    return render(request, "publish_detail.html", title=pub.title, pub=pub, docs=docs, cites=cites,
                  built=built.exists(), builds=publish_sql.builds(case.store.conn, pub.id)[:5])


@router.post("/publications/{name}/guide")
def save_guide(request: Request, name: str, case: CaseDep, who: Admin, guide: str = Form("")) -> Response:
    set_guide(case, get_publication(case, name), guide)
    return RedirectResponse(f"/publications/{name}", status_code=303)


@router.post("/publications/{name}/build")
def build(request: Request, name: str, case: CaseDep, who: Admin) -> Response:
    pub = get_publication(case, name)
    result = publish(case, pub, site_dir(case, pub.name), pdf=bool(pub.guide.strip()))
    if result.leaks:
        return render(request, "publish_detail.html", status_code=409, title=pub.title, pub=pub,
                      docs=case.store.documents(pub.document_ids), cites=[], built=False,
                      builds=publish_sql.builds(case.store.conn, pub.id)[:5], leaks=result.leaks)
    return RedirectResponse(f"/publications/{name}", status_code=303)


@router.get("/publications/{name}/check")
def check(request: Request, name: str, case: CaseDep, who: Reader) -> Response:
    pub = get_publication(case, name)
    folder = site_dir(case, pub.name)
    if not (folder / "index.html").exists():
        raise HTTPException(404, "This publication has not been built yet.")
    leaks = blocking(check_site(case, pub, folder))  # findings accepted with a reason do not block
    return render(request, "publish_detail.html", title=pub.title, pub=pub, docs=case.store.documents(pub.document_ids),
                  cites=[], built=True, builds=publish_sql.builds(case.store.conn, pub.id)[:5], leaks=leaks, checked=True)


@router.get("/publications/{name}/site/{path:path}")
def preview(name: str, path: str, case: CaseDep, who: Reader) -> Response:
    pub = get_publication(case, name)
    root = site_dir(case, pub.name).resolve()
    target = (root / (path or "index.html")).resolve()
    if root not in target.parents or not target.is_file() or target.name.startswith("."):
        raise HTTPException(404, "There is no such file in the built site.")
    response = FileResponse(target)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
