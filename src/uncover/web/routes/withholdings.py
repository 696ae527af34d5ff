"""Withholdings: what was withheld, per production and exemption, and the pages themselves with
their redaction boxes and exemption codes drawn on the page images.

Counts are documents (a document claiming b6 on ten pages counts once under b6), from the marks
`uncover analyze` found with confidence (a list of exemptions in prose is not a claim). The
counts and the list of marked pages are read once per data version (the withholdings tables'
and the documents' counts and newest rows) and kept: on 100,000 documents they take a second to
read, a page of the gallery a few milliseconds to cut from them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..analysis import documents, pager, table_exists
from ..app import CaseDep, render

router = APIRouter()
GALLERY = 12
_LOCK = threading.Lock()


@dataclass
class Summary:
    """What the page shows of the whole case, kept for the life of a data version."""

    table: dict[str, dict[str, int]]  # production -> code -> documents
    status: dict[str, dict[str, int]]  # production -> release status -> documents
    boxes: dict[str, int]  # production -> redaction boxes
    pages: list[tuple[int, int, str, frozenset[str]]]  # (document, page, production, codes placed on it), in order


def _version(conn: Any) -> tuple[Any, ...]:
    return tuple(conn.execute(
        "SELECT (SELECT COUNT(*) FROM exemption_marks), (SELECT MAX(id) FROM exemption_marks), "
        "(SELECT COUNT(*) FROM redactions), (SELECT MAX(id) FROM redactions), (SELECT COUNT(*) FROM documents), "
        "(SELECT MAX(id) FROM documents), (SELECT MAX(analyzed_at) FROM document_release), "
        "(SELECT COUNT(*) FROM productions)").fetchone())


def _summary(conn: Any, names: dict[int, str]) -> Summary:
    table: dict[str, dict[str, int]] = {}
    status: dict[str, dict[str, int]] = {}
    boxes: dict[str, int] = {}
    for pid, c, n in conn.execute(
            "SELECT d.production_id, m.code, COUNT(DISTINCT m.document_id) FROM exemption_marks m "
            "JOIN documents d ON d.id = m.document_id WHERE m.confidence >= 0.5 GROUP BY d.production_id, m.code"):
        table.setdefault(names.get(pid, ""), {})[str(c)] = int(n)
    for pid, st, n in conn.execute("SELECT d.production_id, r.status, COUNT(*) FROM document_release r "
                                   "JOIN documents d ON d.id = r.document_id GROUP BY d.production_id, r.status"):
        status.setdefault(names.get(pid, ""), {})[str(st)] = int(n)
    for pid, n in conn.execute("SELECT d.production_id, COUNT(*) FROM redactions r JOIN documents d ON d.id = r.document_id "
                               "GROUP BY d.production_id"):
        boxes[names.get(pid, "")] = int(n)
    codes: dict[tuple[int, int], set[str]] = {}
    for doc_id, page, code in conn.execute("SELECT document_id, page, code FROM exemption_marks WHERE confidence >= 0.5"):
        codes.setdefault((int(doc_id), int(page)), set()).add(str(code))
    pages = [(int(d), int(p), names.get(pid, ""), frozenset(codes.get((int(d), int(p)), ()))) for d, p, pid in conn.execute(
        "SELECT x.document_id, x.page, d.production_id FROM (SELECT document_id, page FROM redactions UNION "
        "SELECT document_id, page FROM exemption_marks WHERE x0 IS NOT NULL AND confidence >= 0.5) x "
        "JOIN documents d ON d.id = x.document_id ORDER BY x.document_id, x.page")]
    return Summary(table, status, boxes, pages)


def summary(request: Request, case: Any) -> Summary:
    """The case's summary, read again only when the withholdings or documents changed."""
    conn = case.store.conn
    key = _version(conn)
    with _LOCK:
        held = getattr(request.app.state, "withholdings_summary", None)
        if held is not None and held[0] == key:
            return held[1]
    names = {p.id: p.name for p in case.store.productions()}
    found = _summary(conn, names)
    with _LOCK:
        request.app.state.withholdings_summary = (key, found)
    return found


@router.get("/withholdings")
def withholdings_page(request: Request, production: str = "", code: str = "", page: int = 1, *, case: CaseDep) -> Response:
    conn = case.store.conn
    names = [p.name for p in case.store.productions()]
    analyzed = table_exists(case, "exemption_marks")
    held = summary(request, case) if analyzed else Summary({}, {}, {}, [])
    rows = [{"production": name, "codes": held.table.get(name, {}), "status": held.status.get(name, {}),
             "boxes": held.boxes.get(name, 0)} for name in names]
    codes = sorted({c for per in held.table.values() for c in per}, key=_code_order)
    # The gallery: pages with redaction boxes or placed exemption codes, narrowed by production and code.
    chosen = [(d, p) for d, p, prod, placed in held.pages
              if (not production or prod == production) and (not code or code in placed)]
    pg = pager(page, len(chosen), GALLERY)
    shown = chosen[pg.offset : pg.offset + pg.size]
    docs = documents(case, [d for d, _ in shown])
    gallery = [{"doc": docs[d], "page": p, "boxes": page_boxes(conn, d, p)} for d, p in shown if d in docs]
    return render(request, "withholdings.html", rows=rows, codes=codes, analyzed=analyzed, gallery=gallery,
                  pager=pg, production=production, code=code, productions=names)


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
