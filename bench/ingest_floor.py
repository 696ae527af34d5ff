"""The least a text-layer page costs beyond raw extraction: what bounds `bench/ingest.py`'s ratio.

    python bench/ingest_floor.py [--rounds 3] [--born-digital 300] [--state 60]

Issue 16 asks a default ingest for 0.60x raw pypdfium2 text extraction. This bench measures, in
one process and in CPU time, the parts of an ingest no setting removes, against raw extraction
of the same pages:

- born-digital PDFs (generated as bench/ingest.py generates them, 2 pages each): the page's
  words indexed as uncover indexes them (Tantivy, words and the word pairs phrase search reads,
  committed once) and its text stored (one SQLite insert a page). Nothing else: no hashing, no
  analysis, no process pool, no interpreter start;
- the State Department's PDFs (UNCOVER_CORPORA, foia-clinton-state-pdfs: scans with a text
  layer): decoding the page's image (PDFium, `FPDFImageObj_GetBitmap`), which finding the
  redaction boxes burned into a scan cannot do without.

Printed per round: CPU ms a page of each part and the best ratio raw / (raw + parts) an ingest
could reach if everything else were free.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import CORPORA, generate_text_pdfs  # noqa: E402


def raw_texts(files: list[Path]) -> list[str]:
    import pypdfium2 as pdfium

    texts = []
    for path in files:
        doc = pdfium.PdfDocument(str(path))
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        doc.close()
    return texts


def index_and_store(texts: list[str], folder: Path) -> None:
    from uncover.search.index import PAIRS_FIELD, SearchIndex, word_pairs

    index = SearchIndex(folder / "index")
    for number in range(0, len(texts), 2):
        text = "\n".join(texts[number:number + 2])
        index.add_values(number + 1, {"text": text, PAIRS_FIELD: word_pairs(text)})
    index.commit()
    index.close()
    conn = sqlite3.connect(folder / "case.db")
    conn.execute("CREATE TABLE pages (document INTEGER, number INTEGER, text TEXT)")
    conn.executemany("INSERT INTO pages VALUES (?, ?, ?)", [(i // 2, i % 2 + 1, t) for i, t in enumerate(texts)])
    conn.commit()
    conn.close()


def decode_images(files: list[Path]) -> int:
    """Decode every page's images as the box search's render must; returns the pages seen."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pages = 0
    for path in files:
        doc = pdfium.PdfDocument(str(path))
        for i in range(len(doc)):
            page = doc[i]
            for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
                obj = pdfium_c.FPDFPage_GetObject(page.raw, k)
                if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                    bitmap = pdfium_c.FPDFImageObj_GetBitmap(obj)
                    if bitmap:
                        pdfium_c.FPDFBitmap_Destroy(bitmap)
            page.close()
            pages += 1
        doc.close()
    return pages


def cpu(fn, *args):  # type: ignore[no-untyped-def]
    started = time.process_time()
    out = fn(*args)
    return out, time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--born-digital", type=int, default=300, help="generated PDFs of 2 pages")
    parser.add_argument("--state", type=int, default=60, help="State Department PDFs (0: none)")
    args = parser.parse_args(argv)
    import pypdfium2  # noqa: F401 - imported before anything is timed

    import uncover.search.index  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="uncover-floor-") as tmp:
        root = Path(tmp)
        generate_text_pdfs(root / "pdfs", args.born_digital, 2)
        born = sorted((root / "pdfs").glob("*.pdf"))
        state = sorted((CORPORA / "foia-clinton-state-pdfs").glob("*.pdf"))[:args.state]
        for round_ in range(args.rounds):
            texts, raw = cpu(raw_texts, born)
            _, rest = cpu(index_and_store, texts, root / f"case-{round_}")
            n = len(texts)
            print(f"round {round_ + 1}, load {os.getloadavg()[0]:.2f}: born-digital, {n} pages: raw extraction "
                  f"{1000 * raw / n:.2f} CPU ms a page, index and store {1000 * rest / n:.2f}: at best "
                  f"{raw / (raw + rest):.2f}x raw")
            if state:
                state_texts, state_raw = cpu(raw_texts, state)
                pages, decode = cpu(decode_images, state)
                print(f"    State PDFs, {pages} pages: raw extraction {1000 * state_raw / pages:.2f} CPU ms a page, "
                      f"image decode {1000 * decode / pages:.2f}: at best {state_raw / (state_raw + decode):.2f}x raw "
                      "before indexing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
