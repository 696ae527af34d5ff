"""No false findings on real records: State Department e-mail releases, every other one published.

The published and unpublished releases share letterheads, stamps, thread quotes, names, numbers
and OCR noise; the leak check must tell none of that apart as a leak (issue 14: a real
publication was blocked by an unrelated document's run of numbers). `bench/publish_state.py`
runs the same over all 168 releases.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from uncover import Case
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.publish import add_documents, create_publication, publish

SAMPLE = 40


@pytest.mark.slow
def test_publishing_state_releases_finds_nothing_false(corpora: Path, tmp_path: Path) -> None:
    pdfs = sorted((corpora / "foia-clinton-state-pdfs").glob("*.pdf"))[:SAMPLE]
    inputs = tmp_path / "in"
    inputs.mkdir()
    for pdf in pdfs:
        shutil.copyfile(pdf, inputs / pdf.name)
    with Case.init(tmp_path / "case") as case:
        ingest(case, [inputs], IngestOptions(ocr="never", workers=2, production="State F-2015-04841"))
        docs = sorted(case.store.iter_documents(), key=lambda d: d.filename)
        pub = create_publication(case, "state", "State releases")
        add_documents(case, pub, [d.label for d in docs[::2]])
        result = publish(case, pub, tmp_path / "site")
    assert result.figures.documents == SAMPLE // 2
    assert [str(leak) for leak in result.leaks] == []
    assert result.accepted == []
    # the masking did its work on real headers: addresses and Cc lists, listed for the publisher
    kinds = {m["kind"] for m in result.masked}
    assert {"emails", "cc"} <= kinds
