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
    who = verify_password(conn, name.strip(), password)
    if who is None:
        review_sql.audit(conn, name.strip()[:80] or "?", "login-failed")
        return render(request, "login.html", status_code=401, next=_safe_next(next),
                      error="That name and password do not match. Check both and try again.")
    # A fresh session id at sign-in, so a token planted before login is worth nothing after it.
    old = request.cookies.get(COOKIE)
    if old:
        end_session(conn, old)
    session = new_session(conn, who.user_id)
    review_sql.audit(conn, who.name, "login")
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, session.token, request.app.state.settings)
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
