"""Pages per second of the PDF reader against raw pypdfium2 text extraction of the same files.

    .venv/bin/python bench/pdf_reader_throughput.py [FOLDER] [--repeat N]

FOLDER defaults to the State Department release in the corpora (UNCOVER_CORPORA, default
../shared/corpora). Single process, OCR off ("auto" with no engine costs the same when every
page has a text layer); best of N runs each, alternating, so both see the same warm file cache.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from uncover.ingest.formats import ReadContext
from uncover.ingest.formats.pdf import READER


def raw_pages(files: list[Path]) -> int:
    pages = 0
    for path in files:
        pdf = pdfium.PdfDocument(path)
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            textpage.get_text_bounded()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
    return pages


def reader_pages(files: list[Path], ctx: ReadContext) -> int:
    return sum(len(READER.read(path, ctx).pages) for path in files)


def main() -> int:
    root = Path(os.environ.get("UNCOVER_CORPORA", Path(__file__).resolve().parents[2] / "shared" / "corpora"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=root / "foia-clinton-state-pdfs")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.pdf"))
    if not files:
        print(f"no PDFs in {args.folder}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        ctx = ReadContext(Path(scratch), ocr=None, ocr_mode="auto")
        best = {"raw pypdfium2": float("inf"), "uncover reader": float("inf")}
        for _ in range(args.repeat):
            for label, run in (
                ("raw pypdfium2", lambda: raw_pages(files)),
                ("uncover reader", lambda: reader_pages(files, ctx)),
            ):
                start = time.perf_counter()
                pages = run()
                best[label] = min(best[label], time.perf_counter() - start)
    for label, seconds in best.items():
        print(f"{label:15} {pages} pages in {seconds:.3f} s: {pages / seconds:,.0f} pages/s")
    print(
        f"reader / raw throughput: {best['raw pypdfium2'] / best['uncover reader']:.0%} ({len(files)} files)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
