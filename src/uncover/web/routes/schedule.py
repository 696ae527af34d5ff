"""The schedule: each production a scheduling order set, when it was due, when it arrived, and
whether it is overdue (check.deadlines, from `[[schedule]]` in uncover.toml)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...errors import UncoverError
from ..app import CaseDep, render

router = APIRouter()


@router.get("/schedule")
def schedule_page(request: Request, *, case: CaseDep) -> Response:
    from ...check.deadlines import deadlines

    error = None
    rows = []
    try:
        rows = deadlines(case)
    except UncoverError as exc:
        error = exc.message
    unscheduled = sorted({p.name for p in case.store.productions()} - {d.production for d in rows})
    return render(request, "schedule.html", deadlines=rows, error=error, unscheduled=unscheduled)
