"""CLI start-up benchmark: how long `uncover --help` and one `uncover search` take, wall clock.

    python bench/cli_start.py [--rounds 15] [--baseline REF] [--pdfs 20] [--keep DIR]

Each round runs, one after the other, `python -c pass` (the floor: the interpreter alone),
`uncover --help` and `uncover search CASE "release in part"` from this tree, and the same two
from the commit REF when --baseline is given (exported with `git archive`), so every variant sees
the same machine load. Prints min and median wall seconds per variant and the load average.
The case is a real one: the first State Department PDFs of the corpora (UNCOVER_CORPORA),
ingested once with the defaults. Targets on a 2-core machine: --help < 0.3 s, search < 0.4 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("UNCOVER_CORPORA", ROOT.parent / "shared" / "corpora"))


def export_tree(ref: str, into: Path) -> Path:
    """The src/ folder of commit REF, to run the baseline from the same interpreter."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def timed(cmd: list[str], src: Path | None) -> float:
    # An installed uncover runs from compiled bytecode (pip compiles at install): write and use it
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def build_case(case_dir: Path, count: int) -> None:
    source = case_dir.parent / "state-pdfs"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    for pdf in sorted((CORPORA / "foia-clinton-state-pdfs").rglob("*.pdf"))[:count]:
        (source / pdf.name).symlink_to(pdf)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "uncover", "ingest", str(case_dir), str(source), "--ocr", "never", "--json"],
                   env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--baseline", metavar="REF", help="also time this commit (e.g. main or HEAD~1)")
    parser.add_argument("--pdfs", type=int, default=20, help="State PDFs in the searched case")
    parser.add_argument("--keep", type=Path, help="keep the case here (reused when present)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="uncover-cli-bench-"))
    case_dir = root / "case"
    if not (case_dir / "uncover.toml").exists():
        build_case(case_dir, args.pdfs)
    py = sys.executable
    trees: dict[str, Path] = {"this tree": ROOT / "src"}
    if args.baseline:
        trees[args.baseline] = export_tree(args.baseline, Path(tempfile.mkdtemp(prefix="uncover-baseline-", dir=root)))
    variants: dict[str, tuple[list[str], Path | None]] = {"python -c pass": ([py, "-c", "pass"], None)}
    for name, src in trees.items():
        variants[f"uncover --help ({name})"] = ([py, "-m", "uncover", "--help"], src)
        variants[f"uncover search ({name})"] = ([py, "-m", "uncover", "search", str(case_dir), '"release in part"'], src)
    for cmd, src in variants.values():  # compile the .pyc files once, outside the timing
        timed(cmd, src)
    times: dict[str, list[float]] = {name: [] for name in variants}
    loads = []
    for _ in range(args.rounds):
        loads.append(os.getloadavg()[0])
        for name, (cmd, src) in variants.items():
            times[name].append(timed(cmd, src))
    print(f"{args.rounds} interleaved rounds, load average {min(loads):.2f}-{max(loads):.2f} "
          f"(2-core machine: above 2 the figures are inflated)")
    print(f"{'variant':42} {'min s':>7} {'median s':>9}")
    for name, values in times.items():
        print(f"{name:42} {min(values):7.3f} {statistics.median(values):9.3f}")
    print("targets: --help < 0.300 s, search < 0.400 s")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
