"""Benchmark of publishing: a 1,000-document, 10,000-page publication built into a static site.

    .venv/bin/python bench/publish.py                 # 1,000 documents of 10 pages each
    .venv/bin/python bench/publish.py --docs 100 --keep /tmp/bench-publish

Generates reportlab PDFs of 10 pages (random words, a Bates-like heading), ingests them with
ocr="never", publishes them all (page images rendered from the originals, text, search index,
feed, sitemap) and runs the leak check. The budget is 5 minutes for the publish step, page
images included; the figures printed are wall-clock seconds per stage and the site's size.
Page images are rendered fresh (the render cache starts empty).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("detainer secure communities opt out county sheriff jurisdiction memo draft release briefing field office "
         "director deputy policy interoperability fingerprint biometric enforcement removal custody transfer local "
         "agreement participation mandatory voluntary program deployment statistics weekly report congress press "
         "statement talking points meeting schedule budget contract").split()
BUDGET_S = 300
WORDS_PER_LINE = 11  # a line that fits the page: text running off the page is hidden text, analysed as such


def make_pdfs(folder: Path, docs: int, pages: int, seed: int = 7) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(docs):
        c = canvas.Canvas(str(folder / f"doc{d:05d}.pdf"), pagesize=letter)
        c.setTitle(f"Memo {d}: {' '.join(rng.sample(WORDS, 4))}")
        for p in range(pages):
            c.setFont("Helvetica-Bold", 12)
            c.drawString(72, 740, f"MEMORANDUM {d}-{p + 1}")
            c.setFont("Helvetica", 10)
            for line in range(40):
                c.drawString(72, 715 - line * 15, " ".join(rng.choice(WORDS) for _ in range(WORDS_PER_LINE)))
            c.showPage()
        c.save()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="Keep the case and site in this folder.")
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()

    from uncover import Case
    from uncover.ingest.pipeline import IngestOptions, ingest
    from uncover.publish import create_publication, freeze_search, publish

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-publish-"))
    if work.exists() and args.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    make_pdfs(work / "pdfs", args.docs, args.pages)
    print(f"generated {args.docs} PDFs of {args.pages} pages in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    with Case.init(work / "case") as case:
        ingest(case, [work / "pdfs"], IngestOptions(ocr="never", workers=args.workers, production="Bench production"))
        print(f"ingested in {time.perf_counter() - t:.1f} s")
        pub = create_publication(case, "bench", "Bench reading room", introduction="All the bench records.",
                                 guide="The first memo [[DOC-000001 p3]].", base_url="https://example.org/bench/")
        frozen = freeze_search(case, pub, "memorandum")
        print(f"frozen search matched {frozen.matched} documents")
        t = time.perf_counter()
        result = publish(case, pub, work / "site", pdf=True, workers=args.workers or None)
        wall = time.perf_counter() - t
    f = result.figures
    print(f"publish: {f.documents} documents, {f.pages} pages, {f.images} page images in {wall:.1f} s "
          f"(budget {BUDGET_S} s: {'ok' if wall < BUDGET_S else 'OVER'})")
    print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()))
    print(f"site: {f.files} files, {f.bytes / 1e6:.1f} MB ({f.bytes / max(f.pages, 1) / 1e3:.1f} kB per page), "
          f"{f.index_terms} index terms; leaks found: {len(result.leaks)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if wall < BUDGET_S and not result.leaks else 1


if __name__ == "__main__":
    sys.exit(main())
