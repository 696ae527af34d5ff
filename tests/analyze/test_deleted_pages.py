"""FBI deleted page information sheets: one record per withheld page, totals checked."""

from __future__ import annotations

from uncover.analyze.deleted_pages import find_sheets, parse_sheet_page, sheet_code, sheet_warnings
from uncover.analyze.exemptions import analyze_page_text, document_status

HEADING = "FEDERAL BUREAU OF INVESTIGATION\nFOI/PA\nDELETED PAGE INFORMATION SHEET\nFOI/PA# 1417740-0\n\n"
BOX = "\nXXXXXXXXXXXXXXXXXXXXXXXX\nX   Deleted Page(s)    X\nX   No Duplication Fee X\nX   For this Page      X\n"


def test_entries_with_reasons_categories_and_the_printed_total() -> None:
    text = HEADING + (
        "Total Deleted Page(s) = 4\n"
        "Page 3 ~ Duplicate;\n"
        "Page 11 ~ b6 - 6; b7C - 6; b7E - 3;\n"
        "Page 108 ~ b3 - -1; b6 - 6,-7; b7C - 6,-7;\n"
        "Page 118 ~ Referral/Consult;\n"
    ) + BOX
    [sheet] = find_sheets([text])
    assert sheet.printed_total == 4 and sheet.total_agrees
    assert [e.label for e in sheet.entries] == ["3", "11", "108", "118"]
    assert sheet.entries[0].duplicate and sheet.entries[3].referral == "Referral/Consult"
    assert sheet.entries[2].exemptions == [("b3", "1"), ("b6", "6,7"), ("b7c", "6,7")]
    assert sheet.by_reason() == {"b6": 2, "b7c": 2, "b7e": 1, "b3": 1, "duplicate": 1, "referral": 1}
    for entry in sheet.entries:  # every code's span points at what is printed
        for (code, _), (start, end) in zip(entry.exemptions, entry.spans, strict=True):
            assert text[start:end].lower().startswith(code[:2])


def test_a_sheet_runs_over_pages_without_its_heading() -> None:
    first = HEADING + "Total Deleted Page(s) = 3\nPage 1 ~ Duplicate;\nPage 2 ~ b5 - 2,-3;\n"
    second = "Page 9 ~ b6 - 5; b7C - 5;\nPage 10 ~ Duplicate;\n" + BOX
    memo = "FEDERAL BUREAU OF INVESTIGATION\nPrecedence: ROUTINE  Date: 09/03/2008\nTo: Chicago"
    sheets = find_sheets([first, second, memo])
    assert [(s.first_page, s.last_page, len(s.entries), s.printed_total) for s in sheets] == [(1, 2, 4, 3)]
    assert sheet_warnings(sheets, "File_01.PDF") == [
        "File_01.PDF: the deleted page information sheet on pages 1-2 prints a total of 3 withheld pages but "
        "lists 4; a page of the sheet may be missing or unreadable."]


def test_ocr_damage_on_sheets() -> None:
    assert [sheet_code(t) for t in ("b7C", "bTE", "bIE", "b7vE", "KITE", "b/7C", "b/C", "bIC", "b7Cc", "b6O", "b5S")] == \
        ["b7c", "b7e", "b7e", "b7e", "b7e", "b7c", "b7c", "b7c", "b7c", "b6", "b5"]
    assert sheet_code("bd") is None and sheet_code("Duplicate") is None  # no stroke for the 7: unknown
    # the tilde lost, reasons wrapped over two lines, an agency's note after the category
    text = (HEADING + "Total Deleted Page(s) = 2\nPage 10   b5 - 1,-3; b6 - 2,-6; b/C - 2,-6;\n"
            "Page 12 ~ b5 - Per EOUSA; b6 - 2,-4,-5,-7 Per FBI & EOUSA; b7C - 2,-4,-\n5,-7 Per FBI; b7E - 3 Per FBI;\n")
    [sheet] = find_sheets([text])
    assert [e.codes for e in sheet.entries] == [["b5", "b6", "b7c"], ["b5", "b6", "b7c", "b7e"]]
    assert sheet.entries[1].exemptions[2] == ("b7c", "2,4,5,7")


def test_a_letter_that_mentions_a_sheet_is_not_one() -> None:
    letter = ("The appropriate exemptions are noted on the processed pages next to redacted information. In "
              "addition, a deleted page information sheet was inserted to indicate where pages were withheld "
              "entirely pursuant to applicable exemptions.")
    assert parse_sheet_page(letter) is None and find_sheets([letter]) == []
    page = analyze_page_text(letter)
    assert page.notices == [] and document_status([page]) == "unknown"


def test_sheet_pages_are_not_withheld_pages() -> None:
    sheet = analyze_page_text(HEADING + "Total Deleted Page(s) = 1\nPage 2 ~ b5; b6; b7C;\n")
    released = analyze_page_text("FEDERAL BUREAU OF INVESTIGATION\nDetails: interviewed BROWN  b6 -1\n", 2)
    assert [n.kind for n in sheet.notices] == ["deleted-page-sheet"]
    assert {m.code for m in sheet.marks} == {"b5", "b6", "b7c"}  # claimed for the withheld page
    assert document_status([sheet, released]) == "part"
