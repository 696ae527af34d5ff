"""Who is asking, and may they: argon2 passwords, session cookies, roles, CSRF tokens.

Laptop mode (no --team) has one local user with every right and no login, but still a CSRF
token: a web page open in the same browser could otherwise post a tag or a note to 127.0.0.1.
Team mode requires a login; the session cookie carries a random token, and only its SHA-256 is
stored, so a copy of case.db does not hand out live sessions.

Nobody writes to the case without signing in: a request with no session (every visitor in
laptop mode, and team-mode visitors before they sign in) gets its CSRF token from a random value
in a cookie of its own, bound to it by an HMAC with a secret that lives only in the server's
memory (signed double-submit), so a crawler or a flood of cookie-less requests adds no row.
State-changing requests must also come from a page of this site (Origin, else Referer, must name
this host; a browser cannot forge either), and sign-in attempts are limited per account and per
address (`LoginLimiter`), so passwords cannot be guessed at argon2's pace, only at ours.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Depends, HTTPException, Request

from ..review import ROLES
from ..store import review as sql

if TYPE_CHECKING:
    import sqlite3

COOKIE = "uncover_session"
ANON_COOKIE = "uncover_csrf"  # the random value an anonymous visitor's CSRF token is bound to
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_DAYS = 7
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# What each role may do, in one place; a route names the right it needs.
RIGHTS = {
    "admin": {"read", "review", "admin"},
    "reviewer": {"read", "review"},
    "viewer": {"read"},
}

_hasher = PasswordHasher()
# A hash to verify against when the user name is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Principal:
    """The user behind a request."""

    name: str
    role: str
    user_id: int | None = None  # None for the laptop-mode local user

    def can(self, right: str) -> bool:
        return right in RIGHTS.get(self.role, set())


LOCAL_USER = Principal("local", "admin")


def hash_password(password: str) -> str:
    if len(password) < 8:
        from ..errors import InputError

        raise InputError("Choose a password of at least 8 characters.")
    return _hasher.hash(password)


def verify_password(conn: sqlite3.Connection, name: str, password: str) -> Principal | None:
    user = sql.user_by_name(conn, name)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        sql.set_password_hash(conn, user.id, _hasher.hash(password))
    return Principal(user.name, user.role, user.id)


def add_user(conn: sqlite3.Connection, name: str, password: str, role: str) -> int:
    from ..errors import InputError

    name = name.strip()
    if not name or len(name) > 80 or any(c.isspace() for c in name):
        raise InputError("A user name is 1 to 80 characters without spaces. For example: mrapp")
    if role not in ROLES:
        raise InputError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    return sql.upsert_user(conn, name, hash_password(password), role)


# -- sessions ----------------------------------------------------------------------------------------
def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class SessionInfo:
    token: str
    user_id: int | None
    csrf: str
    new: bool  # the cookie must be (re)sent


def load_session(conn: sqlite3.Connection, token: str | None) -> SessionInfo | None:
    if not token or len(token) > 200:
        return None
    found = sql.session(conn, token_hash(token), _now())
    return SessionInfo(token, found[0], found[1], False) if found else None


def new_session(conn: sqlite3.Connection, user_id: int | None) -> SessionInfo:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = (datetime.now(UTC) + timedelta(days=SESSION_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sql.purge_sessions(conn, _now())
    sql.create_session(conn, token_hash(token), user_id, csrf, expires)
    return SessionInfo(token, user_id, csrf, True)


def end_session(conn: sqlite3.Connection, token: str) -> None:
    sql.delete_session(conn, token_hash(token))


def anonymous_csrf(secret: bytes, nonce: str | None) -> tuple[str, str, bool]:
    """(nonce, CSRF token, whether the nonce cookie must be sent) for a request with no session.

    Nothing is stored: the token is HMAC(secret, nonce), the nonce lives in the visitor's cookie.
    """
    if not nonce or len(nonce) > 100 or not nonce.replace("-", "").replace("_", "").isalnum():
        nonce, new = secrets.token_urlsafe(24), True
    else:
        new = False
    return nonce, hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest(), new


def same_origin(request: Request) -> bool:
    """True when a state-changing request comes from a page of this site, as the browser says.

    Browsers send Origin on every POST (`null` from sandboxed or privacy-stripped contexts, which
    is refused); a request with neither Origin nor Referer is not a browser's cross-site request,
    and still needs its CSRF token.
    """
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return True
    if source == "null":
        return False
    host = (request.headers.get("host") or "").lower()
    return bool(host) and urlsplit(source).netloc.lower() == host


class LoginLimiter:
    """Failed sign-ins per account and per address in a sliding window; memory stays bounded.

    After `per_account` failures for one name, or `per_address` from one address, within
    `window` seconds, further attempts are refused (429) without checking the password until
    the oldest failure leaves the window. A success clears the account's count. In memory:
    a restart forgets, which costs an attacker a restart of our server per window.
    """

    def __init__(self, per_account: int = 5, per_address: int = 20, window: float = 900.0, keys: int = 10_000) -> None:
        self.limits = {"account": per_account, "address": per_address}
        self.window = window
        self.keys = keys
        self.failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self.lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        found = self.failures.get(key)
        if found is None:
            return deque()
        while found and found[0] <= now - self.window:
            found.popleft()
        return found

    def blocked(self, account: str, address: str) -> float:
        """Seconds until this account and address may try again (0: now)."""
        now = time.monotonic()
        wait = 0.0
        with self.lock:
            for kind, value in (("account", account.casefold()), ("address", address)):
                recent = self._recent((kind, value), now)
                if len(recent) >= self.limits[kind]:
                    wait = max(wait, recent[0] + self.window - now)
        return wait

    def failed(self, account: str, address: str) -> None:
        now = time.monotonic()
        with self.lock:
            for key in (("account", account.casefold()), ("address", address)):
                recent = self._recent(key, now)
                recent.append(now)
                self.failures[key] = recent
                self.failures.move_to_end(key)
            while len(self.failures) > self.keys:
                self.failures.popitem(last=False)

    def succeeded(self, account: str) -> None:
        with self.lock:
            self.failures.pop(("account", account.casefold()), None)


# -- guards used by the routes -------------------------------------------------------------------------
def principal(request: Request) -> Principal:
    who = getattr(request.state, "principal", None)
    if who is None:
        raise HTTPException(401, "Sign in to continue.")
    return who


def require(right: str):
    """A dependency: the request's user must hold `right` (403 with a plain reason otherwise)."""

    def check(request: Request) -> Principal:
        who = principal(request)
        if not who.can(right):
            raise HTTPException(403, f"Your role ({who.role}) can read documents but not change them. "
                                     "Ask an admin for the reviewer role.")
        return who

    return check


async def csrf_protect(request: Request) -> None:
    """A dependency for state-changing routes: the session's token in a header (htmx) or form field."""
    if request.method in SAFE_METHODS:
        return
    expected = getattr(request.state, "csrf", None)
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, "This form has expired or did not come from this page. Reload the page and try again.")


Reader = Annotated[Principal, Depends(require("read"))]
Reviewer = Annotated[Principal, Depends(require("review"))]
