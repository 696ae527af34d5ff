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


def test_a_code_ocr_damaged_past_reading_is_named_by_its_categories_elsewhere_on_the_sheet() -> None:
    # `bd - 1,-3` is b5: the sheet prints b5 with categories 1,3 twice, and nothing else with them
    first = HEADING + ("Total Deleted Page(s) = 6\nPage 10 ~ bd - 1,-3; b6 - 2,-6; b/C - 2,-6;\n"
                       "Page 12 ~ b5 - 1,-3; b6 - 2,-6; b7C - 2,-6;\nPage 13 ~ b6 - 2; b7C - 2;\n"
                       "Page 14 ~ b6 - 2; b7C - 2;\n")
    second = ("Page 40 ~ b5 - 1,-3; b6 - 2,-7; b7C - 2,-7;\n"
              "Page 41 ~ b6 - 2; bd - 2;\n" + BOX)  # 2 goes with b6 and b7C; b6 is taken: b7c
    [sheet] = find_sheets([first, second])
    assert [e.codes for e in sheet.entries] == [["b5", "b6", "b7c"], ["b5", "b6", "b7c"], ["b6", "b7c"],
                                                ["b6", "b7c"], ["b5", "b6", "b7c"], ["b6", "b7c"]]
    assert sheet.by_reason()["b5"] == 3 and sheet.total_agrees and sheet.entries[0].unread == []
    start, end = sheet.entries[0].spans[0]
    assert first[start:end] == "bd - 1,-3"
    # ambiguous (categories seen with two codes that both fit the order) or seen once: left unread
    [sheet] = find_sheets([HEADING + "Total Deleted Page(s) = 3\nPage 1 ~ bd - 2;\nPage 2 ~ b6 - 2; b7C - 2;\n"
                           "Page 3 ~ b6 - 2; b7C - 2;\nPage 4 ~ bd - 9; b6 - 2;\nPage 5 ~ b5 - 9;\n"])
    assert [e.codes for e in sheet.entries][0] == [] and sheet.entries[0].unread[0].categories == "2"
    assert sheet.entries[3].codes == ["b6"]  # 9 printed with b5 once only
