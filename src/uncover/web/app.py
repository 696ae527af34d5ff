"""The review workspace: `create_app(case_dir, settings)` builds a FastAPI app over one case folder.

No import-time globals: everything lives on `app.state`, so tests build as many apps as they need.
Each worker thread opens its own `Case` (its own SQLite connection and index reader), because a
SQLite connection must not be used by two threads at once and the review pages are read-heavy.

Every response carries a strict Content-Security-Policy: the app's own script comes only from
/static (no inline script, no eval), and the e-mail body route narrows it further.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..case import Case
from ..errors import CustodyError, UncoverError
from ..store import review as review_sql
from . import auth
from .facets import FacetCache

HERE = Path(__file__).parent
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PUBLIC_PATHS = {"/login", "/healthz"}
DATABASE_THREADS = 8  # request threads (so PostgreSQL connections) per worker process on a team server
# Findings of other areas: importing registers their search fields (exemption:, release:, dupe:...).
OPTIONAL_FIELD_MODULES = ("uncover.store.withholdings", "uncover.store.duplicates", "uncover.review")


@dataclass
class WebSettings:
    team: bool = False  # require a login; otherwise one local user with every right
    host: str = "127.0.0.1"
    port: int = 8765
    allowed_hosts: tuple[str, ...] | None = None  # Host header names accepted (DNS-rebinding guard); None: any
    secure_cookies: bool = False  # set behind HTTPS
    page_size: int = 20


class CaseHandles:
    """One open Case per thread; a thread's Case is closed when the thread is gone (the server's
    idle worker threads come and go: on PostgreSQL each Case holds a connection), all at shutdown."""

    def __init__(self, root: Path) -> None:
        Case.open(root).close()  # fail now, with the plain CaseError, when the folder is not a case
        self.root = root
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, Case]] = []
        self._lock = threading.Lock()

    def get(self) -> Case:
        case = getattr(self._local, "case", None)
        if case is None:
            case = Case.open(self.root)
            case.store.conn.execute("PRAGMA temp_store=MEMORY")
            self._local.case = case
            with self._lock:
                gone = [c for t, c in self._all if not t.is_alive()]
                self._all = [(t, c) for t, c in self._all if t.is_alive()]
                self._all.append((threading.current_thread(), case))
            _close_all(gone)
        return case

    def close(self) -> None:
        with self._lock:
            cases = [c for _, c in self._all]
            self._all.clear()
        _close_all(cases)


def _close_all(cases: list[Case]) -> None:
    for case in cases:
        try:
            case.close()
        except Exception:  # noqa: BLE001 - closing a finished thread's case: nothing to report to
            pass


def get_case(request: Request) -> Case:
    """Dependency: this thread's Case."""
    return request.app.state.cases.get()


CaseDep = Annotated[Case, Depends(get_case)]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, with what every template needs: the user, the CSRF token, the case name."""
    app = request.app
    who = getattr(request.state, "principal", None)
    base = {
        "request": request, "principal": who, "csrf": getattr(request.state, "csrf", ""),
        "case_name": app.state.case_name, "team": app.state.settings.team,
        "can_review": bool(who and who.can("review")),
    }
    return app.state.templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def create_app(case_dir: Path, settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    for module in OPTIONAL_FIELD_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    cases = CaseHandles(Path(case_dir))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if team_database:  # each request thread holds a connection: keep a worker's share of the server's
            anyio.to_thread.current_default_thread_limiter().total_tokens = DATABASE_THREADS
        yield
        cases.close()

    app = FastAPI(title="uncover", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.cases = cases
    app.state.facet_cache = FacetCache()  # exact facet counts, cached per data version
    app.state.secret = secrets.token_bytes(32)  # binds anonymous CSRF tokens; never stored
    app.state.login_limiter = auth.LoginLimiter()
    with Case.open(case_dir) as case:
        app.state.case_name = case.name
        team_database = case.backend == "postgresql"
    env = Environment(loader=PackageLoader("uncover.web", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["urlq"] = lambda v: quote(str(v or ""), safe="")
    env.filters["thousands"] = lambda v: f"{int(v or 0):,}"
    app.state.templates = Jinja2Templates(env=env)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from .routes import auth as auth_routes
    from .routes import (
        check,
        compare,
        documents,
        duplicates,
        overview,
        publish,
        redactions,
        review,
        schedule,
        search,
        tables,
        threads,
        versions,
        viewer,
        withholdings,
    )

    for module in (auth_routes, search, documents, viewer, review, overview, publish, duplicates, compare, threads, versions,
                   withholdings, redactions, check, schedule, tables):
        app.include_router(module.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.middleware("http")
    async def gate(request: Request, call_next: Any) -> Response:
        if settings.allowed_hosts is not None and (request.url.hostname or "") not in settings.allowed_hosts:
            return PlainTextResponse("This address is not served here. Open the address `uncover serve` printed.", 400)
        path = request.url.path
        if path.startswith("/static/"):
            return _secure(await call_next(request), request)
        if request.method not in auth.SAFE_METHODS and not auth.same_origin(request):
            return _secure(PlainTextResponse("This request did not come from a page of this workspace, so it was refused. "
                                             "Open the workspace and try again from there.", 403), request)
        conn = cases.get().store.conn
        session = auth.load_session(conn, request.cookies.get(auth.COOKIE))  # reads; never writes
        request.state.session = session
        anonymous = None
        if session is None:  # no row for a visitor who has not signed in: the token lives in a cookie
            anonymous = auth.anonymous_csrf(app.state.secret, request.cookies.get(auth.ANON_COOKIE))
            request.state.csrf = anonymous[1]
        else:
            request.state.csrf = session.csrf
        who: auth.Principal | None = auth.LOCAL_USER
        if settings.team:
            user = review_sql.user_by_id(conn, session.user_id) if session and session.user_id else None
            who = auth.Principal(user.name, user.role, user.id) if user else None
        request.state.principal = who
        if who is None and path not in PUBLIC_PATHS:
            if request.method == "GET" and not is_htmx(request):
                target = path + (f"?{request.url.query}" if request.url.query else "")
                response: Response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
            else:
                response = PlainTextResponse("Sign in to continue.", 401)
        else:
            response = await call_next(request)
        if anonymous is not None and anonymous[2] and not getattr(request.state, "session_replaced", False):
            response.set_cookie(auth.ANON_COOKIE, anonymous[0], httponly=True, samesite="strict",
                                secure=secure_cookies(request, settings), path="/")
        return _secure(response, request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        # A malformed id or page number in the address is a page that does not exist.
        if any(err.get("loc", [""])[0] == "path" for err in exc.errors()):
            return error_page(request, 404, "There is no such page.")
        return error_page(request, 400, "Some of the values sent were not understood; go back and check the form.")

    @app.exception_handler(UncoverError)
    async def uncover_error(request: Request, exc: UncoverError) -> Response:
        return error_page(request, 409 if isinstance(exc, CustodyError) else 400, exc.message)

    return app


SERVE_ENV = "UNCOVER_SERVE"  # `uncover serve --workers N` hands each worker process its settings here


def serve_spec(case_dir: Path, settings: WebSettings) -> str:
    return json.dumps({"case": str(case_dir), "settings": asdict(settings)})


def app_from_environment() -> FastAPI:
    """The app of one worker process of `uncover serve --workers N` (uvicorn's factory)."""
    spec = json.loads(os.environ[SERVE_ENV])
    values = spec["settings"]
    if values.get("allowed_hosts") is not None:
        values["allowed_hosts"] = tuple(values["allowed_hosts"])
    return create_app(Path(spec["case"]), WebSettings(**values))


def secure_cookies(request: Request, settings: WebSettings) -> bool:
    """Secure cookies when asked (`--secure-cookies`) or when the request came over HTTPS (TLS here,
    or a proxy on this machine saying so in X-Forwarded-Proto)."""
    return settings.secure_cookies or request.url.scheme == "https"


def set_session_cookie(response: Response, token: str, request: Request) -> None:
    secure = secure_cookies(request, request.app.state.settings)
    response.set_cookie(auth.COOKIE, token, max_age=auth.SESSION_DAYS * 86400, httponly=True, samesite="lax",
                        secure=secure, path="/")
    response.delete_cookie(auth.ANON_COOKIE, path="/", secure=secure, httponly=True, samesite="strict")


def error_page(request: Request, status: int, message: str) -> Response:
    if status == 404 and message in ("Not Found", ""):
        message = "There is no such page, document or file in this case."
    if is_htmx(request) or request.url.path.endswith((".png", "/image", "/original", ".csv")):
        return PlainTextResponse(message, status)
    titles = {400: "That did not work", 401: "Sign in", 403: "Not allowed", 404: "Not found", 409: "Not handed out",
              429: "Too many attempts"}
    return render(request, "error.html", status_code=status, title=titles.get(status, "Something went wrong"), message=message)


def _secure(response: Response, request: Request) -> Response:
    headers = response.headers
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = APP_CSP
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with the app's
    # own POSTs, and the Origin check could not tell them from a forged one; other sites still get nothing.
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.url.scheme == "https":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response
