"""Every attachment is a child document or a line in the exception report, and the count reconciles."""

from __future__ import annotations

import shutil
from pathlib import Path

from uncover import Case, IssueCategory
from uncover.ingest.pipeline import IngestOptions, ingest, reconcile


def test_an_attachment_that_cannot_be_read_is_an_exception(corpora: Path, tmp_path: Path) -> None:
    # Apache POI's fuzzer case: two attachments, the first with no data
    source = tmp_path / "PROD001"
    source.mkdir()
    shutil.copy(corpora / "email-msg-pst-fixtures/poi-hsmf/clusterfuzz-testcase-minimized-POIHSMFFuzzer-4735011465854976.msg",
                source / "fuzzed.msg")
    shutil.copy(corpora / "email-eml-mbox-fixtures/imap_tools/attachment_2_base64.eml", source / "twice.eml")
    with Case.init(tmp_path / "case") as case:
        report = ingest(case, [source], IngestOptions(ocr="never", workers=1, analyze=False))
        rec = reconcile(case)
        assert rec["difference"] == 0 and rec["exceptions"] == report.counts.exceptions
        issue = next(i for i in case.store.issues(exceptions_only=True) if i.member == "attachment 1")
        assert issue.category == IssueCategory.CORRUPT
        assert "fuzzed.msg: attachment 1 has no data" in issue.message
        docs = {d.filename: d for d in case.store.iter_documents()}
        # its other attachment (a fuzzed name, unknown bytes) is an exception too: two attachments, two lines
        assert rec["exceptions"] == 2 and not case.store.children(docs["fuzzed.msg"].id)
        assert len(case.store.children(docs["twice.eml"].id)) == 2
        # a second run adds nothing twice
        again = ingest(case, [source], IngestOptions(ocr="never", workers=1, analyze=False))
        assert again.counts.exceptions == 0 and reconcile(case)["difference"] == 0
