"""Withholdings on scanned releases, scored against labels made by hand from the page images.

    python bench/withholdings_scans.py [--workers 2] [--texts DIR] [--show-errors] [--skip-rotation]

Labels (bench/labels/withholdings/, method in its README): every exemption marking printed on
127 pages of FBI scans (MuckRock's copies of the Burge releases, image-only and OCR-layered) and
State Department PDFs, counted per page; and for each FBI deleted page sheet its printed total,
the entries counted by hand and the withheld pages per reason.

Each labelled file is read the way `uncover ingest` reads it (the PDF reader: a page's own text
when usable, else uncover's OCR), and the marks are found as the ingest finds them. Printed:

  (1) per exemption code: precision and recall of marks per page (a page with `b6 -1` three
      times counts three), targets >= 0.99 / >= 0.95; every disagreement with --show-errors;
  (2) deleted page sheets: the total read from each sheet and the entries parsed, against the
      printed total and the hand count, and the withheld pages per reason;
  (3) rotation: CER of Tesseract's gold pages (phototest, eurotext, linn, two UNLV pages) turned
      0/90/180/270 degrees, beside upright; and how often OCR ran the orientation check.

`--texts DIR` keeps the extracted page texts (keyed by file and by a hash of the OCR modules) so a
rerun that changes only the analysis skips the OCR; leave it out for a clean figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "labels" / "withholdings"
CORPORA = Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))
GOLD = (("phototest", "tesseract/phototest.tif", "tesseract/phototest.gold.txt"),
        ("eurotext", "tesseract/eurotext.tif", "tesseract/eurotext.txt"),
        ("linn", "ocrmypdf/linn.png", "ocrmypdf/linn.txt"),
        ("unlv-8071", "tesseract/8071_093.3B.tif", "tesseract/8071_093.3B.txt"),
        ("unlv-8087", "tesseract/8087_054.3B.tif", "tesseract/8087_054.3B.txt"))


@dataclass
class PageLabel:
    path: str
    page: int
    marks: Counter[str]  # code -> marks printed on the page
    sheet: bool  # a deleted page sheet: scored as the set of codes it lists
    note: str = ""


@dataclass
class SheetLabel:
    path: str
    first: int
    last: int
    printed_total: int
    entries: int
    by_reason: Counter[str] | None


@dataclass
class CodeScore:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def precision(self, code: str) -> float:
        found = self.tp[code] + self.fp[code]
        return self.tp[code] / found if found else 1.0

    def recall(self, code: str) -> float:
        labelled = self.tp[code] + self.fn[code]
        return self.tp[code] / labelled if labelled else 1.0

    def codes(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def total(self) -> tuple[float, float]:
        tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        return tp / max(1, tp + fp), tp / max(1, tp + fn)


def _rows(name: str) -> list[list[str]]:
    lines = (LABELS / name).read_text("utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def _counts(text: str) -> Counter[str]:
    return Counter({k: int(v) for k, v in (item.split(":") for item in text.split())}) if text.strip("- ") else Counter()


def load_page_labels() -> list[PageLabel]:
    out = []
    for path, page, marks, *note in _rows("pages.tsv"):
        sheet = marks.startswith("sheet")
        counts = Counter({c: 1 for c in marks.split()[1:]}) if sheet else _counts(marks)
        out.append(PageLabel(path, int(page), counts, sheet, note[0] if note else ""))
    return out


def load_sheet_labels() -> list[SheetLabel]:
    return [SheetLabel(path, int(first), int(last), int(total), int(entries), _counts(reasons) if reasons != "-" else None)
            for path, first, last, total, entries, reasons in _rows("sheets.tsv")]


# -- reading the files as the ingest does ----------------------------------------------------------

def _ocr_version() -> str:
    source = b"".join((ROOT / "src" / "uncover" / "ingest" / name).read_bytes() for name in ("ocr.py", "margin_codes.py", "margin_rules.py"))
    return hashlib.sha256(source).hexdigest()[:12]


def _extract(path: str) -> tuple[str, list[str], int]:
    """The page texts of one file as the PDF reader gives them to the ingest, and how many
    orientation checks OCR ran."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tempfile

    from uncover.ingest.formats.base import ReadContext
    from uncover.ingest.formats.pdf import READER
    from uncover.ingest.ocr import TesseractEngine

    engine = TesseractEngine()
    with tempfile.TemporaryDirectory() as scratch:
        extraction = READER.read(CORPORA / path, ReadContext(Path(scratch), ocr=engine, ocr_mode="auto"))
    return path, [p.text for p in extraction.pages], engine.orientation_checks


def extract_all(paths: list[str], workers: int, cache: Path | None) -> tuple[dict[str, list[str]], int, float]:
    """{path: page texts}, orientation checks run, seconds spent (OCR included)."""
    texts: dict[str, list[str]] = {}
    todo = []
    version = _ocr_version()
    for path in paths:
        cached = cache / f"{hashlib.sha256(path.encode()).hexdigest()[:16]}-{version}.json" if cache else None
        if cached and cached.exists():
            texts[path] = json.loads(cached.read_text("utf-8"))
        else:
            todo.append(path)
    started, checks = time.perf_counter(), 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path, pages, ran in pool.map(_extract, todo):
            texts[path], checks = pages, checks + ran
            if cache:
                cache.mkdir(parents=True, exist_ok=True)
                (cache / f"{hashlib.sha256(path.encode()).hexdigest()[:16]}-{version}.json").write_text(json.dumps(pages))
    return texts, checks, time.perf_counter() - started


# -- scoring ----------------------------------------------------------------------------------------

def score_codes(labels: list[PageLabel], texts: dict[str, list[str]]) -> CodeScore:
    from uncover.analyze.exemptions import CLAIM_THRESHOLD, analyze_page_text

    score = CodeScore()
    for label in labels:
        text = texts[label.path][label.page - 1]
        marks = [m for m in analyze_page_text(text, label.page).marks if m.confidence >= CLAIM_THRESHOLD]
        found = Counter(m.code for m in marks)
        if label.sheet:
            found = Counter({code: 1 for code in found})
        for code in set(found) | set(label.marks):
            hit = min(found[code], label.marks[code])
            score.tp[code] += hit
            score.fp[code] += found[code] - hit
            score.fn[code] += label.marks[code] - hit
            if found[code] != label.marks[code]:
                seen = ", ".join(repr(m.text) for m in marks if m.code == code)
                score.errors.append(f"{label.path} p{label.page} {code}: labelled {label.marks[code]}, found "
                                    f"{found[code]} [{seen}]" + (f"  ({label.note})" if label.note else ""))
    return score


@dataclass
class SheetResult:
    label: SheetLabel
    printed_total: int | None
    entries: int
    by_reason: Counter[str]

    @property
    def ok(self) -> bool:
        return (self.printed_total == self.label.printed_total == self.entries == self.label.entries
                and (self.label.by_reason is None or self.by_reason == self.label.by_reason))


def score_sheets(labels: list[SheetLabel], texts: dict[str, list[str]]) -> list[SheetResult]:
    from uncover.analyze.deleted_pages import find_sheets

    out = []
    for label in labels:
        sheets = [s for s in find_sheets(texts[label.path]) if s.first_page == label.first]
        sheet = sheets[0] if sheets else None
        out.append(SheetResult(label, sheet.printed_total if sheet else None, len(sheet.entries) if sheet else 0,
                               sheet.by_reason() if sheet else Counter()))
    return out


def character_error_rate(text: str, reference: str) -> float:
    """Levenshtein distance over the reference length, whitespace runs folded to one space."""
    import numpy as np

    a, b = (re.sub(r"\s+", " ", t).strip() for t in (text, reference))
    if not a or not b:
        return float(len(a) != len(b))
    target = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    index = np.arange(len(b) + 1)
    previous = index.copy()
    for i, char in enumerate(a, 1):
        current = np.empty_like(previous)
        current[0] = i
        current[1:] = np.minimum(previous[1:] + 1, previous[:-1] + (target != ord(char)))
        previous = np.minimum.accumulate(current - index) + index
    return int(previous[-1]) / len(b)


def rotation_cer(names: tuple[str, ...] | None = None) -> list[tuple[str, dict[int, float], dict[int, int]]]:
    """(page, {angle: CER}, {angle: rotation OCR applied}) for each gold page turned 0..270."""
    from PIL import Image

    from uncover.ingest.ocr import TesseractEngine

    engine = TesseractEngine()
    rows = []
    for name, image_path, text_path in GOLD:
        if names and name not in names:
            continue
        folder = CORPORA / "ocr-scans-and-groundtruth"
        reference = (folder / text_path).read_text("utf-8", errors="replace")
        with Image.open(folder / image_path) as image:
            image.load()
            results = {angle: engine.recognize(image.rotate(angle, expand=True)) for angle in (0, 90, 180, 270)}
        rows.append((name, {a: character_error_rate(r.text, reference) for a, r in results.items()},
                     {a: r.rotation for a, r in results.items()}))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--texts", type=Path, help="keep extracted page texts here between runs")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--skip-rotation", action="store_true")
    args = parser.parse_args()
    pages, sheets = load_page_labels(), load_sheet_labels()
    paths = sorted({p.path for p in pages} | {s.path for s in sheets})
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {len(pages)} labelled pages in {len(paths)} files")
    texts, checks, seconds = extract_all(paths, args.workers, args.texts)
    print(f"read the files as the ingest does in {seconds:.0f} s; orientation checks run: {checks}")

    score = score_codes(pages, texts)
    print("\n(1) exemption marks per page        precision  recall    tp   fp   fn   (targets >= 0.99 / >= 0.95)")
    for code in score.codes():
        print(f"    {code:5s}                           {score.precision(code):8.3f} {score.recall(code):7.3f} "
              f"{score.tp[code]:5d} {score.fp[code]:4d} {score.fn[code]:4d}")
    precision, recall = score.total()
    print(f"    all codes                       {precision:8.3f} {recall:7.3f}")
    for group, prefix in (("FBI", "foia-muckrock"), ("State", "foia-clinton")):
        part = score_codes([p for p in pages if p.path.startswith(prefix)], texts)
        print(f"    {group:5s} pages                     {part.total()[0]:8.3f} {part.total()[1]:7.3f}")
    if args.show_errors:
        print("\n".join(f"      {e}" for e in score.errors) or "      no disagreement")

    print("\n(2) deleted page sheets            printed total  read   entries (hand)  by reason")
    results = score_sheets(sheets, texts)
    for r in results:
        reasons = "agrees" if r.label.by_reason is None or r.by_reason == r.label.by_reason else \
            f"differs: read {dict(r.by_reason)}, labelled {dict(r.label.by_reason)}"
        name = r.label.path.rsplit("/", 1)[-1][-40:]
        print(f"    {name:40s} {r.label.printed_total:5d} {str(r.printed_total):>6s} {r.entries:5d} ({r.label.entries})  {reasons}")
    print(f"    sheets whose entries equal the printed total: {sum(r.ok for r in results)}/{len(results)}")

    if not args.skip_rotation:
        print("\n(3) rotation: CER of gold pages turned by the angle (OCR's own rotation in brackets)")
        for name, cer, turned in rotation_cer():
            cells = "  ".join(f"{a:3d}: {cer[a]:.4f} [{turned[a]:3d}]" for a in (0, 90, 180, 270))
            same = all(abs(cer[a] - cer[0]) < 1e-9 for a in cer)
            print(f"    {name:10s} {cells}  {'same as upright' if same else 'DIFFERS'}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
