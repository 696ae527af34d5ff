"""The targets of bench/redaction_boxes.py on its hand-labelled pages (bench/labels/boxes.tsv):
boxes within one of the hand count on at least 90% of the pages, State and FBI alike, and every
x-ray-style failed redaction caught with its true count, no false alarm."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "redaction_boxes.py"


@pytest.fixture(scope="module")
def bench(corpora):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("redaction_boxes_bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    module.CORPORA = corpora
    return module


def test_labels_cover_state_and_fbi_scans(bench) -> None:  # type: ignore[no-untyped-def]
    rows = bench.labels()
    assert len(rows) >= 100
    assert {r.source for r in rows} == {"State", "FBI"}
    assert all(r.path.exists() for r in rows)


def test_box_counts_within_one_of_the_hand_count(bench) -> None:  # type: ignore[no-untyped-def]
    scores = bench.score_boxes(bench.labels())
    assert scores.share >= bench.TARGET_SHARE, [(r.file, r.page, r.boxes, n) for r, n in scores.errors]
    for source, (pages, within) in scores.by_source.items():
        assert within / pages >= bench.TARGET_SHARE, source
    assert abs(scores.found - scores.hand) <= 0.05 * scores.hand  # no systematic over- or under-count


def test_failed_redaction_cases(bench) -> None:  # type: ignore[no-untyped-def]
    cases = bench.score_failed_redactions()
    assert cases.caught == cases.true_counts == cases.failed_cases >= 10
    assert cases.false_alarms == 0 and cases.look_alikes >= 10
