"""Every kind of query returns exactly the documents a plain scan of the stored values finds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from state_corpus import Record, has_phrase, oracle_words

from uncover.search import matching_ids, parse, search
from uncover.search.filters import day_of, fold, sql_ids


def words_of(r: Record) -> set[str]:
    return set(oracle_words(r.text))


def day(r: Record) -> date | None:
    return date.fromisoformat(r.doc.date[:10]) if r.doc.date else None


def in_range(r: Record, lo: str | None, hi: str | None) -> bool:
    d = day(r)
    return d is not None and (lo is None or d >= date.fromisoformat(lo)) and (hi is None or d <= date.fromisoformat(hi))


CASES: list[tuple[str, Callable[[Record], bool]]] = [
    ('"RELEASE IN PART"', lambda r: has_phrase(r.text, "release in part")),
    ('"RELEASE IN FULL" AND NOT B6', lambda r: has_phrase(r.text, "release in full") and "b6" not in words_of(r)),
    ('"release in full" -b6', lambda r: has_phrase(r.text, "release in full") and "b6" not in words_of(r)),
    ("(libya OR tripoli) AND NOT qadhafi", lambda r: bool({"libya", "tripoli"} & words_of(r)) and "qadhafi" not in words_of(r)),
    ("libya tripoli OR egypt", lambda r: {"libya", "tripoli"} <= words_of(r) or "egypt" in words_of(r)),
    ("NOT libya", lambda r: "libya" not in words_of(r)),
    ("secur*", lambda r: any(w.startswith("secur") for w in words_of(r))),
    ('"benghazi attack*"', lambda r: has_phrase(r.text, "benghazi attack")),  # a quoted * is just punctuation
    ("state.gov", lambda r: has_phrase(r.text, "state gov")),
    ("new presid*", lambda r: "new" in words_of(r) and any(w.startswith("presid") for w in words_of(r))),
    ("subject:benghazi", lambda r: "benghazi" in oracle_words(r.doc.subject)),
    ('subject:"great to see you"', lambda r: has_phrase(r.doc.subject, "great to see you")),
    ("subject:lib*", lambda r: any(w.startswith("lib") for w in oracle_words(r.doc.subject))),
    ("from:sullivan", lambda r: "sullivan" in oracle_words(r.doc.sender)),
    ('to:"mills cheryl"', lambda r: has_phrase(r.doc.recipients, "mills cheryl")),
    ('custodian:"cheryl MILLS"', lambda r: fold(r.doc.custodian) == "cheryl mills"),
    ("custodian:huma*", lambda r: (fold(r.doc.custodian) or "").startswith("huma")),
    ("kind:edoc", lambda r: str(r.doc.kind) == "edoc"),
    ('production:"State F-2015-04841 part 2"', lambda r: r.production.endswith("part 2")),
    ("filename:C05739547.pdf", lambda r: r.doc.filename.lower() == "c05739547.pdf"),
    ("filename:*47.pdf", lambda r: r.doc.filename.lower().endswith("47.pdf")),
    ("date:2012-09-01..2012-12-31", lambda r: in_range(r, "2012-09-01", "2012-12-31")),
    ("date:..2011-12-31", lambda r: in_range(r, None, "2011-12-31")),
    ("date:2012-10-01..", lambda r: in_range(r, "2012-10-01", None)),
    ("date:2012-09", lambda r: in_range(r, "2012-09-01", "2012-09-30")),
    (
        'libya AND custodian:"Cheryl Mills" AND date:2012-01-01..',
        lambda r: "libya" in words_of(r) and fold(r.doc.custodian) == "cheryl mills" and in_range(r, "2012-01-01", None),
    ),
    ("kind:email AND NOT subject:benghazi", lambda r: str(r.doc.kind) == "email" and "benghazi" not in oracle_words(r.doc.subject)),
]


@pytest.mark.parametrize(("query", "oracle"), CASES, ids=[q for q, _ in CASES])
def test_query_matches_exactly_what_a_scan_finds(state_case, query, oracle):
    case, records = state_case
    expected = {r.id for r in records if oracle(r)}
    assert 0 < len(expected) < len(records), f"{query!r} does not tell documents apart in this corpus"
    assert matching_ids(case, query) == expected
    results = search(case, query, limit=500)
    assert results.total == len(expected)
    assert {h.doc_id for h in results.hits} == expected


FIELD_QUERIES = [q for q, _ in CASES if ":" in q and " " not in q.split(":", 1)[0] and q.count(":") == 1]


@pytest.mark.parametrize("query", FIELD_QUERIES)
def test_index_fields_agree_with_sql_over_the_store(state_case, query):
    """The SQL definition of each field is the contract; the index must give the same answer."""
    case, _ = state_case
    node = parse(query)
    assert matching_ids(case, query) == sql_ids(case.store.conn, node)


def test_dates_are_read_as_the_day_written(state_case):
    case, records = state_case
    dated = [r for r in records if r.doc.date]
    assert dated and all(day_of(r.doc.date) == day(r) for r in dated)
    one = dated[0]
    assert one.id in matching_ids(case, f"date:{one.doc.date[:10]}")


def test_phrase_does_not_match_scattered_words(state_case):
    case, records = state_case
    scattered = {r.id for r in records if {"release", "part"} <= words_of(r) and not has_phrase(r.text, "release part")}
    assert scattered
    assert not (matching_ids(case, '"release part"') & scattered)
