"""Failed-redaction cases in the style of Free Law Project's x-ray test files, generated: each a
one-page PDF that either leaves text readable under something that looks redacted (`failed`
True, with the number of characters a copy-paste recovers) or only looks like it might (`failed`
False: every one of these is a false alarm some detector has raised).

Used by tests/analyze/test_failed_redactions.py and bench/redaction_boxes.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from rawpdf import PAGE_HEIGHT, PAGE_WIDTH, RawPdf

SECRET = "Jane Q. Informant"  # 15 characters that are not spaces
SECRET_CHARS = sum(not c.isspace() for c in SECRET)
LINE = b"BT /F1 12 Tf 100 700 Td (The source was) Tj ET\n"
UNDER = b"BT /F1 12 Tf 190 700 Td (" + SECRET.encode() + b") Tj ET\n"
AFTER = b"BT /F1 12 Tf 100 660 Td (who met the agent in May.) Tj ET\n"
BOX = b"186 695 104 18 re"  # covers the secret: x 186..290, y 695..713
SQUARE = b"/Rect [186 695 290 713]"


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    failed: bool
    chars: int  # characters recoverable (0 when not failed)
    build: Callable[[], bytes]


def _pdf(content: bytes, xobjects: dict[str, int] | None = None, annots: tuple[bytes, ...] = (),
         pdf: RawPdf | None = None) -> bytes:
    pdf = pdf or RawPdf()
    pdf.page(LINE + content + b"\n" + AFTER, xobjects, annots)
    return pdf.bytes()


def _image_over() -> bytes:
    pdf = RawPdf()
    image = pdf.image(8, 8, bytes(64))
    return _pdf(UNDER + b"q 104 0 0 18 186 695 cm /Im1 Do Q", {"Im1": image}, pdf=pdf)


def _form_over() -> bytes:
    pdf = RawPdf()
    form = pdf.form(b"0 g 0 0 104 18 re f", matrix=(1, 0, 0, 1, 86, -5))
    return _pdf(UNDER + b"q 1 0 0 1 100 700 cm /Fm1 Do Q", {"Fm1": form}, pdf=pdf)


def _form_offset() -> bytes:
    # The box's own coordinates sit on the secret's line; the form is placed 100 pt lower, on
    # blank paper. Read without the transforms it would be a failed redaction.
    pdf = RawPdf()
    form = pdf.form(b"0 g " + BOX + b" f", matrix=(1, 0, 0, 1, 0, -50))
    return _pdf(UNDER + b"q 1 0 0 1 0 -50 cm /Fm1 Do Q", {"Fm1": form}, pdf=pdf)


def _scan(box: bool, ocr_under_box: bool) -> bytes:
    """A 144-dpi scan with an invisible OCR layer; a box burned into the scan over the secret."""
    img = Image.new("L", (PAGE_WIDTH * 2, PAGE_HEIGHT * 2), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=24)
    draw.text((200, (PAGE_HEIGHT - 700) * 2), "The source was", font=font, fill=0, anchor="ls")
    draw.text((380, (PAGE_HEIGHT - 700) * 2), SECRET, font=font, fill=0, anchor="ls")
    draw.text((200, (PAGE_HEIGHT - 660) * 2), "who met the agent in May.", font=font, fill=0, anchor="ls")
    if box:
        draw.rectangle((372, (PAGE_HEIGHT - 713) * 2, 580, (PAGE_HEIGHT - 695) * 2), fill=0)
    pdf = RawPdf()
    image = pdf.image(img.width, img.height, img.tobytes())
    layer = LINE + (UNDER if ocr_under_box else b"") + AFTER
    pdf.page(b"q %d 0 0 %d 0 0 cm /Im1 Do Q 3 Tr " % (PAGE_WIDTH, PAGE_HEIGHT) + layer, {"Im1": image})
    return pdf.bytes()


CASES: tuple[Case, ...] = (
    # -- failed: text readable under what looks redacted --------------------------------------
    Case("black-rectangle", "text under a black rectangle drawn after it", True, SECRET_CHARS,
         lambda: _pdf(UNDER + b"0 g " + BOX + b" f")),
    Case("text-after-box", "text drawn after the box, in the box's colour", True, SECRET_CHARS,
         lambda: _pdf(b"0 g " + BOX + b" f " + UNDER)),
    Case("grey-box", "text under a dark grey box", True, SECRET_CHARS,
         lambda: _pdf(UNDER + b"0.3 g " + BOX + b" f")),
    Case("near-black-bars", "two near-black shades, one over the other", True, SECRET_CHARS,
         lambda: _pdf(UNDER + b"0.13 0.12 0.12 rg " + BOX + b" f 0.12 0.12 0.12 rg 186 695 52 18 re f")),
    Case("thick-line", "text under an 18-point black line", True, SECRET_CHARS,
         lambda: _pdf(UNDER + b"0 G 18 w 186 704 m 290 704 l S")),
    Case("black-image", "text under a black picture", True, SECRET_CHARS, _image_over),
    Case("form-xobject", "a box inside a form XObject moved over the text by its transforms", True,
         SECRET_CHARS, _form_over),
    Case("square-annotation", "text under a black Square annotation", True, SECRET_CHARS,
         lambda: _pdf(UNDER, annots=(b"<< /Type /Annot /Subtype /Square " + SQUARE + b" /IC [0 0 0] /C [0 0 0] >>",))),
    Case("redact-not-applied", "a Redact annotation marked but never applied", True, SECRET_CHARS,
         lambda: _pdf(UNDER, annots=(b"<< /Type /Annot /Subtype /Redact " + SQUARE + b" /C [1 0 0] >>",))),
    Case("dark-highlight", "a black Highlight annotation over the text", True, SECRET_CHARS,
         lambda: _pdf(UNDER, annots=(b"<< /Type /Annot /Subtype /Highlight " + SQUARE
                                     + b" /QuadPoints [186 713 290 713 186 695 290 695] /C [0 0 0] >>",))),
    Case("hidden-under-visible", "the original kept as invisible text under visible XXXX", True, SECRET_CHARS,
         lambda: _pdf(b"BT /F1 12 Tf 190 700 Td (XXXXXXXXXXXXXXXX) Tj ET 3 Tr " + UNDER + b"0 Tr ")),
    Case("scan-ocr-under-box", "an OCR layer under a box burned into the scan", True, SECRET_CHARS,
         lambda: _scan(box=True, ocr_under_box=True)),
    Case("white-box-labelled", "text under a white box with an outline and an exemption label", True, SECRET_CHARS,
         lambda: _pdf(UNDER + b"1 g 0 G 0.5 w " + BOX + b" B 0 g BT /F1 8 Tf 220 701 Td ((b)(6)) Tj ET ")),
    Case("short-text", "two digits under a black box", True, 2,
         lambda: _pdf(b"BT /F1 12 Tf 190 700 Td (34) Tj ET 0 g 186 695 30 18 re f")),
    Case("cross-hatch", "text under a dark box hatched with an X pattern", True, SECRET_CHARS,
         lambda: _pdf(UNDER + b"0.1 g " + BOX + b" f 0.3 G 0.5 w" + b"".join(
             b" %d 695 m %d 713 l %d 713 m %d 695 l" % (x, x + 18, x, x + 18) for x in range(186, 272, 18)) + b" S")),
    # -- not failed: look-alikes ----------------------------------------------------------------
    Case("placeholder-under", "the word REDACTED under the black bar", False, 0,
         lambda: _pdf(b"BT /F1 12 Tf 190 700 Td (REDACTED) Tj ET 0 g " + BOX + b" f")),
    Case("xxxx-under", "XXXX XXXX under the black bar", False, 0,
         lambda: _pdf(b"BT /F1 12 Tf 190 700 Td (XXXXX XXXX) Tj ET 0 g " + BOX + b" f")),
    Case("label-under", "the exemption label under its own box", False, 0,
         lambda: _pdf(b"BT /F1 12 Tf 190 700 Td ((b)(6)) Tj ET 0 g " + BOX + b" f")),
    Case("date-under", "a date fragment in a dark form field", False, 0,
         lambda: _pdf(b"BT /F1 12 Tf 190 700 Td (03/23/) Tj ET 0 g " + BOX + b" f")),
    Case("edge-clips-one-char", "a box whose edge covers one character", False, 0,
         lambda: _pdf(UNDER + b"0 g 183 695 11 18 re f")),
    Case("partial-cover", "a bar over the top third of a line", False, 0,
         lambda: _pdf(UNDER + b"0 g 186 705 104 8 re f")),
    Case("filing-stamp", "a court's black filing stamp printed on a black header bar", False, 0,
         lambda: _pdf(b"0 g 40 760 530 14 re f BT /F1 9 Tf 45 764 Td (Case 1:20-cv-01234 Document 12 Filed 01/02/20 "
                      b"Page 3 of 9) Tj ET ")),
    Case("teal-over-text", "a teal design panel over a line of text", False, 0,
         lambda: _pdf(UNDER + b"0 0.68 0.78 rg " + BOX + b" f 0 g ")),
    Case("proper", "a black box with nothing under it", False, 0, lambda: _pdf(b"0 g " + BOX + b" f")),
    Case("labelled-box", "a black box with its label `(b) (6)` on it and nothing under it", False, 0,
         lambda: _pdf(b"0 g " + BOX + b" f 1 g BT /F1 8 Tf 220 701 Td ((b) (6)) Tj ET 0 g ")),
    Case("form-offset", "boxes inside a form XObject placed away from the text (x-ray's false alarm)", False, 0,
         _form_offset),
    Case("reverse-heading", "white text drawn on a black table header", False, 0,
         lambda: _pdf(b"0 g 95 595 400 18 re f 1 g BT /F1 12 Tf 100 600 Td (Name   Date   Amount   Office) Tj ET 0 g ")),
    Case("teal-sidebar", "white text on a bright teal box", False, 0,
         lambda: _pdf(b"0 0.68 0.78 rg " + BOX + b" f 1 g BT /F1 12 Tf 190 700 Td (Contact us) Tj ET 0 g ")),
    Case("clipped-box", "a black box entirely clipped away", False, 0,
         lambda: _pdf(UNDER + b"q 0 0 10 10 re W n 0 g " + BOX + b" f Q")),
    Case("unfilled-rectangle", "an outline drawn around text", False, 0,
         lambda: _pdf(UNDER + b"0 G 1 w " + BOX + b" S")),
    Case("strike-through", "a thin line through text", False, 0,
         lambda: _pdf(UNDER + b"0 G 1 w 186 704 m 290 704 l S")),
    Case("yellow-highlight", "a yellow Highlight annotation on text", False, 0,
         lambda: _pdf(UNDER, annots=(b"<< /Type /Annot /Subtype /Highlight " + SQUARE
                                     + b" /QuadPoints [186 713 290 713 186 695 290 695] /C [1 1 0] >>",))),
    Case("white-on-white", "a white rectangle on white paper over nothing", False, 0,
         lambda: _pdf(b"1 g " + BOX + b" f 0 g ")),
    Case("ocr-layer", "an invisible OCR layer repeating the visible text", False, 0,
         lambda: _pdf(UNDER + b"3 Tr " + UNDER + b"0 Tr ")),
    Case("dark-image-behind", "a dark picture behind white text", False, 0,
         lambda: _image_behind()),
    Case("scan-box-clean", "a box burned into a scan whose OCR layer has nothing under it", False, 0,
         lambda: _scan(box=True, ocr_under_box=False)),
    Case("scan-no-box", "a scan with its OCR layer over the words", False, 0,
         lambda: _scan(box=False, ocr_under_box=True)),
)


def _image_behind() -> bytes:
    pdf = RawPdf()
    image = pdf.image(8, 8, bytes([20]) * 64)
    return _pdf(b"q 104 0 0 18 186 695 cm /Im1 Do Q 1 g " + UNDER + b"0 g ", {"Im1": image}, pdf=pdf)
