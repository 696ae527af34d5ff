"""Benchmark: check a generated 100,000-document load-file production against generic-esi.

Documents are inserted straight through the store API (no files parsed), with Bates numbers, raw
and canonical fields, two pages each sharing one real TIFF blob, and a few seeded defects: a Bates
gap, blank custodians, unreadable dates and a duplicate Bates number. The check must take under
30 s; prints documents/s and the findings.

    .venv/bin/python bench/check.py [--documents 100000]
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    args = parser.parse_args()
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
