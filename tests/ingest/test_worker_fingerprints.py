"""The duplicate passes' fingerprints are taken in the ingest's workers, beside the extraction,
and are the same rows the pass would compute from the stored text: moving the work out of the
parent changes where it runs, never what duplicates a user is shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from uncover import Case
from uncover.analyze.casepasses import document_texts, run_duplicate_passes, text_fingerprints
from uncover.ingest import pipeline
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.ingest.process import ItemSettings, ItemTask, process_item
from uncover.store import duplicates as dstore


def stored_rows(case: Case) -> dict[int, tuple]:
    rows = case.store.conn.execute(
        "SELECT document_id, text_hash, doc_number, shingles, signature, words FROM document_signatures")
    return {int(r[0]): (r[1], r[2], int(r[3]), bytes(r[4]), r[5]) for r in rows}


def test_fingerprints_from_the_workers_equal_the_pass_and_find_the_duplicate(tmp_path: Path, corpora: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "production"
    source.mkdir()
    pdfs = sorted((corpora / "foia-clinton-state-pdfs").rglob("*.pdf"))[:5]
    for pdf in pdfs:
        shutil.copyfile(pdf, source / pdf.name)
    shutil.copyfile(pdfs[0], source / "copy of the first release.pdf")  # a real exact duplicate
    case = Case.init(tmp_path / "case")
    # the duplicate pass held back: every row found after the ingest was written by a worker's result
    monkeypatch.setattr(pipeline, "CASE_PASSES", [p for p in pipeline.CASE_PASSES if p[0] != "duplicates"])
    ingest(case, [source], IngestOptions(workers=1, ocr="never"))

    worker_rows = stored_rows(case)
    ids = [int(r[0]) for r in case.store.conn.execute("SELECT id FROM documents ORDER BY id")]
    assert sorted(worker_rows) == ids
    recomputed = {f.document_id: (f.text_hash, f.doc_number, f.shingles, f.signature.astype("<u4").tobytes(), f.words)
                  for f in text_fingerprints(list(document_texts(case.store, ids)))}
    assert worker_rows == recomputed
    assert all(row[2] > 0 for row in worker_rows.values())  # real text: shingles were hashed

    # the pass then only groups: it keeps the workers' rows; the user sees the copy with its original
    summary = run_duplicate_passes(case, ids)
    assert summary.fingerprinted == 0
    assert stored_rows(case) == worker_rows
    names = {m.document_id: case.store.document(m.document_id).filename
             for g in dstore.duplicate_groups(case.store) for m in g.members}
    assert set(names.values()) == {pdfs[0].name, "copy of the first release.pdf"}


def test_no_fingerprint_when_analysis_is_off(tmp_path: Path, corpora: Path) -> None:
    pdf = sorted((corpora / "foia-clinton-state-pdfs").rglob("*.pdf"))[0]
    task = ItemTask(1, pdf, pdf.name, tmp_path / "scratch", pdf.stat().st_size)
    on = process_item(task, ItemSettings(ocr_mode="never"))
    off = process_item(task, ItemSettings(ocr_mode="never", withholdings=False, fingerprint=False))
    assert on.fingerprint is not None and on.fingerprint.text_hash
    assert off.fingerprint is None
    assert on.extraction is not None and off.extraction is not None
    assert [p.text for p in on.extraction.pages] == [p.text for p in off.extraction.pages]


def test_word_pairs_made_by_the_workers_index_as_a_reindex_does(tmp_path: Path, corpora: Path) -> None:
    """The index's word pairs are made in the workers; a two-word phrase then finds exactly the
    documents, with the same scores, as after `uncover reindex` builds every field in one process."""
    from uncover.search import reindex, search

    source = tmp_path / "production"
    source.mkdir()
    for pdf in sorted((corpora / "foia-clinton-state-pdfs").rglob("*.pdf"))[:12]:
        shutil.copyfile(pdf, source / pdf.name)
    case = Case.init(tmp_path / "case")
    ingest(case, [source], IngestOptions(workers=2, ocr="never"))
    queries = ['"release in part"', '"department of state"', '"secretary clinton"', '"in part"', "benghazi"]

    def hits() -> dict[str, dict[int, float]]:
        return {q: {h.doc_id: round(h.score or 0, 4) for h in search(case, q, limit=100).hits} for q in queries}

    from_workers = hits()
    assert from_workers['"release in part"'] and from_workers['"department of state"']
    assert reindex(case) == 12
    assert hits() == from_workers
