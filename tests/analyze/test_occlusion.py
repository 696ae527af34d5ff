"""What paint hides on a PDF page, on generated PDFs that spell out every drawing operator: text
under a thick stroked line, a black image, a Square annotation, a box burned into a scan with an
invisible OCR layer, boxes inside form XObjects; and the look-alikes that hide nothing (text drawn
after a box, a box clipped away, an outline around text, an OCR layer repeating visible text)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont
from rawpdf import PAGE_HEIGHT, PAGE_WIDTH, RawPdf

from uncover.analyze.occlusion import (
    INVISIBLE,
    OFF_PAGE,
    OVER_OTHER_TEXT,
    SAME_COLOUR,
    UNDER_PAINT,
    hidden_char_count,
    hidden_text_spans,
    page_occluders,
    visible_page_text,
)

SECRET = b"BT /F1 12 Tf 100 700 Td (Secret name) Tj ET\n"
PUBLIC = b"BT /F1 12 Tf 100 650 Td (Public words) Tj ET\n"
BOX = b"95 695 110 18 re"  # over the secret's line: x 95..205, y 695..713


def page_of(pdf: RawPdf) -> pdfium.PdfPage:
    return pdfium.PdfDocument(pdf.bytes())[0]


def hidden(pdf: RawPdf) -> list[tuple[str, str]]:
    """(reason, text) of each hidden span."""
    page = page_of(pdf)
    textpage = page.get_textpage()
    return [(s.reason, textpage.get_text_range(s.start, s.end - s.start)) for s in hidden_text_spans(page, textpage)]


def one_page(content: bytes, xobjects: dict[str, int] | None = None, annots: tuple[bytes, ...] = (),
             pdf: RawPdf | None = None) -> RawPdf:
    pdf = pdf or RawPdf()
    pdf.page(content, xobjects, annots)
    return pdf


def test_text_under_a_thick_stroked_line_is_hidden() -> None:
    pdf = one_page(SECRET + PUBLIC + b"0 G 18 w 95 704 m 205 704 l S")
    assert hidden(pdf) == [(UNDER_PAINT, "Secret name")]
    (line,) = page_occluders(page_of(pdf))
    assert line.kind == "stroke" and line.solid and line.color == (0, 0, 0)
    assert line.rect == pytest.approx((95, 695, 205, 713))  # the line width counted, butt caps


def test_a_thin_line_through_text_hides_nothing() -> None:
    # strike-through: 1 pt of ink does not cover 12 pt glyphs
    assert hidden(one_page(SECRET + PUBLIC + b"0 G 1 w 95 704 m 205 704 l S")) == []


def test_text_under_a_black_image_is_hidden() -> None:
    pdf = RawPdf()
    image = pdf.image(4, 4, bytes(16))
    one_page(SECRET + PUBLIC + b"q 110 0 0 18 95 695 cm /Im1 Do Q", {"Im1": image}, pdf=pdf)
    assert hidden(pdf) == [(UNDER_PAINT, "Secret name")]
    (occ,) = page_occluders(page_of(pdf))
    assert occ.kind == "image" and occ.solid and occ.color == (0, 0, 0)


def test_text_under_a_black_square_annotation_is_hidden() -> None:
    square = b"<< /Type /Annot /Subtype /Square /Rect [95 695 205 713] /IC [0 0 0] /C [0 0 0] >>"
    pdf = one_page(SECRET + PUBLIC, annots=(square,))
    spans = hidden_text_spans(page_of(pdf))
    assert [(s.reason, s.chars) for s in spans] == [(UNDER_PAINT, len("Secretname"))]
    assert spans[0].occluder is not None and spans[0].occluder.detail == "Square annotation"


def test_an_outline_only_redact_annotation_hides_nothing() -> None:
    # a Redact annotation never applied shows only a red outline: the text is plain to see
    redact = b"<< /Type /Annot /Subtype /Redact /Rect [95 695 205 713] /C [1 0 0] >>"
    assert hidden(one_page(SECRET + PUBLIC, annots=(redact,))) == []


def scan_with_ocr_layer(box: bool) -> RawPdf:
    """A 144-dpi 'scan' of two lines with, optionally, a box burned over the first, and an
    invisible text layer (render mode 3) over both, as OCR software writes it."""
    scan = Image.new("L", (PAGE_WIDTH * 2, PAGE_HEIGHT * 2), 255)
    draw = ImageDraw.Draw(scan)
    font = ImageFont.load_default(size=26)
    draw.text((200, (PAGE_HEIGHT - 700) * 2), "Secret name", font=font, fill=0, anchor="ls")
    draw.text((200, (PAGE_HEIGHT - 650) * 2), "Public words", font=font, fill=0, anchor="ls")
    if box:
        draw.rectangle((190, (PAGE_HEIGHT - 713) * 2, 410, (PAGE_HEIGHT - 695) * 2), fill=0)
    pdf = RawPdf()
    image = pdf.image(scan.width, scan.height, scan.tobytes())
    return one_page(b"q %d 0 0 %d 0 0 cm /Im1 Do Q 3 Tr " % (PAGE_WIDTH, PAGE_HEIGHT) + SECRET + PUBLIC,
                    {"Im1": image}, pdf=pdf)


def test_ocr_text_under_a_box_burned_into_the_scan_is_hidden() -> None:
    pdf = scan_with_ocr_layer(box=True)
    assert hidden(pdf) == [(UNDER_PAINT, "Secret name")]
    kinds = [o.kind for o in page_occluders(page_of(pdf))]
    assert kinds == ["image", "image-box"]  # the scan, and the box found inside it
    box = page_occluders(page_of(pdf))[1]
    assert box.rect == pytest.approx((95, 695, 205, 713), abs=1.0)


def test_ocr_text_over_its_scanned_words_is_visible() -> None:
    assert hidden(scan_with_ocr_layer(box=False)) == []


def test_text_drawn_after_a_box_is_visible_unless_it_has_the_box_colour() -> None:
    white_on_black = one_page(b"0 g " + BOX + b" f 1 g " + SECRET + b"0 g " + PUBLIC)
    assert hidden(white_on_black) == []
    black_on_black = one_page(b"0 g " + BOX + b" f " + SECRET + PUBLIC)
    assert hidden(black_on_black) == [(SAME_COLOUR, "Secret name")]


def test_white_text_on_white_paper_is_hidden() -> None:
    assert hidden(one_page(b"1 g " + SECRET + b"0 g " + PUBLIC)) == [(SAME_COLOUR, "Secret name")]


def test_form_xobject_boxes_are_placed_by_their_transforms() -> None:
    # The box's own coordinates (0..110 x 0..18) lie nowhere near the text; the form's /Matrix
    # and the placing `cm` put it over the secret. Read without them it would hide nothing.
    pdf = RawPdf()
    form = pdf.form(b"0 g 0 0 110 18 re f", matrix=(1, 0, 0, 1, -5, -5))
    one_page(SECRET + PUBLIC + b"q 1 0 0 1 100 700 cm /Fm1 Do Q", {"Fm1": form}, pdf=pdf)
    assert hidden(pdf) == [(UNDER_PAINT, "Secret name")]
    (occ,) = page_occluders(page_of(pdf))
    assert occ.rect == pytest.approx((95, 695, 205, 713))


def test_a_form_xobject_box_placed_away_from_the_text_hides_nothing() -> None:
    # Read in the form's own space (0..110 x 0..18 shifted by 700) the box would sit on the
    # secret; the form's matrix moves it 100 pt down, onto blank paper.
    pdf = RawPdf()
    form = pdf.form(b"0 g 95 695 110 18 re f", matrix=(1, 0, 0, 1, 0, -100))
    one_page(SECRET + PUBLIC + b"/Fm1 Do", {"Fm1": form}, pdf=pdf)
    assert hidden(pdf) == []
    (occ,) = page_occluders(page_of(pdf))
    assert occ.rect == pytest.approx((95, 595, 205, 613))


def test_nested_forms_compose_their_transforms() -> None:
    pdf = RawPdf()
    inner = pdf.form(b"0 g 0 0 55 9 re f")
    outer = pdf.form(b"q 2 0 0 2 0 0 cm /Fm2 Do Q")
    content = SECRET + PUBLIC + b"q 1 0 0 1 95 695 cm /Fm1 Do Q"
    pdf.page(content, {"Fm1": outer, "Fm2": inner})
    # /Fm2 is resolved from the page's resources here, which is how PDFium looks it up too
    assert hidden(pdf) == [(UNDER_PAINT, "Secret name")]


def test_a_box_clipped_away_hides_nothing() -> None:
    # the object model sees a black box over the text; the clipping path leaves none of it drawn
    pdf = one_page(SECRET + PUBLIC + b"q 0 0 10 10 re W n 0 g " + BOX + b" f Q")
    assert hidden(pdf) == []


def test_an_outlined_box_around_text_hides_nothing() -> None:
    assert hidden(one_page(SECRET + PUBLIC + b"0 G 1 w " + BOX + b" S")) == []


def test_a_label_printed_on_the_box_does_not_reveal_what_is_under_it() -> None:
    label = b"1 g BT /F1 7 Tf 140 700 Td ((b) (6)) Tj ET 0 g "
    pdf = one_page(SECRET + b"0 g " + BOX + b" f " + label + PUBLIC)
    spans = hidden_text_spans(page_of(pdf))
    assert [s.reason for s in spans] == [UNDER_PAINT]
    assert hidden_char_count(spans) == len("Secretname")


def test_invisible_text_over_other_visible_text_is_hidden() -> None:
    pdf = one_page(b"BT /F1 12 Tf 100 700 Td (REDACTED) Tj ET 3 Tr " + SECRET + b"0 Tr " + PUBLIC)
    assert hidden(pdf) == [(OVER_OTHER_TEXT, "Secret name")]


def test_an_ocr_layer_repeating_the_visible_text_is_not_hidden() -> None:
    pdf = one_page(SECRET + b"3 Tr " + SECRET + b"0 Tr " + PUBLIC)
    assert hidden(pdf) == []


def test_invisible_text_over_blank_paper_is_hidden() -> None:
    assert hidden(one_page(b"3 Tr " + SECRET + b"0 Tr " + PUBLIC)) == [(INVISIBLE, "Secret name")]
    page = page_of(one_page(b"3 Tr " + SECRET + b"0 Tr " + PUBLIC))
    assert hidden_text_spans(page, blank_areas=False) == []  # the cheap mode looks only under paint


def test_text_outside_the_page_is_hidden() -> None:
    pdf = one_page(b"BT /F1 12 Tf 100 900 Td (Secret name) Tj ET " + PUBLIC)
    assert hidden(pdf) == [(OFF_PAGE, "Secret name")]


def test_visible_page_text_leaves_out_hidden_characters() -> None:
    page = page_of(one_page(SECRET + PUBLIC + b"0 G 18 w 95 704 m 205 704 l S"))
    text = visible_page_text(page)
    assert "Secret" not in text and "Public words" in text
    plain = page_of(one_page(SECRET + PUBLIC))
    assert visible_page_text(plain) == plain.get_textpage().get_text_bounded().replace("\r\n", "\n")


def test_hidden_text_is_never_in_the_findings() -> None:
    spans = hidden_text_spans(page_of(one_page(SECRET + PUBLIC + b"0 G 18 w 95 704 m 205 704 l S")))
    assert spans and "Secret" not in repr(spans)


def test_state_release_pages_hide_nothing_from_their_ocr_layer(corpora) -> None:
    # A scanned release with State's invisible OCR layer and no burned-in boxes: every word of
    # the layer lies on its scanned word.
    pdf = pdfium.PdfDocument(corpora / "foia-clinton-state-pdfs" / "C05739618.pdf")
    for i in range(len(pdf)):
        assert hidden_text_spans(pdf[i]) == [], f"page {i + 1}"
