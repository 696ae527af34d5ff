"""Versions: records produced more than once, and what each later copy reveals, passage by
passage (words where the earlier copy had a redaction or code), what it newly withholds, and what
else changed; each pair opens side by side (routes/compare.py)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..analysis import documents, pager, table_exists
from ..app import CaseDep, render

router = APIRouter()
BASIS = {"bates": "same Bates number", "doc-number": "same agency document number", "near-duplicate": "near-identical text"}


@router.get("/versions")
def versions_page(request: Request, page: int = 1, revealing: bool = False, *, case: CaseDep) -> Response:
    conn = case.store.conn
    where = " WHERE revealed != '[]'" if revealing else ""
    total = int(conn.execute(f"SELECT COUNT(*) FROM version_pairs{where}").fetchone()[0]) \
        if table_exists(case, "version_pairs") else 0
    pg = pager(page, total)
    pairs = []
    if total:
        rows = conn.execute(f"SELECT * FROM version_pairs{where} ORDER BY id LIMIT ? OFFSET ?", (pg.size, pg.offset)).fetchall()
        docs = documents(case, [r["earlier_id"] for r in rows] + [r["later_id"] for r in rows])
        productions = {p.id: p.name for p in case.store.productions()}
        for r in rows:
            a, b = docs.get(r["earlier_id"]), docs.get(r["later_id"])
            if a is None or b is None:
                continue
            pairs.append({"earlier": a, "later": b, "basis": BASIS.get(r["basis"], r["basis"]),
                          "earlier_production": productions.get(a.production_id, ""),
                          "later_production": productions.get(b.production_id, ""),
                          "revealed": json.loads(r["revealed"]), "withheld": json.loads(r["withheld"]),
                          "changed": json.loads(r["changed"])})
    return render(request, "versions.html", pairs=pairs, pager=pg, revealing=revealing)
