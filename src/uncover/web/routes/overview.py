"""The case at a glance: counts, time line, custodians, processing status, reconciliation,
exception report, and the state of the newest ingest: running (htmx polls /overview/progress every
2 s), stopped halfway (killed: resume it), or finished (see ingest/state.py).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...ingest.pipeline import reconcile
from ...ingest.state import ingest_state
from ..app import CaseDep, render

router = APIRouter()


@router.get("/overview")
def overview(request: Request, *, case: CaseDep) -> Response:
    store = case.store
    conn = store.conn
    months = [(m, int(c)) for m, c in conn.execute(
        "SELECT substr(date, 1, 7) AS m, COUNT(*) FROM documents "
        "WHERE date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]*' GROUP BY m ORDER BY m")]
    top = max((c for _, c in months), default=1)
    bars = [{"month": m, "count": c, "x": i * 100 / len(months), "height": max(2.0, 60 * c / top)} for i, (m, c) in enumerate(months)]
    custodians = [(c or "(none)", int(n)) for c, n in conn.execute(
        "SELECT custodian, COUNT(*) AS n FROM documents GROUP BY custodian ORDER BY n DESC LIMIT 25")]
    state = ingest_state(case)
    ingests = []
    for row in store.ingests():
        counts = json.loads(row.get("counts") or "{}")
        if row.get("finished_at"):
            status = str(row["finished_at"]).replace("T", " ")
        elif row["id"] == state.ingest_id:
            status = "running" if state.state == "running" else "stopped (run it again to resume)"
        else:
            status = "stopped; a later run went on"
        ingests.append({**row, "counts": counts, "sources": json.loads(row.get("sources") or "[]"), "status": status})
    issues = store.issues(exceptions_only=True)
    by_category: dict[str, int] = {}
    for issue in issues:
        by_category[str(issue.category)] = by_category.get(str(issue.category), 0) + 1
    return render(
        request, "overview.html", counts=store.counts(), productions=store.production_counts(), bars=bars,
        custodians=custodians, custodian_top=max((n for _, n in custodians), default=1), ingests=list(reversed(ingests)),
        reconciliation=reconcile(case), issues=issues[:500], issue_total=len(issues), by_category=sorted(by_category.items()),
        progress=state,
    )


@router.get("/overview/progress")
def progress(request: Request, *, case: CaseDep) -> Response:
    return render(request, "_progress.html", progress=ingest_state(case), reconciliation=reconcile(case))
