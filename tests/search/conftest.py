"""Fixtures for the search tests: a case of real State Department releases (see state_corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest
from state_corpus import build_state_case


@pytest.fixture(scope="module")
def state_case(corpora: Path, tmp_path_factory: pytest.TempPathFactory):
    from uncover.search import reindex

    case, records = build_state_case(tmp_path_factory.mktemp("state") / "case", corpora)
    reindex(case)
    yield case, records
    case.index.close()
    case.close()
