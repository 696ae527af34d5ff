"""Ingest of the real corpora: State releases, Enron natives, e-mail fixtures, hostile PDFs."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from uncover import Case, DocumentKind, IssueCategory
from uncover.ingest.pipeline import IngestOptions, ingest, reconcile
from uncover.ingest.workers import WorkerLimits
from uncover.search.engine import matching_ids

pytestmark = pytest.mark.slow
FAST = WorkerLimits(seconds=60)


def ingest_folder(tmp: Path, sources: list[Path], **options: object) -> Case:
    case = Case.init(tmp / "case")
    ingest(case, sources, IngestOptions(workers=2, worker_limits=FAST, analyze=False, **options))  # type: ignore[arg-type]
    return case


@pytest.fixture(scope="module")
def state_case(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Case:
    return ingest_folder(tmp_path_factory.mktemp("state"), sorted((corpora / "foia-clinton-state-pdfs").glob("*.pdf")))


def test_state_pdfs_have_text_on_every_page(state_case: Case, corpora: Path) -> None:
    docs = list(state_case.store.iter_documents())
    assert len(docs) == 168
    assert reconcile(state_case)["difference"] == 0
    for doc in docs:
        pages = state_case.store.pages(doc.id)
        assert pages and all(len(p.text.split()) >= 3 for p in pages), doc.filename


def test_release_in_part_phrase_matches_a_scan_of_the_text(state_case: Case) -> None:
    expected = set()
    for doc in state_case.store.iter_documents():
        text = " ".join(" ".join(p.text.split()) for p in state_case.store.pages(doc.id)).lower()
        tokens = " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())
        if " release in part " in f" {tokens} ":
            expected.add(doc.id)
    assert 20 < len(expected) < 168
    assert matching_ids(state_case, '"RELEASE IN PART"') == expected


@pytest.fixture(scope="module")
def enron_case(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Case:
    return ingest_folder(tmp_path_factory.mktemp("enron"), [corpora / "email-enron-edrm-freeeed-production" / "native"], ocr="never")


def test_enron_emails_ingest_with_attachments_as_children(enron_case: Case, corpora: Path) -> None:
    native = corpora / "email-enron-edrm-freeeed-production" / "native"
    emls = sorted(native.glob("*.eml"))
    assert len(emls) == 2183
    top_emails = [d for d in enron_case.store.iter_documents() if d.parent_id is None and d.filename.endswith(".eml")]
    assert len(top_emails) == 2183
    assert all(d.kind == DocumentKind.EMAIL for d in top_emails)
    by_name = {d.filename: d for d in top_emails}
    with_attachments, parents = 0, {d.parent_id for d in enron_case.store.iter_documents() if d.parent_id}
    for path in emls:
        with open(path, "rb") as fh:
            msg = email.message_from_binary_file(fh, policy=email.policy.compat32)
        names = [part.get_filename() for part in msg.walk() if part.get_filename()]
        children = enron_case.store.children(by_name[path.name].id)
        if names:
            with_attachments += 1
            assert len(children) >= len(names), path.name
            assert all(c.family_id == by_name[path.name].id for c in children)
    # FreeEed's production already split most attachments out as natives; the MIME ones that
    # remain are exactly the e-mails that got children.
    assert with_attachments == len(parents & {d.id for d in top_emails}) >= 1
    assert reconcile(enron_case)["difference"] == 0


def test_every_email_fixture_is_a_document_or_a_categorised_exception(corpora: Path, tmp_path: Path) -> None:
    sources = [corpora / "email-eml-mbox-fixtures", corpora / "email-msg-pst-fixtures"]
    case = ingest_folder(tmp_path, sources, ocr="never")
    rec = reconcile(case)
    assert rec["difference"] == 0 and rec["pending"] == 0
    issues = case.store.issues(exceptions_only=True)
    assert all(isinstance(i.category, IssueCategory) for i in issues)
    assert {i.category for i in issues if i.path.endswith(".pst")} == {IssueCategory.UNSUPPORTED}
    emails = [d for d in case.store.iter_documents() if d.kind == DocumentKind.EMAIL]
    assert len(emails) > 200


def test_hostile_pdfs_never_stop_the_ingest(corpora: Path, tmp_path: Path) -> None:
    case = ingest_folder(tmp_path, [corpora / "pdf-robustness"], ocr="never")
    rec = reconcile(case)
    assert rec["difference"] == 0 and rec["pending"] == 0
    issues = case.store.issues(exceptions_only=True)
    by_category: dict[str, list[str]] = {}
    for issue in issues:
        by_category.setdefault(str(issue.category), []).append(issue.path)
    encrypted = by_category.get("encrypted", [])
    assert len(encrypted) >= 5
    assert any("encryption" in p.lower() or "rc4" in p.lower() or "aes" in p.lower() for p in encrypted)
    pdfs = [p for p in (corpora / "pdf-robustness").rglob("*.pdf")]
    documents = [d for d in case.store.iter_documents() if d.filename.lower().endswith(".pdf") and d.parent_id is None]
    assert len(documents) + len([p for p in issues if p.path.lower().endswith(".pdf")]) == len(pdfs)
    unnamed = [i for i in issues if Path(i.path).name not in i.message]
    assert not unnamed, f"messages must name their file: {unnamed[:3]}"


def test_state_document_numbers_label_documents_not_pages(state_case: Case) -> None:
    doc = next(d for d in state_case.store.iter_documents() if d.filename == "C05739554.pdf")
    pages = state_case.store.pages(doc.id)
    assert len(pages) > 1 and doc.label == "C05739554"
    assert [p.bates for p in pages] == ["C05739554"] + [None] * (len(pages) - 1)
    assert any("used as the document's number" in w for w in doc.warnings)
