"""The scan viewer: search hits drawn on the page image, from the PDF text layer and from OCR."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from web_helpers import doc_id_by_filename, make_client

from uncover import Case


def test_layer_hits_sit_on_the_words(web_case_dir: Path, corpora: Path) -> None:
    doc = doc_id_by_filename(web_case_dir, "C05739554.pdf")
    client = make_client(web_case_dir)
    data = client.get(f"/documents/{doc}/pages/1/hits.json", params={"q": "benghazi"}).json()
    assert data["source"] == "layer" and len(data["boxes"]) == 3  # twice in the page header and footer, once in the text
    page = pdfium.PdfDocument(corpora / "foia-clinton-state-pdfs" / "C05739554.pdf")[0]
    width, height = page.get_size()
    text = page.get_textpage()
    for x, y, w, h, word in data["boxes"]:
        # What the PDF itself holds inside the box drawn (page points, origin bottom left).
        inside = text.get_text_bounded(x * width, (1 - y - h) * height, (x + w) * width, (1 - y) * height)
        assert "benghazi" in inside.lower() and "benghazi" in word.lower()
    assert client.get(f"/documents/{doc}/pages/1/hits.json", params={"q": "zzzunfound"}).json()["boxes"] == []
    html = client.get(f"/documents/{doc}", params={"q": "benghazi"}).text
    assert f'data-hits="/documents/{doc}/pages/1/hits.json?q=benghazi"' in html
    assert html.count('class="thumbs"') == 1 and f"/documents/{doc}/pages/4/image?dpi=72" in html


@pytest.mark.parametrize("ocr", ["auto", "never"])
def test_ocr_hits_sit_where_the_word_was_printed(tmp_path: Path, ocr: str) -> None:
    """OCR'd at ingest (auto), or never OCR'd (its text would come from a load file): either way the
    image-only page's word boxes are read from its picture."""
    from PIL import Image, ImageDraw, ImageFont

    from uncover.ingest.pipeline import IngestOptions, ingest

    image = Image.new("L", (2550, 3300), 255)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 56)
    except OSError:  # no system fonts: Pillow's own scalable font
        font = ImageFont.load_default(size=56)
    draw.text((300, 500), "Memorandum for the regional counsel", font=font, fill=0)
    draw.text((300, 2000), "The okapi file was sent on Tuesday", font=font, fill=0)
    src = tmp_path / "src"
    src.mkdir()
    image.save(src / "scan.pdf", resolution=300)  # an image-only PDF: its text comes from OCR
    root = tmp_path / "case"
    with Case.init(root, name="OCR viewer") as case:
        ingest(case, [src], IngestOptions(ocr=ocr, workers=1, production="SCANS"))
    doc = doc_id_by_filename(root, "scan.pdf")
    data = make_client(root).get(f"/documents/{doc}/pages/1/hits.json", params={"q": "okapi"}).json()
    assert data["source"] == "ocr"
    (box,) = data["boxes"]
    x, y, w, h, word = box
    assert word.lower().startswith("okapi")
    # Drawn at (300, 2000) px of 2550 x 3300, the word "okapi" after "The ".
    assert 0.12 < x < 0.30 and abs(y - 2000 / 3300) < 0.02 and 0.02 < w < 0.12
