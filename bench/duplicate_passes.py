"""Peak memory of the duplicate case passes (fingerprints, exact duplicates, near-duplicates,
threads, versions) on cases of growing size: the figure that says whether a production of any
size fits a 2-core, few-GB machine.

    python bench/duplicate_passes.py [--docs 20000,100000] [--baseline REF] [--keep DIR]

Each case is built through the store (generated documents of ~2 KB of Zipf text; half of them
e-mails with sender, recipients, subject, date and a Message-ID, one in ten replying to an earlier
one and quoting it; one in ten an exact copy and one in ten a near copy of an earlier document),
then `run_duplicate_passes` runs over every document in a fresh process that reports its peak
RSS (ru_maxrss), beside the RSS of a process that only opens the case (the imports); with --baseline, the passes of commit REF
(exported with `git archive`) on the same case, right after. Target:
peak RSS < 1 GB at every size, and a growth per document that keeps it so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PASS_SCRIPT = """
import json, resource, sys, time
from uncover import Case
case = Case.open(sys.argv[1])
if sys.argv[2] == "passes":
    from uncover.analyze.casepasses import run_duplicate_passes
    t = time.perf_counter()
    summary = run_duplicate_passes(case)
    seconds = time.perf_counter() - t
    found = {"groups": summary.duplicate_groups, "clusters": summary.neardup_clusters, "threads": summary.threads}
else:
    from uncover.analyze import casepasses  # the same imports, no work
    seconds, found = 0.0, {}
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "seconds": seconds, **found}))
"""


def build_case(root: Path, n: int, seed: int = 5) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from uncover import Case
    from uncover.model import Document, DocumentKind, Page, TextSource

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(30_000)]
    weights = [1 / (r + 1) for r in range(len(vocab))]
    people = [f"person{i}@agency.gov" for i in range(300)]
    case = Case.init(root)
    prod = case.store.production("VOL001")
    texts: list[str] = []
    mails: list[tuple[int, str, str]] = []
    start = datetime(2011, 1, 1)
    for first in range(0, n, 2000):
        with case.store.transaction():
            for i in range(first, min(n, first + 2000)):
                roll = rng.random()
                if texts and roll < 0.1:
                    text = rng.choice(texts)  # an exact copy
                elif texts and roll < 0.2:
                    words = rng.choice(texts).split()
                    for _ in range(4):
                        words[rng.randrange(len(words))] = rng.choice(vocab)
                    text = " ".join(words)  # a near copy
                else:
                    text = " ".join(rng.choices(vocab, weights, k=330))
                email = i % 2 == 0
                subject = " ".join(rng.choices(vocab[:2000], k=4))
                reply_to = None
                if email and mails and rng.random() < 0.2:  # a reply quoting an earlier e-mail, in its thread
                    number, subject, earlier = rng.choice(mails)
                    reply_to = f"<{number}@agency.gov>"
                    subject = "RE: " + subject.removeprefix("RE: ")
                    text = text + "\n\n-----Original Message-----\nFrom: " + rng.choice(people) + "\n" + earlier
                if email:
                    mails.append((i, subject, text[:600])) if len(mails) < 2000 else \
                        mails.__setitem__(rng.randrange(2000), (i, subject, text[:600]))
                texts.append(text) if len(texts) < 5000 else texts.__setitem__(rng.randrange(5000), text)
                when = start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
                doc = Document(
                    id=0, production_id=prod.id, kind=DocumentKind.EMAIL if email else DocumentKind.EDOC,
                    filename=f"doc{i:07d}.{'eml' if email else 'pdf'}", path=f"doc{i:07d}", sha256=f"{i:064x}", md5="",
                    size=len(text), custodian=f"Custodian {i % 12}", subject=subject,
                    sender=rng.choice(people) if email else None,
                    recipients=", ".join(rng.sample(people, 2)) if email else None,
                    date=when.strftime("%Y-%m-%dT%H:%M:%SZ"), message_id=f"<{i}@agency.gov>" if email else None,
                    in_reply_to=reply_to,
                    page_count=1,
                )
                case.store.insert_document(doc, None, [Page(0, 1, text, TextSource.NATIVE)])
    case.close()


def clear(case_dir: Path) -> None:
    """Every pass starts from no stored results: all documents are fingerprinted and grouped."""
    with sqlite3.connect(case_dir / "case.db") as db:
        for table in ("document_signatures", "duplicate_members", "duplicate_groups", "neardup_members",
                      "neardup_clusters", "thread_members", "threads", "version_pairs"):
            db.execute(f"DELETE FROM {table}")


def run(case_dir: Path, what: str, src: Path = ROOT / "src") -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", PASS_SCRIPT, str(case_dir), what], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", default="20000,100000", help="comma-separated case sizes")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the generated cases here")
    parser.add_argument("--baseline", metavar="REF", help="also run the passes of this commit (e.g. main)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="uncover-bench-dupes-"))
    baseline = None
    if args.baseline:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.baseline, "src"], check=True,
                                 capture_output=True).stdout
        into = Path(tempfile.mkdtemp(prefix="uncover-baseline-"))
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
        baseline = into / "src"
    print(f"{'documents':>10} {'peak RSS MB':>12} {'imports only MB':>16} {'per 1k docs MB':>15} {'seconds':>8}  found")
    previous: tuple[int, float] | None = None
    for n in (int(x) for x in args.docs.split(",")):
        case_dir = root / f"case-{n}"
        if not (case_dir / "uncover.toml").exists():
            t = time.perf_counter()
            build_case(case_dir, n)
            print(f"  (built a case of {n:,} documents in {time.perf_counter() - t:.0f} s)", flush=True)
        base = run(case_dir, "imports")
        clear(case_dir)
        result = run(case_dir, "passes")
        growth = "" if previous is None else f"{(result['rss_mb'] - previous[1]) / (n - previous[0]) * 1000:15.2f}"
        print(f"{n:>10,} {result['rss_mb']:12.0f} {base['rss_mb']:16.0f} {growth:>15} {result['seconds']:8.1f}  "
              f"{result['groups']} duplicate groups, {result['clusters']} near-duplicate clusters, "
              f"{result['threads']} threads; load {os.getloadavg()[0]:.1f}", flush=True)
        previous = (n, result["rss_mb"])
        if baseline is not None:
            clear(case_dir)
            old = run(case_dir, "passes", baseline)
            print(f"{'':>10} {old['rss_mb']:12.0f} {'':>16} {'':>15} {old['seconds']:8.1f}  {args.baseline}: "
                  f"{old['groups']} duplicate groups, {old['clusters']} near-duplicate clusters, {old['threads']} threads",
                  flush=True)
    print("target: peak RSS < 1024 MB at every size")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
