"""The case at a glance: counts, time line, custodians, processing status, reconciliation,
exception report, and the live progress of an ingest (htmx polls /overview/progress every 2 s).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...case import Case
from ...ingest.pipeline import reconcile
from ..app import CaseDep, render

router = APIRouter()


def ingest_progress(case: Case) -> dict[str, Any] | None:
    """The newest ingest that has not finished (running, or stopped and waiting to be resumed)."""
    conn = case.store.conn
    row = conn.execute("SELECT * FROM ingests WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    states = dict(conn.execute("SELECT state, COUNT(*) FROM inputs WHERE ingest_id = ? GROUP BY state", (row["id"],)).fetchall())
    total = sum(states.values())
    done = states.get("document", 0) + states.get("exception", 0)
    production = conn.execute("SELECT name FROM productions WHERE id = ?", (row["production_id"],)).fetchone()
    return {
        "id": row["id"], "started_at": row["started_at"], "production": production[0] if production else "",
        "sources": json.loads(row["sources"] or "[]"), "total": total, "done": done, "documents": states.get("document", 0),
        "exceptions": states.get("exception", 0), "pending": states.get("pending", 0),
        "percent": round(100 * done / total) if total else 0,
        "unindexed": conn.execute("SELECT COUNT(*) FROM documents WHERE indexed = 0").fetchone()[0],
    }


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
    ingests = []
    for row in store.ingests():
        counts = json.loads(row.get("counts") or "{}")
        ingests.append({**row, "counts": counts, "sources": json.loads(row.get("sources") or "[]")})
    issues = store.issues(exceptions_only=True)
    by_category: dict[str, int] = {}
    for issue in issues:
        by_category[str(issue.category)] = by_category.get(str(issue.category), 0) + 1
    return render(
        request, "overview.html", counts=store.counts(), productions=store.production_counts(), bars=bars,
        custodians=custodians, custodian_top=max((n for _, n in custodians), default=1), ingests=list(reversed(ingests)),
        reconciliation=reconcile(case), issues=issues[:500], issue_total=len(issues), by_category=sorted(by_category.items()),
        progress=ingest_progress(case),
    )


@router.get("/overview/progress")
def progress(request: Request, *, case: CaseDep) -> Response:
    return render(request, "_progress.html", progress=ingest_progress(case), reconciliation=reconcile(case))
