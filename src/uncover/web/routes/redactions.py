"""Failed redactions: boxes with text still readable beneath them, each page shown with its boxes
(a failed one in red) and how many characters can be read under it. The recovered text itself is
never stored or shown here: the count says enough to raise it with the producing party."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..analysis import documents, pager, table_exists
from ..app import CaseDep, render
from .withholdings import GALLERY, page_boxes

router = APIRouter()


@router.get("/redactions")
def failed_redactions_page(request: Request, page: int = 1, *, case: CaseDep) -> Response:
    conn = case.store.conn
    analyzed = table_exists(case, "redactions")
    total = int(conn.execute("SELECT COUNT(*) FROM (SELECT DISTINCT document_id, page FROM redactions WHERE failed = 1) x")
                .fetchone()[0]) if analyzed else 0
    documents_total = int(conn.execute("SELECT COUNT(DISTINCT document_id) FROM redactions WHERE failed = 1").fetchone()[0]) \
        if analyzed else 0
    pg = pager(page, total, GALLERY)
    items: list[dict[str, Any]] = []
    if total:
        rows = conn.execute(
            "SELECT document_id, page, COUNT(*) AS n, SUM(recoverable_chars) AS chars FROM redactions WHERE failed = 1 "
            "GROUP BY document_id, page ORDER BY document_id, page LIMIT ? OFFSET ?", (pg.size, pg.offset)).fetchall()
        docs = documents(case, [r["document_id"] for r in rows])
        productions = {p.id: p.name for p in case.store.productions()}
        for r in rows:
            doc = docs.get(r["document_id"])
            if doc is None:
                continue
            items.append({"doc": doc, "page": r["page"], "failed": r["n"], "chars": r["chars"] or 0,
                          "production": productions.get(doc.production_id, ""), "boxes": page_boxes(conn, doc.id, r["page"])})
    return render(request, "redactions.html", items=items, pager=pg, analyzed=analyzed, documents_total=documents_total)
