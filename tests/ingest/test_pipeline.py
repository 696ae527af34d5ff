"""The spine end to end on a generated production: accounting, families, custody, idempotence."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from uncover import Case, DocumentKind, IssueCategory
from uncover.demo import build_production
from uncover.ingest.pipeline import IngestOptions, ingest, reconcile
from uncover.search.engine import search
from uncover.store.blobs import fingerprint


@pytest.fixture(scope="module")
def demo_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, Path]:
    root = tmp_path_factory.mktemp("demo")
    production = build_production(root / "production")
    (production / "empty.txt").write_bytes(b"")
    (production / "unknown.bin").write_bytes(bytes(range(256)) * 4)
    case = Case.init(root / "case")
    ingest(case, [production], IngestOptions(production="PROD001", custodian="Records Office", workers=2))
    return case, production


def test_every_input_is_a_document_or_an_exception(demo_case: tuple[Case, Path]) -> None:
    case, production = demo_case
    rec = reconcile(case)
    assert rec["difference"] == 0 and rec["pending"] == 0
    files = [p for p in production.rglob("*") if p.is_file()]
    # inputs = files given + attachments + archive members (3 in the ZIP, 3 e-mail attachments)
    assert rec["inputs"] >= len(files) + 6
    categories = {i.path.rsplit("/", 1)[-1]: i.category for i in case.store.issues(exceptions_only=True)}
    assert categories == {"empty.txt": IssueCategory.EMPTY, "unknown.bin": IssueCategory.UNSUPPORTED}
    kinds = {d.filename: d.kind for d in case.store.iter_documents()}
    assert kinds["detainers-by-county.xlsx"] == kinds["detainers-fy2010.xlsx"] == DocumentKind.SPREADSHEET


def test_attachments_and_members_are_children_in_the_family(demo_case: tuple[Case, Path]) -> None:
    case, _ = demo_case
    docs = list(case.store.iter_documents())
    by_path = {d.path: d for d in docs}
    email = by_path["email-01.eml"]
    assert email.kind == DocumentKind.EMAIL
    children = case.store.children(email.id)
    assert sorted(c.filename for c in children) == ["county-list.csv", "draft-reply.txt"]
    assert all(c.family_id == email.family_id == email.id for c in children)
    archive = by_path["field-office-reports.zip"]
    members = case.store.children(archive.id)
    assert {m.filename for m in members} >= {"atlanta.txt", "phoenix.txt", "summary.pdf"}
    assert all(m.path.startswith("field-office-reports.zip//") for m in members)


def test_scanned_page_is_ocrd_and_text_pages_are_not(demo_case: tuple[Case, Path]) -> None:
    case, _ = demo_case
    by_path = {d.path: d for d in case.store.iter_documents()}
    scan_pages = case.store.pages(by_path["scanned-note.pdf"].id)
    assert [p.text_source for p in scan_pages] == ["ocr"]
    assert "sheriffs" in scan_pages[0].text.lower() and scan_pages[0].ocr_confidence > 50
    memo_pages = case.store.pages(by_path["memo-opt-out-options.pdf"].id)
    assert memo_pages[0].text_source == "layer" and "opt out" in memo_pages[0].text


def test_originals_are_hashed_stored_once_and_read_only(demo_case: tuple[Case, Path]) -> None:
    case, production = demo_case
    for doc in case.store.iter_documents():
        stored = case.blobs.path_for(doc.sha256)
        assert fingerprint(stored).sha256 == doc.sha256
        assert fingerprint(stored).md5 == doc.md5
        assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    memo = production / "memo-opt-out-options.pdf"
    doc = next(d for d in case.store.iter_documents() if d.path == memo.name)
    assert fingerprint(memo).sha256 == doc.sha256  # the source was not touched either


def test_ingesting_the_same_source_again_adds_nothing(demo_case: tuple[Case, Path]) -> None:
    case, production = demo_case
    before = case.store.counts()
    report = ingest(case, [production], IngestOptions(production="PROD001", custodian="Records Office"))
    assert report.counts.documents == 0 and report.counts.inputs == 0
    assert case.store.counts()["documents"] == before["documents"]
    assert len(case.store.ingests()) == 2  # but the audit log records the attempt


def test_search_finds_phrase_and_fields(demo_case: tuple[Case, Path]) -> None:
    case, _ = demo_case
    hits = search(case, '"opt out" AND custodian:"Records Office"', limit=100)
    def words(doc_id: int) -> str:  # the index's tokenizer: runs of letters and digits, lowercased
        return " " + " ".join(re.findall(r"[a-z0-9]+", " ".join(p.text for p in case.store.pages(doc_id)).lower())) + " "
    expected = {d.id for d in case.store.iter_documents() if " opt out " in words(d.id)}
    assert {h.doc_id for h in hits.hits} == expected and len(expected) >= 8
    ocr_hit = search(case, "sheriffs AND kind:scan")
    assert [h.filename for h in ocr_hit.hits] == ["scanned-note.pdf"]


def test_ocr_never_counts_pages_that_needed_it(tmp_path: Path) -> None:
    production = build_production(tmp_path / "production")
    case = Case.init(tmp_path / "case")
    ingest(case, [production / "scanned-note.pdf"], IngestOptions(ocr="never", analyze=False))
    counts = case.store.counts()
    assert counts["pages_ocr"] == 0 and counts["pages_needing_ocr_without"] == 1


def test_cli_paths_never_leave_files_outside_case(demo_case: tuple[Case, Path]) -> None:
    case, _ = demo_case
    # scratch folders of the workers are gone once their children are stored
    scratch = case.root / "derived" / "scratch"
    assert not scratch.exists() or not any(scratch.iterdir())
    assert not list((case.root / "originals").glob(".incoming-*"))
    assert case.backend == "postgresql" or os.access(case.root / "case.db", os.R_OK)


def test_withholdings_are_found_during_ingest(demo_case: tuple[Case, Path]) -> None:
    case, _ = demo_case
    assert [h.filename for h in search(case, "exemption:b5").hits] == ["memo-opt-out-options.pdf"]
    assert [h.filename for h in search(case, "release:part").hits] == ["memo-opt-out-options.pdf"]


def test_failed_redactions_are_found_during_ingest(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    folder = tmp_path / "production"
    folder.mkdir()
    for name, leave_text in (("failed.pdf", True), ("proper.pdf", False)):
        pdf = canvas.Canvas(str(folder / name), pagesize=letter, invariant=1)
        pdf.drawString(72, 700, "The informant's name is")
        if leave_text:
            pdf.drawString(225, 700, "JOHN Q. SECRETNAME")  # still in the text layer under the box
        pdf.rect(220, 695, 140, 16, stroke=0, fill=1)
        pdf.drawString(72, 670, "(b)(6), (b)(7)(C)")
        pdf.showPage()
        pdf.save()
    case = Case.init(tmp_path / "case")
    ingest(case, [folder], IngestOptions(ocr="never", workers=1))
    assert [h.filename for h in search(case, "failed-redaction:yes").hits] == ["failed.pdf"]
    assert {h.filename for h in search(case, "redacted:yes AND exemption:b7c").hits} == {"failed.pdf", "proper.pdf"}
