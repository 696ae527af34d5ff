"""OCR of scanned release pages: orientation, margins, list pages read as rows, quality flags."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from uncover.analyze.exemptions import find_exemption_marks
from uncover.ingest.ocr import TesseractEngine, misread_list, ocr_warnings, page_flag_notes
from uncover.model import Page, TextSource

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_a_page_turned_90_180_270_degrees_reads_as_upright(corpora: Path, engine) -> None:
    folder = corpora / "ocr-scans-and-groundtruth" / "tesseract"
    with Image.open(folder / "phototest.tif") as image:
        image.load()
        upright = engine.recognize(image)
        gold = words((folder / "phototest.gold.txt").read_text())
        assert words(upright.text) == gold and upright.rotation == 0
        for angle in (90, 180, 270):
            turned = engine.recognize(image.rotate(angle, expand=True))
            assert words(turned.text) == words(upright.text), angle
            assert (angle + turned.rotation) % 360 == 0 and f"rotated-{turned.rotation}" in turned.flags


def test_small_margin_codes_beside_the_scan_edge_are_kept(engine) -> None:
    """FBI prints `b6 -1` in small type at the right edge; a scan's dark border touches it."""
    page = Image.new("L", (2550, 3300), 255)
    draw = ImageDraw.Draw(page)
    body = ImageFont.load_default(size=42)
    for i, line in enumerate(("Precedence: ROUTINE                Date: 09/03/2008", "To: Chicago",
                              "Details: On 08/28/2008 the agent traveled to Tampa and confirmed the",
                              "permanent residence of the subject named in the referenced serial.")):
        draw.text((250, 400 + 70 * i), line, fill=0, font=body)
    small = ImageFont.load_default(size=30)
    draw.text((2380, 2000), "b6 -1", fill=0, font=small)
    draw.text((2380, 2045), "b7C -1", fill=0, font=small)
    draw.rectangle((2530, 0, 2549, 3299), fill=0)  # the edge of the scanned sheet
    result = engine.recognize(page)
    marks = find_exemption_marks(result.text)
    assert [(m.code, m.qualifier) for m in marks] == [("b6", "-1"), ("b7c", "-1")], result.text


def test_a_deleted_page_sheet_is_read_row_by_row(corpora: Path, engine) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(corpora / "foia-muckrock-responsive-docs" / "Jon Burge" / "Email" / "File_01 (1).PDF")
    text = engine.recognize(pdf[1].render(scale=300 / 72, grayscale=True).to_pil()).text
    assert not misread_list(text)
    rows = re.findall(r"^Page (\d+) ~", text, re.M)
    assert rows[:3] == ["59", "60", "61"] and rows[-1] == "90" and len(rows) == 18


def test_a_page_read_almost_empty_or_poorly_is_flagged(engine) -> None:
    blank = Image.new("L", (1700, 2200), 255)
    ImageDraw.Draw(blank).text((1200, 2100), "ABC0000123", fill=0, font=ImageFont.load_default(size=30))
    assert engine.recognize(blank).flags == []  # a blank page with its Bates number is not a problem
    scribbled = blank.copy()
    draw = ImageDraw.Draw(scribbled)
    for i in range(0, 1500, 9):  # handwriting-like strokes over half the page: print no word covers
        draw.line((100 + i, 200, 140 + i, 1100 + (i * 7) % 300), fill=0, width=5)
    result = engine.recognize(scribbled)
    assert "nearly-empty" in result.flags, result
    page = Page(1, 3, result.text, TextSource.OCR, result.confidence, bates="ABC0000123", ocr_flags=result.flags)
    assert page_flag_notes(page)[0].startswith("OCR read almost nothing")
    assert ocr_warnings([page]) == ["page ABC0000123: OCR read almost nothing from a page with print on it: "
                                    "check the page image."]


def test_leptonica_errors_stay_off_the_terminal() -> None:
    """Leptonica prints its own errors (`Error in pixScanForForeground: ...`) to stderr, under the
    progress bar; once the OCR engine is loaded it prints none. A bad call straight into the library
    shows the message before, and nothing after."""
    import subprocess
    import sys

    script = """
import ctypes, glob, os, sys, tesserocr
from PIL import Image
from uncover.ingest.ocr import TesseractEngine
library = ctypes.CDLL(sorted(glob.glob(os.path.join(os.path.dirname(tesserocr.__file__), "..", "tesserocr.libs", "libleptonica*")))[0])
if sys.argv[1] == "engine":
    TesseractEngine().recognize(Image.new("L", (200, 60), 255))
library.pixScanForForeground(None, None, 0, None)
"""
    printed = {how: subprocess.run([sys.executable, "-c", script, how], capture_output=True, text=True, check=True).stderr
               for how in ("bare", "engine")}
    assert "Error in pixScanForForeground" in printed["bare"]
    assert "Error in" not in printed["engine"]
