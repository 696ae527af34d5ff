"""Real State Department e-mails (with State's own OCR'd page stamps) as a production volume:
clean, it draws no finding at all against the NDLON order; with one defect seeded, exactly that
defect is reported, citing exactly the documents seeded."""

from __future__ import annotations

from pathlib import Path

import pytest
from state_volgen import DEFECTS, read_state_records, seed

from uncover.check.checker import check_production
from uncover.check.stamps import stamp_matches
from uncover.ingest.volume import ingest_volume
from uncover.model import BatesNumber


def _check(case, corpora: Path, tmp_path: Path, defect: str, spec: str = "ndlon-2011"):  # noqa: ANN001, ANN202
    expected = seed(corpora, tmp_path / "VOL001", defect)
    ingest_volume(case, tmp_path / "VOL001", production="STATE001", ocr="never")
    return expected, check_production(case, spec, "STATE001")


def test_state_stamps_carry_real_ocr_noise(corpora: Path) -> None:
    texts = [t for r in read_state_records(corpora) for t in r.texts]
    assert sum("STATE-5CB" in t for t in texts) >= 5  # State's OCR read S as 5 on these pages
    assert stamp_matches(BatesNumber.parse("STATE-5CB0045650"), "STATE-SCB0045650")
    assert not stamp_matches(BatesNumber.parse("STATE-5CB0045651"), "STATE-SCB0045650", digit_noise=False)


@pytest.mark.parametrize("spec", ["ndlon-2011", "generic-esi"])
def test_clean_state_volume_has_no_findings(case, corpora: Path, tmp_path: Path, spec: str) -> None:
    _, report = _check(case, corpora, tmp_path, "clean", spec)
    assert report.documents == 6
    assert report.flagged == [], [(f.rule, f.documents, f.details[:3]) for f in report.flagged]
    # rules with their evidence present ran: not one of them says not-checked
    silent = {f.rule for f in report.findings if f.severity == "not-checked"}
    assert silent == {"withholdings.unmarked"}


@pytest.mark.parametrize("defect", DEFECTS)
def test_seeded_defect_is_reported_with_exact_bates(case, corpora: Path, tmp_path: Path, defect: str) -> None:
    expected, report = _check(case, corpora, tmp_path, defect)
    assert report.rule_ids() == {expected.rule}, [(f.rule, f.documents, f.details[:3]) for f in report.flagged]
    assert report.finding(expected.rule).documents == expected.documents
