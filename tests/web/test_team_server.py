"""`uncover serve CASE --team --workers 2`: several worker processes over one PostgreSQL case,
each request answered by whichever worker takes it, every write seen by all of them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from uncover import Case
from uncover.web.auth import add_user


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert match
    return match.group(1)


@pytest.mark.slow
def test_two_worker_processes_share_one_case(case_copy: Path) -> None:
    with Case.open(case_copy) as case:
        backend = case.backend
        doc_ids = [d.id for d in case.store.iter_documents()][:6]
        with case.store.transaction() as conn:
            add_user(conn, "ana", "a long enough password", "reviewer")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uncover", "serve", str(case_copy), "--team", "--port", str(port),
                             "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if backend != "postgresql":
            assert proc.wait(timeout=60) == 2
            assert b"--workers needs the case on PostgreSQL" in proc.stderr.read()  # type: ignore[union-attr]
            return
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as http:
            token = csrf(http.get("/login").text)
            assert http.post("/login", data={"name": "ana", "password": "a long enough password", "next": "/search",
                                             "csrf_token": token}).status_code == 303
            token = csrf(http.get("/search").text)
            for doc_id in doc_ids:
                r = http.post(f"/documents/{doc_id}/tags", data={"tag": "hot"}, headers={"X-CSRF-Token": token, "HX-Request": "true"})
                assert r.status_code == 200
            # Fresh connections land on either worker (the kernel picks): ask until both have
            # answered, each seeing every tag; a worker's connection names its process.
            workers, deadline = 0, time.monotonic() + 60
            while workers < 2 and time.monotonic() < deadline:
                with httpx.Client(base_url=base, cookies=http.cookies, timeout=30) as other:
                    r = other.get("/search", params={"q": "tag:hot"})
                    assert r.status_code == 200
                    assert f"{len(doc_ids)} documents match" in r.text
                with Case.open(case_copy) as case:
                    workers = case.store.conn.execute(
                        "SELECT COUNT(DISTINCT application_name) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND application_name LIKE 'uncover %' AND application_name <> ?",
                        (f"uncover {os.getpid()}",)).fetchone()[0]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    with Case.open(case_copy) as case:
        audit = case.store.conn.execute("SELECT COUNT(*) FROM review_audit WHERE action = 'tag' AND actor = 'ana'").fetchone()[0]
    assert audit == len(doc_ids)
    assert workers == 2, "both worker processes answered"
