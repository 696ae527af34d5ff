"""Load-file volume parse+link speed and memory, against the naive line-split reader FreeEed uses.

Generates a 100,000-document, 500,000-page DAT+OPT volume with text files (no images) in a temp dir,
then times `read_volume(...).records()` (parse the DAT, parse the OPT, join, resolve text paths,
check counts and duplicates) and a naive reader that splits the file on newlines and then on the
separator. 1% of records carry a multi-line field, so the naive reader's record count is wrong.
Optionally ingests a 10,000-document slice (`--ingest`). Prints records/s and peak RSS.

    .venv/bin/python bench/loadfiles.py [--docs 100000] [--ingest]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from uncover.ingest.volume import read_volume

SEP, Q, NL = "\x14", "\u00fe", "\r\n"


def generate(root: Path, docs: int, pages_per_doc: int = 5) -> None:
    (root / "DATA").mkdir(parents=True)
    text_dir = root / "TEXT" / "001"
    text_dir.mkdir(parents=True)
    header = ["BEGBATES", "ENDBATES", "BEGATTACH", "ENDATTACH", "CUSTODIAN", "FROM", "TO", "SUBJECT", "DATESENT",
              "PGCOUNT", "TEXTPATH", "NOTES"]
    with open(root / "DATA" / "VOL001.dat", "w", encoding="utf-8", newline="") as dat, \
            open(root / "DATA" / "VOL001.opt", "w", encoding="utf-8", newline="") as opt:
        dat.write(SEP.join(f"{Q}{h}{Q}" for h in header) + NL)
        for i in range(docs):
            begin = 1 + i * pages_per_doc
            b, e = f"ABC{begin:08d}", f"ABC{begin + pages_per_doc - 1:08d}"
            fam = (i // 4) * 4 * pages_per_doc + 1
            notes = "first line\r\nsecond line" if i % 100 == 0 else "reviewed"
            row = [b, e, f"ABC{fam:08d}", f"ABC{fam + 4 * pages_per_doc - 1:08d}", "Venturella, David",
                   "ice.foia@dhs.gov", "opt-out@ice.dhs.gov", f"Secure Communities opt-out memo {i}",
                   "01/17/2011", str(pages_per_doc), f"TEXT\\001\\{b}.txt", notes]
            dat.write(SEP.join(f"{Q}{v}{Q}" for v in row) + NL)
            for p in range(pages_per_doc):
                key = f"ABC{begin + p:08d}"
                opt.write(f"{key},VOL001,IMAGES\\001\\{key}.tif,{'Y' if p == 0 else ''},,,{pages_per_doc if p == 0 else ''}\r\n")
            (text_dir / f"{b}.txt").write_text("page\f" * (pages_per_doc - 1) + "page", "utf-8")


def naive_reader(path: Path) -> int:
    """FreeEed-style: one line is one record, split on the separator, strip the qualifier."""
    count = 0
    with open(path, encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            [v.strip(Q) for v in line.rstrip("\r\n").split(SEP)]
            count += 1
    return count


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--ingest", action="store_true", help="also ingest a 10,000-document slice")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="uncover-bench-") as tmp:
        root = Path(tmp) / "VOL001"
        t = time.perf_counter()
        generate(root, args.docs)
        print(f"generated {args.docs:,} documents, {args.docs * 5:,} pages in {time.perf_counter() - t:.1f} s; "
              f"RSS {peak_rss_mb():.0f} MB")
        t = time.perf_counter()
        records = pages = warnings = 0
        for rec in read_volume(root).records():
            records += 1
            pages += len(rec.pages)
            warnings += len(rec.warnings)
        ours = time.perf_counter() - t
        print(f"uncover read_volume: {records:,} records, {pages:,} pages in {ours:.1f} s "
              f"({records / ours:,.0f} records/s); {warnings:,} warnings (images absent); peak RSS {peak_rss_mb():.0f} MB")
        t = time.perf_counter()
        naive = naive_reader(root / "DATA" / "VOL001.dat")
        naive_s = time.perf_counter() - t
        print(f"naive line-split reader (DAT only, no OPT/text linking): {naive:,} 'records' in {naive_s:.2f} s "
              f"({naive / naive_s:,.0f}/s) -> {naive - args.docs:+,} records wrong: multi-line fields split in two")
        extra = naive - args.docs
        print(f"ratio: uncover parse+link takes {ours / naive_s:.1f}x the naive split; records right: uncover "
              f"{records:,}/{args.docs:,}, naive {args.docs - extra:,}/{args.docs:,} plus {2 * extra:,} broken fragments")
        if args.ingest:
            from uncover import Case
            from uncover.ingest.volume import ingest_volume

            slice_root = Path(tmp) / "SLICE"
            generate(slice_root, 10_000)
            with Case.init(Path(tmp) / "case") as case:
                t = time.perf_counter()
                counts = ingest_volume(case, slice_root, "bench", ocr="never")
                took = time.perf_counter() - t
            print(f"ingest_volume: {counts.documents:,} documents, {counts.pages:,} pages in {took:.1f} s "
                  f"({counts.documents / took:,.0f} docs/s); peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
