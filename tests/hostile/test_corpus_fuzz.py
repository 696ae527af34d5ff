"""Fuzzer finds and hostile files from the shared corpora, through the real command in one run.

Gathered from the corpora (see their MANIFEST.tsv): Apache POI's clusterfuzz cases and
password-protected Office files, Aleph's hostile and encrypted archives, qpdf's damaged PDFs and
pdfminer's encryption suite, and malformed e-mail from imap_tools and mail-parser. Each must end
as a document or a categorised exception naming its file, in bounded memory, with nothing pending.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import GB, run_uncover

from uncover import Case, IssueCategory
from uncover.ingest.pipeline import reconcile

pytestmark = pytest.mark.slow

PATTERNS = (
    "office-docs/poi/*/clusterfuzz-*",
    "office-docs/poi/*/*assword*",
    "office-docs/poi/spreadsheet/xor-encryption-abc.xls",
    "office-docs/poi/document/bug53475-password-is-solrcell.docx",
    "office-docs/aleph-ingest-file/bad*",
    "office-docs/aleph-ingest-file/*password*",
    "office-docs/aleph-ingest-file/encypted_by_libreoffice.odt",
    "office-docs/aleph-ingest-file/test-documents.*",
    "pdf-robustness/qpdf/bad*.pdf",
    "pdf-robustness/qpdf/*loop*.pdf",
    "pdf-robustness/pdfminer/encryption/*.pdf",
    "pdf-robustness/pdfminer/zen_of_python_corrupted.pdf",
    "email-eml-mbox-fixtures/imap_tools/error_emails/*.eml",
    "email-eml-mbox-fixtures/mail-parser/mail_malformed_*",
)
# Files whose password protection the readers recognise: they must say so, not call them damaged.
ENCRYPTED = ("password-hunter2.pdf", "password_protected.xls", "password_protected.xlsx", "password.xls",
             "xor-encryption-abc.xls", "Password_Protected-56-hello.ppt", "bug53475-password-is-solrcell.docx",
             "aes-128.pdf", "aes-256.pdf", "rc4-40.pdf", "rc4-128.pdf")


def test_fuzz_cases_from_the_corpora_end_as_documents_or_categorised_exceptions(corpora: Path, tmp_path: Path) -> None:
    files = sorted({p for pattern in PATTERNS for p in corpora.glob(pattern) if p.is_file()})
    assert len(files) > 100, "the corpora changed: gather the fuzz cases again"
    run = run_uncover("ingest", str(tmp_path / "case"), *map(str, files), "--ocr", "never", "--workers", "2",
                      "--timeout", "60", "--json", timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert run.peak_rss < GB and run.max_process_rss < GB, (run.peak_rss, run.max_process_rss)
    with Case.open(tmp_path / "case") as case:
        rec = reconcile(case)
        assert rec["difference"] == 0 and rec["pending"] == 0
        top = {r[0] for r in case.store.conn.execute("SELECT display_name FROM inputs WHERE parent_input_id IS NULL")}
        assert top == {p.name for p in files}
        issues = case.store.issues(exceptions_only=True)
        assert all(isinstance(i.category, IssueCategory) for i in issues)
        unnamed = [i for i in issues if Path(i.path).name not in i.message]
        assert not unnamed, f"every message names its file: {unnamed[:3]}"
        category = {Path(i.path).name: i.category for i in issues if i.member is None}
        assert {name: category.get(name) for name in ENCRYPTED} == dict.fromkeys(ENCRYPTED, IssueCategory.ENCRYPTED)
        assert category["badzip.zip"] == IssueCategory.BOMB  # its one member tries to escape the folder
