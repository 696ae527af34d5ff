"""Versions: a re-production with redactions lifted and one added yields exactly those passages."""

from __future__ import annotations

from uncover.analyze.casepasses import run_duplicate_passes
from uncover.analyze.versions import compare_versions
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.store import duplicates as dstore

HEADER = "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. {doc} Date: {date}\n{stamp}\n"


def add_doc(case, production: str, name: str, text: str, **fields) -> int:
    prod = case.store.production(production)
    doc = Document(id=0, production_id=prod.id, kind=DocumentKind.SCAN, filename=name, path=name,
                   sha256=name, md5="", size=len(text), **fields)
    with case.store.transaction():
        return case.store.insert_document(doc, None, [Page(document_id=0, number=1, text=text, text_source=TextSource.OCR)])


SECRET_A = "Ambassador Stevens"
SECRET_B = "call 202-555-0147 after six"
SECRET_C = "the safe house on Fourth Street"
NEW_WITHHOLD = "pending the Libya review"

BODY = (
    "From: Mills, Cheryl D\nSent: Wednesday, September 12, 2012 11:52 AM\nTo: H\nSubject: Re: Benghazi\n\n"
    "I spoke with {a} this morning about the evacuation. Please {b} if the line is down. "
    "The team will move to {c} tonight and report back. We will brief the Hill {w} on Friday. "
    "Thanks for all of your help."
)


def generated_pair() -> tuple[str, str]:
    earlier = HEADER.format(doc="C05739545", date="05/14/2015", stamp="RELEASE IN PART B6,B7(C)") + BODY.format(
        a="[REDACTED]", b="(b)(6)", c="B7(C)", w=NEW_WITHHOLD)
    later = HEADER.format(doc="C05739545", date="08/31/2015", stamp="RELEASE IN PART B5") + BODY.format(
        a=SECRET_A, b=SECRET_B, c=SECRET_C, w="B5")
    return earlier, later


def test_reproduction_reveals_exactly_the_lifted_redactions():
    earlier, later = generated_pair()
    diff = compare_versions(earlier, later)
    assert diff.revealed == [SECRET_A, SECRET_B, SECRET_C]
    assert diff.withheld == [NEW_WITHHOLD]
    assert diff.changed == []


def test_versions_pass_pairs_by_document_number_across_productions(case):
    earlier, later = generated_pair()
    first = add_doc(case, "May 2015 release", "C05739545-a", earlier)
    unrelated = add_doc(case, "May 2015 release", "C05739999", HEADER.format(doc="C05739999", date="05/14/2015",
                        stamp="RELEASE IN FULL") + "Lunch at noon?")
    second = add_doc(case, "August 2015 release", "C05739545-b", later)
    run_duplicate_passes(case)
    (pair,) = dstore.version_pairs(case.store)
    assert (pair["earlier_id"], pair["later_id"], pair["basis"]) == (first, second, "doc-number")
    assert pair["revealed"] == [SECRET_A, SECRET_B, SECRET_C] and pair["withheld"] == [NEW_WITHHOLD]
    assert pair["earlier_production"] == "May 2015 release" and pair["later_production"] == "August 2015 release"
    assert unrelated not in (pair["earlier_id"], pair["later_id"])


def test_versions_pass_pairs_by_bates_number(case):
    a = add_doc(case, "Vol 1", "a", "Detainer data for [REDACTED] county.", bates_begin="ICE0000101", bates_end="ICE0000101")
    b = add_doc(case, "Vol 2", "b", "Detainer data for Suffolk county.", bates_begin="ICE0000101", bates_end="ICE0000101")
    run_duplicate_passes(case)
    (pair,) = dstore.version_pairs(case.store)
    assert (pair["earlier_id"], pair["later_id"], pair["basis"]) == (a, b, "bates")
    assert pair["revealed"] == ["Suffolk"] and pair["withheld"] == []


def test_real_state_releases_compare_without_noise(corpora):
    """The same State e-mail read twice (page header and stamp changed) reveals nothing."""
    text = sorted((corpora / "foia-clinton-state-text" / "HRC_Email_296").glob("*.txt"))[0].read_text("utf-8", "replace")
    restamped = text.replace("Date: 05/14/2015", "Date: 08/31/2015")
    diff = compare_versions(text, restamped)
    assert diff.revealed == [] and diff.withheld == [] and diff.changed == []


def test_cli_versions_dupes_threads_json(case):
    import json

    from click.testing import CliRunner

    from uncover.cli import main

    earlier, later = generated_pair()
    add_doc(case, "May 2015 release", "C05739545-a", earlier)
    add_doc(case, "August 2015 release", "C05739545-b", later)
    case.close()
    runner = CliRunner()
    result = runner.invoke(main, ["versions", str(case.root), "--production", "August 2015 release",
                                  "--against", "May 2015 release", "--json"])
    assert result.exit_code == 0, result.output
    (pair,) = json.loads(result.output)
    assert pair["revealed"] == [SECRET_A, SECRET_B, SECRET_C] and pair["withheld"] == [NEW_WITHHOLD]
    result = runner.invoke(main, ["dupes", str(case.root), "--diff", "1", "2", "--json"])
    assert result.exit_code == 0, result.output
    ops = json.loads(result.output)["ops"]
    assert {"op": "replace", "a": "[REDACTED]", "b": "Ambassador Stevens"} in ops
    for command in ("dupes", "threads"):
        result = runner.invoke(main, [command, str(case.root), "--json"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["versions", str(case.root), "--production", "nope"])
    assert result.exit_code != 0 and "No production named" in result.output


def test_a_receipt_recorded_for_one_production_keeps_the_later_one_later(case):
    """Receipt recorded for the first release only: the second, ingested later with no day of
    receipt, is still the later copy (it once sorted first, as an empty date)."""
    earlier, later = generated_pair()
    first = add_doc(case, "May 2015 release", "C05739545-a", earlier)
    second = add_doc(case, "August 2015 release", "C05739545-b", later)
    case.store.set_received("May 2015 release", "2015-05-20")
    run_duplicate_passes(case)
    (pair,) = dstore.version_pairs(case.store)
    assert (pair["earlier_id"], pair["later_id"]) == (first, second)
    assert pair["revealed"] == [SECRET_A, SECRET_B, SECRET_C]
    # a production recorded as received before the first one counts as earlier, whatever its ingest order
    case.store.set_received("August 2015 release", "2015-05-01")
    run_duplicate_passes(case)
    (pair,) = dstore.version_pairs(case.store)
    assert (pair["earlier_id"], pair["later_id"]) == (second, first)
