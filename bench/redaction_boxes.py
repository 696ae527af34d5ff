"""Redaction boxes counted on hand-labelled scanned pages, failed redactions on x-ray-style cases,
and what both cost per page.

    .venv/bin/python bench/redaction_boxes.py [--show-errors] [--repeat N]

Labels: bench/labels/boxes.tsv (159 pages of State Department and FBI releases from the corpora,
UNCOVER_CORPORA, default ../shared/corpora); how they were made is in bench/labels/README.md.
Each page is analysed the way the ingest does it (`find_page_boxes` on the open PDF page: the
boxes drawn in the PDF, and, on a page carrying a scan, the boxes in its image), and its box
count compared with the hand count. Targets: boxes within +-1 of the hand count on >= 90% of
pages; every failed-redaction case caught, with its true character count, and no false alarm.

Cost: per page, the render a box search needs (150 dpi) and the whole analysis, A/B interleaved
over the same pages, best of N; the machine's load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from uncover.analyze.redactions import RASTER_DPI, find_page_boxes

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))
LABELS = ROOT / "bench" / "labels" / "boxes.tsv"
TOLERANCE = 1
TARGET_SHARE = 0.90


@dataclass
class Label:
    set: str
    file: str
    page: int
    boxes: int
    note: str = ""

    @property
    def path(self) -> Path:
        return CORPORA / self.set / self.file

    @property
    def source(self) -> str:
        return "State" if "state" in self.set else "FBI"


@dataclass
class BoxScores:
    pages: int = 0
    within: int = 0
    exact: int = 0
    hand: int = 0
    found: int = 0
    by_source: dict[str, list[int]] = field(default_factory=dict)  # source -> [pages, within]
    errors: list[tuple[Label, int]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.within / self.pages if self.pages else 0.0


def labels(path: Path = LABELS) -> list[Label]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Label(r["set"], r["file"], int(r["page"]), int(r["boxes"]), r.get("note") or "")
                for r in csv.DictReader(fh, delimiter="\t")]


def pages(rows: list[Label]) -> Iterator[tuple[Label, pdfium.PdfPage]]:
    """Each labelled page, open (documents opened once, in label order)."""
    current: tuple[Path, pdfium.PdfDocument] | None = None
    for row in rows:
        if current is None or current[0] != row.path:
            if current is not None:
                current[1].close()
            current = (row.path, pdfium.PdfDocument(row.path))
        yield row, current[1][row.page - 1]
    if current is not None:
        current[1].close()


def score_boxes(rows: list[Label]) -> BoxScores:
    scores = BoxScores()
    for row, page in pages(rows):
        found = len(find_page_boxes(page, row.page))
        ok = abs(found - row.boxes) <= TOLERANCE
        scores.pages += 1
        scores.within += ok
        scores.exact += found == row.boxes
        scores.hand += row.boxes
        scores.found += found
        tally = scores.by_source.setdefault(row.source, [0, 0])
        tally[0] += 1
        tally[1] += ok
        if found != row.boxes:
            scores.errors.append((row, found))
    return scores


@dataclass
class CaseScores:
    failed_cases: int = 0
    caught: int = 0
    true_counts: int = 0
    look_alikes: int = 0
    false_alarms: int = 0
    misses: list[str] = field(default_factory=list)


def score_failed_redactions() -> CaseScores:
    sys.path.insert(0, str(ROOT / "tests" / "analyze"))
    from redaction_cases import CASES  # generated x-ray-style PDFs, shared with the tests

    scores = CaseScores()
    for case in CASES:
        pdf = pdfium.PdfDocument(case.build())
        failed = [r for r in find_page_boxes(pdf[0]) if r.failed]
        pdf.close()
        if case.failed:
            scores.failed_cases += 1
            scores.caught += bool(failed)
            scores.true_counts += sum(r.recoverable_chars for r in failed) == case.chars
            if not failed:
                scores.misses.append(f"missed: {case.name} ({case.what})")
        else:
            scores.look_alikes += 1
            scores.false_alarms += bool(failed)
            if failed:
                scores.misses.append(f"false alarm: {case.name} ({case.what})")
    return scores


def cost(rows: list[Label], repeat: int) -> tuple[list[float], list[float]]:
    """Per page: the best of `repeat` renders at RASTER_DPI, and of `repeat` full analyses,
    interleaved page by page so both see the same cache and load."""
    render_times: list[float] = []
    analysis_times: list[float] = []
    for row, page in pages(rows):
        best_render = best_analysis = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            page.render(scale=RASTER_DPI / 72, grayscale=True)
            t1 = time.perf_counter()
            find_page_boxes(page, row.page)
            t2 = time.perf_counter()
            best_render, best_analysis = min(best_render, t1 - t0), min(best_analysis, t2 - t1)
        render_times.append(best_render)
        analysis_times.append(best_analysis)
    return render_times, analysis_times


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"median {1000 * statistics.median(ordered):.0f} ms, p90 {1000 * ordered[int(0.9 * (len(ordered) - 1))]:.0f} ms, "
            f"max {1000 * ordered[-1]:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="list every page whose count differs")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page for the cost figures (best of)")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        print(f"corpora not found at {CORPORA} (set UNCOVER_CORPORA)", file=sys.stderr)
        return 1
    rows = labels()
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} cores)")
    boxes = score_boxes(rows)
    print(f"\n== boxes on {boxes.pages} hand-labelled pages ({boxes.hand} boxes by hand, {boxes.found} found)")
    print(f"within +-{TOLERANCE} of the hand count: {boxes.within}/{boxes.pages} = {boxes.share:.1%} "
          f"(target >= {TARGET_SHARE:.0%}); exact: {boxes.exact}/{boxes.pages}")
    for source, (n, ok) in sorted(boxes.by_source.items()):
        print(f"  {source}: {ok}/{n} = {ok / n:.1%}")
    if args.show_errors:
        for row, found in boxes.errors:
            print(f"  {row.file} p{row.page}: hand {row.boxes}, found {found}" + (f"  ({row.note})" if row.note else ""))
    cases = score_failed_redactions()
    print(f"\n== failed redactions on {cases.failed_cases + cases.look_alikes} x-ray-style generated cases")
    print(f"caught {cases.caught}/{cases.failed_cases} (true character count on {cases.true_counts}), "
          f"false alarms {cases.false_alarms}/{cases.look_alikes} look-alikes")
    for line in cases.misses:
        print(f"  {line}")
    render, analysis = cost(rows, args.repeat)
    print(f"\n== cost per page over the same {len(rows)} pages (best of {args.repeat}, interleaved)")
    print(f"render at {RASTER_DPI} dpi alone:        {_ms(render)}")
    print(f"boxes + failed redactions (all): {_ms(analysis)}")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    met = boxes.share >= TARGET_SHARE and cases.caught == cases.failed_cases and cases.false_alarms == 0
    print("\ntargets met" if met else "\ntargets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
