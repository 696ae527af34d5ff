"""Redaction boxes on page images, on generated 'scans': solid black and grey boxes, outlined
blank boxes in the State and FBI style, and the framed things that are not boxes (a stamp with
text in it, a checkbox, a page border, a reverse-type heading)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from uncover.analyze.page_boxes import find_image_boxes
from uncover.analyze.redactions import find_image_file_boxes, image_dpi

DPI = 150
W, H = int(8.5 * DPI), 11 * DPI


def page(lines: int = 20) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A letter page at 150 dpi with lines of 11-point text."""
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=22)
    for i in range(lines):
        draw.text((150, 200 + i * 45), "The agent met the source at the usual place on Tuesday.", font=font, fill=0)
    return img, draw


def styles(img: Image.Image) -> list[str]:
    return [b.style for b in find_image_boxes(np.asarray(img), DPI)]


def test_three_solid_black_boxes() -> None:
    img, draw = page()
    for y in (240, 420, 690):
        draw.rectangle((300, y, 700, y + 30), fill=0)
    assert styles(img) == ["black"] * 3


def test_outlined_blank_boxes_state_and_fbi_style() -> None:
    img, draw = page()
    draw.rectangle((150, 283, 800, 318), fill=255, outline=0, width=1)  # a whole line cut and framed
    draw.rectangle((400, 508, 600, 543), fill=255, outline=90, width=1)  # a grey hairline frame
    draw.rectangle((150, 960, 1100, 1190), fill=255, outline=0, width=2)  # a paragraph
    found = find_image_boxes(np.asarray(img), DPI)
    assert [b.style for b in found] == ["outlined"] * 3
    assert abs(found[0].x0 - 150) <= 2 and abs(found[0].y1 - 319) <= 2


def test_two_boxes_sharing_a_border_are_two() -> None:
    img, draw = page()
    draw.rectangle((150, 283, 500, 318), fill=255, outline=0)
    draw.rectangle((500, 283, 900, 318), fill=255, outline=0)
    assert styles(img) == ["outlined", "outlined"]


def test_a_box_drawn_tight_under_a_line_of_text() -> None:
    img, draw = page()
    draw.rectangle((150, 222, 900, 262), fill=255, outline=0)  # its top touches the descenders above
    draw.text((150, 200), "gypsy jargon quietly typed", font=ImageFont.load_default(size=22), fill=0)
    assert styles(img) == ["outlined"]


def test_grey_halftone_box() -> None:
    img, draw = page()
    box = np.asarray(img).copy()
    ys, xs = np.mgrid[420:460, 300:800]
    box[ys, xs] = np.where((ys + xs) % 2 == 0, 60, 230)  # a dithered mid grey, as a scanner prints it
    assert styles(Image.fromarray(box)) == ["grey"]


def test_framed_text_checkboxes_borders_and_headings_are_not_boxes() -> None:
    img, draw = page(lines=10)
    font = ImageFont.load_default(size=22)
    draw.rectangle((900, 60, 1150, 130), outline=0)  # State's release stamp: a frame with words in it
    draw.text((910, 70), "RELEASE IN PART", font=font, fill=0)
    draw.text((910, 100), "B5,B6", font=font, fill=0)
    draw.rectangle((150, 800, 168, 818), outline=0)  # a checkbox
    draw.rectangle((5, 5, W - 6, H - 6), outline=0, width=3)  # a page border
    draw.rectangle((150, 900, 1100, 940), fill=0)  # a table heading in reverse type
    draw.text((160, 905), "Name        Date        Amount        Office        Action", font=font, fill=255)
    draw.ellipse((1000, 1200, 1060, 1260), fill=0)  # a round seal
    assert styles(img) == []


def test_a_black_box_with_its_exemption_label_is_a_box() -> None:
    img, draw = page()
    draw.rectangle((300, 420, 900, 455), fill=0)
    draw.text((560, 425), "(b)(6)", font=ImageFont.load_default(size=20), fill=255)
    assert styles(img) == ["black"]


def test_image_files_are_analysed_at_their_own_resolution() -> None:
    img, draw = page()
    draw.rectangle((300, 420, 700, 450), fill=0)
    big = img.resize((W * 2, H * 2))
    big.info["dpi"] = (300, 300)
    (box,) = find_image_file_boxes(big)
    assert box.style == "black" and box.source == "raster"
    assert abs(box.bbox[0] - 300 / W) < 0.01 and abs(box.bbox[1] - 420 / H) < 0.01
    assert image_dpi(big) == 300
    big.info["dpi"] = (72, 72)  # a wrong header: the page size says 300
    assert abs(image_dpi(big) - 300) < 10


def test_an_outsized_page_is_rendered_within_the_pixel_cap() -> None:
    import pypdfium2 as pdfium

    from uncover.analyze.redactions import MAX_RENDER_PIXELS, render_gray

    pdf = pdfium.PdfDocument.new()
    poster = pdf.new_page(7200, 7200)  # 100 x 100 inches
    render, dpi = render_gray(poster)
    assert render.pixels.size <= MAX_RENDER_PIXELS * 1.01 and dpi < 150
    letter = pdf.new_page(612, 792)
    assert render_gray(letter)[1] == 150
