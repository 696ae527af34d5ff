"""What a reader sees for each hit: the pages holding the words, the snippet, the order."""

from __future__ import annotations

from pathlib import Path

from state_corpus import oracle_words

from uncover import Case
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.search import reindex, search


def add(case: Case, pages: list[str], **fields) -> int:
    prod = case.store.production("test production")
    doc = Document(id=0, production_id=prod.id, kind=DocumentKind.EMAIL, filename=fields.pop("filename", "doc.txt"),
                   path="doc.txt", sha256="0" * 64, md5="", size=1, page_count=len(pages), **fields)
    with case.store.transaction():
        return case.store.insert_document(doc, None, [Page(0, n + 1, t, TextSource.LAYER) for n, t in enumerate(pages)])


def test_pages_with_hits_on_multipage_documents(state_case):
    case, records = state_case
    results = search(case, "tripoli", limit=200)
    by_id = {r.id: r for r in records}
    multi = [h for h in results.hits if len(by_id[h.doc_id].pages) > 1]
    assert len(multi) >= 5
    for hit in results.hits:
        pages = by_id[hit.doc_id].pages
        assert hit.pages == [n + 1 for n, t in enumerate(pages) if "tripoli" in oracle_words(t)]
    assert any(h.pages and h.pages != [1] for h in multi), "no hit beyond the first page to check"


def test_snippet_highlights_the_matched_words_on_the_named_page(state_case):
    case, records = state_case
    by_id = {r.id: r for r in records}
    for query, want in (('"release in part"', ["release", "in", "part"]), ("qadhaf*", None)):
        for hit in search(case, query, limit=50).hits:
            s = hit.snippet
            assert s is not None and s.highlights and s.page in hit.pages
            for start, end in s.highlights:
                marked = oracle_words(s.text[start:end])
                if want:
                    assert marked == want
                else:
                    assert all(w.startswith("qadhaf") for w in marked)
            # the snippet is text of that page (whitespace collapsed)
            page_text = " ".join(by_id[hit.doc_id].pages[s.page - 1].split())
            assert s.text.strip("…") in page_text
            assert s.html().count("<mark>") == len(s.highlights)


def test_negated_words_are_not_highlighted(state_case):
    case, _ = state_case
    for hit in search(case, "libya -qadhafi", limit=20).hits:
        assert hit.snippet and all(hit.snippet.text[a:b].lower() == "libya" for a, b in hit.snippet.highlights)


def test_phrase_over_a_page_break_is_found_on_both_pages(case: Case):
    add(case, ["The meeting ended with the opt", "out notice attached.", "Nothing here."])
    reindex(case)
    results = search(case, '"opt out notice"')
    assert results.total == 1
    assert results.hits[0].pages == [1, 2]


def test_more_occurrences_of_a_rare_word_rank_higher(case: Case, corpora: Path):
    text = (corpora / "foia-clinton-state-pdfs" / "C05739547.txt").read_text("utf-8")
    once = add(case, [text + "\nThe Venturella memo."])
    often = add(case, [text + "\nVenturella said Venturella told Venturella and Venturella wrote: Venturella."])
    other = add(case, [text])
    reindex(case)
    results = search(case, "venturella")
    assert [h.doc_id for h in results.hits] == [often, once]
    assert results.hits[0].score > results.hits[1].score
    assert other not in {h.doc_id for h in results.hits}


def test_field_only_match_shows_the_opening_text(case: Case):
    add(case, ["UNCLASSIFIED\nFrom: Sullivan", "second page"], subject="Benghazi talking points")
    reindex(case)
    hit = search(case, "subject:benghazi").hits[0]
    assert hit.pages == [] and hit.snippet and hit.snippet.text.startswith("UNCLASSIFIED")
    assert hit.subject == "Benghazi talking points"


def test_sort_by_date_and_paging(case: Case):
    ids = {d: add(case, [f"memo number {d}"], date=f"2011-01-{d:02d}T10:00:00-05:00") for d in (17, 3, 25)}
    undated = add(case, ["memo without date"])
    reindex(case)
    assert [h.doc_id for h in search(case, "memo", sort="date").hits] == [ids[3], ids[17], ids[25], undated]
    assert [h.doc_id for h in search(case, "memo", sort="-date").hits][:3] == [ids[25], ids[17], ids[3]]
    page2 = search(case, "memo", sort="date", limit=2, offset=2)
    assert page2.total == 4 and [h.doc_id for h in page2.hits] == [ids[25], undated]
    assert [h.doc_id for h in search(case, "date:2011-01-17").hits] == [ids[17]]


def test_results_carry_label_and_echo_the_query(case: Case):
    add(case, ["Opt-out memo"], bates_begin="ICE2011FOIA000123", bates_end="ICE2011FOIA000124", custodian="Marc Rapp")
    add(case, ["Opt-out memo"])
    reindex(case)
    results = search(case, 'opt-out custodian:"marc rapp"')
    assert results.query == 'opt-out AND custodian:"marc rapp"'
    assert [h.label for h in results.hits] == ["ICE2011FOIA000123-ICE2011FOIA000124"]
    data = results.to_dict()
    assert data["parsed"]["type"] == "and" and data["total"] == 1 and data["elapsed_ms"] >= 0
    assert data["hits"][0]["snippet"]["html"] == "<mark>Opt-out</mark> memo"
