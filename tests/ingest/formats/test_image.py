"""The image reader: Tesseract's own test page against its gold text, multi-page TIFF, each format."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from uncover.errors import ExtractionError
from uncover.ingest.formats import ReadContext, identify
from uncover.ingest.formats.image import MAX_OCR_PIXELS, MAX_OCR_SIDE, READER, prepare_for_ocr
from uncover.ingest.ocr import TesseractEngine
from uncover.model import DocumentKind, IssueCategory, TextSource

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(scope="module")
def engine() -> TesseractEngine:
    return TesseractEngine()


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def character_error_rate(text: str, reference: str) -> float:
    text, reference = (re.sub(r"\s+", " ", t).strip() for t in (text, reference))
    return edit_distance(text, reference) / len(reference)


def text_image(words: str, size: tuple[int, int] = (1200, 300), mode: str = "L") -> Image.Image:
    """Black words on white, 60 px high: what a 300 dpi scan of 14 pt type looks like."""
    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).text((40, 100), words, fill=0, font=ImageFont.load_default(size=60))
    return image.convert(mode)


def test_tesseract_test_page_reads_within_ten_percent_cer(corpora: Path, tmp_path: Path, engine) -> None:
    folder = corpora / "ocr-scans-and-groundtruth" / "tesseract"
    extraction = READER.read(folder / "phototest.tif", ReadContext(tmp_path, ocr=engine))
    [page] = extraction.pages
    assert page.source == TextSource.OCR and page.needed_ocr and page.ocr_confidence > 80
    cer = character_error_rate(page.text, (folder / "phototest.gold.txt").read_text())
    assert cer < 0.10, f"CER {cer:.1%}:\n{page.text}"
    assert extraction.kind == DocumentKind.SCAN
    assert (
        extraction.metadata | {"width": "640", "height": "480", "dpi": "200", "frames": "1"}
        == extraction.metadata
    )
    assert extraction.metadata["mime"] == "image/tiff"


def test_each_tiff_frame_is_a_page_in_order(tmp_path: Path, engine) -> None:
    frames = [text_image(words) for words in ("Quarterly budget memorandum", "Detention statistics annex")]
    path = tmp_path / "ABC0000004.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(300, 300))
    extraction = READER.read(path, ReadContext(tmp_path, ocr=engine))
    assert [page.source for page in extraction.pages] == [TextSource.OCR, TextSource.OCR]
    assert "budget" in extraction.pages[0].text and "statistics" in extraction.pages[1].text
    assert extraction.metadata["frames"] == "2" and extraction.metadata["dpi"] == "300"
    assert extraction.kind == DocumentKind.SCAN


def test_without_ocr_every_frame_is_a_page_that_needs_it(tmp_path: Path) -> None:
    path = tmp_path / "scan.tiff"
    frames = [Image.new("1", (850, 1100), 1) for _ in range(5)]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4")
    for ctx in (ReadContext(tmp_path), ReadContext(tmp_path, ocr=TesseractEngine(), ocr_mode="never")):
        extraction = READER.read(path, ctx)
        assert [(p.text, p.source, p.needed_ocr) for p in extraction.pages] == [
            ("", TextSource.NONE, True)
        ] * 5
        assert extraction.kind == DocumentKind.SCAN


@pytest.mark.parametrize(
    ("suffix", "save_as", "mime"),
    [
        (".png", "PNG", "image/png"),
        (".jpg", "JPEG", "image/jpeg"),
        (".bmp", "BMP", "image/bmp"),
        (".gif", "GIF", "image/gif"),
        (".tif", "TIFF", "image/tiff"),
    ],
)
def test_each_format_is_recognised_by_its_bytes(tmp_path: Path, suffix: str, save_as: str, mime: str) -> None:
    path = tmp_path / "photo.dat"  # the name says nothing: the magic bytes decide
    Image.new("RGB", (320, 200), (40, 90, 160)).save(path, save_as)
    assert READER.sniff(path.read_bytes()[:8192], path.name) == 1.0
    assert identify(path) is READER
    extraction = READER.read(path, ReadContext(tmp_path))
    assert len(extraction.pages) == 1
    assert extraction.metadata["width"] == "320" and extraction.metadata["height"] == "200"
    assert extraction.metadata["mime"] == mime
    assert extraction.kind == (DocumentKind.SCAN if save_as == "TIFF" else DocumentKind.IMAGE)


def test_animated_gif_is_one_picture(tmp_path: Path) -> None:
    path = tmp_path / "animation.gif"
    frames = [Image.new("RGB", (50, 50), color) for color in ("red", "green", "blue")]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    extraction = READER.read(path, ReadContext(tmp_path))
    assert len(extraction.pages) == 1 and extraction.metadata["frames"] == "3"


def test_photo_exif_gives_dates_and_author(tmp_path: Path) -> None:
    image = Image.new("RGB", (64, 48), "gray")
    exif = Image.Exif()
    exif[0x013B] = "Field Office Camera"
    exif[0x0132] = "2011:01:17 09:30:00"
    exif.get_ifd(0x8769)[0x9003] = "2011:01:14 16:05:12"
    path = tmp_path / "IMG_0001.JPG"
    image.save(path, exif=exif)
    metadata = READER.read(path, ReadContext(tmp_path)).metadata
    assert metadata["created"] == "2011-01-14T16:05:12"
    assert metadata["modified"] == "2011-01-17T09:30:00"
    assert metadata["author"] == "Field Office Camera"


def test_photo_taken_sideways_is_turned_upright_for_ocr(tmp_path: Path, engine) -> None:
    upright = text_image("Secure Communities program", mode="RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: viewers rotate 90 degrees clockwise to show it
    path = tmp_path / "whiteboard.jpg"
    upright.transpose(Image.Transpose.ROTATE_90).save(path, exif=exif, quality=95)
    extraction = READER.read(path, ReadContext(tmp_path, ocr=engine))
    assert "Communities" in extraction.pages[0].text
    assert extraction.kind == DocumentKind.SCAN  # OCR found words


def test_transparent_png_is_put_on_white(tmp_path: Path, engine) -> None:
    words = text_image("Withheld pursuant to exemption")
    transparent = Image.new("RGBA", words.size, (0, 0, 0, 0))
    transparent.putalpha(words.point(lambda v: 255 - v))  # black ink, nothing behind it
    prepared = prepare_for_ocr(transparent)
    assert prepared.mode == "RGB" and prepared.getpixel((0, 0)) == (255, 255, 255)
    path = tmp_path / "stamp.png"
    transparent.save(path)
    assert "exemption" in READER.read(path, ReadContext(tmp_path, ocr=engine)).pages[0].text


def test_sixteen_bit_scan_is_stretched_to_eight_bits() -> None:
    image = Image.new("I;16", (100, 10), 4000)
    image.paste(60000, (50, 0, 100, 10))
    prepared = prepare_for_ocr(image)
    assert prepared.mode == "L"
    assert prepared.getpixel((0, 0)) == 0 and prepared.getpixel((99, 0)) == 255


def test_huge_scan_is_scaled_down_for_ocr() -> None:
    prepared = prepare_for_ocr(Image.new("1", (12_000, 3_000), 1))
    assert prepared.size == (MAX_OCR_SIDE, 2_500)
    prepared = prepare_for_ocr(Image.new("1", (9_000, 9_000), 1))
    assert prepared.width * prepared.height <= MAX_OCR_PIXELS and prepared.width > 7_000


def test_empty_and_damaged_images_are_reported(tmp_path: Path) -> None:
    empty = tmp_path / "IMG001.tif"
    empty.touch()
    with pytest.raises(ExtractionError) as caught:
        READER.read(empty, ReadContext(tmp_path))
    assert caught.value.category == IssueCategory.EMPTY and "IMG001.tif" in caught.value.message

    whole = tmp_path / "whole.png"
    text_image("truncated in transit").save(whole)
    truncated = tmp_path / "IMG002.png"
    truncated.write_bytes(whole.read_bytes()[:400])
    with pytest.raises(ExtractionError) as caught:
        READER.read(
            truncated, ReadContext(tmp_path, ocr=TesseractEngine(), display_name="IMAGES/001/IMG002.png")
        )
    assert caught.value.category == IssueCategory.CORRUPT and "IMAGES/001/IMG002.png" in caught.value.message

    mislabelled = tmp_path / "IMG003.jpg"
    mislabelled.write_text("this is a text file with an image's name")
    with pytest.raises(ExtractionError) as caught:
        READER.read(mislabelled, ReadContext(tmp_path))
    assert caught.value.category == IssueCategory.CORRUPT


def test_a_truncated_scan_is_still_damaged_after_a_paper_was_rendered(tmp_path: Path) -> None:
    """WeasyPrint's import tells Pillow to decode truncated images as if whole; a letter rendered
    in the same process (the web app, a script) must not make a damaged scan look fine."""
    from PIL import ImageFile

    from uncover.html_pdf import write_html_pdf

    write_html_pdf("<p>Dear counsel,</p>", "body { font-size: 11pt; }", tmp_path / "letter.pdf")
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    whole = tmp_path / "whole.png"
    text_image("truncated in transit").save(whole)
    truncated = tmp_path / "IMG002.png"
    truncated.write_bytes(whole.read_bytes()[:400])
    with pytest.raises(ExtractionError) as caught:
        READER.read(truncated, ReadContext(tmp_path, ocr=TesseractEngine()))
    assert caught.value.category == IssueCategory.CORRUPT


def test_sniff_rejects_other_files() -> None:
    assert READER.sniff(b"%PDF-1.7\n", "scan.pdf") == 0.0
    assert READER.sniff(b"BM not really a bitmap", "notes.txt") == 0.0
    assert READER.sniff(b"", "IMG0001.TIF") == 0.5
