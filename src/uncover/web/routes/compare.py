"""Two documents side by side, passage by passage: what differs between near-duplicates, or
between an earlier and a later production of the same record."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from ..analysis import compare
from ..app import CaseDep, render

router = APIRouter()


@router.get("/compare")
def compare_page(request: Request, left: int, right: int, *, case: CaseDep) -> Response:
    a, b = case.store.document(left), case.store.document(right)
    if a is None or b is None:
        raise HTTPException(404, "One of the two documents is not in this case.")
    productions = {p.id: p.name for p in case.store.productions()}
    comparison = compare(case, a, b)
    return render(request, "compare.html", cmp=comparison, productions=productions)
