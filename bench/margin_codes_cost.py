"""What the second reading of the margin for FBI codes costs, per page, on the labelled scans.

    python bench/margin_codes_cost.py [--every 3]

OCR reads the right margin again (enlarged, as sparse text and as rows) on pages whose text shows
FBI margin codes or whose margin holds ink no word covers, and merges the codes it finds
(ingest/margin_codes.py). This times `TesseractEngine.recognize` with that reading on and off
(`margin_codes=False`: the margin read only for unread ink, no rows reading, no codes merged),
interleaved page by page on every `--every`-th page of the image-only FBI files labelled in
bench/labels/withholdings, and counts the pages of the labelled State PDFs that reach OCR at all
(their own text layer is used: nothing is added there).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))


class CountingEngine:
    """An OCR engine that only counts the pages handed to it."""

    name = "tesseract"

    def __init__(self) -> None:
        from uncover.ingest.ocr import TesseractEngine

        self.engine, self.pages = TesseractEngine(), 0

    def recognize(self, image):  # type: ignore[no-untyped-def]
        self.pages += 1
        return self.engine.recognize(image)


def labelled_files(prefix: str) -> list[str]:
    rows = (ROOT / "bench" / "labels" / "withholdings" / "pages.tsv").read_text("utf-8").splitlines()
    return sorted({r.split("\t")[0] for r in rows if r.startswith(prefix)})


def main() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tempfile

    import pypdfium2 as pdfium

    from uncover.ingest.formats.base import ReadContext
    from uncover.ingest.formats.pdf import READER, render_page
    from uncover.ingest.ocr import TesseractEngine

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=int, default=3, help="time every n-th page of each FBI file")
    args = parser.parse_args()
    engines = {True: TesseractEngine(margin_codes=True), False: TesseractEngine(margin_codes=False)}
    seconds = {True: 0.0, False: 0.0}
    pages = 0
    for path in labelled_files("foia-muckrock-responsive-docs/Jon Burge/Email/"):
        pdf = pdfium.PdfDocument(CORPORA / path)
        for index in range(0, len(pdf), args.every):
            image = render_page(pdf[index])
            for on in ((True, False) if pages % 2 else (False, True)):  # alternate which goes first
                started = time.perf_counter()
                engines[on].recognize(image)
                seconds[on] += time.perf_counter() - started
            pages += 1
    added = (seconds[True] - seconds[False]) / max(1, pages)
    print(f"FBI image pages timed: {pages}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  s/page with the margin codes reading {seconds[True] / max(1, pages):.2f}, without "
          f"{seconds[False] / max(1, pages):.2f}: {added:+.2f} s/page ({added / max(1e-9, seconds[False] / pages):+.0%})")
    counting = CountingEngine()
    state = labelled_files("foia-clinton-state-pdfs/")
    total = 0
    with tempfile.TemporaryDirectory() as scratch:
        for path in state:
            total += len(READER.read(CORPORA / path, ReadContext(Path(scratch), ocr=counting, ocr_mode="auto")).pages)
    print(f"State PDFs: {len(state)} files, {total} pages, {counting.pages} reached OCR: 0 s/page added")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
