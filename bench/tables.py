"""Benchmark: tables on released pages, uncover against the libraries a user would pick.

Scores every extractor on the labelled tables of the `pdf-tables-gov` corpus set
(bench/labels/tables/, method and counting rules in its README): cell accuracy, detection
precision and recall, pages/s, in one run, extractors interleaved round by round (min and median
of the rounds). uncover also reports how many continued tables it joined. Library defaults:

- uncover: `uncover.analyze.tables.pdf_tables` (pdfplumber's rule finder, own grid reading)
- pdfplumber (MIT): `page.find_tables()` then `.extract()`
- camelot-py (MIT): `camelot.read_pdf(path, pages=...)` (lattice, its default)
- img2table (MIT): `PDF(path).extract_tables()` (no OCR: the text layer)

`--scanned` scores the same labelled pages rendered to images (pypdfium2, 200 dpi), turned by a
small angle and given noise, read by uncover's OCR path (Tesseract word boxes placed in the
cells found on the image) against the same labels.

`--muckrock` scores detection precision on real releases: 48 detections on MuckRock responses
and the 13 tables a default ingest reported on the FBI e-mail files, labelled true or false
(bench/labels/tables/muckrock/), detected again.

    PYTHONPATH=src python bench/tables.py [--rounds 3] [--only uncover,pdfplumber] [--scanned] [--muckrock]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))
LABELS = ROOT / "bench" / "labels" / "tables"

Grid = list[list[str]]
PageTables = dict[int, list[Grid]]  # page -> grids found there
Extractor = Callable[[Path, list[int]], PageTables]


def norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def load_labels() -> list[dict]:
    out = []
    for path in sorted(LABELS.glob("*.json")):
        data = json.loads(path.read_text())
        data["path"] = CORPORA / data["source"]
        data["pages"] = {int(k): v for k, v in data["pages"].items()}
        out.append(data)
    return out


# --- extractors -------------------------------------------------------------------------------

def run_uncover(path: Path, pages: list[int]) -> PageTables:
    from uncover.analyze.tables import pdf_tables

    out: PageTables = {p: [] for p in pages}
    for t in pdf_tables(path, pages=pages, join=False):
        out[t.page].append(t.grid())
    return out


def run_pdfplumber(path: Path, pages: list[int]) -> PageTables:
    import pdfplumber

    out: PageTables = {}
    with pdfplumber.open(path) as pdf:
        for p in pages:
            out[p] = [[[c or "" for c in row] for row in t.extract()] for t in pdf.pages[p - 1].find_tables()]
    return out


def run_camelot(path: Path, pages: list[int]) -> PageTables:
    import camelot

    out: PageTables = {p: [] for p in pages}
    for t in camelot.read_pdf(str(path), pages=",".join(map(str, pages))):
        out.setdefault(int(t.page), []).append([[str(c) for c in row] for row in t.df.values.tolist()])
    return out


def run_img2table(path: Path, pages: list[int]) -> PageTables:
    from img2table.document import PDF

    found = PDF(str(path), pages=[p - 1 for p in pages]).extract_tables()
    out: PageTables = {p: [] for p in pages}
    for index, tables in found.items():
        for t in tables:
            out[index + 1].append([["" if c is None or c != c else str(c) for c in row] for row in t.df.values.tolist()])
    return out


EXTRACTORS: dict[str, Extractor] = {"uncover": run_uncover, "pdfplumber": run_pdfplumber,
                                    "camelot": run_camelot, "img2table": run_img2table}


# --- scoring ------------------------------------------------------------------------------------

def label_cells(rows: list[list]) -> list[tuple[int, int, int, int, str]]:
    """(row, col, rowspan, colspan, text) of every labelled cell; covered positions are skipped."""
    out = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, dict):
                out.append((r, c, cell["rowspan"], cell["colspan"], cell["text"]))
            else:
                out.append((r, c, 1, 1, cell))
    return out


def tidy(grid: Grid) -> Grid:
    """The extracted grid without rows and columns that are empty throughout."""
    rows = [r for r in grid if any(norm(c) for c in r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    keep = [j for j in range(width) if any(norm(r[j]) for r in rows)]
    return [[r[j] for j in keep] for r in rows]


def score_cells(label: list[list], grid: Grid) -> tuple[int, int, int, int]:
    """(right cells, cells, right non-empty cells, non-empty cells) at the best row and column
    offset (-2..2): a caption row an extractor keeps above the grid shifts it, it does not
    make every cell wrong."""
    cells = label_cells(label)
    best = None
    for dr in range(-2, 3):
        for dc in range(-2, 3):
            right = right_full = 0
            for r, c, rs, cs, text in cells:
                got = []
                for rr in range(r + dr, r + dr + rs):
                    for cc in range(c + dc, c + dc + cs):
                        if 0 <= rr < len(grid) and 0 <= cc < len(grid[rr]):
                            got.append(grid[rr][cc])
                ok = norm("".join(got)) == norm(text)
                right += ok
                right_full += ok and bool(norm(text))
            if best is None or right > best[0]:
                best = (right, right_full)
    full = sum(1 for *_, text in cells if norm(text))
    return best[0], len(cells), best[1], full


def overlap(label: list[list], grid: Grid) -> float:
    """Share of the label's filled cell texts found among the grid's cell texts (any place):
    which extracted table is this labelled one."""
    want = [norm(t) for *_, t in label_cells(label) if norm(t)]
    have = {}
    for row in grid:
        for c in row:
            have[norm(c)] = have.get(norm(c), 0) + 1
    joined = "".join(norm(c) for row in grid for c in row)
    hit = 0
    for t in want:
        if have.get(t):
            have[t] -= 1
            hit += 1
        elif len(t) >= 4 and t in joined:
            hit += 0.5
    return hit / max(1, len(want))


def score(labels: list[dict], found: dict[str, PageTables]) -> dict:
    tp = fn = fp = 0
    right = cells = right_full = full = 0
    per_table = []
    for doc in labels:
        got_doc = found[doc["source"]]
        for page, tables in doc["pages"].items():
            grids = [tidy(g) for g in got_doc.get(page, [])]
            grids = [g for g in grids if g]
            used: set[int] = set()
            pairs = sorted(((overlap(t["rows"], g), i, j) for i, t in enumerate(tables) for j, g in enumerate(grids)),
                           reverse=True)
            match: dict[int, int] = {}
            for s, i, j in pairs:
                if s >= 0.2 and i not in match and j not in used:
                    match[i] = j
                    used.add(j)
            for i, t in enumerate(tables):
                n_cells = len(label_cells(t["rows"]))
                n_full = sum(1 for *_, x in label_cells(t["rows"]) if norm(x))
                if i in match:
                    tp += 1
                    r, n, rf, nf = score_cells(t["rows"], grids[match[i]])
                else:
                    fn += 1
                    r, n, rf, nf = 0, n_cells, 0, n_full
                right += r
                cells += n
                right_full += rf
                full += nf
                per_table.append((doc["source"].split("/")[-1], page, i, r, n))
            fp += len(grids) - len(used)
    return {"tp": tp, "fn": fn, "fp": fp, "precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn),
            "cell_accuracy": right / max(1, cells), "cells": cells, "filled_accuracy": right_full / max(1, full),
            "table_mean": sum(r / n for *_, r, n in per_table) / max(1, len(per_table)), "per_table": per_table}


def joined_continuations(labels: list[dict]) -> tuple[int, int, int]:
    """(continuations labelled, joined by uncover, false joins) over the labelled pages."""
    from uncover.analyze.tables import pdf_tables

    want = got = false = 0
    for doc in labels:
        pages = sorted(doc["pages"])
        pairs = {(p, p + 1) for p in pages if any(t.get("continues_on_next_page") for t in doc["pages"][p])
                 and p + 1 in doc["pages"]}
        want += len(pairs)
        tables = pdf_tables(doc["path"], pages=pages)
        for t in tables:
            for a, b in zip(t.pages, t.pages[1:], strict=False):
                if (a, b) in pairs:
                    got += 1
                else:
                    false += 1
    return want, got, false


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated extractors")
    parser.add_argument("--scanned", action="store_true", help="also score OCR of rendered, turned, noisy pages")
    parser.add_argument("--errors", action="store_true", help="print uncover's wrong cells")
    parser.add_argument("--muckrock", action="store_true", help="also score detection precision on labelled MuckRock detections")
    args = parser.parse_args(argv)
    if not CORPORA.is_dir():
        print(f"corpora not found at {CORPORA} (set UNCOVER_CORPORA)", file=sys.stderr)
        return 2
    labels = load_labels()
    names = [n for n in EXTRACTORS if not args.only or n in args.only.split(",")]
    n_pages = sum(len(d["pages"]) for d in labels)
    n_tables = sum(len(t) for d in labels for t in d["pages"].values())
    print(f"{n_tables} labelled tables on {n_pages} labelled pages of {len(labels)} PDFs")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} cores)")
    times: dict[str, list[float]] = {n: [] for n in names}
    results: dict[str, dict[str, PageTables]] = {n: {} for n in names}
    failures: dict[str, str] = {}
    crashed: dict[str, dict[str, str]] = {}
    for rnd in range(args.rounds):
        order = names[rnd % len(names):] + names[: rnd % len(names)]
        for name in order:
            if name in failures:
                continue
            started = time.perf_counter()
            try:
                for doc in labels:
                    try:
                        results[name][doc["source"]] = EXTRACTORS[name](doc["path"], sorted(doc["pages"]))
                    except ImportError:
                        raise
                    except Exception as exc:  # the library failed on this PDF: it found nothing there
                        results[name][doc["source"]] = {}
                        crashed.setdefault(name, {})[doc["source"].split("/")[-1]] = f"{type(exc).__name__}: {exc}"[:120]
            except ImportError as exc:
                failures[name] = f"not installed ({exc.name})"
                continue
            times[name].append(time.perf_counter() - started)
    print(f"load average after runs: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"\n{'extractor':<11} {'cell acc':>8} {'filled':>7} {'per-table':>9} {'precision':>9} {'recall':>7} "
          f"{'TP/FN/FP':>9} {'pages/s min':>11} {'median':>7}")
    for name in names:
        if name in failures:
            print(f"{name:<11} {failures[name]}")
            continue
        s = score(labels, results[name])
        best, mid = min(times[name]), median(times[name])
        counts = f"{s['tp']}/{s['fn']}/{s['fp']}"
        print(f"{name:<11} {s['cell_accuracy']:8.3f} {s['filled_accuracy']:7.3f} {s['table_mean']:9.3f} "
              f"{s['precision']:9.3f} {s['recall']:7.3f} {counts:>9} {n_pages / best:11.2f} {n_pages / mid:7.2f}")
        for pdf, error in crashed.get(name, {}).items():
            print(f"    failed on {pdf}: {error}")
        if args.errors and name == "uncover":
            for doc, page, i, r, n in s["per_table"]:
                if r < n:
                    print(f"    {doc} p{page} table {i}: {r}/{n}")
    print(f"({s['cells'] if names else 0} labelled cells; 'filled' counts only cells with text; pages/s: best round, median round)")
    if "uncover" in names:
        want, got, false = joined_continuations(labels)
        print(f"uncover continuations: {got} of {want} labelled page breaks joined, {false} false joins")
    if args.scanned:
        from scanned_tables import run_scanned  # bench/scanned_tables.py

        run_scanned(labels, score, args)
    if args.muckrock:
        from muckrock_tables import run_muckrock  # bench/muckrock_tables.py

        run_muckrock(CORPORA)
    return 0


if __name__ == "__main__":
    sys.exit(main())
