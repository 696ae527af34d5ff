"""Redaction boxes found during ingest on every page that is an image: a scanned PDF page with an
OCR text layer (State style: outlined boxes, codes in the margin), an image-only PDF page and
image files (FBI style, codes read by OCR beside the box), stored with style and code, and found
by `redacted:`, `unboxed:` and `release:`."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from uncover import Case
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.search.engine import search
from uncover.store import withholdings as wstore

DPI = 200
W, H = int(8.5 * DPI), 11 * DPI
FONT = ImageFont.load_default(size=30)


def scan(boxes: str, lines: int = 14) -> Image.Image:
    """A 200-dpi scan of a released page: lines of text, boxes over some ('outlined' or 'black'),
    the FBI's margin code beside the first, and a release stamp at the top."""
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    draw.text((200, 120), "FEDERAL BUREAU OF INVESTIGATION", font=FONT, fill=0)
    for i in range(lines):
        draw.text((200, 300 + i * 70), "The informant reported to the field office on Monday.", font=FONT, fill=0)
    for k, row in enumerate((2, 6)):
        y = 300 + row * 70
        if boxes == "outlined":
            draw.rectangle((200, y - 4, 1200, y + 40), fill=255, outline=0, width=2)
        elif boxes == "black":
            draw.rectangle((200, y - 4, 1200, y + 40), fill=0)
        if k == 0 and boxes:
            draw.text((1420, y), "b6 -1", font=FONT, fill=0)
    return img


def build(folder: Path) -> None:
    folder.mkdir()
    scan("black").save(folder / "black-boxes.png", dpi=(DPI, DPI))
    frames = [scan("outlined"), scan("")]
    frames[0].save(folder / "fbi-file.tif", save_all=True, append_images=frames[1:], dpi=(DPI, DPI), compression="tiff_lzw")
    scan("").save(folder / "no-boxes.png", dpi=(DPI, DPI))
    scan("outlined").save(folder / "scanned.pdf", resolution=DPI)  # an image-only PDF page


@pytest.fixture(scope="module")
def scan_case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    root = tmp_path_factory.mktemp("scans")
    build(root / "prod")
    case = Case.init(root / "case")
    ingest(case, [root / "prod"], IngestOptions(production="SCANS", workers=1))
    return case


def boxes_of(case: Case, filename: str) -> list:  # type: ignore[type-arg]
    (doc,) = [d for d in case.store.iter_documents() if d.filename == filename]
    return wstore.redactions(case.store.conn, doc.id)


def test_boxes_on_image_files_and_image_pdf_pages_are_stored_with_style(scan_case: Case) -> None:
    black = boxes_of(scan_case, "black-boxes.png")
    assert [(r.page, r.style, r.source) for r in black] == [(1, "black", "raster")] * 2
    tiff = boxes_of(scan_case, "fbi-file.tif")
    assert [(r.page, r.style) for r in tiff] == [(1, "outlined"), (1, "outlined")]  # frame 2 has none
    assert [(r.page, r.style) for r in boxes_of(scan_case, "scanned.pdf")] == [(1, "outlined"), (1, "outlined")]
    assert boxes_of(scan_case, "no-boxes.png") == []
    top = tiff[0].bbox
    assert abs(top[0] - 200 / W) < 0.01 and abs(top[1] - (440 - 4) / H) < 0.01


def test_the_code_printed_beside_a_box_is_read_by_ocr(scan_case: Case) -> None:
    labels = [r.label for r in boxes_of(scan_case, "fbi-file.tif")]
    assert labels == ["b6", None]  # the margin code sits beside the first box only


def test_search_counts_boxes_on_scans(scan_case: Case) -> None:
    redacted = {h.filename for h in search(scan_case, "redacted:yes").hits}
    assert redacted == {"black-boxes.png", "fbi-file.tif", "scanned.pdf"}
    assert "no-boxes.png" in {h.filename for h in search(scan_case, "redacted:no").hits}


def test_unboxed_finds_released_in_part_without_boxes(tmp_path: Path) -> None:
    folder = tmp_path / "prod"
    folder.mkdir()
    img = scan("")
    ImageDraw.Draw(img).text((1420, 300), "b6", font=FONT, fill=0)  # a code, but the text was cut without a box
    img.save(folder / "cut.png", dpi=(DPI, DPI))
    scan("outlined").save(folder / "boxed.png", dpi=(DPI, DPI))
    case = Case.init(tmp_path / "case")
    ingest(case, [folder], IngestOptions(workers=1))
    assert {h.filename for h in search(case, "release:part").hits} == {"cut.png", "boxed.png"}
    assert [h.filename for h in search(case, "unboxed:yes").hits] == ["cut.png"]
    assert [h.filename for h in search(case, "unboxed:no").hits] == ["boxed.png"]


def test_boxes_on_the_page_images_of_a_load_file_volume(tmp_path: Path) -> None:
    """A Concordance/Opticon volume: the record's pages are TIFFs linked by the OPT; the second
    page carries two black boxes."""
    vol = tmp_path / "VOL001"
    (vol / "IMAGES").mkdir(parents=True)
    (vol / "DATA").mkdir()
    scan("").save(vol / "IMAGES" / "ABC0000001.tif", dpi=(DPI, DPI))
    scan("black").save(vol / "IMAGES" / "ABC0000002.tif", dpi=(DPI, DPI))
    q, d = "\u00fe", "\x14"
    dat = [["BEGBATES", "ENDBATES", "PGCOUNT"], ["ABC0000001", "ABC0000002", "2"]]
    (vol / "DATA" / "VOL001.dat").write_text("\r\n".join(d.join(f"{q}{v}{q}" for v in r) for r in dat) + "\r\n", "utf-8")
    (vol / "DATA" / "VOL001.opt").write_text(
        "ABC0000001,VOL001,IMAGES\\ABC0000001.tif,Y,,,2\r\nABC0000002,VOL001,IMAGES\\ABC0000002.tif,,,,\r\n", "utf-8")
    case = Case.init(tmp_path / "case")
    ingest(case, [vol], IngestOptions(workers=1, ocr="never"))
    (doc,) = list(case.store.iter_documents())
    assert [(r.page, r.style) for r in wstore.redactions(case.store.conn, doc.id)] == [(2, "black"), (2, "black")]
