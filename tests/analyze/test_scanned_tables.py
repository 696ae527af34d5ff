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
    pdf = RawPdf()
    pdf.page(bytes(ops))
    return pdf.bytes()


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
