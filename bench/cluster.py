"""Cluster benchmark: `uncover ingest --ray` against the local worker pool at equal cores, and a
scaling model for 10 and 100 nodes from measured per-task overheads.

    python bench/cluster.py [--pdfs 400] [--large-pdfs 2000] [--pages 2] [--scans 16] [--cores 2] [--rounds 2]
                            [--ray-niceness 0] [--keep DIR]

Needs the cluster extra (pip install -e '.[cluster]'). Starts a one-node Ray cluster on 127.0.0.1
with --cores CPUs, then runs, A/B interleaved, the same ingest through `LocalPool(workers=cores)`
and through `--ray ADDRESS`, each with the default settings (what `uncover ingest --ray` runs:
hashing, extraction, withholdings, SQLite, Tantivy, then the case passes), and for text also with
the analysis off (`--no-analyze`: the item processing alone, where Ray's own cost weighs most):
  (a) text-layer PDFs, pages/s: a small production (--pdfs) and a larger one (--large-pdfs, 0 to
      skip), since Ray costs each ingest a fixed half second or so (importing Ray, joining the
      cluster: printed apart, with leaving it, which overlaps the case passes) that a small
      production on 2 cores cannot hide;
  (b) image-only pages (OCR), pages/s;
min and median of --rounds runs each, the ratio Ray/local (target >= 0.9), the seconds until the
first document was committed (the start), and the machine's load. A first Ray ingest, before the
rounds, starts the cluster's node workers (printed apart: what the first ingest on a fresh cluster
costs); the rounds find them running, as every later ingest within 5 minutes does. The cluster's
workers run at the local pool's priority (--ray-niceness 0; Ray's default of 15 gives them a
fraction of the cores whenever anything else runs on the machine).
Then it measures what the model needs: Ray's round trip per task and per item (no-op items, in
batches), the local pool's per item, the committer's documents/s on SQLite, and the OCR seconds
per page per core, and prints pages/s and days per million scanned pages for 10 and 100 nodes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # the benchmark's cluster stays on 127.0.0.1
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import generate_scans, generate_text_pdfs  # noqa: E402  (bench/ingest.py)

INGEST = """
import json, sys, time
from uncover import Case
from uncover.ingest import pipeline
from uncover.ingest.pipeline import IngestOptions, SilentProgress, ingest
analyze = sys.argv[5] == "analyze"
if not analyze:
    pipeline.CASE_PASSES[:] = []

class FirstDocument(SilentProgress):
    first = None
    def advance(self, stage, n=1):
        if stage == "Extracting" and self.first is None:
            self.first = time.perf_counter()

case = Case.init(sys.argv[1], database="")
ray = sys.argv[6] if len(sys.argv) > 6 else None
progress = FirstDocument()
t = time.perf_counter()
report = ingest(case, [sys.argv[2]], IngestOptions(workers=int(sys.argv[3]), ocr=sys.argv[4], analyze=analyze, ray=ray), progress)
print(json.dumps({"seconds": time.perf_counter() - t, "pages": report.counts.pages, "documents": report.counts.documents,
                  "first": progress.first - t}))
"""


@dataclass
class Run:
    pages_s: float  # the whole ingest, as a user times it
    first_s: float  # seconds until the first document was committed: the start (scan, workers, first item)


def ingest_run(case_dir: Path, source: Path, cores: int, ocr: str, analyze: bool, ray: str | None) -> Run:
    shutil.rmtree(case_dir, ignore_errors=True)
    args = [sys.executable, "-c", INGEST, str(case_dir), str(source), str(cores), ocr,
            "analyze" if analyze else "no-analyze"] + ([ray] if ray else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return Run(data["pages"] / data["seconds"], data["first"])


FIXED = """
import sys, time
t0 = time.perf_counter()
import ray
t1 = time.perf_counter()
ray.init(address=sys.argv[1], log_to_driver=False, logging_level="ERROR", include_dashboard=False, configure_logging=False)
ray.put(abs)
t2 = time.perf_counter()
ray.shutdown()
print(t1 - t0, t2 - t1, time.perf_counter() - t2)
"""


def fixed_costs(address: str, rounds: int = 3) -> tuple[float, float, float]:
    """Median seconds an ingest's process spends importing Ray, joining the cluster, and leaving it."""
    runs = [tuple(map(float, subprocess.run([sys.executable, "-c", FIXED, address], check=True, capture_output=True,
                                            text=True).stdout.split())) for _ in range(rounds)]
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))  # type: ignore[return-value]


def per_task_overheads(address: str, cores: int) -> dict[str, float]:
    """Seconds per Ray task (a batch of one no-op item) and per item in batches of 8, and per item
    through the local pool, each measured at full concurrency over `cores` slots (the item: abs())."""
    from uncover.ingest.cluster import RayExecutor
    from uncover.ingest.workers import LocalPool

    out: dict[str, float] = {}
    for batch, n in ((1, 200), (8, 800)):
        with RayExecutor(abs, address, batch=batch) as ex:
            for i in range(2 * cores * batch):  # warm: start each Ray worker and its child
                ex.submit(i)
            while ex.next_outcome() is not None:
                pass
            started = time.perf_counter()
            for i in range(n):
                ex.submit(i)
            while ex.next_outcome() is not None:
                pass
            out[f"ray_item_s_batch{batch}"] = (time.perf_counter() - started) * cores / n
    with LocalPool(abs, workers=cores) as pool:
        started = time.perf_counter()
        for i in range(2000):
            pool.submit(i)
        while pool.next_outcome() is not None:
            pass
        out["local_item_s"] = (time.perf_counter() - started) * cores / 2000
    return out


def committer_docs_per_s(root: Path, n: int = 2000) -> float:
    """Documents (2 pages of 2 KB) the single committer writes per second, one transaction each."""
    from uncover import Case
    from uncover.model import Document, DocumentKind, Page, TextSource

    case = Case.init(root / "commit", database="")
    store = case.store
    prod = store.production("P")
    text = "records request detainer county sheriff memo " * 45
    started = time.perf_counter()
    for i in range(n):
        doc = Document(id=0, production_id=prod.id, kind=DocumentKind.EDOC, filename=f"d{i}.pdf", path=f"d{i}.pdf",
                       sha256=f"{i:064x}", md5=f"{i:032x}", size=1000, page_count=2)
        with store.transaction():
            store.insert_document(doc, None, [Page(0, p, text, TextSource.LAYER) for p in (1, 2)])
    rate = n / (time.perf_counter() - started)
    case.close()
    return rate


def model(ocr_page_s_core: float, overhead_item_s: float, committer_pages_s: float, nodes: int, cores: int) -> tuple[float, float]:
    """pages/s and days per million scanned pages for `nodes` nodes of `cores` cores."""
    per_core = 1.0 / (ocr_page_s_core + overhead_item_s)
    rate = min(nodes * cores * per_core, committer_pages_s)
    return rate, 1e6 / rate / 86400


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pdfs", type=int, default=400)
    ap.add_argument("--large-pdfs", type=int, default=2000, help="a second, larger text production (0: skip it)")
    ap.add_argument("--pages", type=int, default=2)
    ap.add_argument("--scans", type=int, default=16)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--node-cores", type=int, default=16, help="cores per node in the scaling model")
    ap.add_argument("--ray-niceness", type=int, default=0,
                    help="RAY_worker_niceness of the benchmark's cluster (Ray's default is 15: see the README)")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--model-only", type=float, metavar="OCR_S_PER_PAGE_CORE",
                    help="skip the A/B ingests; model with this OCR time (s per page per core) and fresh overheads")
    args = ap.parse_args()
    from ray.cluster_utils import Cluster

    root = args.keep or Path(tempfile.mkdtemp(prefix="uncover-cluster-bench-"))
    text, large, scans = root / "text", root / "text-large", root / "scans"
    if not text.exists() and not args.model_only:
        generate_text_pdfs(text, args.pdfs, args.pages)
    if args.large_pdfs and not large.exists() and not args.model_only:
        generate_text_pdfs(large, args.large_pdfs, args.pages, seed=8)
    if not scans.exists() and not args.model_only:
        generate_scans(scans, args.scans)
    os.environ["RAY_worker_niceness"] = str(args.ray_niceness)  # read by the raylet the cluster starts
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": args.cores, "object_store_memory": 200 * 1024**2,
                                                            "include_dashboard": False})
    try:
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; Ray cluster of one node "
              f"with {args.cores} CPUs at {cluster.address} (its workers at niceness +{args.ray_niceness}); the local pool with "
              f"{args.cores} workers")
        results: dict[str, dict[str, list[Run]]] = {}
        cold: Run | None = None
        if not args.model_only:  # the first ingest on a fresh cluster starts its node workers
            cold = ingest_run(root / "case-ray", text, args.cores, "never", True, cluster.address)
            print(f"text PDFs  Ray, first ingest on the fresh cluster: {cold.pages_s:7.2f} pages/s; first document after "
                  f"{cold.first_s:.2f} s  (load {os.getloadavg()[0]:.2f}); the runs below find its workers running")
        sides = [(f"text PDFs ({n * args.pages} pages){how}", folder, "never", analyze)
                 for n, folder in ((args.pdfs, text), (args.large_pdfs, large))
                 for how, analyze in (("", True), (", --no-analyze", False))] + [("OCR pages", scans, "always", True)]
        for label, source, ocr, analyze in [] if args.model_only else [s for s in sides if s[1].exists()]:
            runs: dict[str, list[Run]] = {"local": [], "ray": []}
            for _ in range(args.rounds):  # A/B interleaved
                runs["local"].append(ingest_run(root / "case-local", source, args.cores, ocr, analyze, None))
                runs["ray"].append(ingest_run(root / "case-ray", source, args.cores, ocr, analyze, cluster.address))
            results[label] = runs
            for side in ("local", "ray"):
                rates = [r.pages_s for r in runs[side]]
                print(f"{label:37} {'local pool' if side == 'local' else 'Ray':11} min {min(rates):7.2f}  median "
                      f"{statistics.median(rates):7.2f} pages/s; first document after {statistics.median(r.first_s for r in runs[side]):.2f} s"
                      f"  (load {os.getloadavg()[0]:.2f})")
            ratio = statistics.median(r.pages_s for r in runs["ray"]) / statistics.median(r.pages_s for r in runs["local"])
            print(f"{label:37} Ray/local (medians) {ratio:.2f}x  (target >= 0.9x)")
            if cold is not None and source == text and analyze:
                print(f"{label:37} first ingest on a fresh cluster / local (median) "
                      f"{cold.pages_s / statistics.median(r.pages_s for r in runs['local']):.2f}x")
        imported, joined, left = fixed_costs(cluster.address)
        print(f"Ray's fixed cost per ingest (median of 3 processes): import {imported:.2f} s, join the cluster {joined:.2f} s, "
              f"leave it {left:.2f} s (overlapping the case passes)")
        overheads = per_task_overheads(cluster.address, args.cores)
        print("per item (s, at full concurrency): Ray batch of 1 {ray_item_s_batch1:.4f}, Ray batch of 8 "
              "{ray_item_s_batch8:.4f}, local pool {local_item_s:.5f}".format(**overheads))
        commit = committer_docs_per_s(root)
        print(f"committer (SQLite, one document of 2 pages per transaction): {commit:,.0f} documents/s")
        ocr_s = args.model_only or args.cores / statistics.median(r.pages_s for r in results["OCR pages"]["local"])
        print(f"OCR: {ocr_s:.2f} s per page per core (this machine)")
        # an OCR page takes seconds, so it goes alone (cluster.TASK_SECONDS): the model charges a call of one item
        print(f"model, nodes of {args.node_cores} cores, one scanned page per document, one per call:")
        for nodes in (1, 10, 100):
            rate, days = model(ocr_s, overheads["ray_item_s_batch1"], commit, nodes, args.node_cores)
            print(f"  {nodes:3} nodes: {rate:8.1f} pages/s, {days:6.2f} days per million scanned pages"
                  + ("  (the single committer is the limit)" if rate >= commit else ""))
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
    finally:
        cluster.shutdown()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
