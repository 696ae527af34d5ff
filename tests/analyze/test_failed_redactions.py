"""Failed redactions on x-ray-style cases (tests/analyze/redaction_cases.py): every case where text
stays readable under something that looks redacted is caught with the true number of
recoverable characters, and none of the look-alikes raises an alarm."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from redaction_cases import CASES, SECRET, Case

from uncover.analyze.redactions import find_page_boxes, recovered_text


def failed_boxes(case: Case) -> list:  # type: ignore[type-arg]
    pdf = pdfium.PdfDocument(case.build())
    return [r for r in find_page_boxes(pdf[0], 1, 7) if r.failed]


@pytest.mark.parametrize("case", [c for c in CASES if c.failed], ids=lambda c: c.name)
def test_failed_redaction_is_caught_with_its_true_count(case: Case) -> None:
    found = failed_boxes(case)
    assert found, case.what
    assert sum(r.recoverable_chars for r in found) == case.chars


@pytest.mark.parametrize("case", [c for c in CASES if not c.failed], ids=lambda c: c.name)
def test_look_alike_raises_no_alarm(case: Case) -> None:
    assert failed_boxes(case) == [], case.what


def test_the_findings_carry_a_count_never_the_text() -> None:
    (case,) = [c for c in CASES if c.name == "black-rectangle"]
    (box,) = failed_boxes(case)
    assert "Informant" not in repr(box)
    assert recovered_text(pdfium.PdfDocument(case.build())[0], box.bbox) == SECRET  # read live, on request


def test_boxes_in_look_alikes_are_still_boxes() -> None:
    """A proper redaction is a box (redacted:yes), just not a failed one; decoration is neither."""
    def boxes(name: str) -> list:  # type: ignore[type-arg]
        (case,) = [c for c in CASES if c.name == name]
        return find_page_boxes(pdfium.PdfDocument(case.build())[0])

    assert [(r.style, r.label) for r in boxes("labelled-box")] == [("black", "b6")]
    assert [r.style for r in boxes("proper")] == ["black"]
    assert [r.style for r in boxes("scan-box-clean")] == ["black"]
    assert boxes("reverse-heading") == [] and boxes("teal-sidebar") == [] and boxes("unfilled-rectangle") == []


@pytest.mark.parametrize("text, secret", [
    ("Jane Q. Informant", True), ("34", True), ("555-0100", True),
    ("REDACTED", False), ("Name Redacted", False), ("XXXXX XXXX", False), ("(b)(6)", False), ("b7C", False),
    ("7", False), (",", False), ("____ District of ____", False), ("03/23/", False), ("\ufffd\ufffd", False),
    ("Case 1:20-cv-01234 Document 12 Filed 01/02/20 Page 3 of 9", False),
])
def test_what_counts_as_a_secret_under_a_box(text: str, secret: bool) -> None:
    from uncover.analyze.redactions import says_something

    assert says_something(text) is secret
