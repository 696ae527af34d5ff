"""Custody benchmark: what proving the originals costs, beside what a user would otherwise do.

    .venv/bin/python bench/custody.py [--large 200] [--small 500] [--rounds 5] [--keep DIR]

On one generated case (`--large` originals of 1 MB and `--small` of 20 KB, text files) it prints,
A/B interleaved over `--rounds`, min and median, with the machine's load average beside each:
  (a) the check on each hand-out of an original (`custody.intact_original`: one stat and one
      indexed row while the file is as the last check left it) against no check at all (the
      `is_file()` the web app did before) and against re-hashing the file on every hand-out;
  (b) `export` of the whole case with the checks (each original checked first, then hashed while
      it is copied) against the same export copying with plain `shutil.copyfile`, as before;
  (c) `uncover verify` (every original re-hashed, database quick_check, audit log) against
      `sha256sum` over the originals folder, what a user would run by hand.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

WORDS = "records request detainer county sheriff memo opt out program agency counsel schedule order field".split()


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def make_production(folder: Path, large: int, small: int) -> None:
    rng = random.Random(3)
    folder.mkdir(parents=True)
    for i in range(large):
        words = " ".join(rng.choice(WORDS) for _ in range(20000))
        text = (f"Large record {i}. " + words + "\n") * 8
        (folder / f"large-{i:04d}.txt").write_text(text[: 1024 * 1024], "utf-8")
    for i in range(small):
        (folder / f"small-{i:04d}.txt").write_text((f"Small record {i}. " + " ".join(rng.choice(WORDS) for _ in range(3000)))[:20_000], "utf-8")


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def report(name: str, samples: list[float], unit: str, scale: float) -> None:
    print(f"  {name:<44} min {min(samples) * scale:10.1f} {unit}   median {statistics.median(samples) * scale:10.1f} {unit}   ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", type=int, default=200)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()

    from uncover import Case
    from uncover.custody import intact_original, verify_originals
    from uncover.ingest import export as export_module
    from uncover.ingest.export import export_volume
    from uncover.ingest.pipeline import IngestOptions, ingest

    work = args.keep or Path(tempfile.mkdtemp(prefix="uncover-custody-"))
    production = work / "production"
    case_dir = work / "case"
    if not case_dir.exists():
        make_production(production, args.large, args.small)
        print(f"ingesting {args.large} x 1 MB and {args.small} x 20 KB originals into {case_dir} ...", flush=True)
        with Case.init(case_dir) as case:
            ingest(case, [production], IngestOptions(ocr="never", analyze=False, index=False))
    case = Case.open(case_dir)
    docs = list(case.store.iter_documents())
    large = [d for d in docs if d.filename.startswith("large")]
    small = [d for d in docs if d.filename.startswith("small")]
    total_mb = sum(d.size for d in docs) / 1e6
    print(f"case: {len(docs)} originals, {total_mb:,.0f} MB; python {sys.version.split()[0]}")
    for doc in docs:  # the first hand-out of each original re-hashes it once; measure the steady state
        intact_original(case, doc.sha256, doc.label)

    print("\n(a) per hand-out of one original (all originals of the group, per call)")
    for label, group in (("1 MB", large), ("20 KB", small)):
        samples: dict[str, list[float]] = {"no check (is_file)": [], "intact_original (stat + row)": [],
                                           "re-hash every hand-out": []}
        for _ in range(args.rounds):
            shas = [(d.sha256, d.label) for d in group]
            samples["no check (is_file)"].append(timed(lambda s=shas: [case.blobs.path_for(h).is_file() for h, _ in s]) / len(shas))
            samples["intact_original (stat + row)"].append(
                timed(lambda s=shas: [intact_original(case, h, w) for h, w in s]) / len(shas))
            samples["re-hash every hand-out"].append(timed(lambda s=shas: [_sha256(case.blobs.path_for(h)) for h, _ in s]) / len(shas))
        for name, values in samples.items():
            report(f"{label}: {name}", values, "us", 1e6)

    print("\n(b) export --format dat-opt of the whole case")
    plain: dict[str, list[float]] = {"with checks (check, hash while copying)": [], "plain shutil.copyfile (before)": []}
    checked_copy, checked_intact, checked_first = export_module.copy_intact, export_module.intact_original, export_module._check_originals
    for r in range(args.rounds):
        for name in plain:  # A/B interleaved
            out = work / f"export-{r}-{len(plain[name])}-{name[:4]}"
            if name.startswith("plain"):
                export_module.copy_intact = lambda src, dst, sha, what, c: shutil.copyfile(src, dst)  # type: ignore[assignment]
                export_module.intact_original = lambda c, sha, what: c.blobs.path_for(sha)  # type: ignore[assignment]
                export_module._check_originals = lambda c, d: None  # type: ignore[assignment]
            try:
                plain[name].append(timed(lambda o=out: export_volume(case, o)))
            finally:
                export_module.copy_intact, export_module.intact_original = checked_copy, checked_intact
                export_module._check_originals = checked_first
            shutil.rmtree(out)
    for name, values in plain.items():
        report(name, values, "s", 1)
    print(f"  checks add {100 * (statistics.median(plain['with checks (check, hash while copying)']) / statistics.median(plain['plain shutil.copyfile (before)']) - 1):+.0f}% to the export (medians)")

    print("\n(c) re-hashing every original")
    verify: dict[str, list[float]] = {"uncover verify": [], "sha256sum (by hand)": []}
    files = [str(case.blobs.path_for(d.sha256)) for d in docs]
    for _ in range(args.rounds):
        verify["uncover verify"].append(timed(lambda: verify_originals(case, actor="bench")))
        verify["sha256sum (by hand)"].append(timed(lambda: subprocess.run(["sha256sum", *files], check=True,
                                                                           stdout=subprocess.DEVNULL)))
    for name, values in verify.items():
        report(f"{name} ({total_mb / min(values):,.0f} MB/s best)", values, "s", 1)
    case.close()
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
