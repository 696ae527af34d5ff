"""The targets of bench/withholdings_scans.py, asserted on its hand labels (bench/labels/withholdings).

The State pages and the FBI text layers are scored in full. Of the FBI scans, which need OCR, a
sample of files covering each style (deleted page sheets, codes with their categories and agency
notes, a page of handwriting only) keeps the test under a minute; the benchmark scores all 127
pages.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OCR_SAMPLE = ("foia-muckrock-responsive-docs/Jon Burge/Email/File_04.PDF",
              "foia-muckrock-responsive-docs/Jon Burge/Email/File_07.PDF",
              "foia-muckrock-responsive-docs/Jon Burge/Email/File_08.PDF")


@pytest.fixture(scope="module")
def bench(corpora: Path):  # type: ignore[no-untyped-def]
    os.environ["UNCOVER_CORPORA"] = str(corpora)
    spec = importlib.util.spec_from_file_location("withholdings_scans", ROOT / "bench" / "withholdings_scans.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.CORPORA = corpora
    return module


def test_state_pages_meet_the_targets(bench) -> None:  # type: ignore[no-untyped-def]
    labels = [p for p in bench.load_page_labels() if p.path.startswith("foia-clinton-state-pdfs/")]
    assert len(labels) == 24
    texts = {path: bench._extract(path)[1] for path in {p.path for p in labels}}
    score = bench.score_codes(labels, texts)
    assert set(score.codes()) >= {"b1", "b3", "b5", "b6", "b7a", "b7c", "b7d", "b7e"}
    for code in score.codes():
        assert score.precision(code) >= 0.99 and score.recall(code) >= 0.95, (code, score.errors)


@pytest.mark.slow
def test_fbi_scans_precision_and_sheet_totals(bench) -> None:  # type: ignore[no-untyped-def]
    labels = [p for p in bench.load_page_labels() if p.path in OCR_SAMPLE or "Jim Brown" in p.path]
    sheets = [s for s in bench.load_sheet_labels() if s.path in OCR_SAMPLE or "Jim Brown" in s.path]
    assert len(labels) == 9 and len(sheets) == 4
    texts = {path: bench._extract(path)[1] for path in {p.path for p in labels}}
    score = bench.score_codes(labels, texts)
    for code in score.codes():
        assert score.precision(code) >= 0.99, (code, score.errors)
    # Recall over all 103 FBI pages is 0.99 (the benchmark); this sample holds the hardest pages
    # (codes glued to body text, a 1992 text layer with codes mid-sentence) and reads 0.95.
    assert score.total()[1] >= 0.90, score.errors
    for result in bench.score_sheets(sheets, texts):
        assert result.ok, result  # printed total = entries read = hand count; reasons per page agree
