"""Shared fixtures: the real corpora (UNCOVER_CORPORA, default ../shared/corpora) and fresh cases.

Tests that need the corpora skip with a reason where the folder is absent, except under CI
(CI=true), where a missing corpus is a failure: a green run must have used the real files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
