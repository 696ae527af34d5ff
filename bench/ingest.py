"""Ingest benchmark: the default `uncover ingest` against raw pypdfium2 on the same real files.

    python bench/ingest.py [--rounds 5] [--copies 3] [--workers 2] [--baseline REF] [--scans 0] [--keep DIR]

(a) Text-layer PDFs: the State Department's released PDFs of the corpora (UNCOVER_CORPORA,
    foia-clinton-state-pdfs: real OCR'd text layers, stamps and black boxes), each copied --copies
    times under its own name. Each round runs, one after the other so every variant sees the same
    load: raw pypdfium2 text extraction in a pool of W processes, then `uncover ingest CASE DIR`
    with its defaults (OCR auto, withholdings and the case passes on: what a user runs) and
    `--workers W`; then the same with one process each. Both sides are timed as whole commands
    (interpreter start and imports included). Printed: min and median pages/s per variant, the
    ratio of medians, the load average during the variant, and the ingest's peak RSS.
    With --baseline REF, the ingest of commit REF (exported with `git archive`) runs in the same
    rounds.
    With --born-digital N, the same rounds also ingest N generated born-digital PDFs of 2 pages
    (text drawn by reportlab, no page image): the text-layer case without scans to search for boxes.
(b) With --scans N: N generated image-only pages, OCR pages/s of the ingest against raw tesserocr
    on the same page images at the same parallelism (one process per worker, OMP_THREAD_LIMIT=1).
Targets on a 2-core machine: ingest >= 0.60x raw extraction at equal parallelism, 2 workers >= 1.7x
one, OCR >= 0.90x raw tesserocr, peak RSS < 1 GB.
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

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))

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


RAW_SCRIPT = """
import sys, time
from multiprocessing import get_context
sys.path.insert(0, sys.argv[1])
from ingest import _raw_text
files = sys.argv[3:]
with get_context("fork").Pool(int(sys.argv[2])) as pool:
    print(sum(pool.map(_raw_text, files, chunksize=4)))
"""

# The CLI, run in-process by a wrapper that prints its peak RSS (self and largest worker) at exit.
INGEST_SCRIPT = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from uncover.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exc:
    if exc.code:
        raise
print(json.dumps({"rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}), file=sys.stderr)
"""


def raw_rate(fn, files: list[Path], workers: int) -> float:  # type: ignore[no-untyped-def]
    os.environ["OMP_THREAD_LIMIT"] = "1"
    started = time.perf_counter()
    with get_context("fork").Pool(workers) as pool:
        pages = sum(pool.map(fn, [str(f) for f in files], chunksize=4))
    return pages / (time.perf_counter() - started)


def _cpu_seconds() -> float:
    """User and system seconds of this process's finished children (each command and its workers)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_raw(files: list[Path], workers: int) -> tuple[float, int, float]:
    """(seconds, pages, CPU seconds) of raw pypdfium2 extraction as a whole command."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    out = subprocess.run([sys.executable, "-c", RAW_SCRIPT, str(Path(__file__).parent), str(workers), *map(str, files)],
                         check=True, capture_output=True, text=True)
    return time.perf_counter() - started, int(out.stdout.strip()), _cpu_seconds() - cpu


def run_ingest(src: Path, case_dir: Path, source: Path, workers: int, extra: tuple[str, ...] = ()) -> dict[str, float]:
    """`uncover ingest CASE SOURCE --workers W` with every other option at its default."""
    shutil.rmtree(case_dir, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started, cpu = time.perf_counter(), _cpu_seconds()
    out = subprocess.run([sys.executable, "-c", INGEST_SCRIPT, str(src), "ingest", str(case_dir), str(source),
                          "--workers", str(workers), "--json", *extra], check=True, capture_output=True, text=True, env=env)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    report = json.loads(out.stdout)
    data = json.loads(out.stderr.strip().splitlines()[-1])
    data.update(seconds=seconds, cpu=cpu, pages=report["counts"]["pages"], ocr=report["counts"]["pages_ocr"],
                exceptions=report["counts"]["exceptions"])
    return data


def state_pdfs(into: Path, copies: int) -> list[Path]:
    folder = CORPORA / "foia-clinton-state-pdfs"
    found = sorted(folder.rglob("*.pdf"))
    if not found:
        sys.exit(f"no State PDFs in {folder}: set UNCOVER_CORPORA")
    into.mkdir(parents=True, exist_ok=True)
    files = []
    for copy in range(copies):
        for pdf in found:
            copied = into / f"{pdf.stem}-{copy}.pdf"  # a copy: ingest records a symbolic link as a link
            if not copied.exists():
                shutil.copyfile(pdf, copied)
            files.append(copied)
    return files


def export_tree(ref: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def summarise(name: str, rates: list[float], loads: list[float], cpu_ms: list[float], against: list[float] | None = None,
              target: str = "") -> str:
    """One variant: pages/s (min, median), the ratio of medians, CPU ms a page (median: steadier than
    wall time on a shared machine) and the load."""
    line = f"    {name:36} {min(rates):8.1f} {statistics.median(rates):8.1f}"
    if against:
        line += f"   {statistics.median(rates) / statistics.median(against):5.2f}x"
    else:
        line += "         "
    return line + f"  {statistics.median(cpu_ms):8.1f}   load {min(loads):.1f}-{max(loads):.1f}{'   ' + target if target else ''}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=3, help="each State PDF copied this many times (more pages)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", metavar="REF", help="also time the ingest of this commit (e.g. main)")
    parser.add_argument("--one", action="store_true", help="skip the 1-worker rounds (no scaling figure)")
    parser.add_argument("--no-analyze-too", action="store_true",
                        help="also time `uncover ingest --no-analyze` (no withholdings or case passes): what they cost")
    parser.add_argument("--born-digital", type=int, default=0, metavar="N",
                        help="also time N generated born-digital PDFs of 2 pages (no page images) in the same rounds")
    parser.add_argument("--scans", type=int, default=0, help="also time OCR on this many generated scanned pages")
    parser.add_argument("--keep", type=Path, help="keep the files and cases here")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="uncover-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    source = root / f"state-pdfs-x{args.copies}"
    files = state_pdfs(source, args.copies)
    trees = {"uncover": ROOT / "src"}
    extras: dict[str, tuple[str, ...]] = {"uncover": ()}
    if args.no_analyze_too:
        trees["uncover --no-analyze"] = ROOT / "src"
        extras["uncover --no-analyze"] = ("--no-analyze",)
    if args.baseline:
        trees[f"uncover {args.baseline}"] = export_tree(args.baseline, root / "baseline")
        extras[f"uncover {args.baseline}"] = ()
    w = args.workers
    counts = [w] if args.one else [w, 1]
    rates: dict[str, list[float]] = {}
    loads: dict[str, list[float]] = {}
    rss = [0.0, 0.0]

    cpu_ms: dict[str, list[float]] = {}

    def record(name: str, seconds: float, n: int, cpu: float) -> None:
        rates.setdefault(name, []).append(n / seconds)
        loads.setdefault(name, []).append(os.getloadavg()[0])
        cpu_ms.setdefault(name, []).append(1000 * cpu / n)

    sets = {"State PDFs": (source, files)}
    if args.born_digital:
        generated = root / f"born-digital-{args.born_digital}"
        if not generated.exists():
            generate_text_pdfs(generated, args.born_digital, 2)
        sets["born-digital PDFs"] = (generated, sorted(generated.glob("*.pdf")))
    pages: dict[str, int] = {}

    print(f"{len(files)} State PDFs ({args.copies} copies of each)"
          + (f", {args.born_digital} born-digital PDFs" if args.born_digital else "") + f", {args.rounds} interleaved rounds",
          flush=True)
    for r in range(args.rounds):
        for label, (folder, inputs) in sets.items():
            for workers in counts:
                seconds, pages[label], cpu = run_raw(inputs, workers)
                record(f"{label}: raw pypdfium2, {workers} processes", seconds, pages[label], cpu)
                for name, src in trees.items():
                    data = run_ingest(src, root / "case", folder, workers, extras[name])
                    record(f"{label}: {name} ingest, {workers} workers", data["seconds"], data["pages"], data["cpu"])
                    rss = [max(rss[0], data["rss_self_mb"]), max(rss[1], data["rss_worker_mb"])]
                    if data["pages"] != pages[label] or data["exceptions"]:
                        print(f"    note: ingest counted {data['pages']} pages ({data['exceptions']} exceptions), raw {pages[label]}")
        print(f"  round {r + 1} done", flush=True)

    for label in sets:
        print(f"\n(a) {label}, {pages[label]} text-layer pages     pages/s:  min   median   vs raw  CPU ms/page  load (1 min)")
        for workers in counts:
            raw_key = f"{label}: raw pypdfium2, {workers} processes"
            raw = rates[raw_key]
            print(summarise(f"raw pypdfium2, {workers} processes", raw, loads[raw_key], cpu_ms[raw_key]))
            for name in trees:
                key = f"{label}: {name} ingest, {workers} workers"
                print(summarise(f"{name} ingest, {workers} workers", rates[key], loads[key], cpu_ms[key], raw,
                                "(target >= 0.60x)" if name == "uncover" else ""))
        if not args.one:
            for name in trees:
                many, one = rates[f"{label}: {name} ingest, {w} workers"], rates[f"{label}: {name} ingest, 1 workers"]
                print(f"    {name}: {w} workers / 1 worker = {statistics.median(many) / statistics.median(one):.2f}x "
                      "(medians; target >= 1.7x)")
            raw_many, raw_one = rates[f"{label}: raw pypdfium2, {w} processes"], rates[f"{label}: raw pypdfium2, 1 processes"]
            print(f"    raw pypdfium2: {w} processes / 1 = {statistics.median(raw_many) / statistics.median(raw_one):.2f}x")
    print(f"    peak RSS: ingest process {rss[0]:.0f} MB, largest worker {rss[1]:.0f} MB (target < 1024 MB)")

    if args.scans:
        scan_dir = root / "scans"
        if not scan_dir.exists():
            generate_scans(scan_dir, args.scans)
        scans = sorted(scan_dir.glob("*.pdf"))
        raw_ocr = raw_rate(_raw_ocr, scans, w)
        ocr = run_ingest(ROOT / "src", root / "case-ocr", scan_dir, w)
        print("\n(b) image-only pages (OCR)     pages/s   vs raw tesserocr")
        print(f"    raw tesserocr, {w} processes {raw_ocr:8.2f}")
        print(f"    uncover ingest, {w} workers  {ocr['pages'] / ocr['seconds']:8.2f}   "
              f"{ocr['pages'] / ocr['seconds'] / raw_ocr:5.2f}x   (target >= 0.90)")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
