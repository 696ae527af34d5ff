"""Facet counts (web/facets.py) against plain SQL over the matching ids, for narrow and broad queries."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from uncover import Case, review
from uncover.search import matching_ids, parse
from uncover.search.filters import fold
from uncover.web.facets import MONTH_SQL, FacetCache

# Narrow ones fetch the matching ids; broad ones (over half the index) fetch the complement.
QUERIES = ["*", "benghazi", "-benghazi", "-zebrafish", "kind:email", "talking OR benghazi", "zzzznothing",
           "tag:hot", "-tag:hot", 'custodian:"nobody"', "date:2012-01-01..2012-12-31"]


def sql_counts(case: Case, query: str) -> dict[str, dict[Any, int]]:
    """What the facets must say: GROUP BY over the ids the query matches (every document for `*`)."""
    conn = case.store.conn
    ids = [r[0] for r in conn.execute("SELECT id FROM documents")] if query == "*" else sorted(matching_ids(case, query))
    marks = ",".join("?" * len(ids)) or "NULL"
    rows = conn.execute(f"SELECT production_id, kind, custodian, {MONTH_SQL} FROM documents WHERE id IN ({marks})", ids).fetchall()
    custodians: Counter[str] = Counter(fold(r[2]) or "(none)" for r in rows)
    return {
        "production": dict(Counter(r[0] for r in rows)),
        "kind": dict(Counter(r[1] for r in rows)),
        "custodian": dict(custodians),
        "month": dict(Counter(r[3] for r in rows)),
        "tag": dict(conn.execute(f"SELECT tag_id, COUNT(*) FROM document_tags WHERE document_id IN ({marks}) "
                                 "GROUP BY tag_id", ids).fetchall()),
        "release": dict(conn.execute(f"SELECT status, COUNT(*) FROM document_release WHERE document_id IN ({marks}) "
                                     "GROUP BY status", ids).fetchall()),
        "exemption": dict(conn.execute("SELECT code, COUNT(DISTINCT document_id) FROM exemption_marks "
                                       f"WHERE confidence >= 0.5 AND document_id IN ({marks}) GROUP BY code", ids).fetchall()),
    }


def facet_counts(cache: FacetCache, case: Case, query: str) -> dict[str, dict[Any, int]]:
    by = cache.counts(case, parse(query)).by
    out = {name: by[name] for name in ("production", "kind", "month", "tag", "release", "exemption")}
    out["custodian"] = {fold(label) or "(none)": n for label, n in by["custodian"].items()}
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_counts_equal_sql_over_matching_ids(case_copy: Path, query: str) -> None:
    with Case.open(case_copy) as case:
        doc_ids = [r[0] for r in case.store.conn.execute("SELECT id FROM documents ORDER BY id")]
        review.add_tag(case, doc_ids[0], "hot", "tester")
        review.add_tag(case, doc_ids[1], "hot", "tester")
        cache = FacetCache()
        expected = sql_counts(case, query)
        assert facet_counts(cache, case, query) == expected
        assert facet_counts(cache, case, query) == expected  # the cached answer
    if query == "*":  # the case holds withholdings findings, so those facets are compared too
        assert expected["release"] and expected["exemption"]


def test_counts_follow_changes_made_elsewhere(case_copy: Path) -> None:
    """A tag added through another connection (the CLI, a colleague) shows on the next request."""
    cache = FacetCache()
    with Case.open(case_copy) as case:
        doc_ids = [r[0] for r in case.store.conn.execute("SELECT id FROM documents ORDER BY id")]
        before = facet_counts(cache, case, "-zebrafish")
        with Case.open(case_copy) as other:
            review.add_tag(other, doc_ids[-1], "privileged", "colleague")
            review.bulk_tag(other, "benghazi", "responsive", "colleague")
        after = facet_counts(cache, case, "-zebrafish")
        assert after != before
        assert after == sql_counts(case, "-zebrafish")
        assert facet_counts(cache, case, "*") == sql_counts(case, "*")


def test_a_document_the_index_holds_twice_counts_once(case_copy: Path) -> None:
    """Facets of one value per document count ids, not rows of a mask: an id that came back twice
    would count twice, so such an answer is counted through the mask, as every facet was before."""
    with Case.open(case_copy) as case:
        target = sorted(matching_ids(case, "kind:email"))[0]
        case.index.add_values(target, {"kind_raw": "email", "text": "zebrafish"}, replace=False)  # a second copy
        case.index.commit()
        cache = FacetCache()
        for query, matching in (("kind:email", True), ("-kind:email", False)):  # the id twice in the matches, the rest
            ids, answered = case.index.matching_or_missing(case.index.compile(parse(query)))
            assert answered == matching and ids.tolist().count(target) == 2
            assert facet_counts(cache, case, query) == sql_counts(case, query)
