"""The production check in the browser: a production against the ordered or agreed format, the
findings, the deficiency letter's preview, and the letter to download (Markdown or Word).

The check and the letter are the library's (check.checker.check_production, check.letter:
markdown_letter and write_letter); this page only shows them. A report is kept for the life of a
data version (document count, newest id), so paging back to the preview does not check again. A
production of more than CHECK_INLINE documents is checked in a thread while the page says so and
reloads itself every two seconds (100,000 documents take about a minute on two cores).
"""

from __future__ import annotations

import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from ...case import Case
from ...errors import UncoverError
from ..app import CaseDep, render

router = APIRouter()
_LOCK = threading.Lock()
KEEP = 8
CHECK_INLINE = 5000  # documents: up to this many are checked while the page waits (a few seconds)


def _specs() -> list[str]:
    from ...check.spec import builtin_specs

    return builtin_specs()


class Checking:
    """A check running in a thread of its own (a large production takes a minute): the page says
    so and asks again every two seconds until the report is kept."""

    def __init__(self) -> None:
        self.error: str | None = None


def _version(case: Case) -> tuple[Any, ...]:
    """What a kept report depends on: the documents (a new ingest, a re-ingest)."""
    return tuple(case.store.conn.execute("SELECT COUNT(*), MAX(id) FROM documents").fetchone())


def _report(request: Request, case: Case, production: str, spec: str, wait: bool = False) -> Any:
    """The kept report; else, for a small production (or `wait`), the report checked now; else a
    `Checking` while a thread checks it (a Case of its own: a connection serves one thread)."""
    from ...check.checker import check_production

    key = (production, spec, _version(case))
    with _LOCK:
        cache: dict[Any, Any] | None = getattr(request.app.state, "check_reports", None)
        if cache is None:
            cache = request.app.state.check_reports = {}
        held = cache.get(key)
        if held is not None and not (wait and isinstance(held, Checking)):
            return held
    size = int(case.store.conn.execute(
        "SELECT COUNT(*) FROM documents WHERE production_id IN (SELECT id FROM productions WHERE name = ? OR ? = '')",
        (production, production)).fetchone()[0])
    if wait or size <= CHECK_INLINE:
        report = check_production(case, spec, production or None)
        _keep(cache, key, report)
        return report
    checking = Checking()
    _keep(cache, key, checking)

    def run() -> None:
        try:
            with Case.open(case.root) as own:
                _keep(cache, key, check_production(own, spec, production or None))
        except Exception as exc:  # noqa: BLE001 - shown on the page instead of a report
            checking.error = exc.message if isinstance(exc, UncoverError) else f"The check failed: {exc}"

    threading.Thread(target=run, name="uncover-check", daemon=True).start()
    return checking


def _keep(cache: dict[Any, Any], key: tuple[Any, ...], value: Any) -> None:
    with _LOCK:
        cache.pop(key, None)
        while len(cache) >= KEEP:
            cache.pop(next(iter(cache)))
        cache[key] = value


def _choices(case: Case, production: str, spec: str) -> tuple[list[str], str, str]:
    names = [p.name for p in case.store.productions()]
    if production and production not in names:
        raise HTTPException(404, f"There is no production {production!r} in this case.")
    specs = _specs()
    spec = spec or case.settings.spec or ("generic-esi" if "generic-esi" in specs else (specs[0] if specs else ""))
    if spec not in specs:
        raise HTTPException(404, f"There is no production spec {spec!r}; choose one of {', '.join(specs)}.")
    return names, production, spec


@router.get("/check")
def check_page(request: Request, production: str = "", spec: str = "", run: bool = False, *, case: CaseDep) -> Response:
    from markdown_it import MarkdownIt

    from ...check.letter import markdown_letter
    from ..sanitize import sanitize_letter_html

    names, production, spec = _choices(case, production, spec)
    context: dict[str, Any] = {"productions": names, "production": production, "spec": spec, "specs": _specs(),
                               "report": None, "letter_html": "", "error": None, "checking": None}
    if run or production:
        try:
            report = _report(request, case, production, spec)
        except UncoverError as exc:
            context["error"] = exc.message
        else:
            if isinstance(report, Checking):
                context["checking"] = report
                context["error"] = report.error
                return render(request, "check.html", **context)
            md = MarkdownIt("commonmark", {"html": False}).enable("table")
            context["report"] = report
            try:
                context["letter_html"] = sanitize_letter_html(md.render(markdown_letter(case, report)))
            except UncoverError as exc:  # the letter needs who writes it and who signs: say what to set
                context["letter_error"] = exc.message
    return render(request, "check.html", **context)


@router.get("/check/letter.{fmt}")
def letter_download(request: Request, fmt: str, production: str = "", spec: str = "", *, case: CaseDep) -> Response:
    from ...check.letter import write_letter

    if fmt not in ("md", "docx", "pdf"):
        raise HTTPException(404, "The letter comes as .md, .docx or .pdf.")
    _, production, spec = _choices(case, production, spec)
    report = _report(request, case, production, spec, wait=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"deficiency-letter-{production or 'all'}-{spec}").strip("-")
    with tempfile.TemporaryDirectory() as tmp:
        path = write_letter(case, report, fmt, Path(tmp) / f"{name}.{fmt}")[0]
        data = path.read_bytes()
    media = {"md": "text/markdown; charset=utf-8", "pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[fmt]
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
