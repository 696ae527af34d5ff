"""The case at a glance: counts, time line, custodians, processing status, reconciliation,
exception report, and the state of the newest ingest: running (htmx polls /overview/progress every
2 s), stopped halfway (killed: resume it), or finished (see ingest/state.py).
"""

from __future__ import annotations

import json
import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...case import Case
from ...ingest.pipeline import reconcile
from ...ingest.state import ingest_state
from ..app import CaseDep, render
from .search import table_names

router = APIRouter()
_LOCK = threading.Lock()


def _version(case: Case) -> tuple[Any, ...]:
    """Cheap to read (indexes and maxima only), and changed by anything the slow counts count: an
    ingest's new inputs, documents, exceptions and pages, a resumed run, a re-analysis."""
    conn = case.store.conn
    version = tuple(conn.execute(
        "SELECT (SELECT MAX(id) FROM documents), (SELECT COUNT(*) FROM documents WHERE indexed = 0), "
        "(SELECT MAX(id) FROM inputs), (SELECT COUNT(*) FROM inputs WHERE state = 'pending'), "
        "(SELECT MAX(id) FROM processing_issues), (SELECT MAX(id) FROM ingests), (SELECT COUNT(*) FROM productions)"
    ).fetchone())
    if "document_release" in table_names(case):
        version += tuple(conn.execute("SELECT MAX(analyzed_at) FROM document_release").fetchone())
    # a day of receipt recorded from the overview (productions are few: read them all)
    version += tuple(tuple(r) for r in conn.execute("SELECT id, received_at FROM productions ORDER BY id"))
    return version


def _case_figures(request: Request, case: Case) -> dict[str, Any]:
    """Counts, productions, the time line and custodians: on 100,000 documents these take seconds
    to count, so they are kept until the version changes (an ingest moves it on every commit)."""
    key = _version(case)
    with _LOCK:
        held = getattr(request.app.state, "overview_figures", None)
        if held is not None and held[0] == key:
            return held[1]
    store = case.store
    conn = store.conn
    months = [(m, int(c)) for m, c in conn.execute(
        "SELECT substr(date, 1, 7) AS m, COUNT(*) FROM documents "
        "WHERE date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]*' GROUP BY m ORDER BY m")]
    top = max((c for _, c in months), default=1)
    bars = [{"month": m, "count": c, "x": i * 100 / len(months), "height": max(2.0, 60 * c / top)} for i, (m, c) in enumerate(months)]
    custodians = [(c or "(none)", int(n)) for c, n in conn.execute(
        "SELECT custodian, COUNT(*) AS n FROM documents GROUP BY custodian ORDER BY n DESC LIMIT 25")]
    counts = store.counts()
    figures = {"counts": counts, "reconciliation": reconcile(case, counts), "productions": store.production_counts(),
               "bars": bars, "custodians": custodians, "custodian_top": max((n for _, n in custodians), default=1)}
    with _LOCK:
        request.app.state.overview_figures = (key, figures)
    return figures


@router.get("/overview")
def overview(request: Request, *, case: CaseDep) -> Response:
    store = case.store
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
        request, "overview.html", **_case_figures(request, case), ingests=list(reversed(ingests)),
        issues=issues[:500], issue_total=len(issues), by_category=sorted(by_category.items()), progress=state,
    )


@router.get("/overview/progress")
def progress(request: Request, *, case: CaseDep) -> Response:
    return render(request, "_progress.html", progress=ingest_state(case),
                  reconciliation=_case_figures(request, case)["reconciliation"])
