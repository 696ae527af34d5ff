"""Exemption markings as agencies print them, and the State release stamps of real documents."""

from __future__ import annotations

import pytest

from uncover.analyze.exemptions import (
    analyze_page_text,
    claimed_codes,
    find_exemption_marks,
    parse_stamp,
    release_status,
)


def codes(text: str) -> list[str]:
    return [m.code for m in find_exemption_marks(text) if m.confidence >= 0.5]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("To:                         Abedin, Huma                          B6", ["b6"]),
        ("Sent: Friday                          B61", ["b6"]),  # OCR adds a stroke
        ("Sent: Friday                          B6I", ["b6"]),
        ("       B5,B6", ["b5", "b6"]),
        ("(b) (6), (b) (7)(C)", ["b6", "b7c"]),
        ("(b} (7}(A}", ["b7a"]),
        ("(b)(7)(E)-2", ["b7e"]),
        ("(b)(l)", ["b1"]),
        ("interviewed the witness about it. BROWN b6 b7C", ["b6", "b7c"]),
        ("Page 2 ~ b5; b6; b7C;", ["b5", "b6", "b7c"]),
        ("Withheld in full pursuant to exemption (b)(5)", ["b5"]),
        ("                    B7(E)", ["b7e"]),
    ],
)
def test_markings_in_every_style(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "as provided in section 807(b)(1) of the Act",  # statute citation, not a marking
        "exempt under 5 U.S.C. 552(b)(6) as the court held",
        "see 5 U.S.C. § 552 (b)(6)",
        "He took vitamin B6 every morning with breakfast",  # mid-sentence: not a margin
        "82",  # a page number
        "Totals        83       78       86      84",  # a table row of figures on a plain page
    ],
)
def test_citations_and_lone_numbers_are_not_markings(text: str) -> None:
    assert codes(text) == []


def test_ocr_eight_accepted_only_in_state_margin() -> None:
    page = "U.S. Department of State Case No. F-2014-20439\nTo:     Jake Sullivan                       86\n"
    assert codes(page) == ["b6"]
    assert codes("To:     Jake Sullivan                       86\n") == []


def test_qualifiers_for_b1_and_b3() -> None:
    b1 = find_exemption_marks("                 B1,1.4(B),1.4(D),B6")
    assert [(m.code, m.qualifier) for m in b1] == [("b1", "1.4(b), 1.4(d)"), ("b6", None)]
    b3 = find_exemption_marks("From:                          B3 CIA PERS/ORG")
    assert [(m.code, m.qualifier) for m in b3] == [("b3", "CIA PERS/ORG")]
    reason = find_exemption_marks("Classified by: Dir. Reason: 1.4(B), 1.4(D) — Declassify on: 2030")
    assert [(m.code, m.qualifier) for m in reason] == [("b1", "1.4(b), 1.4(d)")]


def test_stamp_split_over_two_lines_and_damaged() -> None:
    split = "Doc No. C05739547          RELEASE IN\nFrom: Mills                 PART B6\n"
    stamp, _ = parse_stamp(split)
    assert stamp is not None and stamp.status == "part" and stamp.codes == ["b6"]
    for damaged in ("RELEASE IN FULLI", "RELEASE IN FULL1"):
        stamp, _ = parse_stamp(damaged)
        assert stamp is not None and stamp.status == "full"


def test_mark_spans_point_at_the_printed_text() -> None:
    text = "Sent: Monday                       B6\n"
    (mark,) = find_exemption_marks(text, page=3, document_id=7)
    assert text[mark.start : mark.end] == "B6" and mark.page == 3 and mark.document_id == 7


def test_release_letter_lists_are_mentions_not_claims() -> None:
    letter = "Section 552 Section 552a\ni (b)(1) | (b)(7)(A)\ni (b)(2) | (b)(7)(B)\n (b)(3) i (b)(7)(C)\n"
    marks = find_exemption_marks(letter)
    assert {m.code for m in marks} >= {"b1", "b2", "b3", "b7a"}
    assert claimed_codes(marks) == set()


def test_deleted_page_sheet_is_withheld() -> None:
    sheet = "FEDERAL BUREAU OF INVESTIGATION\nFOI/PA\nDELETED PAGE INFORMATION SHEET\nPage 2 ~ b5; b6; b7C;\n"
    page = analyze_page_text(sheet)
    assert [n.kind for n in page.notices] == ["deleted-page-sheet"]
    assert release_status([page.marks], [sheet]) == "withheld"


# -- real State documents: status and code set against their stamps --------------------------------

SAMPLE = {  # document: (status, codes), read by hand from the stamp and the margins
    "C05739547.txt": ("part", {"b6"}),
    "C05739634.txt": ("part", {"b3", "b6"}),  # stamp "B3 CIA / PERS/ORG,B6" over two lines
    "C05758813.txt": ("part", {"b5", "b6"}),  # codes line "B5,B6'" with a stray quote
    "C05758577.txt": ("full", set()),  # stamp OCR'd as "LmaLamSE IN FULL"
}


def test_state_text_sample(corpora) -> None:
    root = corpora / "foia-clinton-state-text"
    for name, (status, expected) in SAMPLE.items():
        (path,) = root.rglob(name)
        pages = path.read_text("utf-8", errors="replace").split("\f")
        marks = [find_exemption_marks(t, i + 1) for i, t in enumerate(pages)]
        assert release_status(marks, pages) == status, name
        assert claimed_codes(m for ms in marks for m in ms) == expected, name


def test_state_text_status_matches_stamps(corpora) -> None:
    """Across 300 documents with a plainly printed stamp, status and codes agree with it."""
    import re

    root = corpora / "foia-clinton-state-text"
    checked = agree_status = agree_codes = 0
    for path in sorted(root.rglob("*.txt"))[::7][:300]:
        pages = path.read_text("utf-8", errors="replace").split("\f")
        stamp = re.search(r"RELEASE IN (FULL|PART (B\d(?:,B\d)*))\s*$", pages[0], re.M)
        if not stamp:
            continue
        expected_status = "full" if stamp.group(1) == "FULL" else "part"
        expected_codes = {c.lower() for c in re.findall(r"B\d", stamp.group(2) or "")}
        marks = [find_exemption_marks(t, i + 1) for i, t in enumerate(pages)]
        checked += 1
        agree_status += release_status(marks, pages) == expected_status
        agree_codes += claimed_codes(m for ms in marks for m in ms) == expected_codes
    assert checked > 50
    assert agree_status / checked >= 0.99
    assert agree_codes / checked >= 0.97


def test_fbi_scan_stamps_found_after_ocr(corpora) -> None:
    """An FBI page image with b6/b7C margin stamps and no text layer: OCR, then marks."""
    pdfium = pytest.importorskip("pypdfium2")
    from uncover.ingest.ocr import TesseractEngine

    path = corpora / "foia-muckrock-responsive-docs" / "Jon Burge" / "Email" / "File_04.PDF"
    pdf = pdfium.PdfDocument(path)
    assert pdf[0].get_textpage().get_text_range().strip() == ""
    engine = TesseractEngine()
    found: set[str] = set()
    for i in range(min(2, len(pdf))):
        text = engine.recognize(pdf[i].render(scale=300 / 72, grayscale=True).to_pil()).text
        found |= claimed_codes(find_exemption_marks(text, i + 1))
    assert {"b6", "b7c"} <= found


# -- FBI margin codes: category numbers, mid-line, OCR damage; and what is never a code -----------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Contact: SA                                   b6 -1,-5", [("b6", "-1,-5")]),
        ("To: Chicago          Attn: b6 -2,-3", [("b6", "-2,-3")]),
        ("CLERK MICHAEL W. DOBBINS b6 -3 (By) b7c -3 Deputy Clerk", [("b6", "-3"), ("b7c", "-3")]),
        ("this is the perm  idence of  Date_of Birth    bic -1,-4", [("b7c", "-1,-4")]),
        ("Title: JON BURGE ET AL - SUBJECTS;     bTC -2", [("b7c", "-2")]),
        ("was interviewed at his residence.   b7¢ -5", [("b7c", "-5")]),
        ("T0:, Chicago          Attn: a/asac[ Sd   be -1", [("b6", "-1")]),  # b6 read as `be`
        ("ANDREW WILSON      b7C -z", [("b7c", "-2")]),  # -2 read as -z
        ("From: Chicago                  b6 -1 Per FBI", [("b6", "-1")]),
        ("the interviews will be to determine if there is corroborateb5 Per EOUSA", [("b5", None)]),
        ("[ The CD was               for inventory purposebé -3,-5 Per FBI", [("b6", "-3,-5")]),  # glued, b6 read as `bé`
        ("of the interview, BROWN  b7c\nb5\nb6é\nb7¢c", [("b7c", None), ("b5", None), ("b6", None), ("b7c", None)]),
    ],
)
def test_fbi_margin_codes_keep_their_categories(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(m.code, m.qualifier) for m in find_exemption_marks(text) if m.confidence >= 0.5] == expected


@pytest.mark.parametrize(
    "text",
    [
        "as defined in Treas. Reg. § 301.6103(b)(4) the return information",  # a regulation citation
        "under 26 U.S.C. § 6103(b)(4)(A)",
        "U.S. Department of State Case No. F-2014-20439\nTOTAL                 82",  # a table figure
        "Totals        83       78       86      84",
        "the vendors agreed to pre-date the contracts to b4",  # prose
        "She said it would be per se unlawful",
        "the scores maybe -2,-3 Per FBI",  # `be` glued to a word is the word's end
        "a stamp then cost 5¢c and a card 3¢",
        "Violations: Title 18, United States Code, Sections 1512(c)(2) and 1621(1)",
    ],
)
def test_citations_figures_and_prose_are_never_marks(text: str) -> None:
    assert codes(text) == []
