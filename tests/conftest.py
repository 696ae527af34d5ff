"""Shared fixtures: the real corpora (UNCOVER_CORPORA, default ../shared/corpora) and fresh cases.

Tests that need the corpora skip with a reason where the folder is absent, except under CI
(CI=true), where a missing corpus is a failure: a green run must have used the real files.

With UNCOVER_TEST_DATABASE=postgresql://... the same suite runs on PostgreSQL: the run gets a
database of its own on that server, every case a test creates (Case.init, `uncover init`, in
this process or a child) lives in a fresh schema there, and the database is dropped at the end.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    dsn = os.environ.get("UNCOVER_TEST_DATABASE")
    if not dsn:
        return
    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"uncover_test_{os.getpid()}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        for (stale,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'uncover_test_%'").fetchall():
            if not _alive(int(stale.rsplit("_", 1)[1])):  # left by a run that was killed
                conn.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["UNCOVER_DATABASE"] = make_conninfo(dsn, dbname=name)
    config.stash[_TEST_DATABASE] = (dsn, name)


def pytest_unconfigure(config: pytest.Config) -> None:
    held = config.stash.get(_TEST_DATABASE, None)
    if held is None:
        return
    import psycopg

    dsn, name = held
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_TEST_DATABASE = pytest.StashKey[tuple[str, str]]()


def corpora_root() -> Path:
    return Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))


@pytest.fixture(scope="session")
def corpora() -> Path:
    root = corpora_root()
    if not root.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"UNCOVER_CORPORA={root} does not exist; CI must run the corpus tests")
        pytest.skip(f"corpora not found at {root} (set UNCOVER_CORPORA)")
    return root


@pytest.fixture
def case(tmp_path: Path):
    from uncover import Case

    with Case.init(tmp_path / "case") as c:
        yield c
