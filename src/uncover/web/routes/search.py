"""The search page: the query language of `uncover search`, exact facets, saved searches, CSV export.

Facet counts are exact over every matching id (web/facets.py), not estimated from the page of
hits shown, so "privileged (212)" means 212 documents. They come in a second request, after the hits.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse

from ... import review
from ...case import Case
from ...errors import QueryError
from ...search import matching_ids, search
from ...search.filters import fields_help
from ...search.query import Node, parse
from ...store import review as review_sql
from ..app import CaseDep, render
from ..auth import Principal, Reader, csrf_protect, principal
from ..facets import FacetCache

router = APIRouter()
SORTS = {"relevance": "Relevance", "-date": "Newest first", "date": "Oldest first"}


def table_names(case: Case) -> set[str]:
    return {r[0] for r in case.store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def refine(query: str, clause: str) -> str:
    """The query narrowed by one more clause (a facet click)."""
    query = query.strip()
    if not query or query == "*":
        return clause
    if clause in query:
        return query
    if re.search(r"\bOR\b", query):
        query = f"({query})"
    return f"{query} {clause}"


def quoted(field_name: str, value: str) -> str | None:
    if '"' in value or "\\" in value:
        return None
    return f'{field_name}:"{value}"'


@dataclass
class FacetValue:
    label: str
    count: int
    query: str | None  # the refined query, None when the value cannot be searched for


@dataclass
class Facet:
    name: str
    title: str
    values: list[FacetValue] = field(default_factory=list)


@dataclass
class MonthBar:
    month: str
    count: int
    query: str
    x: float = 0.0
    height: float = 0.0


def facets(case: Case, cache: FacetCache, query: str, tree: Node) -> tuple[list[Facet], list[MonthBar], int]:
    """(facets, months, undated count) for the documents matching `query`.

    The counts are exact (see web/facets.py: numpy over cached per-document codes); here they
    are only labelled, sorted and given the refined query each value links to.
    """
    counts = cache.counts(case, tree).by
    has_or = bool(re.search(r"\bOR\b", query))

    def narrow(clause: str | None) -> str | None:
        if clause is None:
            return None
        q = query.strip()
        if not q or q == "*":
            return clause
        return f"({q}) {clause}" if has_or else f"{q} {clause}"

    def facet(name: str, title: str, found: dict[Any, int], field_name: str, none_label: str = "(none)") -> Facet | None:
        values = []
        for label, count in found.items():
            if label is None or label == "" or label == none_label:
                values.append(FacetValue(none_label, count, None))
            else:
                values.append(FacetValue(str(label), count, narrow(quoted(field_name, str(label)))))
        values.sort(key=lambda v: (-v.count, v.label))
        return Facet(name, title, values[:30]) if values else None

    def people_facet(name: str, title: str, found: dict[Any, int]) -> Facet | None:
        from ..people import search_value

        values = [FacetValue(key_label[1], count, narrow(quoted(name, search_value(key_label))))
                  for key_label, count in found.items()]
        values.sort(key=lambda v: (-v.count, v.label))
        return Facet(f"people-{name}", title, values[:30]) if values else None

    productions = {p.id: p.name for p in case.store.productions()}
    by_production: dict[str, int] = {}
    for production_id, n in counts["production"].items():
        name = productions.get(production_id, "")
        by_production[name] = by_production.get(name, 0) + n
    conn = case.store.conn
    tag_names = {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, name FROM tags")}
    by_tag = {tag_names[t]: n for t, n in counts["tag"].items() if t in tag_names}
    out = [f for f in (
        facet("production", "Production", by_production, "production"),
        facet("custodian", "Custodian", counts["custodian"], "custodian"),
        facet("kind", "Kind", counts["kind"], "kind"),
        facet("tag", "Tags", by_tag, "tag"),
        facet("release", "Release status", {str(k): n for k, n in counts.get("release", {}).items()}, "release"),
        facet("exemption", "Exemption", {str(k): n for k, n in counts.get("exemption", {}).items()}, "exemption"),
        people_facet("from", "From", counts.get("people-from", {})),
        people_facet("to", "To (with Cc, Bcc)", counts.get("people-to", {})),
        people_facet("cc", "Cc (with Bcc)", counts.get("people-cc", {})),
    ) if f]

    by_month = dict(counts["month"])
    months: list[MonthBar] = []
    undated = by_month.pop(None, 0)
    for month in sorted(by_month):
        year, mon = int(month[:4]), int(month[5:7])
        if not 1 <= mon <= 12:
            undated += by_month[month]
            continue
        last = calendar.monthrange(year, mon)[1]
        months.append(MonthBar(month, by_month[month], narrow(f"date:{month}-01..{month}-{last:02d}") or ""))
    if months:
        top = max(m.count for m in months)
        width = 100 / len(months)
        for i, bar in enumerate(months):
            bar.x, bar.height = i * width, max(2.0, 60 * bar.count / top)
    return out, months, undated


def syntax_help() -> list[tuple[str, str]]:
    rows = [
        ('"release in part"', "a phrase"),
        ("memo letter", "both words (AND is the default)"),
        ("memo OR letter", "either word"),
        ("NOT b6  or  -b6", "without the word"),
        ("secur*", "words starting with secur"),
        ("date:2011-01-01..2011-01-31", "a date range (date:..2011-01-31, date:2011-01-01..)"),
    ]
    rows += [(spec.example, spec.description) for spec in fields_help()]
    return rows


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/search", status_code=303)


@router.get("/search")
def search_page(request: Request, q: str = "", sort: str = "relevance", page: int = 1,
                *, case: CaseDep) -> Response:
    """One page of hits; the facet panel follows in a second request (/search/facets), so the
    hits never wait for counting every matching document."""
    started = time.perf_counter()
    settings = request.app.state.settings
    sort = sort if sort in SORTS else "relevance"
    page = max(1, min(page, 10_000))
    query = q.strip() or "*"
    who: Principal = principal(request)
    conn = case.store.conn
    context: dict[str, Any] = {
        "q": q, "sort": sort, "sorts": SORTS, "page": page, "error": None, "results": None,
        "tags": {}, "pages": 0, "syntax": syntax_help(), "saved": review.saved_searches(case, who.name),
        "tag_names": [r[0] for r in conn.execute("SELECT name FROM tags ORDER BY name")],
        "unindexed": conn.execute("SELECT COUNT(*) FROM documents WHERE indexed = 0").fetchone()[0],
    }
    try:
        results = search(case, query, limit=settings.page_size, offset=(page - 1) * settings.page_size, sort=sort)
        context["results"] = results
        context["tags"] = review_sql.tags_by_document(conn, [h.doc_id for h in results.hits])
        context["pages"] = max(1, -(-results.total // settings.page_size))
    except QueryError as exc:
        context["error"] = exc.message
    context["server_ms"] = (time.perf_counter() - started) * 1000
    response = render(request, "search.html", status_code=400 if context["error"] else 200, **context)
    response.headers["Server-Timing"] = f"app;dur={context['server_ms']:.1f}"
    return response


@router.get("/search/facets")
def search_facets(request: Request, q: str = "", sort: str = "relevance", *, case: CaseDep) -> Response:
    """The facet panel of a search page (loaded by htmx once the hits are shown): exact counts."""
    started = time.perf_counter()
    sort = sort if sort in SORTS else "relevance"
    try:
        tree = parse(q.strip() or "*")
        found, months, undated = facets(case, request.app.state.facet_cache, q.strip(), tree)
    except QueryError as exc:
        return PlainTextResponse(exc.message, 400)
    elapsed = (time.perf_counter() - started) * 1000
    response = render(request, "_facets.html", facets=found, months=months, undated=undated, sort=sort)
    response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
    return response


CSV_COLUMNS = ("id", "label", "filename", "kind", "date", "custodian", "from", "to", "cc", "subject", "production",
               "bates_begin", "bates_end", "pages", "tags", "sha256",
               # the withholding columns, filled where `uncover analyze` has run
               "release", "exemptions", "pages_withheld", "pages_redacted", "redaction_boxes", "failed_redactions")


def withholding_cells(case: Case, ids: list[int], tables: set[str]) -> dict[int, tuple[Any, ...]]:
    """document id -> (release status, claimed codes, pages withheld, pages redacted, boxes, failed boxes)."""
    if not ids or "document_release" not in tables:
        return {}
    marks = ",".join("?" * len(ids))
    conn = case.store.conn
    boxes = {r[0]: (int(r[1]), int(r[2] or 0)) for r in conn.execute(
        f"SELECT document_id, COUNT(*), SUM(failed) FROM redactions WHERE document_id IN ({marks}) GROUP BY document_id", ids)}
    return {r["document_id"]: (r["status"], r["codes"].replace(",", "; "), r["pages_withheld"], r["pages_redacted"],
                               *boxes.get(r["document_id"], (0, 0)))
            for r in conn.execute(f"SELECT * FROM document_release WHERE document_id IN ({marks})", ids)}


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/search.csv")
def export_csv(q: str = "", *, case: CaseDep) -> Response:
    query = q.strip() or "*"
    ids = sorted(matching_ids(case, query))
    productions = {p.id: p.name for p in case.store.productions()}
    tables = table_names(case)

    def rows() -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        yield "\ufeff" + buf.getvalue()  # a BOM, so Excel reads UTF-8
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            tags = review_sql.tags_by_document(case.store.conn, chunk)
            held = withholding_cells(case, chunk, tables)
            buf.seek(0)
            buf.truncate()
            for d in case.store.documents(chunk):
                writer.writerow([_cell(v) for v in (
                    d.id, d.label, d.filename, d.kind, d.date, d.custodian, d.sender or d.author, d.recipients, d.cc,
                    d.subject or d.title, productions.get(d.production_id, ""), d.bates_begin, d.bates_end, d.page_count,
                    "; ".join(tags.get(d.id, [])), d.sha256, *held.get(d.id, ("", "", "", "", "", "")),
                )])
            yield buf.getvalue()

    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", query)[:60].strip("-") or "all"
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="uncover-{name}.csv"'})


@router.post("/searches", dependencies=[Depends(csrf_protect)])
def save_search(request: Request, name: str = Form(...), q: str = Form(""), sort: str = Form("relevance"),
                *, case: CaseDep, who: Reader) -> Response:
    review.save_search(case, name, q.strip() or "*", who.name, sort if sort in SORTS else "relevance")
    return RedirectResponse(f"/search?q={_q(q)}&sort={_q(sort)}", status_code=303)


@router.post("/searches/{search_id}/delete", dependencies=[Depends(csrf_protect)])
def delete_search(search_id: int, *, case: CaseDep, who: Reader) -> Response:
    review.delete_saved_search(case, search_id, who.name)
    return RedirectResponse("/search", status_code=303)


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
