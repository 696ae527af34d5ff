"""Near-duplicates: MinHash clusters on real State Department texts and generated drafts."""

from __future__ import annotations

import random

from uncover.analyze.casepasses import run_duplicate_passes
from uncover.analyze.neardup import cluster, format_diff, lsh_params, signatures, word_diff
from uncover.analyze.normalize import normalize_text, shingle_hashes, strip_furniture
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.store import duplicates as dstore

HEADER = "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05765907 Date: {}"


def add_doc(case, production: str, name: str, text: str) -> int:
    prod = case.store.production(production)
    doc = Document(id=0, production_id=prod.id, kind=DocumentKind.EDOC, filename=name, path=name,
                   sha256=name, md5="", size=len(text))
    with case.store.transaction():
        return case.store.insert_document(doc, None, [Page(document_id=0, number=1, text=text, text_source=TextSource.NATIVE)])


def edit(words: list[str], changes: int, rng: random.Random) -> list[str]:
    out = list(words)
    for _ in range(changes):
        out[rng.randrange(len(out))] = f"edit{rng.randrange(10**6)}"
    return out


def test_page_furniture_does_not_count(corpora):
    text = next((corpora / "foia-clinton-state-text" / "HRCEmail_JuneWeb").glob("*.txt")).read_text("utf-8", "replace")
    restamped = text.replace("Date: 06/30/2015", "Date: 08/31/2015").replace("RELEASE IN PART", "RELEASE IN FULL")
    assert normalize_text(text) == normalize_text(restamped)
    assert "department of state case no" not in normalize_text(HEADER.format("08/31/2015") + "\nhello")
    assert strip_furniture("Meeting notes\n  ABC0001234\nB6\n").split() == ["Meeting", "notes"]


def test_shingle_hashes_are_stable_and_local():
    a, oa = shingle_hashes(["one two three four five six", "alpha beta"])
    b, ob = shingle_hashes(["ONE two, three four five six!"])
    assert list(oa) == [0, 2, 3] and list(ob) == [0, 2]
    assert list(a[:2]) == list(b)  # case and punctuation folded, hashes independent of the batch


def test_drafts_cluster_and_unrelated_texts_do_not(corpora):
    rng = random.Random(7)
    files = sorted((corpora / "foia-clinton-state-text" / "HRCEmail_JuneWeb").glob("*.txt"))
    texts = [f.read_text("utf-8", "replace") for f in files]
    bases = [t for t in texts if len(normalize_text(t).split()) > 300][:60]
    assert len(bases) == 60
    docs, truth = [], []
    for i, base in enumerate(bases):
        words = base.split()
        docs.append(base)
        if i % 3 == 0:  # a draft: 1% of the words changed, under a new page header
            docs.append(HEADER.format("09/30/2015") + "\n" + " ".join(edit(words, len(words) // 100, rng)))
            truth.append((len(docs) - 2, len(docs) - 1))
    ids = list(range(1, len(docs) + 1))
    sigs, sizes = signatures(docs)
    clusters = cluster(ids, sigs, sizes, threshold=0.8)
    pivot_of = {d: c.pivot for c in clusters for d in c.ids}
    found = sum(1 for a, b in truth if ids[a] in pivot_of and pivot_of[ids[a]] == pivot_of.get(ids[b]))
    assert found >= 0.95 * len(truth)
    # the State texts hold real near-duplicates too (a thread printed again): every member must be
    # truly similar to its pivot, by the exact Jaccard similarity of the shingle sets
    hashes, offsets = shingle_hashes([strip_furniture(t) for t in docs])
    sets = [set(hashes[offsets[k] : offsets[k + 1]].tolist()) for k in range(len(docs))]
    for c in clusters:
        p = sets[c.pivot - 1]
        for member, _ in c.members:
            m = sets[member - 1]
            assert len(p & m) / len(p | m) >= 0.7
    for c in clusters:
        assert c.members[0] == (c.pivot, 1.0)
        assert all(score >= 0.8 for _, score in c.members)


def test_lsh_bands_keep_recall_at_threshold():
    bands, rows = lsh_params(0.8, 128)
    assert bands * rows <= 128
    assert 1 - (1 - 0.8**rows) ** bands >= 0.99
    assert 1 - (1 - 0.3**rows) ** bands < 0.05


def test_word_diff_shows_the_changed_words():
    ops = word_diff("The meeting is on Monday at noon.", "The meeting is on Tuesday at noon, in Room 5.")
    assert format_diff(ops) == "The meeting is on [-Monday-] {+Tuesday+} at [-noon.-] {+noon, in Room 5.+}"


def test_incremental_pass_joins_new_documents_to_stored_clusters(case):
    rng = random.Random(3)
    vocab = [f"word{i}" for i in range(5000)]
    base = [rng.choice(vocab) for _ in range(400)]
    other = [rng.choice(vocab) for _ in range(400)]
    first = add_doc(case, "P1", "memo-v1", " ".join(base))
    unrelated = add_doc(case, "P1", "other", " ".join(other))
    second = add_doc(case, "P1", "memo-v2", " ".join(edit(base, 4, rng)))
    run_duplicate_passes(case)
    (c,) = dstore.clusters(case.store)
    assert {m["document_id"] for m in c["members"]} == {first, second}
    stored = case.store.conn.execute("SELECT COUNT(*) FROM document_signatures").fetchone()[0]
    assert stored == 3
    third = add_doc(case, "P2", "memo-v3", HEADER.format("01/01/2016") + "\n" + " ".join(edit(base, 4, rng)))
    summary = run_duplicate_passes(case, [third])
    assert summary.fingerprinted == 1  # only the new document was read and signed
    (c,) = dstore.clusters(case.store)
    assert {m["document_id"] for m in c["members"]} == {first, second, third}
    assert unrelated not in {m["document_id"] for m in c["members"]}
