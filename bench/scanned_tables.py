"""The scanned half of bench/tables.py: every labelled page rendered (pypdfium2, 200 dpi), turned
by a small random angle (-1.5..1.5 degrees), given grain (Gaussian noise, sigma 12) and specks
(0.1% of pixels black), then read by uncover's OCR path (analyze/tables/scanned.py: Tesseract
word boxes placed into the cells found on the image) and scored against the same labels."""

from __future__ import annotations

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


def run_scanned(labels: list[dict], score: Callable, args: object) -> None:
    from uncover.analyze.tables.scanned import image_tables
    from uncover.ingest.ocr import TesseractEngine

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    engine = TesseractEngine()
    rng = np.random.default_rng(SEED)
    found: dict[str, dict[int, list]] = {}
    pages = 0
    started = time.perf_counter()
    for doc in labels:
        found[doc["source"]] = {}
        for page in sorted(doc["pages"]):
            image, _ = scanned_render(doc["path"], page, rng)
            found[doc["source"]][page] = [t.grid() for t in image_tables(image, DPI, page, engine)]
            pages += 1
    seconds = time.perf_counter() - started
    s = score(labels, found)
    print(f"\nscanned renders ({DPI} dpi, turned -1.5..1.5 degrees, noise), uncover OCR path, "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}:")
    print(f"  cell accuracy {s['cell_accuracy']:.3f} (filled {s['filled_accuracy']:.3f}, per-table mean "
          f"{s['table_mean']:.3f}), precision {s['precision']:.3f}, recall {s['recall']:.3f} "
          f"(TP/FN/FP {s['tp']}/{s['fn']}/{s['fp']}), {pages / seconds:.3f} pages/s including rendering")
    if getattr(args, "errors", False):
        for name, page, i, right, total in s["per_table"]:
            if right < total:
                print(f"    {name} p{page} table {i}: {right}/{total}")
