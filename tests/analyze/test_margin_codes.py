"""FBI margin codes that the page pass of OCR drops are read again from the margin, once each."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from uncover.analyze.exemptions import CLAIM_THRESHOLD, find_exemption_marks
from uncover.ingest.margin_codes import StripWord, missed_codes
from uncover.ingest.margin_rules import clear_rules
from uncover.ingest.ocr import TesseractEngine, clear_scan_border

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

BODY = ("Precedence: ROUTINE                Date: 09/03/2008", "To: Chicago      Attn: SSA",
        "Details: On 08/28/2008 the agent traveled to Tampa and confirmed the",
        "permanent residence of the subject named in the referenced serial.",
        "It is requested that Tampa interview the witness named above and",
        "report the results to Chicago by the end of the month.")


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


def fbi_page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    page = Image.new("L", (2550, 3300), 255)
    draw = ImageDraw.Draw(page)
    body = ImageFont.load_default(size=42)
    for i, line in enumerate(BODY):
        draw.text((250, 400 + 90 * i), line, fill=0, font=body)
    return page, draw


def claimed(text: str) -> Counter[str]:
    return Counter(m.code for m in find_exemption_marks(text) if m.confidence >= CLAIM_THRESHOLD)


def test_every_margin_code_beside_boxes_is_found_once(engine) -> None:
    """Three pairs of 7-point codes beside redaction boxes (outlined, the FBI style), one of them
    touching the box's edge: each printed code is found exactly once, however many readings
    (page pass, sparse strip, strip as rows) saw it."""
    page, draw = fbi_page()
    small = ImageFont.load_default(size=22)
    for top in (480, 1100, 1700):  # the page pass drops codes this close to a box (measured: 2 of 6 kept)
        draw.rectangle((600, top - 20, 2150, top + 60), outline=0, width=4)
        draw.text((2162, top), "b6 -1", fill=0, font=small)
        draw.text((2162, top + 40), "b7C -1", fill=0, font=small)
    result = engine.recognize(page)
    assert claimed(result.text) == {"b6": 3, "b7c": 3}, result.text


def test_a_lone_code_beside_a_box_is_found(engine) -> None:
    """A page whose only code is `b7E -5` beside a box: found, and once, although the page pass
    and both margin readings may each read it (on this generated page the page pass does; on
    File_01 (1).PDF p17 it does not, and the rows reading of the margin finds it)."""
    page, draw = fbi_page()
    draw.rectangle((280, 1050, 2200, 1200), outline=0, width=4)
    draw.text((2212, 1110), "b7E -5", fill=0, font=ImageFont.load_default(size=22))
    result = engine.recognize(page)
    assert claimed(result.text) == {"b7e": 1}, result.text


def test_a_page_without_codes_gains_none(engine) -> None:
    """The margin's second reading adds no code to a page that prints none (statute citations,
    table figures and a Bates number in the margin included)."""
    page, draw = fbi_page()
    small = ImageFont.load_default(size=26)
    draw.text((2150, 600), "18 U.S.C. 1512(c)(2)", fill=0, font=small)
    draw.text((2150, 700), "TOTAL 82", fill=0, font=small)
    draw.text((2150, 3150), "19-cv-4048(FBI)-3048", fill=0, font=small)
    draw.rectangle((600, 1000, 2150, 1100), outline=0, width=4)
    assert claimed(engine.recognize(page).text) == {}


def burge_page(corpora: Path, name: str, number: int) -> Image.Image:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(corpora / "foia-muckrock-responsive-docs" / "Jon Burge" / "Email" / name)
    return pdf[number - 1].render(scale=300 / 72, grayscale=True).to_pil()


def test_a_code_a_dashed_leader_line_runs_into_is_found(corpora: Path, engine) -> None:
    """File_05.PDF p8 prints `------b5 Per EOUSA`, the leader line from a box touching the `b`:
    read with the line the code is one word at confidence 0. The line is taken out of the margin
    strip before its sparse reading, and the code is found, once."""
    result = engine.recognize(burge_page(corpora, "File_05.PDF", 8))
    assert claimed(result.text) == {"b5": 1}, result.text


def test_body_text_is_never_taken_for_a_ruled_line(corpora: Path) -> None:
    """Ruled lines are found by shape: the two typed paragraphs of File_03 2.PDF p3 (Courier,
    with their margin codes) hold none; the whole page holds the edges of its two boxes and the
    solid line run into `b7C -3 Per FBI`."""
    page, _ = clear_scan_border(burge_page(corpora, "File_03 2.PDF", 3))
    for body in ((250, 480, 2250, 960), (250, 1600, 2250, 2120)):  # the two paragraphs, margin codes included
        cleared, found = clear_rules(page.crop(body))
        assert found == 0
    cleared, found = clear_rules(page)
    assert found > 0 and cleared.size == page.size


def word(text: str, x: int, y: int, confidence: float = 90.0) -> StripWord:
    return StripWord(text, (x, y, x + 25 * len(text), y + 26), confidence)


def test_merging_counts_a_code_read_at_one_place_once() -> None:
    sparse = [word("b6", 2200, 480), word("-1", 2260, 480), word("b7C", 2200, 520), word("-1", 2280, 520)]
    rows = [word("b6", 2202, 481), word("-1", 2262, 481), word("b7C", 2201, 521), word("-1", 2281, 521),
            word("b7E", 2200, 900), word("-5", 2280, 900)]
    # the page pass read the b6 well, the b7C as junk (`"3 -1`), the b7E not at all
    page = [word("b6", 2201, 479), word("-1", 2261, 479), word('"3', 2200, 520, 40), word("-1", 2280, 520, 61)]
    assert missed_codes([sparse, rows], page) == ["b7C -1", "b7E -5"]
    # a strip code must look like FBI print and be read with confidence: `At BS` in a Bates line is junk
    junk = [word("At", 2400, 3180, 79), word("BS", 2460, 3180, 42), word("b6", 2200, 1500, 30), word("-1", 2260, 1500, 35)]
    assert missed_codes([junk], []) == []


def test_a_state_stamp_line_the_page_pass_dropped_is_read_from_the_margin(corpora: Path, engine) -> None:
    """C05739783.pdf p1 as an image-only scan: the page pass reads the stamp's first line
    (`... IN PART B5,B3`) and drops its second (`INA,B6`); the margin's second reading adds the
    B6, and the B5 and B3 it reads again in the stamp are not counted twice."""
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(corpora / "foia-clinton-state-pdfs" / "C05739783.pdf")
    text = engine.recognize(pdf[0].render(scale=300 / 72, grayscale=True).to_pil()).text
    assert claimed(text) == {"b5": 2, "b3": 2, "b6": 2}, text  # stamp and margin: B5,B3 INA,B6; B6, B3 INA, B5


def test_a_state_code_list_stands_for_each_of_its_codes_once() -> None:
    """A page word `B5,B3` holds two codes: the strip's B5 and B3 at its place are both read."""
    strip = [word("RELEASE", 1690, 386), word("IN", 1890, 386), word("PART", 1946, 386), word("B5,B3", 2072, 386)]
    page = [word("Ace", 1700, 386, 60), word("IN", 1890, 386), word("PART", 1946, 386), word("B5,B3", 2072, 386)]
    assert missed_codes([strip], page, state=True) == []
    assert missed_codes([strip], page[:3], state=True) == ["B5", "B3"]
    assert missed_codes([strip], page[:3]) == []  # upper-case codes only on a page with State's stamp

