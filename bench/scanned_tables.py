"""The scanned half of bench/tables.py: every labelled page rendered (pypdfium2, 200 dpi), turned
by a small random angle (-1.5..1.5 degrees), given grain (Gaussian noise, sigma 12) and specks
(0.1% of pixels black), then put in an image-only PDF (lossless) and read as the product reads
one (analyze/tables/pdf.py, `pdf_tables`: the page check that decides whether a scanned page is
worth OCR, then the OCR path, Tesseract word boxes placed into the cells found on the image)
and scored against the same labels. Pages the check passes over are counted apart."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

DPI = 200
SEED = 20


def scanned_render(path: Path, page: int, rng: np.random.Generator) -> tuple[Image.Image, float]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    image = doc[page - 1].render(scale=DPI / 72).to_pil().convert("L")
    doc.close()
    angle = float(rng.uniform(-1.5, 1.5))
    image = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    pixels = np.asarray(image).astype(np.float32) + rng.normal(0, 12, (image.height, image.width))
    pixels[rng.random(pixels.shape) < 0.001] = 0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), angle


def image_pdf(image: Image.Image, dpi: float) -> bytes:
    """A one-page PDF holding `image` alone at `dpi`, Flate-compressed (no JPEG loss added)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    size = (image.width * 72 / dpi, image.height * 72 / dpi)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=size, invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, *size)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def run_scanned(labels: list[dict], score: Callable, args: object) -> None:
    import pypdfium2 as pdfium

    from uncover.analyze.tables import pdf_tables
    from uncover.analyze.tables.pdf import _scanned_may_hold_table

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    rng = np.random.default_rng(SEED)
    found: dict[str, dict[int, list]] = {}
    pages, passed_over = 0, []
    started = time.perf_counter()
    for doc in labels:
        found[doc["source"]] = {}
        for page in sorted(doc["pages"]):
            image, _ = scanned_render(doc["path"], page, rng)
            data = image_pdf(image, DPI)
            found[doc["source"]][page] = [t.grid() for t in pdf_tables(data, join=False)]
            pages += 1
            scan = pdfium.PdfDocument(data)
            if doc["pages"][page] and not _scanned_may_hold_table(scan[0]):  # what the product's page check decided
                passed_over.append(f"{Path(doc['source']).name} p{page}")
            scan.close()
    seconds = time.perf_counter() - started
    s = score(labels, found)
    print(f"\nscanned renders ({DPI} dpi, turned -1.5..1.5 degrees, noise), read as image-only PDFs by pdf_tables, "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}:")
    print(f"  cell accuracy {s['cell_accuracy']:.3f} (filled {s['filled_accuracy']:.3f}, per-table mean "
          f"{s['table_mean']:.3f}), precision {s['precision']:.3f}, recall {s['recall']:.3f} "
          f"(TP/FN/FP {s['tp']}/{s['fn']}/{s['fp']}), {pages / seconds:.3f} pages/s including rendering")
    with_tables = sum(bool(tables) for doc in labels for tables in doc["pages"].values())
    print(f"  the page check passed over {len(passed_over)} of {with_tables} pages holding a labelled table (no OCR there)"
          + (": " + ", ".join(passed_over) if passed_over else ""))
    if getattr(args, "errors", False):
        for name, page, i, right, total in s["per_table"]:
            if right < total:
                print(f"    {name} p{page} table {i}: {right}/{total}")
