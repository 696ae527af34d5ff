"""A scanned picture with no text layer: its OCR text is masked, and the masked address is found
on the picture by OCR and painted over, so the page keeps its picture without the address."""

from __future__ import annotations

from pathlib import Path

from uncover import Case
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.publish import add_documents, create_publication, publish

ADDRESS = "zqxocr4410@agency.gov"
LINES = ["Memorandum for the record.", f"Contact {ADDRESS} about the transfers.", "Nothing else on this page."]


def _scan(path: Path) -> tuple[int, int, int, int]:
    """A 300-dpi page picture; returns the address's box in its pixels."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (2550, 3300), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=48)
    box = (0, 0, 0, 0)
    for i, line in enumerate(LINES):
        y = 300 + i * 90
        draw.text((300, y), line, font=font, fill=0)
        if ADDRESS in line:
            x = 300 + draw.textlength("Contact ", font=font)
            box = (int(x), y, int(x + draw.textlength(ADDRESS, font=font)), y + 48)
    img.save(path, dpi=(300, 300))
    return box


def test_an_address_on_a_scan_is_masked_in_text_and_painted_over(tmp_path: Path) -> None:
    from PIL import Image

    inputs = tmp_path / "in"
    inputs.mkdir()
    box = _scan(inputs / "scan.png")
    with Case.init(tmp_path / "case") as case:
        ingest(case, [inputs], IngestOptions(ocr="auto", workers=1, production="Scans"))
        (doc,) = list(case.store.iter_documents())
        assert ADDRESS in case.store.pages(doc.id)[0].text  # OCR read it
        pub = create_publication(case, "scans", "Scans")
        add_documents(case, pub, [doc.label])
        result = publish(case, pub, tmp_path / "site")
    assert result.leaks == [] and [m["value"] for m in result.masked] == [ADDRESS]
    html = (tmp_path / "site" / "doc" / "scan.html").read_text("utf-8")
    assert "Contact [e-mail address] about" in html and ADDRESS not in html
    with Image.open(tmp_path / "site" / "pages" / "scan" / "p1.png") as img:
        grey = img.convert("L")
        scale = grey.width / 2550
        cy = int((box[1] + box[3]) / 2 * scale)
        row = [grey.getpixel((int(x * scale), cy)) for x in range(box[0] + 10, box[2] - 10, 20)]
    assert all(abs(v - 0x99) < 24 for v in row), row
