"""Helpers for the web tests, in their own module: `from conftest import ...` picks up whichever
conftest.py pytest loaded last when tests/web runs together with other test folders.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient


def make_client(case_dir: Path, team: bool = False) -> TestClient:
    from uncover.web.app import WebSettings, create_app

    app = create_app(case_dir, WebSettings(team=team, allowed_hosts=("127.0.0.1", "localhost")))
    return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def doc_id_by_subject(case_dir: Path, fragment: str) -> int:
    from uncover import Case

    with Case.open(case_dir) as case:
        row = case.store.conn.execute("SELECT id FROM documents WHERE subject LIKE ? ORDER BY id LIMIT 1", (f"%{fragment}%",)).fetchone()
    assert row, f"no document with subject containing {fragment!r}"
    return int(row[0])


def doc_id_by_filename(case_dir: Path, filename: str) -> int:
    from uncover import Case

    with Case.open(case_dir) as case:
        row = case.store.conn.execute("SELECT id FROM documents WHERE filename = ?", (filename,)).fetchone()
    assert row, f"no document named {filename}"
    return int(row[0])


@contextmanager
def live_server(case_dir: Path) -> Iterator[str]:
    """The workspace served by uvicorn on a free local port, for a real browser; yields its address."""
    import uvicorn

    from uncover.web.app import WebSettings, create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = create_app(case_dir, WebSettings(port=port, allowed_hosts=("127.0.0.1",)))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
