"""The index stays in step with case.db: rebuilds, crash catch-up, deletes, one writer at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from state_corpus import build_state_case

from uncover import Case
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.search import IndexBusy, SearchIndex, catch_up, matching_ids, reindex, search
from uncover.search.index import word_pairs

QUERIES = ['"release in part"', "libya OR tripoli", "secur* -b6", "subject:benghazi", 'custodian:"cheryl mills" date:2012']


def snapshot(case: Case) -> dict[str, dict[int, float]]:
    """Each query's hits with their scores (documents of equal score may come in any order)."""
    return {q: {h.doc_id: round(h.score or 0, 4) for h in search(case, q, limit=200).hits} for q in QUERIES}


def doc_count(case: Case) -> int:
    return int(case.store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def test_reindex_gives_the_same_results_as_incremental_indexing(tmp_path: Path, corpora: Path):
    case, records = build_state_case(tmp_path / "case", corpora)
    names = {p.id: p.name for p in case.store.productions()}
    for n, r in enumerate(records, start=1):  # as an ingest does: add each document, commit in batches
        case.index.add(case.store.document(r.id), case.store.pages(r.id), names[r.doc.production_id])
        if n % 50 == 0:
            case.index.commit()
    case.index.commit()
    case.store.mark_indexed(r.id for r in records)
    incremental = snapshot(case)
    assert all(incremental.values())
    assert reindex(case) == len(records)
    assert case.index.count() == len(records)
    assert snapshot(case) == incremental
    assert case.store.counts()["unindexed"] == 0


def test_catch_up_indexes_only_unindexed_documents_and_never_twice(tmp_path: Path, corpora: Path):
    case, records = build_state_case(tmp_path / "case", corpora)
    first = [r.id for r in records[:100]]
    case.store.conn.execute(f"UPDATE documents SET indexed = 1 WHERE id NOT IN ({','.join(map(str, first))})")
    # The database claims 68 documents are indexed, the index holds none: catch_up rebuilds it all.
    assert catch_up(case) == len(records)
    assert case.index.count() == len(records) == doc_count(case)

    # A crash after the index commit but before the database was marked: those come round again.
    redo = [r.id for r in records[10:20]]
    case.store.conn.execute(f"UPDATE documents SET indexed = 0 WHERE id IN ({','.join(map(str, redo))})")
    assert catch_up(case) == len(redo)
    assert case.index.count() == len(records)
    assert matching_ids(case, "*") == {r.id for r in records}
    assert catch_up(case) == 0 and case.store.counts()["unindexed"] == 0


def test_catch_up_indexes_new_documents_only(tmp_path: Path, corpora: Path):
    case, records = build_state_case(tmp_path / "case", corpora)
    case.store.conn.execute(f"DELETE FROM pages WHERE document_id > {records[119].id}")
    case.store.conn.execute(f"DELETE FROM documents WHERE id > {records[119].id}")
    assert catch_up(case) == 120
    assert case.index.count() == 120
    # an ingest commits 5 more documents and stops before indexing them
    for r in records[120:125]:
        with case.store.transaction():
            r.doc.id = 0
            r.id = case.store.insert_document(r.doc, None, _pages(r))
    assert catch_up(case) == 5
    assert case.index.count() == 125 == doc_count(case)


def _pages(r):
    from uncover.model import Page, TextSource

    return [Page(0, n + 1, t, TextSource.LAYER) for n, t in enumerate(r.pages)]


def test_a_deleted_index_folder_is_rebuilt_by_catch_up(tmp_path: Path, corpora: Path):
    case, records = build_state_case(tmp_path / "case", corpora)
    reindex(case)
    before = snapshot(case)
    case.index.close()
    case.close()
    shutil.rmtree(tmp_path / "case" / "index")
    with Case.open(tmp_path / "case") as again:
        assert again.index.count() == 0
        assert catch_up(again) == len(records)
        assert snapshot(again) == before


def test_delete_removes_a_document(state_case):
    case, records = state_case
    target = records[0].id
    assert target in matching_ids(case, "*")
    case.index.delete(target)
    case.index.commit()
    try:
        assert target not in matching_ids(case, "*")
        assert case.index.count() == len(records) - 1
    finally:
        catch_up(case)  # restore for the other tests of the module
        case.store.conn.execute("UPDATE documents SET indexed = 0 WHERE id = ?", (target,))
        catch_up(case)
    assert case.index.count() == len(records)


def test_one_writer_at_a_time_and_readers_see_commits(tmp_path: Path, corpora: Path):
    case, records = build_state_case(tmp_path / "case", corpora)
    writer = case.index
    reader = SearchIndex(tmp_path / "case" / "index", lock_wait=0.3)  # e.g. the web app's process
    names = {p.id: p.name for p in case.store.productions()}
    doc = case.store.document(records[0].id)
    writer.add(doc, case.store.pages(doc.id), names[doc.production_id])
    writer.writer()  # held from the first add; a team case's shared index takes it only to commit, as here
    with pytest.raises(IndexBusy, match="another uncover process"):
        reader.add(doc, case.store.pages(doc.id), names[doc.production_id])
    assert reader.count() == 0
    writer.commit()
    assert reader.count() == 1  # no reopen needed
    writer.close()  # releases the lock
    reader.delete(doc.id)
    reader.commit()
    assert writer.count() == 0
    reader.close()


def test_a_date_filter_ranks_the_same_in_every_segment(tmp_path: Path):
    """A filter never changes a hit's score: where every document of a segment lies in the date
    range, Tantivy drops the range from the AND (with the 1.0 it scored elsewhere), so scores hung
    on how documents fell into segments: the cause of the two flaky comparisons above."""
    case = Case.init(tmp_path / "case")
    production = case.store.production("Release 1")
    case.index.writer_threads = 1  # one segment per commit, so the layout is known
    dates = [["2012-03-01T10:00:00Z"] * 3, ["2012-05-01T10:00:00Z", "2011-02-01T10:00:00Z", "2012-07-01T10:00:00Z"]]
    for b, batch in enumerate(dates):  # segment 1: all inside 2012; segment 2: one outside
        for k, when in enumerate(batch):
            doc = Document(id=0, production_id=production.id, kind=DocumentKind.EMAIL, filename="memo.pdf",
                           path="memo.pdf", sha256=f"{b * 10 + k:064x}", md5="", size=1, date=when, page_count=1)
            with case.store.transaction():
                doc.id = case.store.insert_document(doc, None, [Page(0, 1, "memo on the detainer program", TextSource.LAYER)])
            case.index.add(doc, case.store.pages(doc.id), production.name)
        case.index.commit()
    assert case.index.searcher().num_segments == 2
    hits = search(case, "memo date:2012").hits
    assert len(hits) == 5
    assert len({h.score for h in hits}) == 1, [(h.doc_id, h.score) for h in hits]
    assert hits[0].score == search(case, "memo").hits[0].score  # the filter adds nothing to the words' BM25


def test_a_two_word_phrase_counts_as_the_positions_say(tmp_path: Path):
    """A two-word phrase is answered by its pair alone, so the pairs must be exactly the adjacent
    positions: random texts with words at and around the 40-byte limit (ASCII and accented),
    punctuation and line breaks give the same count through the pair as through positions."""
    import random

    import tantivy

    rng = random.Random(5)
    words = ["in", "part", "B6", "Memo", "é" * 19 + "a", "é" * 20, "x" * 39, "x" * 40, "Straße", "ÉTAT"]
    seps = [" ", "\n", ", ", "-", " . ", "\t"]
    index = SearchIndex(tmp_path / "index")
    for doc_id in range(1, 201):
        text = "".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(1, 12)))
        index.add_values(doc_id, {"text": text, "text_pairs": word_pairs(text)})
    index.commit()
    searcher = index.searcher()
    checked = 0
    for a in words:
        for b in words:
            tokens = [t for w in (a, b) for t in (w.lower(),) if len(w.encode()) < 40]
            if len(tokens) < 2:
                continue
            by_positions = searcher.search(tantivy.Query.phrase_query(index.schema, "text", tokens), 1).count
            by_pair = searcher.search(index.words_query("text", tuple(tokens)), 1).count
            assert by_pair == by_positions, (a, b)
            checked += by_positions > 0
    assert checked >= 20  # most pairs occur: the comparison is not of zeros
    index.close()


def test_a_phrase_is_answered_by_word_pairs_and_positions(tmp_path: Path):
    """Phrases of common words are answered through the index's word pairs: a two-word phrase is
    its pair, a longer one is narrowed by its pairs and decided by positions. The words on either
    side of a word too long to index are no pair, as they are no phrase."""
    case = Case.init(tmp_path / "case")
    production = case.store.production("Release 1")
    texts = ["RELEASE IN PART B6\nthe memo", "part in release of the memo",
             "alpha " + "x" * 45 + " beta, in part", "Release\nin part, page two"]
    for k, text in enumerate(texts):
        doc = Document(id=0, production_id=production.id, kind=DocumentKind.EDOC, filename=f"{k}.pdf", path=f"{k}.pdf",
                       sha256=f"{k:064x}", md5="", size=1, page_count=1)
        with case.store.transaction():
            doc.id = case.store.insert_document(doc, None, [Page(0, 1, text, TextSource.LAYER)])
        case.index.add(doc, case.store.pages(doc.id), production.name)
    case.index.commit()
    assert word_pairs(texts[0]) == "release_in in_part part_b6 b6_the the_memo"
    assert word_pairs(texts[2]) == "beta_in in_part"
    found = {h.filename for h in search(case, '"release in part"').hits}
    assert found == {"0.pdf", "3.pdf"}  # across a line break too, as positions say
    assert search(case, '"alpha beta"').total == 0 and search(case, '"alpha beta in"').total == 0
    assert {h.filename for h in search(case, '"in part"').hits} == {"0.pdf", "2.pdf", "3.pdf"}
    phrase = search(case, '"the memo"').hits
    assert {h.filename for h in phrase} == {"0.pdf", "1.pdf"} and all(h.score and h.score > 0 for h in phrase)


@pytest.mark.parametrize("query", ["benghazi", "-benghazi", "libya OR tripoli", "*", "zzzznothing"])
def test_matching_or_missing_gives_the_matches_or_exactly_their_complement(state_case, query: str):
    from uncover.search import parse

    case, records = state_case
    expected, every = matching_ids(case, query), matching_ids(case, "*")
    ids, matching = case.index.matching_or_missing(case.index.compile(parse(query), case.store.conn))
    assert matching == (len(expected) <= len(every) // 2)
    assert len(ids) == len(set(ids.tolist()))
    assert set(ids.tolist()) == (expected if matching else every - expected)


def test_matching_or_missing_leaves_a_deleted_document_out_of_the_complement(state_case):
    from uncover.search import parse

    case, records = state_case
    target = records[0].id
    case.index.delete(target)
    case.index.commit()
    try:
        ids, matching = case.index.matching_or_missing(case.index.compile(parse("-zzzznothing")))
        assert not matching and len(ids) == 0  # every live document matches: nothing to remove
        ids, matching = case.index.matching_or_missing(case.index.compile(parse("zzzznothing")))
        assert matching and len(ids) == 0
    finally:
        case.store.conn.execute("UPDATE documents SET indexed = 0 WHERE id = ?", (target,))
        catch_up(case)
    assert case.index.count() == len(records)
