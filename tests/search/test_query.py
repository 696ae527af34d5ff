"""The query language: what a query means, and plain errors for what it cannot mean."""

from __future__ import annotations

from datetime import date

import pytest

from uncover.errors import QueryError
from uncover.search import SqlFilter, matching_ids, parse, register_field
from uncover.search.query import And, DateRange, Field, MatchAll, Not, Or, Phrase, Prefix, Term


def test_default_and_binds_tighter_than_or():
    assert parse("a b OR c") == Or((And((Term("a", ("a",)), Term("b", ("b",)))), Term("c", ("c",))))
    assert str(parse("memo letter OR draft")) == "(memo AND letter) OR draft"
    assert str(parse("memo AND (letter OR draft)")) == "memo AND (letter OR draft)"


def test_not_forms_and_lower_case_operators_are_words():
    assert parse("-b6") == Not(Term("b6", ("b6",)))
    assert parse("NOT b6") == parse("-b6")
    assert str(parse('"release in full" -b6 -"b7 c"')) == '"release in full" AND NOT b6 AND NOT "b7 c"'
    assert str(parse("opt-out")) == "opt-out"  # a hyphen inside a word is not NOT
    assert parse("opt-out").tokens == ("opt", "out")
    assert str(parse("cats and dogs")) == "cats AND and AND dogs"


def test_phrases_prefixes_and_fields():
    assert parse('"Release In Part"') == Phrase("Release In Part", ("release", "in", "part"))
    assert parse("Secur*") == Prefix("Secur", ("secur",))
    assert parse('custodian:"Marc Rapp"') == Field("custodian", "Marc Rapp", quoted=True)
    assert parse("Custodian:rapp") == Field("custodian", "rapp")
    assert parse("filename:*.pdf") == Field("filename", "*.pdf", wildcard=True)
    assert parse("*") == MatchAll()


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("date:2011-01-01..2011-01-31", date(2011, 1, 1), date(2011, 1, 31)),
        ("date:..2011-01-31", None, date(2011, 1, 31)),
        ("date:2011-01-01..", date(2011, 1, 1), None),
        ("date:2011-01-17", date(2011, 1, 17), date(2011, 1, 17)),
        ("date:2012-02", date(2012, 2, 1), date(2012, 2, 29)),
        ("date:2011", date(2011, 1, 1), date(2011, 12, 31)),
    ],
)
def test_date_ranges(text, start, end):
    assert parse(text) == DateRange(start, end)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ('"unclosed', "never closed"),
        ("(a OR", "needs a term after it"),
        ("(a OR b", "'(' at position 1 is never closed"),
        ("a OR b)", "no matching '('"),
        ("date:2011-13-45", "not a real date"),
        ("date:2011-02-30", "not a real date"),
        ("date:yesterday", "not a date"),
        ("date:2011-02-01..2011-01-01", "ends before it starts"),
        ("date:..", "at least one end"),
        ("AND memo", "needs a term before it"),
        ("memo NOT", "needs a term after it"),
        ("()", "empty"),
        ("custodian:", "needs a value"),
        ("colour:red", "Unknown field colour"),
        ("wo*rd", "may only end a word"),
        ("&&", "no letters or digits"),
        ("   ", "empty"),
    ],
)
def test_malformed_queries_raise_a_plain_error_with_an_example(query, says):
    with pytest.raises(QueryError) as info:
        parse(query)
    assert says in info.value.message
    assert "For example: " in info.value.message


def test_bad_field_values_are_reported_when_searching(state_case):
    case, _ = state_case
    with pytest.raises(QueryError, match="kind:memo is not a kind of document"):
        matching_ids(case, "kind:memo")


def test_a_registered_sql_field_combines_with_words(state_case):
    case, records = state_case
    register_field("minpages", lambda f: SqlFilter("SELECT id FROM documents WHERE page_count >= ?", (int(f.value),)),
                   description="documents of at least N pages", example="minpages:3")
    long = {r.id for r in records if len(r.pages) >= 4}
    libya = matching_ids(case, "libya")
    assert long and libya
    assert matching_ids(case, "minpages:4") == long
    assert matching_ids(case, "minpages:4 AND libya") == long & libya
    assert matching_ids(case, "minpages:4 OR libya") == long | libya
    assert matching_ids(case, "libya -minpages:4") == libya - long
