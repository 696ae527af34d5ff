"""Real State Department e-mails (with State's own OCR'd page stamps) as a production volume:
clean, it draws no finding at all against the NDLON order; with one defect seeded, exactly that
defect is reported, citing exactly the documents seeded."""

from __future__ import annotations

from pathlib import Path

import pytest
from state_volgen import DEFECTS, RUNS, read_state_records, seed, write_state_volume

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


@pytest.mark.parametrize("run", RUNS[1:])
def test_other_clean_runs_have_no_findings(case, corpora: Path, tmp_path: Path, run: list[str]) -> None:
    seed(corpora, tmp_path / "VOL001", "clean", run)
    ingest_volume(case, tmp_path / "VOL001", production="STATE001", ocr="never")
    report = check_production(case, "ndlon-2011", "STATE001")
    assert report.documents == len(run) and report.flagged == []


def test_document_numbers_as_identifiers_are_not_page_ranges(case, corpora: Path, tmp_path: Path) -> None:
    """State's document number as BEGBATES = ENDBATES, each e-mail delivered as its multi-page PDF on one
    OPT line: no page-count finding for the "one-page range", and no gap between document numbers."""
    records = read_state_records(corpora)
    for rec in records:
        rec.values.update(BEGBATES=rec.docno, ENDBATES=rec.docno, BEGATTACH=rec.docno, ENDATTACH=rec.docno)
    write_state_volume(corpora, tmp_path / "VOL001", records, pdf_per_document=True)
    ingest_volume(case, tmp_path / "VOL001", production="STATE001", ocr="never")
    spec = tmp_path / "pdf-images.toml"
    spec.write_text('name = "pdf-images"\n[images]\nformats = ["pdf"]\n', "utf-8")
    report = check_production(case, str(spec), "STATE001")
    assert report.documents == 6
    assert report.flagged == [], [(f.rule, f.documents, f.details[:3]) for f in report.flagged]


@pytest.mark.parametrize("defect", DEFECTS)
def test_seeded_defect_is_reported_with_exact_bates(case, corpora: Path, tmp_path: Path, defect: str) -> None:
    expected, report = _check(case, corpora, tmp_path, defect)
    assert report.rule_ids() == {expected.rule}, [(f.rule, f.documents, f.details[:3]) for f in report.flagged]
    assert report.finding(expected.rule).documents == expected.documents


def test_pdf_merging_two_releases_is_one_merged_record(case, corpora: Path, tmp_path: Path) -> None:
    """NDLON's complaint: records merged into one PDF. Two State e-mails in one file: the page whose
    printed document number changes is where the second record begins; the finding cites the file
    by its own number, never by an internal id."""
    import pypdfium2 as pdfium

    from uncover.ingest.pipeline import IngestOptions, ingest

    merged = pdfium.PdfDocument.new()
    for name in ("C05739677", "C05739679"):  # one page, then two
        source = pdfium.PdfDocument(str(corpora / "foia-clinton-state-pdfs" / f"{name}.pdf"))
        merged.import_pages(source)
        source.close()
    drop = tmp_path / "drop"
    drop.mkdir()
    merged.save(str(drop / "C05739677.pdf"))
    merged.close()
    ingest(case, [drop], IngestOptions(production="MERGED", ocr="never", workers=1, index=False, analyze=False))
    finding = check_production(case, "generic-esi", "MERGED").finding("merged.records")
    assert finding is not None and finding.documents == ["C05739677"]
    assert finding.details == ["C05739677: another record begins at page 2"]


def test_no_record_begins_inside_any_state_release(corpora: Path) -> None:
    """Every page of all 168 State releases (481 pages, State's own OCR): no page part-way through a
    release reads as the start of another record, though stamps come out as STATE-5CB or truncated."""
    import pypdfium2 as pdfium

    from uncover.check.rules.merged import _header_changes, _restarts, header_id, starts_email
    from uncover.ingest.loadfiles.bates import bates_from_page_text

    starts, pages = [], 0
    for path in sorted((corpora / "foia-clinton-state-pdfs").glob("C*.pdf")):
        pdf = pdfium.PdfDocument(str(path))
        texts = [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf))]
        pdf.close()
        previous = previous_id = None
        for number, text in enumerate(texts, 1):
            read = bates_from_page_text(text)
            stamp = read[0] if read and read[1] >= 0.7 else None
            if number > 1 and (starts_email(text) or _restarts(stamp, previous, None)
                               or _header_changes(header_id(text), previous_id)):
                starts.append(f"{path.stem} p. {number}")
            previous, previous_id, pages = stamp, header_id(text) or previous_id, pages + 1
    assert pages == 481 and starts == []
