"""Withholdings: what was withheld, per production and exemption, and the pages themselves with
their redaction boxes and exemption codes drawn on the page images.

Counts are documents (a document claiming b6 on ten pages counts once under b6), from the marks
`uncover analyze` found with confidence (a list of exemptions in prose is not a claim).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..analysis import documents, pager, table_exists
from ..app import CaseDep, render

router = APIRouter()
GALLERY = 12


@router.get("/withholdings")
def withholdings_page(request: Request, production: str = "", code: str = "", page: int = 1, *, case: CaseDep) -> Response:
    conn = case.store.conn
    names = {p.id: p.name for p in case.store.productions()}
    analyzed = table_exists(case, "exemption_marks")
    table: dict[str, dict[str, int]] = {}
    codes: set[str] = set()
    status: dict[str, dict[str, int]] = {}
    boxes: dict[str, int] = {}
    if analyzed:
        for pid, c, n in conn.execute(
                "SELECT d.production_id, m.code, COUNT(DISTINCT m.document_id) FROM exemption_marks m "
                "JOIN documents d ON d.id = m.document_id WHERE m.confidence >= 0.5 GROUP BY d.production_id, m.code"):
            table.setdefault(names.get(pid, ""), {})[str(c)] = int(n)
            codes.add(str(c))
        for pid, st, n in conn.execute("SELECT d.production_id, r.status, COUNT(*) FROM document_release r "
                                       "JOIN documents d ON d.id = r.document_id GROUP BY d.production_id, r.status"):
            status.setdefault(names.get(pid, ""), {})[str(st)] = int(n)
        for pid, n in conn.execute("SELECT d.production_id, COUNT(*) FROM redactions r JOIN documents d ON d.id = r.document_id "
                                   "GROUP BY d.production_id"):
            boxes[names.get(pid, "")] = int(n)
    rows = [{"production": name, "codes": table.get(name, {}), "status": status.get(name, {}), "boxes": boxes.get(name, 0)}
            for name in names.values()]
    ordered_codes = sorted(codes, key=_code_order)

    # The gallery: pages with redaction boxes or placed exemption codes, narrowed by production and code.
    where, args = [], []
    if production:
        where.append("d.production_id IN (SELECT id FROM productions WHERE name = ?)")
        args.append(production)
    if code:
        where.append("EXISTS (SELECT 1 FROM exemption_marks e WHERE e.document_id = x.document_id AND e.page = x.page "
                     "AND e.code = ? AND e.confidence >= 0.5)")
        args.append(code)
    pages_sql = ("SELECT x.document_id, x.page FROM (SELECT document_id, page FROM redactions UNION "
                 "SELECT document_id, page FROM exemption_marks WHERE x0 IS NOT NULL AND confidence >= 0.5) x "
                 "JOIN documents d ON d.id = x.document_id" + (" WHERE " + " AND ".join(where) if where else ""))
    total = int(conn.execute(f"SELECT COUNT(*) FROM ({pages_sql}) y", args).fetchone()[0]) if analyzed else 0
    pg = pager(page, total, GALLERY)
    gallery: list[dict[str, Any]] = []
    if total:
        found = conn.execute(pages_sql + " ORDER BY x.document_id, x.page LIMIT ? OFFSET ?", [*args, pg.size, pg.offset]).fetchall()
        docs = documents(case, [r[0] for r in found])
        for doc_id, number in found:
            gallery.append({"doc": docs.get(doc_id), "page": number, "boxes": page_boxes(conn, doc_id, number)})
    return render(request, "withholdings.html", rows=rows, codes=ordered_codes, analyzed=analyzed, gallery=gallery,
                  pager=pg, production=production, code=code, productions=list(names.values()))


def page_boxes(conn: Any, doc_id: int, page: int) -> list[dict[str, Any]]:
    """Redaction boxes and placed exemption codes of one page, in page fractions."""
    out = []
    for r in conn.execute("SELECT x0, y0, x1, y1, failed, label FROM redactions WHERE document_id = ? AND page = ?", (doc_id, page)):
        out.append({"kind": "failed-redaction" if r["failed"] else "redaction", "x": r["x0"], "y": r["y0"],
                    "w": r["x1"] - r["x0"], "h": r["y1"] - r["y0"], "code": r["label"] or ""})
    for r in conn.execute("SELECT x0, y0, x1, y1, code FROM exemption_marks WHERE document_id = ? AND page = ? "
                          "AND x0 IS NOT NULL AND confidence >= 0.5", (doc_id, page)):
        out.append({"kind": "exemption", "x": r["x0"], "y": r["y0"], "w": r["x1"] - r["x0"], "h": r["y1"] - r["y0"], "code": r["code"]})
    return out


def _code_order(code: str) -> tuple[str, int, str]:
    import re

    m = re.match(r"([a-z]+)(\d+)(.*)", code)
    return (m[1], int(m[2]), m[3]) if m else (code, 0, "")
