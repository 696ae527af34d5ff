"""Ingest benchmark: `uncover ingest` against the raw tools doing only their part of the work.

    python bench/ingest.py [--pdfs 2000] [--pages 5] [--scans 200] [--workers 2] [--keep DIR]

Prints, in one run and on the same generated files:
  (a) text-layer PDFs: pages/s of a full ingest (hashing, copying originals, SQLite, Tantivy)
      with 1 and 2 workers, against raw pypdfium2 text extraction at the same parallelism, and
      the time the withholdings analysis (exemption marks, vector boxes) adds to it;
  (b) image-only pages: OCR pages/s of the ingest against raw tesserocr on the same page images
      at the same parallelism (one process per worker, OMP_THREAD_LIMIT=1);
  peak RSS of the ingest process and of its largest worker; search p50/p95 over 100 queries.
Targets on a 2-core machine: ingest >= 60% of raw extraction, 2 workers >= 1.7x one, OCR >= 90%
of raw tesserocr, peak RSS < 1 GB, search p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

VOCAB = ("agency records request detainer county sheriff memo program counsel schedule order production "
         "review privilege exemption enforcement immigration fingerprint database state local federal policy "
         "officer field office director deputy legal advisor briefing meeting response deadline court").split()


def _lexicon(size: int = 4000, seed: int = 5) -> tuple[list[str], list[float]]:
    """The domain words plus pseudo-words, with Zipf weights: word frequencies like real prose,
    where a phrase hit is on some pages of a document, not on every line of every page."""
    rng = random.Random(seed)
    syllables = "ba be bo da de di ka ke ko la le li ma me mo na ne ni ra re ro sa se so ta te ti va ve".split()
    words = list(VOCAB) + ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size)]
    return words, [1 / (rank + 1) for rank in range(len(words))]


def generate_text_pdfs(folder: Path, count: int, pages: int, seed: int = 7, dense: bool = False) -> None:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    words, weights = _lexicon()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        buf = io.BytesIO()
        pdf = canvas.Canvas(buf, pagesize=letter, invariant=1)
        for p in range(pages):
            y = 740
            pdf.setFont("Helvetica", 10)
            pdf.drawString(72, 760, f"Document {i} page {p + 1}")
            for _ in range(40):
                line = (rng.choices(VOCAB, k=14) if dense else rng.choices(words, weights, k=14))
                pdf.drawString(72, y, " ".join(line))
                y -= 16
            pdf.showPage()
        pdf.save()
        (folder / f"doc-{i:05d}.pdf").write_bytes(buf.getvalue())


def generate_scans(folder: Path, count: int, seed: int = 11) -> None:
    """Image-only PDFs: one rendered page each, at 300 dpi, no text layer."""
    import pypdfium2 as pdfium

    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "_src"
    generate_text_pdfs(tmp, count, 1, seed)
    for src in sorted(tmp.glob("*.pdf")):
        doc = pdfium.PdfDocument(src)
        image = doc[0].render(scale=300 / 72).to_pil().convert("L")
        doc.close()
        image.save(folder / src.name, format="PDF", resolution=300)
    shutil.rmtree(tmp)


def _raw_text(path: str) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    n = 0
    for page in doc:
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
        n += 1
    doc.close()
    return n


def _raw_ocr(path: str) -> int:
    """Plain tesserocr on the rendered page (no orientation check, margin pass or flags): what
    uncover's OCR is compared with."""
    import pypdfium2 as pdfium
    import tesserocr

    from uncover.ingest.ocr import OCR_DPI, tessdata_path

    api = _raw_ocr.api = getattr(_raw_ocr, "api", None) or tesserocr.PyTessBaseAPI(path=tessdata_path(), lang="eng")  # type: ignore[attr-defined]
    doc = pdfium.PdfDocument(path)
    n = 0
    for page in doc:
        api.SetImage(page.render(scale=OCR_DPI / 72).to_pil())
        api.GetUTF8Text()
        api.AllWordConfidences()
        page.close()
        n += 1
    doc.close()
    return n


def raw_rate(fn, files: list[Path], workers: int) -> float:  # type: ignore[no-untyped-def]
    os.environ["OMP_THREAD_LIMIT"] = "1"
    started = time.perf_counter()
    with get_context("fork").Pool(workers) as pool:
        pages = sum(pool.map(fn, [str(f) for f in files], chunksize=4))
    return pages / (time.perf_counter() - started)


INGEST_SCRIPT = """
import json, resource, sys, time
from uncover import Case
from uncover.ingest import pipeline
from uncover.ingest.pipeline import IngestOptions, ingest
case = Case.init(sys.argv[1])
withholdings = sys.argv[5] == "withholdings"
pipeline.CASE_PASSES[:] = [pipeline.withholdings_pass] if withholdings else []  # not the duplicate passes
t = time.perf_counter()
report = ingest(case, [sys.argv[2]], IngestOptions(workers=int(sys.argv[3]), ocr=sys.argv[4], analyze=withholdings))
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "pages": report.counts.pages, "ocr": report.counts.pages_ocr,
  "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
  "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_ingest(case_dir: Path, source: Path, workers: int, ocr: str, withholdings: bool = False) -> dict[str, float]:
    shutil.rmtree(case_dir, ignore_errors=True)
    out = subprocess.run([sys.executable, "-c", INGEST_SCRIPT, str(case_dir), str(source), str(workers), ocr,
                          "withholdings" if withholdings else "plain"],
                         check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["rate"] = data["pages"] / data["seconds"]
    return data


def search_latency(case_dir: Path, n: int = 100) -> tuple[float, float]:
    from uncover import Case
    from uncover.search.engine import search

    rng = random.Random(3)
    case = Case.open(case_dir)
    queries = []
    for i in range(n):
        a, b, c = rng.sample(VOCAB, 3)
        queries.append([f'"{a} {b}"', f"({a} OR {b}) AND NOT {c}", f"{a}* AND filename:doc", f"{a} AND kind:edoc"][i % 4])
    search(case, queries[0])  # warm the reader
    times = []
    for q in queries:
        t = time.perf_counter()
        search(case, q, limit=20)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdfs", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the generated files and cases here")
    parser.add_argument("--dense", action="store_true",
                        help="draw every word from the 40 domain words (every page holds every query word)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="uncover-bench-"))
    text_dir, scan_dir = root / ("text-pdfs-dense" if args.dense else "text-pdfs-zipf"), root / "scans"
    t = time.perf_counter()
    if not text_dir.exists():
        generate_text_pdfs(text_dir, args.pdfs, args.pages, dense=args.dense)
    if args.scans and not scan_dir.exists():
        generate_scans(scan_dir, args.scans)
    print(f"generated {args.pdfs} PDFs x {args.pages} pages and {args.scans} scanned pages in {time.perf_counter() - t:.0f} s")

    files = sorted(text_dir.glob("*.pdf"))
    w = args.workers
    raw1, raw_w = raw_rate(_raw_text, files, 1), raw_rate(_raw_text, files, w)
    one = run_ingest(root / "case-1", text_dir, 1, "auto")
    many = run_ingest(root / f"case-{w}", text_dir, w, "auto")
    print("\n(a) text-layer PDFs            pages/s   vs raw pypdfium2")
    print(f"    raw pypdfium2, 1 process   {raw1:8.0f}")
    print(f"    raw pypdfium2, {w} processes {raw_w:8.0f}")
    print(f"    uncover ingest, 1 worker   {one['rate']:8.0f}   {one['rate'] / raw1:5.2f}x")
    print(f"    uncover ingest, {w} workers  {many['rate']:8.0f}   {many['rate'] / raw_w:5.2f}x   (target >= 0.60)")
    print(f"    scaling {w} workers / 1      {many['rate'] / one['rate']:5.2f}x (target >= 1.7)")
    marked = run_ingest(root / "case-withholdings", text_dir, w, "auto", withholdings=True)
    print(f"    with exemption marks and vector boxes, {w} workers {marked['rate']:6.0f}   "
          f"+{marked['seconds'] / many['seconds'] - 1:5.1%} time (target <= +15%)")
    rss = max(one["rss_self_mb"], many["rss_self_mb"]), max(one["rss_worker_mb"], many["rss_worker_mb"])

    if args.scans:
        scans = sorted(scan_dir.glob("*.pdf"))
        raw_ocr = raw_rate(_raw_ocr, scans, w)
        ocr = run_ingest(root / "case-ocr", scan_dir, w, "auto")
        print("\n(b) image-only pages (OCR)     pages/s   vs raw tesserocr")
        print(f"    raw tesserocr, {w} processes {raw_ocr:8.2f}")
        print(f"    uncover ingest, {w} workers  {ocr['rate']:8.2f}   {ocr['rate'] / raw_ocr:5.2f}x   (target >= 0.90)")
        rss = max(rss[0], ocr["rss_self_mb"]), max(rss[1], ocr["rss_worker_mb"])

    p50, p95 = search_latency(root / f"case-{w}")
    print(f"\npeak RSS: ingest process {rss[0]:.0f} MB, largest worker {rss[1]:.0f} MB (target < 1024 MB)")
    print(f"search over {one['pages']} pages: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < 50 ms)")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
