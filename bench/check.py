"""Benchmark: check a generated 100,000-document load-file production against generic-esi; with
--seeded, the precision and recall of the findings on seeded-defect volumes built from real State
Department releases (tests/check/state_volgen.py), against another uncover source tree if given.

Documents are inserted straight through the store API (no files parsed), with Bates numbers, raw
and canonical fields, two pages each sharing one real TIFF blob, and a few seeded defects: a Bates
gap, blank custodians, unreadable dates and a duplicate Bates number. The check must take under
30 s; prints documents/s and the findings.

    .venv/bin/python bench/check.py [--documents 100000]
    .venv/bin/python bench/check.py --seeded [--random 16] [--seed 13] [--baseline-src OTHER_TREE/src]

Seeded: every contiguous run of State e-mails (four runs) clean and with each of the eight defects
(the tests' placement on the first run, a random record on the others), plus --random volumes with a
random run, defect and record. Precision and recall are counted per (finding, document) for this
tree, and per (volume, finding kind) for both trees (the baseline's findings carry merged Bates
ranges, so its per-document figure is not comparable). Ingest and check run in one process per
volume and tree, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from uncover import Case
from uncover.check.checker import check_production
from uncover.ingest.volume import LoadFileRun
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.store.loadfiles import record_run

GAP_AT, BLANK_CUSTODIAN, BAD_DATES, DUPLICATE = 50_000, range(70_000, 70_010), range(80_000, 80_005), 90_000


def _tiff(path: Path) -> Path:
    from PIL import Image

    Image.new("L", (120, 60), 255).save(path, format="TIFF")
    return path


def generate(case: Case, documents: int, scratch: Path) -> float:
    started = time.perf_counter()
    store = case.store
    prod = store.production("BENCH001")
    ingest_id = store.begin_ingest(prod.id, ["generated"], "bench", {})
    image = case.blobs.put_file(_tiff(scratch / "page.tif")).sha256
    header = ["BEGBATES", "ENDBATES", "CUSTODIAN", "FROM", "TO", "SUBJECT", "DATESENT", "FILENAME", "PGCOUNT"]
    with store.transaction():
        record_run(store.conn, ingest_id, prod.id, LoadFileRun(scratch / "VOL001.dat", "dat", {
            "delimiter": "DC4 (0x14)", "qualifier": "þ (U+00FE)", "encoding": "utf-8", "header": True,
            "field_names": header}, documents))
    page_number = 1
    for start in range(0, documents, 10_000):
        with store.transaction():
            for i in range(start, min(start + 10_000, documents)):
                if i == GAP_AT:
                    page_number += 2  # two pages never produced
                number = page_number - 2 if i == DUPLICATE else page_number
                begin, end = f"ICE{number:08d}", f"ICE{number + 1:08d}"
                email = i % 3 == 0
                raw = {"BEGBATES": begin, "ENDBATES": end,
                       "CUSTODIAN": "" if i in BLANK_CUSTODIAN else f"Custodian {i % 40}",
                       "FROM": "a@ice.dhs.gov" if email else "", "TO": "b@ice.dhs.gov" if email else "",
                       "SUBJECT": f"Secure Communities {i}", "DATESENT": "soon" if i in BAD_DATES else "01/17/2011",
                       "FILENAME": f"record-{i}.msg" if email else f"record-{i}.docx", "PGCOUNT": "2"}
                meta = {k: v for k, v in {"bates_begin": begin, "bates_end": end, "custodian": raw["CUSTODIAN"],
                                          "from": raw["FROM"], "to": raw["TO"], "subject": raw["SUBJECT"],
                                          "date_sent": raw["DATESENT"], "filename": raw["FILENAME"],
                                          "page_count": "2"}.items() if v}
                meta["_loadfile"] = {"source": f"VOL001.dat line {i + 2}", "original": "image", "text": "loadfile"}
                doc = Document(id=0, production_id=prod.id, kind=DocumentKind.EMAIL if email else DocumentKind.EDOC,
                               filename=raw["FILENAME"], path="generated", sha256=image, md5="", size=0,
                               custodian=raw["CUSTODIAN"] or None, bates_begin=begin, bates_end=end, page_count=2,
                               metadata=meta, raw_fields=raw)
                pages = [Page(0, n + 1, f"page {n + 1} of record {i}", TextSource.LOADFILE, bates=b, image_ref=image)
                         for n, b in enumerate((begin, end))]
                store.insert_document(doc, None, pages)
                page_number += 0 if i == DUPLICATE else 2
    return time.perf_counter() - started


def _timer():  # noqa: ANN202
    last = [time.perf_counter(), ""]

    def progress(done: int, total: int, name: str) -> None:
        now = time.perf_counter()
        if last[1]:
            print(f"  rule {last[1]:22} {now - last[0]:.1f} s")
        last[:] = [now, name]

    return progress


CHECK_ONE = """
import json, sys, tempfile
from pathlib import Path
from uncover import Case
from uncover.check.checker import check_production
from uncover.ingest.volume import ingest_volume
with tempfile.TemporaryDirectory() as tmp, Case.init(Path(tmp) / "case") as case:
    ingest_volume(case, Path(sys.argv[1]), production="P", ocr="never")
    report = check_production(case, sys.argv[2], "P")
    print(json.dumps([{"rule": f.rule, "documents": getattr(f, "documents", None) or f.bates}
                      for f in report.findings if f.severity in ("deficiency", "warning")]))
"""


def _check(volume: Path, spec: str, src: Path) -> tuple[list[dict[str, object]], float]:
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", CHECK_ONE, str(volume), spec], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1]), time.perf_counter() - started


def _ratio(hit: int, total: int) -> str:
    return f"{hit / total:.3f} ({hit}/{total})" if total else "n/a (0/0)"


def seeded(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "check"))
    from state_volgen import DEFECTS, RUNS, seed

    corpora = Path(args.corpora)
    rng = random.Random(args.seed)
    plan: list[tuple[int, str, random.Random | None]] = []
    for r in range(len(RUNS)):
        for defect in ("clean", *DEFECTS):
            plan.append((r, defect, None if r == 0 else random.Random(rng.random())))
    for _ in range(args.random):
        plan.append((rng.randrange(len(RUNS)), rng.choice(DEFECTS), random.Random(rng.random())))
    trees = {"this tree": Path(__file__).resolve().parents[1] / "src"}
    if args.baseline_src:
        trees["baseline"] = Path(args.baseline_src).resolve()
    doc_tp = doc_reported = doc_expected = 0
    kind = {name: [0, 0, 0] for name in trees}  # true positives, reported, expected
    exact = {name: 0 for name in trees}
    seconds: dict[str, list[float]] = {name: [] for name in trees}
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'volume':32} {'expected':28} " + " ".join(f"{name:32}" for name in trees))
    for n, (run, defect, pick) in enumerate(plan):
        with tempfile.TemporaryDirectory() as tmp:
            volume = Path(tmp) / "VOL001"
            expected = seed(corpora, volume, defect, RUNS[run], pick)
            want_rules = {expected.rule} if expected.rule else set()
            want_docs = {(expected.rule, d) for d in expected.documents}
            shown = []
            order = list(trees.items()) if n % 2 == 0 else list(trees.items())[::-1]  # interleaved A/B
            results = {}
            for name, src in order:
                findings, took = _check(volume, args.spec, src)
                seconds[name].append(took)
                results[name] = findings
            for name in trees:
                findings = results[name]
                rules = {str(f["rule"]) for f in findings}
                kind[name][0] += len(rules & want_rules)
                kind[name][1] += len(rules)
                kind[name][2] += len(want_rules)
                if name == "this tree":
                    got = {(str(f["rule"]), str(d)) for f in findings for d in f["documents"]}  # type: ignore[union-attr]
                    doc_tp += len(got & want_docs)
                    doc_reported += len(got)
                    doc_expected += len(want_docs)
                    ok = got == want_docs
                else:
                    ok = rules == want_rules
                exact[name] += ok
                shown.append(("ok   " if ok else "MISS ") + (",".join(sorted(rules)) or "-")[:27])
            print(f"{f'run {run + 1} {defect}':32} {expected.rule or '-':28} " + " ".join(f"{s:32}" for s in shown))
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\n{len(plan)} volumes ({len(RUNS)} runs x (clean + {len(DEFECTS)} defects) + {args.random} random, "
          f"seed {args.seed}), spec {args.spec}")
    print(f"this tree, per (finding, document): precision {_ratio(doc_tp, doc_reported)}, "
          f"recall {_ratio(doc_tp, doc_expected)}")
    for name in trees:
        tp, reported, wanted = kind[name]
        times = sorted(seconds[name])
        print(f"{name}, per (volume, finding kind): precision {_ratio(tp, reported)}, recall {_ratio(tp, wanted)}; "
              f"volumes reported exactly as seeded {exact[name]}/{len(plan)}; ingest+check s/volume "
              f"min {times[0]:.2f} median {times[len(times) // 2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seeded", action="store_true", help="Precision and recall on seeded-defect volumes.")
    parser.add_argument("--random", type=int, default=16, help="Seeded: further volumes with random defects.")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--spec", default="ndlon-2011")
    parser.add_argument("--baseline-src", help="Seeded: another uncover source tree to compare (its src folder).")
    parser.add_argument("--corpora", default=os.environ.get("UNCOVER_CORPORA", "../shared/corpora"))
    args = parser.parse_args()
    if args.seeded:
        seeded(args)
        return
    with tempfile.TemporaryDirectory() as tmp, Case.init(Path(tmp) / "case") as case:
        seconds = generate(case, args.documents, Path(tmp))
        print(f"generated {args.documents:,} documents in {seconds:.1f} s")
        report = check_production(case, "generic-esi", "BENCH001", progress=_timer())
        rate = report.documents / report.seconds
        print(f"checked {report.documents:,} documents in {report.seconds:.1f} s: {rate:,.0f} documents/s "
              f"({'under' if report.seconds < 30 else 'OVER'} the 30 s target)")
        for f in report.findings:
            print(f"  {f.severity:12} {f.rule:22} {f.bates_summary[:90]}")


if __name__ == "__main__":
    main()
