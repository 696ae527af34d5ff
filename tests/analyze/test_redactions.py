"""Redaction boxes and failed redactions on generated PDFs: the text under a black box either is
still in the text layer (failed) or was removed (proper); decoration must not raise alarms."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from uncover.analyze.redactions import find_raster_boxes, find_vector_boxes, recovered_text

SECRET = "John Q. Secretperson"


def make_pdf(path: Path, *, failed: bool, label: bool = True, decoration: bool = True) -> Path:
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica", 11)
    c.drawString(72, 700, "The informant was")
    if failed:
        c.drawString(170, 700, SECRET)  # drawn first: the box below only hides it
    c.drawString(300, 700, "who met the agent.")
    c.setFillColorRGB(0, 0, 0)
    c.rect(168, 696, 125, 14, fill=1, stroke=0)
    if label:
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica", 7)
        c.drawString(200, 700, "(b) (6)")
    # a second redaction, unlabelled, over a whole line
    c.setFillColorRGB(0, 0, 0)
    c.setFont("Helvetica", 11)
    if failed:
        c.drawString(72, 660, "Telephone 555-0100 at home")
    c.rect(70, 656, 200, 14, fill=1, stroke=0)
    if decoration:
        # a black table header with white text on top, and a black round logo: not redactions
        c.rect(72, 600, 400, 18, fill=1, stroke=0)
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica-Bold", 11)
        c.drawString(80, 605, "Name      Date      Amount")
        c.setFillColorRGB(0, 0, 0)
        c.drawString(80, 585, "Smith     2011      $400")
        c.circle(500, 740, 20, fill=1)
    c.showPage()
    c.save()
    return path


def boxes(path: Path):
    pdf = pdfium.PdfDocument(path)
    return find_vector_boxes(pdf[0], document_id=1, page_number=1)


def test_failed_redactions_found(tmp_path: Path) -> None:
    found = boxes(make_pdf(tmp_path / "failed.pdf", failed=True))
    assert len(found) == 2
    assert all(r.failed for r in found)
    by_label = {r.label: r for r in found}
    assert by_label["b6"].recoverable_chars == len(SECRET.replace(" ", ""))
    assert by_label[None].recoverable_chars == len("Telephone555-0100athome")


def test_proper_redactions_raise_no_alarm(tmp_path: Path) -> None:
    found = boxes(make_pdf(tmp_path / "proper.pdf", failed=False))
    assert len(found) == 2
    assert not any(r.failed for r in found)
    assert sorted(r.label or "" for r in found) == ["", "b6"]


def test_box_geometry_in_page_fractions(tmp_path: Path) -> None:
    (box,) = [r for r in boxes(make_pdf(tmp_path / "p.pdf", failed=False)) if r.label]
    width, height = letter
    assert box.bbox == pytest.approx((168 / width, 1 - 710 / height, 293 / width, 1 - 696 / height), abs=1e-3)
    assert box.area == pytest.approx(125 * 14 / (width * height), rel=1e-3)


def test_header_and_logo_are_not_redactions(tmp_path: Path) -> None:
    found = boxes(make_pdf(tmp_path / "d.pdf", failed=False))
    tops = sorted(round(r.bbox[1], 2) for r in found)
    header_top = round(1 - 618 / letter[1], 2)
    assert header_top not in tops and len(found) == 2


def test_recovered_text_is_read_live_and_only_on_request(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "failed.pdf", failed=True)
    (box,) = [r for r in boxes(path) if r.label == "b6"]
    assert SECRET not in repr(box)  # the finding carries a count, never the text
    assert SECRET in recovered_text(pdfium.PdfDocument(path)[0], box.bbox)


def test_raster_boxes_on_the_rendered_page(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(make_pdf(tmp_path / "r.pdf", failed=False))
    image = pdf[0].render(scale=150 / 72, grayscale=True).to_pil()
    found = find_raster_boxes(image)
    assert len(found) == 2  # two boxes; not the reverse-type header, not the round logo
    assert all(0 <= v <= 1 for r in found for v in r.bbox)


def test_no_boxes_on_a_state_page_without_redactions(corpora) -> None:
    pdf = pdfium.PdfDocument(corpora / "foia-clinton-state-pdfs" / "C05739559.pdf")
    assert all(not r.failed for i in range(len(pdf)) for r in find_vector_boxes(pdf[i]))
