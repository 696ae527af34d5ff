"""Sign in and out (team mode). Laptop mode has nobody to sign in: /login sends you to search."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ...store import review as review_sql
from ..app import CaseDep, render, set_session_cookie
from ..auth import COOKIE, csrf_protect, end_session, new_session, verify_password

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a path on this site: `//evil.example` and `https://...` become /search."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/search"
    return target


@router.get("/login")
def login_page(request: Request, next: str = "/search") -> Response:
    if not request.app.state.settings.team:
        return RedirectResponse("/search", status_code=303)
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login", dependencies=[Depends(csrf_protect)])
def login(request: Request, name: str = Form(...), password: str = Form(...), next: str = Form("/search"),
          *, case: CaseDep) -> Response:
    if not request.app.state.settings.team:
        return RedirectResponse("/search", status_code=303)
    conn = case.store.conn
    account, address = name.strip()[:80], request.client.host if request.client else "?"
    limiter = request.app.state.login_limiter
    wait = limiter.blocked(account, address)
    if wait > 0:  # refused before argon2 runs: guessing costs the guesser, not the server
        minutes = max(1, round(wait / 60))
        response = render(request, "login.html", status_code=429, next=_safe_next(next),
                          error=f"Too many failed sign-ins for this name or from this address. Try again in about "
                                f"{minutes} minute{'s' if minutes > 1 else ''}.")
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    who = verify_password(conn, account, password)
    if who is None:
        limiter.failed(account, address)
        review_sql.audit(conn, account or "?", "login-failed", address=address)
        return render(request, "login.html", status_code=401, next=_safe_next(next),
                      error="That name and password do not match. Check both and try again.")
    limiter.succeeded(account)
    # A fresh session id at sign-in, so a token planted before login is worth nothing after it.
    old = request.cookies.get(COOKIE)
    if old:
        end_session(conn, old)
    session = new_session(conn, who.user_id)
    review_sql.audit(conn, who.name, "login")
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, session.token, request)
    request.state.session_replaced = True
    return response


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request, *, case: CaseDep) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        end_session(case.store.conn, token)
    response = RedirectResponse("/login" if request.app.state.settings.team else "/search", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    request.state.session_replaced = True
    return response
