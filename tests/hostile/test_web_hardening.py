"""The review workspace against a hostile visitor: guessing, flooding, cross-site posts, deep queries.

The red team found unlimited sign-in attempts, a session row written for every cookie-less
request, no Origin check once a CSRF token was valid, no way to mark cookies Secure behind TLS,
and a 500 for a query of 300 nested parentheses.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from uncover import Case
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.web.app import WebSettings, create_app
from uncover.web.auth import LoginLimiter, add_user


@pytest.fixture(scope="module")
def web_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web")
    (root / "production").mkdir()
    for i in range(3):
        (root / "production" / f"memo-{i}.txt").write_text(f"Memo {i} about the county sheriff detainer program.\n")
    with Case.init(root / "case") as case:
        ingest(case, [root / "production"], IngestOptions(ocr="never", workers=1))
        with case.store.transaction() as conn:
            add_user(conn, "ada", "correct horse battery", "reviewer")
            add_user(conn, "bob", "correct horse battery", "reviewer")
    return root / "case"


def client(case_dir: Path, team: bool = False, base: str = "http://127.0.0.1", **settings: object) -> TestClient:
    app = create_app(case_dir, WebSettings(team=team, allowed_hosts=("127.0.0.1",), **settings))  # type: ignore[arg-type]
    return TestClient(app, base_url=base, follow_redirects=False)


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert match
    return match.group(1)


def sessions(case_dir: Path) -> int:
    with Case.open(case_dir) as case:
        return int(case.store.conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])


def test_anonymous_requests_write_no_session_rows(web_case: Path) -> None:
    before = sessions(web_case)
    for team in (False, True):
        with client(web_case, team=team) as visitor:
            for _ in range(25):
                visitor.cookies.clear()  # a new visitor each time, no cookies
                assert visitor.get("/login" if team else "/search?q=sheriff").status_code in (200, 303)
    assert sessions(web_case) == before
    with client(web_case) as laptop:  # laptop mode still works, with its CSRF token bound to a cookie
        page = laptop.get("/documents/1")
        done = laptop.post("/documents/1/tags", data={"tag": "hot", "csrf_token": token(page.text)})
        assert done.status_code == 303
        assert laptop.post("/documents/1/tags", data={"tag": "hot", "csrf_token": "forged"}).status_code == 403
    assert sessions(web_case) == before


def test_a_post_from_another_site_is_refused_even_with_a_valid_token(web_case: Path) -> None:
    with client(web_case) as browser:
        csrf = token(browser.get("/documents/1").text)
        for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                        {"Referer": "https://evil.example/page"}, {"Origin": "http://127.0.0.1.evil.example"}):
            refused = browser.post("/documents/1/tags", data={"tag": "hot", "csrf_token": csrf}, headers=headers)
            assert refused.status_code == 403 and "did not come from a page" in refused.text, headers
        own = browser.post("/documents/1/tags", data={"tag": "hot", "csrf_token": csrf},
                           headers={"Origin": "http://127.0.0.1"})
        assert own.status_code == 303


def test_sign_in_is_limited_per_account_and_per_address(web_case: Path) -> None:
    with client(web_case, team=True) as guesser:
        guesser.app.state.login_limiter = LoginLimiter(per_account=3, per_address=6)  # type: ignore[attr-defined]
        csrf = token(guesser.get("/login").text)
        for _ in range(3):
            assert guesser.post("/login", data={"name": "ada", "password": "wrong guess", "csrf_token": csrf}).status_code == 401
        locked = guesser.post("/login", data={"name": "ada", "password": "correct horse battery", "csrf_token": csrf})
        assert locked.status_code == 429 and "Too many" in locked.text and int(locked.headers["Retry-After"]) > 60
        other = guesser.post("/login", data={"name": "bob", "password": "correct horse battery", "csrf_token": csrf})
        assert other.status_code == 303  # another account from the same address is not locked out
        csrf = token(guesser.get("/login").text)
        for i in range(3):
            guesser.post("/login", data={"name": f"nobody{i}", "password": "x" * 8, "csrf_token": csrf})
        blocked = guesser.post("/login", data={"name": "bob", "password": "correct horse battery", "csrf_token": csrf})
        assert blocked.status_code == 429  # the address has used up its attempts


def test_the_default_limits_and_their_window() -> None:
    limiter = LoginLimiter(window=0.2)
    for _ in range(5):
        limiter.failed("Ada", "10.0.0.1")
    assert limiter.blocked("ada", "10.0.0.2") > 0 and limiter.blocked("bob", "10.0.0.1") == 0
    for i in range(15):
        limiter.failed(f"user{i}", "10.0.0.1")
    assert limiter.blocked("bob", "10.0.0.1") > 0 and limiter.blocked("bob", "10.0.0.3") == 0
    time.sleep(0.25)
    assert limiter.blocked("ada", "10.0.0.1") == 0  # the window has passed
    crowd = LoginLimiter(keys=100)
    for i in range(1000):
        crowd.failed(f"name{i}", f"10.1.{i // 250}.{i % 250}")
    assert len(crowd.failures) <= 100  # memory stays bounded under a flood of names


def test_cookies_are_secure_when_asked_or_over_https(web_case: Path) -> None:
    with client(web_case) as plain:
        assert "secure" not in plain.get("/search").headers["set-cookie"].lower()
    with client(web_case, secure_cookies=True) as asked:
        assert "secure" in asked.get("/search").headers["set-cookie"].lower()
    app = create_app(web_case, WebSettings(team=True, allowed_hosts=("127.0.0.1",)))
    with TestClient(app, base_url="https://127.0.0.1", follow_redirects=False) as tls:
        page = tls.get("/login")
        assert "secure" in page.headers["set-cookie"].lower() and "max-age" in page.headers["strict-transport-security"]
        signed = tls.post("/login", data={"name": "bob", "password": "correct horse battery", "csrf_token": token(page.text)},
                          headers={"Origin": "https://127.0.0.1"})
        assert signed.status_code == 303
        assert all("secure" in c.lower() for c in signed.headers.get_list("set-cookie"))


def test_a_deeply_nested_query_is_a_plain_400(web_case: Path) -> None:
    with client(web_case) as browser:
        deep = browser.get("/search", params={"q": "(" * 300 + "sheriff" + ")" * 300})
        assert deep.status_code in (200, 400) and "nests parentheses" in deep.text
        assert browser.get("/search", params={"q": "NOT " * 2000 + "sheriff"}).status_code in (200, 400)
