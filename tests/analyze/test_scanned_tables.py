"""Tables read from scans: pale rules and tinted headers, a box around title and header, figures
read again as figures, columns with no rule between them; and what is not a table of data (a
bullet list, prose in columns or boxes, exemption tick boxes, a form). The scanned pages are
generated: drawn into a PDF, rendered, turned and given grain."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from rawpdf import RawPdf

from uncover.analyze.tables.grid import build_table
from uncover.analyze.tables.model import Cell, Table
from uncover.analyze.tables.notdata import data_tables
from uncover.analyze.tables.scanned import image_tables, pale_lines, rule_edges, split_enclosing
from uncover.analyze.tables.stream import stream_tables
from uncover.analyze.tables.words import Word

DPI = 200
LEFT, TOP_Y, ROW = 72, 680, 18  # PDF points, y upwards
COLUMNS = (72, 172, 232, 292, 352, 412)
HEADER = ["State", "Permit", "Handgun", "Rentals", "Totals"]
BODY = [["Alabama", "18,870", "0", "", "18,870"],
        ["Alaska", "209", "3,062", "", "3,271"],
        ["Arizona", "0", "12,382", "", "12,382"],
        ["Arkansas", "3,298", "0", "", "3,298"]]


def _text(x: float, y: float, text: str, size: float = 10) -> bytes:
    return b"BT /F1 %g Tf %g %g Td (%s) Tj ET " % (size, x, y, text.encode())


def _pale_table_pdf() -> bytes:
    """A NICS-like report: a title and a header on one blue tint, rules in pale blue (grey ~200
    once scanned), lone zeros in narrow cells, a column printed empty under its header."""
    pdf = RawPdf()
    pdf.page(_pale_table_ops())
    return pdf.bytes()


def _pale_table_ops() -> bytes:
    """The content of `_pale_table_pdf`'s page."""
    rows = [HEADER, *BODY]
    bottom = TOP_Y - ROW * len(rows)
    ops = bytearray()
    ops += b"0.86 0.9 0.95 rg %g %g %g %g re f " % (COLUMNS[0], TOP_Y - ROW, COLUMNS[-1] - COLUMNS[0], ROW + 30)
    ops += b"0.6 w 0.55 0.62 0.75 RG "
    for k in range(1, len(rows) + 1):
        y = TOP_Y - k * ROW
        ops += b"%g %g m %g %g l S " % (COLUMNS[0], y, COLUMNS[-1], y)
    for x in COLUMNS:
        ops += b"%g %g m %g %g l S " % (x, TOP_Y, x, bottom)
    ops += b"0 G 1 w %g %g m %g %g l S " % (COLUMNS[0], TOP_Y + 30, COLUMNS[-1], TOP_Y + 30)  # the frame's top
    ops += b"%g %g m %g %g l S %g %g m %g %g l S " % (COLUMNS[0], TOP_Y + 30, COLUMNS[0], bottom,
                                                      COLUMNS[-1], TOP_Y + 30, COLUMNS[-1], bottom)
    ops += b"%g %g m %g %g l S " % (COLUMNS[0], bottom, COLUMNS[-1], bottom)
    ops += b"0 g " + _text(COLUMNS[0] + 6, TOP_Y + 10, "Firearm checks by state", 12)
    for r, row in enumerate(rows):
        y = TOP_Y - (r + 1) * ROW + 5
        for c, value in enumerate(row):
            if value:
                ops += _text(COLUMNS[c + 1] - 6 - 5.6 * len(value) if r and c else COLUMNS[c] + 4, y, value)
    return bytes(ops)


def _scan(data: bytes, angle: float = 0.8, seed: int = 20) -> Image.Image:
    """The page as a scanner gives it: grey, turned a little, with grain and black specks."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    image = doc[0].render(scale=DPI / 72).to_pil().convert("L")
    doc.close()
    image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image).astype(np.float32) + rng.normal(0, 12, (image.height, image.width))
    pixels[rng.random(pixels.shape) < 0.001] = 0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def test_pale_rule_and_tint_edge_are_lines_and_print_is_not() -> None:
    page = np.full((200, 400), 250, np.uint8)
    page[40:90, :] = 228  # a tinted band
    page[120, 20:380] = 200  # a pale rule on paper
    rng = np.random.default_rng(1)
    noisy = np.clip(page + rng.normal(0, 12, page.shape), 0, 255).astype(np.uint8)
    noisy[150:165, 30:370:6] = 0  # a line of print: strokes with paper between them
    noisy[150:165, 31:370:6] = 0
    rows = {y for y in range(200) if pale_lines(noisy, DPI)[y].sum() >= 0.28 * DPI}  # a rule's length
    assert any(abs(y - 120) <= 1 for y in rows)
    assert any(abs(y - 40) <= 2 or abs(y - 90) <= 2 for y in rows)  # the tint's edge, found in pieces under grain
    assert not any(148 <= y <= 167 for y in rows)
    dark_only = rule_edges(np.where(noisy < 150, noisy, 255).astype(np.uint8), DPI)
    assert not any(abs(e["top"] * DPI / 72 - 120) <= 2 for e in dark_only)  # the pale rule is found only as pale


def test_a_box_around_title_and_header_is_split_around_the_boxes_inside() -> None:
    outer = (0.0, 0.0, 100.0, 40.0)
    inner = [(20.0, 20.0, 50.0, 40.0), (50.0, 20.0, 80.0, 40.0)]
    cells = split_enclosing([outer, *inner])
    assert sorted(cells) == sorted([(0.0, 0.0, 100.0, 20.0), (0.0, 20.0, 20.0, 40.0), (80.0, 20.0, 100.0, 40.0), *inner])


def test_columns_without_a_rule_split_when_ocr_lines_are_not_level() -> None:
    """OCR'd words of one line stand a point apart in height; the gap between two columns that
    share one ruled box still splits them."""
    words = []
    for k, (a, b) in enumerate([("Quaerat", "Quisquam"), ("Amet", "Magnam"), ("Dolor", "Eius"), ("Velit", "Sit")]):
        top = 10 + 12 * k
        words += [Word(a, 2, top, 40, top + 8, 8), Word(b, 60, top + 0.6 + 0.5 * (k % 2), 95, top + 8.6, 8)]
    table = build_table([(0, 8, 100, 60)], words, 1, "ocr-ruled")
    assert table is not None and table.n_cols == 2
    assert [c.text for c in table.cells if c.col == 1] == ["Quisquam", "Magnam", "Eius", "Sit"]


def _line(y: float, *parts: tuple[float, str]) -> list[Word]:
    out = []
    for x, text in parts:
        for word in text.split():
            out.append(Word(word, x, y, x + 5.5 * len(word), y + 9, 9))
            x += 5.5 * len(word) + 3
    return out


def test_a_bullet_list_and_prose_in_columns_are_not_tables_but_a_whitespace_table_is() -> None:
    bullets = [w for k, item in enumerate(["Liste", "Liste 2", "Liste 3"]) for w in _line(100 + 14 * k, (80, "e"), (120, item))]
    assert stream_tables(bullets, 1) == []
    prose = [w for k in range(6) for w in _line(100 + 12 * k, (40, "landing and specifically that it does"),
                                                (240, "for activation that there would not be"),
                                                (440, "normal checklists to aid the pilots"))]
    assert stream_tables(prose, 1) == []
    table = [w for k, (county, count, change) in enumerate([("County", "Detainers", "Change"), ("Cook", "1,234", "56"),
                                                            ("Harris", "12,345", "78"), ("Dallas", "9,870", "12")])
             for w in _line(100 + 14 * k, (72, county), (200, count), (300, change))]
    (found,) = stream_tables(table, 1)
    assert found.grid()[1] == ["Cook", "1,234", "56"]


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    from uncover.ingest.ocr import TesseractEngine

    try:
        import tesserocr  # noqa: F401
    except ImportError:
        pytest.skip("tesserocr is not installed")
    return TesseractEngine()


def test_scanned_report_with_pale_rules_keeps_header_zeros_and_its_empty_column(engine) -> None:  # type: ignore[no-untyped-def]
    (table,) = [t for t in image_tables(_scan(_pale_table_pdf()), DPI, 1, engine) if t.method == "ocr-ruled"]
    grid = table.grid()
    assert grid[0] == HEADER  # the header on the title's tint is a row, not part of the title
    assert "Firearm" in table.title
    assert [row[0] for row in grid[1:]] == [r[0] for r in BODY]
    assert [row[3] for row in grid[1:]] == ["", "", "", ""]  # printed empty under its header: kept, empty
    assert [[c.value for c in sorted(table.cells, key=lambda c: c.col) if c.row == r][1:] for r in (1, 3, 4)] == [
        [18870, 0, None, 18870], [0, 12382, None, 12382], [3298, 0, None, 3298]]


def _grid_table(rows: list[list[str]]) -> Table:
    cells = [Cell(row=r, col=c, text=text) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(pages=[1], bbox=(0, 0, 100, 100), method="stream", n_rows=len(rows), n_cols=len(rows[0]), cells=cells)


def test_exemption_tick_boxes_forms_and_boxed_prose_are_not_data_but_a_redacted_column_is() -> None:
    ticks = _grid_table([["Section 552", "", "Section 552a"], ["(b)(1)", "(b)(7)(A)", "(d)(5)"],
                         ["(b)(2)", "(b)(7)(B)", "(j)(2)"], ["(b)(3)", "(b)(7)(C)", "(k)(1)"]])
    redacted_names = _grid_table([["Officer", "Complaints"], ["(b)(6)", "4"], ["(b)(6)", "11"], ["(b)(6)", "2"]])
    form = _grid_table([["Drafted By:", "SA"], ["Case ID #:", "282A-CG-126294"], ["Title:", "JON BURGE ET AL"]])
    contacts = _grid_table([["To contact CIA directly with questions or to appeal",
                             "To contact the Office of Government Information Services for mediation"],
                            ["Information and Privacy Coordinator Central Intelligence Agency Washington DC",
                             "Office of Government Information Services National Archives and Records"]])
    assert data_tables([ticks, form, contacts]) == []
    assert data_tables([redacted_names]) == [redacted_names]


def test_a_deleted_page_sheet_is_a_list_but_a_table_of_pages_with_counts_is_not_cut() -> None:
    sheet = _grid_table([["Page", "215", "b6 - 2;", "b7C - 2;"], ["Page", "216", "b6 - 2;", "b7C - 2;"],
                         ["Page", "217", "b7E - 3;", ""], ["Page", "218", "Duplicate;", ""]])
    counts = _grid_table([["Year", "Pages", "Released"], ["2019", "215", "18"], ["2020", "502", "340"], ["2021", "144", "18"]])
    assert data_tables([sheet, counts]) == [counts]


def test_a_deleted_page_sheet_whose_lines_overflow_is_still_a_list() -> None:
    """OCR'd sheets put each entry's overflow (`b7C - 2,-4;` wrapped) on a line of its own."""
    sheet = _grid_table([["Page", "227", "b6 - 2;", "b7C - 2,-4,-5,"], ["", "", "", "-6,-7;"],
                         ["Page", "228", "b6 - 2;", "b7C - 2,-4;"], ["Page", "229", "b6 - 2;", "b7C - 2,-6;"]])
    assert data_tables([sheet]) == []


def test_memo_headers_tick_boxes_stamps_and_running_prose_are_not_data() -> None:
    header = _grid_table([["To: John Ohare <jo@example.com>", ""], ["Cc: David Carabin", "Ed Cash"],
                          ["Subject: RE: licence", ""]])
    ticks = _grid_table([["TRANSMIT VIA:", "PRECEDENCE:", "CLASSIFICATION:"], ["[] Teletype", "[] Immediate", "[] Secret"],
                         ["[] Facsimile", "[] Priority", "[] Confidential"], ["[X] Airtel", "[X] Routine", "[X] Unclassified"]])
    stamp = _grid_table([["SEARCHED", "INDEXED"], ["SERIALIZED", "FILED"], ["FEB 11 1991", ""]])
    prose = _grid_table([["If the CD contains", "all"], ["copies will be forwarded to AUSA", "will not be"],
                         ["reviewed until the review is completed.", ""]])
    assert data_tables([header, ticks, stamp, prose]) == []


def test_a_schedule_with_a_repeated_bracketed_phrase_and_a_ruled_header_stay_tables() -> None:
    """A placeholder repeated down a column is no running prose; one merged heading over a
    regular body is no form."""
    schedule = _grid_table([["Initial Setup and Configuration", "[execution date of the Agreement]", "$ 1,500"],
                            ["Annual subscription before discounts:", "[execution date of the Agreement]", "$ 9,000"]])
    ruled = _grid_table([["Dates", "", "Amount"], ["Start", "End", ""], ["03/04/2019", "03/06/2019", "920.68"],
                         ["03/10/2019", "05/15/2019", "907.96"]])
    ruled.method = "ocr-ruled"
    ruled.cells = [c for c in ruled.cells if not (c.row == 0 and c.col == 1)]
    next(c for c in ruled.cells if c.row == 0 and c.col == 0).colspan = 2
    assert data_tables([schedule, ruled]) == [schedule, ruled]


def test_a_box_form_of_merged_boxes_is_not_a_table() -> None:
    form = _grid_table([["RECEIVED BY SERVER", "", "DATE", "", "PLACE"], ["SERVED", "", "", "", ""],
                        ["TRAVEL", "", "SERVICES", "", "TOTAL"], ["DECLARATION OF SERVER", "", "", "", ""]])
    form.method = "ocr-ruled"
    for (r, c) in [(0, 0), (0, 2), (1, 0), (2, 0), (2, 2), (3, 0)]:
        next(x for x in form.cells if (x.row, x.col) == (r, c)).colspan = 2
    form.cells = [x for x in form.cells if (x.row, x.col) not in {(0, 1), (0, 3), (1, 1), (2, 1), (2, 3), (3, 1)}]
    assert data_tables([form]) == []


def test_rows_of_a_table_set_far_apart_stay_one_table() -> None:
    """Shaded rows with a gutter between them stand further apart than lines of text; a row
    whose cells stand under the row above's is the same table's."""
    rows = [("Site", "pH", "H+", "PCO2"), ("Arterial", "7,38 - 7,42", "37 - 43", "36 - 44"),
            ("Venous", "7,32 - 7,38", "42 - 48", "42 - 50")]
    words = [w for k, row in enumerate(rows) for w in _line(100 + 22 * k, *zip((72, 160, 250, 330), row, strict=True))]
    (found,) = stream_tables(words, 1)
    assert found.n_rows == 3 and found.grid()[2][0] == "Venous"


def test_points_read_for_thousands_commas_are_put_back_where_the_column_uses_commas() -> None:
    from uncover.analyze.tables.grid import finish_cell
    from uncover.analyze.tables.scanned import comma_thousands

    table = _grid_table([["State", "Permit", "Price"], ["Illinois", "24.412", "3.50"], ["Iowa", "1,413", "12.75"],
                         ["Ohio", "60.796", "1.250"]])
    for cell in table.cells:
        finish_cell(cell)
    comma_thousands(table)
    assert [c.text for c in table.cells if c.col == 1] == ["Permit", "24,412", "1,413", "60,796"]
    assert [c.value for c in table.cells if c.col == 1][1:] == [24412, 1413, 60796]
    assert [c.text for c in table.cells if c.col == 2] == ["Price", "3.50", "12.75", "1.250"]  # no comma groups: left


def _shaded_table_pdf() -> bytes:
    """A textbook's table: every cell a grey tint, white gutters between cells, no rule at all,
    rows set well apart; a running head on a tinted band above it."""
    ops = bytearray(b"0.9 g %g %g %g %g re f " % (60, 740, 480, 40))
    ops += b"0 g " + _text(72, 755, "Chapter 8 Circulation", 12)
    rows = [["", "pH", "H+", "PCO2"], ["Arterial", "7.38 - 7.42", "37 - 43", "36 - 44"],
            ["Venous", "7.32 - 7.38", "42 - 48", "42 - 50"], ["Capillary", "7.35 - 7.40", "40 - 45", "40 - 46"]]
    for r, row in enumerate(rows):
        top = 650 - 26 * r
        for c, value in enumerate(row):
            if not value:
                continue
            x = 72 + 110 * c
            ops += b"%s g %g %g %g %g re f " % (b"0.82" if r == 0 or c == 0 else b"0.92", x, top - 22, 106, 22)
            ops += b"0 g " + _text(x + 12, top - 15, value)
    pdf = RawPdf()
    pdf.page(bytes(ops))
    return pdf.bytes()


def test_a_shaded_table_without_rules_is_found_on_a_scan(engine) -> None:  # type: ignore[no-untyped-def]
    tables = image_tables(_scan(_shaded_table_pdf(), angle=-0.6), DPI, 1, engine)
    (table,) = [t for t in tables if t.method == "ocr-ruled"]
    grid = [[text.strip("‘’'`.,") for text in row] for row in table.grid()]  # a speck read beside a word is not this test's
    assert [row[0] for row in grid] == ["", "Arterial", "Venous", "Capillary"]
    assert grid[0][1:] == ["pH", "H+", "PCO2"]
    assert not any("Chapter" in t.words() for t in tables)  # the tinted running head is no cell


def test_a_dash_read_from_a_rules_remnant_makes_no_row() -> None:
    from uncover.analyze.tables.scanned import drop_speck_rows

    table = _grid_table([["Name", "Title", "Amount"], ["", "", "—"], ["BAIN, J", "DIRECTOR", "37,499.96"],
                         ["SMITH, A", "-", "-"]])
    drop_speck_rows(table)
    assert table.grid() == [["Name", "Title", "Amount"], ["BAIN, J", "DIRECTOR", "37,499.96"], ["SMITH, A", "-", "-"]]


def test_a_tall_ocr_box_between_two_lines_does_not_pull_a_word_out_of_its_line() -> None:
    """Tesseract's box for `LOUIS` stands taller than its line and halfway up to the line above;
    found first (tallest first), it must not draw the above line's `03/24/2019` into a row of
    its own."""
    from uncover.analyze.tables.words import lines_of

    def word(text: str, x: float, yc: float, height: float) -> Word:
        return Word(text, x, yc - height / 2, x + 5 * len(text), yc + height / 2, height)

    above = [word("DHAW20190005", 89, 265.9, 4.3), word("05/28/2019", 155, 265.9, 4.3),
             word("03/21/2019", 347, 265.7, 4.3), word("03/24/2019", 392, 266.8, 6.5)]
    below = [word("AIRFARE", 428, 271.6, 4.3), word("SAINT", 560, 271.6, 4.3), word("LOUIS", 618, 269.8, 7.6),
             word("KANSAS", 660, 271.6, 4.3)]
    lines = lines_of(above + below)
    assert [[w.text for w in line] for line in lines] == [[w.text for w in above], [w.text for w in below]]


def test_an_address_block_beside_a_letterhead_is_not_a_table() -> None:
    addresses = _grid_table([["CITY OF CHICAGO - DOIT", "75 Remittance Drive"], ["DEPARTMENT OF FINANCE", "Suite 1515"],
                             ["333 S STATE ST LL30", "Chicago, IL 60675-1515"]])
    sites = _grid_table([["Facility", "Address", "Beds"], ["Broadview", "1930 Beach St, Broadview, IL 60155", "120"],
                         ["McHenry", "2200 N Seminary Ave, Woodstock, IL 60098", "300"]])
    assert data_tables([addresses, sites]) == [sites]  # a short list of sites states their figures


def test_wrapped_labels_and_merged_cells_beside_figures_stay_tables() -> None:
    """A label column read line by line (`in WFC-related changes`) beside ratios, and a ruled
    survey table whose misaligned rules merge every figure's box, are tables of data."""
    wrapped = _grid_table([["Table IV. Family supports", "25/30", "31/46"], ["and the changes in percent", "15%", "48.4%"],
                           ["in related comments before", "60/51", "44/20"], ["after the interventions", "215%", "254.6%"]])
    survey = _grid_table([["Results", "", "Count", "", "%"], ["Yes", "", "190", "", "79%"], ["No", "", "34", "", "14%"],
                          ["No opinion", "", "18", "", "7%"], ["Total", "", "242", "", "100 %"]])
    survey.method = "ruled"
    for cell in survey.cells:
        if cell.col in (0, 2):
            cell.colspan = 2
    survey.cells = [c for c in survey.cells if c.col not in (1, 3)]
    assert data_tables([wrapped, survey]) == [wrapped, survey]


def test_a_scanned_pdf_page_with_a_shaded_table_is_read(engine) -> None:  # type: ignore[no-untyped-def]
    """A PDF of scanned pages: the page is found worth OCR and its shaded table read."""
    import io

    from uncover.analyze.tables import pdf_tables

    buf = io.BytesIO()
    _scan(_shaded_table_pdf(), angle=-0.6).save(buf, "PDF", resolution=DPI)
    tables = pdf_tables(buf.getvalue())
    assert [t.method for t in tables] == ["ocr-ruled"]
    assert tables[0].n_rows == 4 and [row[0] for row in tables[0].grid()][2:] == ["Venous", "Capillary"]


def test_a_scanned_contract_is_not_ocrd_again_for_tables_but_scanned_schedules_are(corpora) -> None:  # type: ignore[no-untyped-def]
    """The page check before the tables pass's own OCR, on real scans: the scanner's dark border,
    signature lines and underlined words are not a table's rules (the check used to pass all 14
    pages of this contract, each then OCR'd a second time), a schedule's rules are."""
    import pypdfium2 as pdfium

    from uncover.analyze.tables.pdf import _scanned_may_hold_table

    folder = corpora / "foia-muckrock-responsive-docs" / "PredPol"
    contract = pdfium.PdfDocument(folder / "PredPol_Contract.pdf")
    assert sum(_scanned_may_hold_table(contract[i]) for i in range(len(contract))) <= 1
    release = pdfium.PdfDocument(folder / "7-18-18_MR57810_RES.pdf")
    assert all(_scanned_may_hold_table(release[page - 1]) for page in (34, 50)), "a delivery and a payment schedule"
    contract.close()
    release.close()


def test_a_scanned_table_is_read_by_the_ingest_with_no_memory_exception(tmp_path, engine) -> None:  # type: ignore[no-untyped-def]
    """Through the whole default ingest: its tables pass's workers are forked from the committer,
    which maps 1.6 GB once the search index is open; under a flat cap every scanned PDF failed
    there as "needed more memory than the limit allows" and no scanned table was stored."""
    from uncover import Case
    from uncover.ingest.pipeline import ingest
    from uncover.store.tables import all_tables

    folder = tmp_path / "PROD"
    folder.mkdir()
    _scan(_pale_table_pdf()).save(folder / "nics-scan.pdf", "PDF", resolution=DPI)
    with Case.init(tmp_path / "case") as case:
        ingest(case, [folder])
        assert not [i.message for i in case.store.issues()]  # warnings included: the pass's own are document warnings
        (table,) = all_tables(case.store.conn)
        assert table.table.grid()[0] == HEADER


def _ocr_grid(rows: list[list[str]], method: str = "ocr-stream") -> Table:
    table = _grid_table(rows)
    table.method = method
    return table


def test_the_fbis_margin_codes_do_not_hide_a_memo_header_but_a_table_beside_them_stays() -> None:
    """OCR reads the exemptions printed in the margin (`b6 -1`, `Per FBI`) as a column of the
    block beside them: the block is judged without them, a memo header without its colons too."""
    contact = _ocr_grid([["Contact:", "SA", "", "", ""], ["Approved By:", "", "ul yn", "b6 -1", "Per FBI"],
                         ["", "", "", "b7C -1", "Per FBI"]])
    memo = _ocr_grid([["To", "SA", "(SQUAD 12)", "Date 2/4", "b6 -1 Per FBI"], ["", "", "", "", "b7C -1 Per FBI"],
                      ["From", "SSA (SQUAD 12)", "", "", ""], ["Subject:", "CIVIL RIGHTS MATTER", "", "", ""]])
    counts = _ocr_grid([["Year", "Complaints", "Sustained", "b6 -1"], ["1986", "41", "3", "b7C -1"],
                        ["1987", "52", "5", ""], ["1988", "38", "2", ""]])
    assert data_tables([contact, memo, counts]) == [counts]


def test_a_signature_block_is_no_table_but_three_ocrd_lines_of_cells_are() -> None:
    signature = _ocr_grid([["CLERK", "DATE", ""], ["MICHAEL W. DOBBINS", "", "b3 -1"], ["(By) Deputy Clerk", "", "b6 -3"]])
    small = _ocr_grid([["Heading", "Other"], ["Cell A", "Cell B"], ["Cell C", "Cell D"]])
    assert data_tables([signature, small]) == [small]
    schedule = _grid_table([["Initial setup", "$ 1,500"], ["Annual subscription", "$ 9,000"]])
    assert data_tables([schedule]) == [schedule], "two lines of a text layer's exact gaps are a table"


def test_an_ocrd_checklist_of_offices_is_a_form_not_a_table() -> None:
    """An FBI teletype's list of field offices, each after an empty tick box OCR reads as `0`, `u}`, `(3`."""
    offices = _ocr_grid([["0 Albany", "u} Oklahoma City", "if Bern"], ["(3 Albuquerque", "{1 Omaha", "! Bogota"],
                         ["i} Alexandria", "tt Philadelphia", "Bonn"], ["13) Anchorage", "Ul Phoenix", "li Canberra"],
                         ["Q Atlanta", "\\} Pittsburgh", "Hong Kong"], ["tJ Baltimore", "a Portland", "London"]])
    sites = _ocr_grid([["Office", "Agents", "Cases"], ["Albany", "41", "120"], ["Omaha", "38", "97"], ["Phoenix", "77", "240"],
                       ["Portland", "52", "133"], ["Seattle", "64", "170"], ["Tampa", "58", "151"]])
    assert data_tables([offices, sites]) == [sites]
    printed = _grid_table([["= NH + en excès", "= NH + diminue"], ["= Réponse rénale", "= Réponse inadaptée"],
                           ["= Acidose digestive", "= Acidose rénale"], ["= Cause A", "= Cause B"], ["= Cause C", "= Cause D"]])
    assert data_tables([printed]) == [printed], "a text layer's `= ` is print, not a tick box"


def test_a_return_of_service_is_a_form_but_a_list_of_fields_is_a_table() -> None:
    """A subpoena's return of service: field names over blanks on line after line, in two columns."""
    served = _ocr_grid([["RECEIVED BY SERVER", "DATE", ""], ["SERVED", "DATE", ""], ["SERVED ON (PRINT NAME)", "", ""],
                        ["SERVED BY (PRINT NAME)", "", "TITLE"], ["TRAVEL", "SERVICES", "TOTAL"]], method="ocr-ruled")
    fields = _grid_table([["Field", "Type", "Meaning"], ["First Name", "text", "as booked"], ["Last Name", "text", "as booked"],
                          ["Arrest Date", "date", "first arrest"], ["Removal Date", "date", "if removed"]])
    assert data_tables([served, fields]) == [fields]


def test_an_fbi_memo_header_with_margin_codes_on_a_real_scan_is_not_a_table(corpora) -> None:  # type: ignore[no-untyped-def]
    """Page 2 of an FBI file from the Burge release: a memo's To / From / Subject lines with the
    exemption codes beside them, OCR'd (it was read as a 5 x 4 table)."""
    from uncover.analyze.tables import pdf_tables

    assert pdf_tables(corpora / "foia-muckrock-responsive-docs" / "Jon Burge" / "Email" / "9_8d.PDF", pages=[2]) == []


def test_a_pdf_whose_pages_pdfminer_cannot_find_has_no_tables_and_no_error(corpora) -> None:  # type: ignore[no-untyped-def]
    from uncover.analyze.tables import pdf_tables

    assert pdf_tables(corpora / "pdf-tables-gov" / "pdfplumber" / "issue-297-example.pdf") == []


def _scanned_page(ops: bytes, angle: float) -> object:
    import io

    import pypdfium2 as pdfium

    pdf = RawPdf()
    pdf.page(ops)
    buf = io.BytesIO()
    _scan(pdf.bytes(), angle=angle).save(buf, "PDF", resolution=DPI)
    return pdfium.PdfDocument(buf.getvalue())[0]


def test_the_page_check_passes_rules_across_only_and_skewed_ones_but_not_redaction_outlines() -> None:
    """Prose with outlined redaction boxes (an FBI page: each box's sides a line high) is not
    worth a second OCR; a table ruled only across (top, under the header, foot) and a ruled
    grid turned a degree, whose column rules break into short stairs, are."""
    from uncover.analyze.tables.pdf import _scanned_may_hold_table

    prose = bytearray(b"0 g ")
    for k in range(20):
        prose += _text(72, 700 - 14 * k, "copies of the report were forwarded to the field office for review" if k % 3 else "The")
    prose += b"0 G 1 w 120 645 200 14 re S 300 589 180 14 re S 90 533 240 28 re S "
    across = bytearray(b"0 G 0.8 w 72 600 m 480 600 l S 72 584 m 480 584 l S 72 530 m 480 530 l S 0 g ")
    for k, (name, count) in enumerate([("Name", "Count"), ("Albany", "41"), ("Omaha", "38"), ("Tampa", "52")]):
        across += _text(76, 588 - 18 * k - (2 if k else 0), name) + _text(400, 588 - 18 * k - (2 if k else 0), count)
    assert not _scanned_may_hold_table(_scanned_page(bytes(prose), 0.6))
    assert _scanned_may_hold_table(_scanned_page(bytes(across), 0.6))
    assert _scanned_may_hold_table(_scanned_page(_pale_table_ops(), 1.2))


def _ruled_grid(rows: list[list[str]], widths: list[float]) -> Table:
    """An OCR'd ruled grid whose columns are `widths` points wide."""
    table = _ocr_grid(rows, method="ocr-ruled")
    edges = [72.0]
    for width in widths:
        edges.append(edges[-1] + width)
    for cell in table.cells:
        cell.bbox = (edges[cell.col], 100.0 + 24 * cell.row, edges[cell.col + 1], 124.0 + 24 * cell.row)
    return table


def test_a_routing_slip_of_tick_boxes_is_a_form_but_a_roster_with_a_blank_notes_column_is_a_table() -> None:
    slip = _ruled_grid([["", "Action", "File", "", "Note and Return"], ["", "Approval", "For Clearance", "", "Per Conversation"],
                        ["", "As Requested", "For Correction", "", "Prepare Reply"], ["", "Circulate", "For Your Information", "", "See Me"],
                        ["", "Coordination", "Justify", "x", "Referral"]], [22, 168, 127, 14, 122])
    roster = _ruled_grid([["Name", "Title", ""], ["Dana Reyes", "Field Agent", ""], ["Lee Park", "Supervisor", ""],
                          ["Sam Ortiz", "Analyst", ""], ["Kim Ode", "Clerk", ""]], [150, 150, 160])
    assert data_tables([slip, roster]) == [roster]
