"""Team-server benchmark: 20 concurrent HTTP clients tagging and searching one case.

    python bench/team.py [--database postgresql://postgres@127.0.0.1:5432/postgres] [--clients 20]
                         [--rounds 15] [--docs 300] [--workers 4]

Side by side, on the same generated case and the same load: `uncover serve --team` as a laptop
runs it (SQLite, one process) and as a team server runs it (PostgreSQL, `--workers 4`). Each
client signs in as its own reviewer, then per round runs a search (a word, a phrase, a field),
opens a hit and tags a document with a tag of its own (every (document, tag) pair is tagged once
by exactly one client). Prints p50/p95/max per request kind, requests/s and errors, then
compares the case with what the clients were told succeeded: tags in the database, audit lines
(lost writes must be 0). The machine's load is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

WORDS = "detainer county sheriff memo opt out program agency counsel schedule order release custody".split()
QUERIES = ["detainer", '"opt out"', "sheriff AND county", "custodian:clerk", "memo*", "program -release"]


def build_case(root: Path, database: str, docs: int, clients: int) -> Path:
    from uncover import Case
    from uncover.ingest.pipeline import IngestOptions, ingest
    from uncover.web.auth import add_user

    source = root / "PROD"
    source.mkdir(parents=True)
    rng = random.Random(7)
    for i in range(docs):
        body = " ".join(rng.choice(WORDS) for _ in range(200))
        (source / f"memo-{i:04d}.txt").write_text(f"Memo {i}.\n{body}\n", "utf-8")
    case_dir = root / "case"
    with Case.init(case_dir, database=database) as case:
        ingest(case, [source], IngestOptions(production="P1", custodian="clerk", ocr="never", workers=2))
        with case.store.transaction() as conn:
            for n in range(clients):
                add_user(conn, f"reviewer{n}", "correct horse battery", "reviewer")
    return case_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(case_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uncover", "serve", str(case_dir), "--team", "--port", str(port),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


def client(base: str, n: int, rounds: int, doc_ids: list[int], times: dict[str, list[float]], told: list[tuple[int, str]],
           errors: list[str], lock: threading.Lock) -> None:
    rng = random.Random(n)
    with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as http:
        page = http.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        r = http.post("/login", data={"name": f"reviewer{n}", "password": "correct horse battery", "next": "/search",
                                      "csrf_token": token})
        if r.status_code != 303:
            errors.append(f"login {r.status_code}")
            return
        page = http.get("/search").text
        token = re.search(r'name="csrf_token" value="([^"]+)"|"X-CSRF-Token": "([^"]+)"', page)
        csrf = next(g for g in token.groups() if g)  # type: ignore[union-attr]
        for k in range(rounds):
            target = doc_ids[(n * rounds + k) % len(doc_ids)]  # each (document, tag) pair tagged once, by one client
            for kind in ("search", "open", "tag"):
                started = time.perf_counter()
                try:
                    if kind == "search":
                        response = http.get("/search", params={"q": rng.choice(QUERIES)})
                    elif kind == "open":
                        response = http.get(f"/documents/{rng.choice(doc_ids)}")
                    else:
                        response = http.post(f"/documents/{target}/tags", data={"tag": f"client-{n}"},
                                             headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
                except httpx.HTTPError as exc:
                    with lock:
                        errors.append(f"{kind} {type(exc).__name__}")
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    times.setdefault(kind, []).append(elapsed)
                    if response.status_code >= 400:
                        errors.append(f"{kind} {response.status_code}")
                    elif kind == "tag":
                        told.append((target, f"client-{n}"))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run(label: str, case_dir: Path, workers: int, clients: int, rounds: int) -> None:
    from uncover import Case

    with Case.open(case_dir) as case:
        doc_ids = [d.id for d in case.store.iter_documents()]
    proc, base = serve(case_dir, workers)
    times: dict[str, list[float]] = {}
    told: list[tuple[int, str]] = []
    errors: list[str] = []
    lock = threading.Lock()
    try:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(base, n, rounds, doc_ids, times, told, errors, lock))
                   for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    with Case.open(case_dir) as case:
        conn = case.store.conn
        stored = {(int(d), str(t)) for d, t in conn.execute(
            "SELECT dt.document_id, t.name FROM document_tags dt JOIN tags t ON t.id = dt.tag_id WHERE t.name LIKE 'client-%'")}
        audited = conn.execute("SELECT COUNT(*) FROM review_audit WHERE action = 'tag' AND detail LIKE '%client-%'").fetchone()[0]
        with case.store.transaction():
            conn.execute("DELETE FROM document_tags WHERE tag_id IN (SELECT id FROM tags WHERE name LIKE 'client-%')")
            conn.execute("DELETE FROM review_audit WHERE detail LIKE '%client-%'")
    requests = sum(len(v) for v in times.values())
    print(f"{label}: {clients} clients x {rounds} rounds, {requests} requests in {wall:.1f} s = {requests / wall:.0f}/s, "
          f"load average {load:.2f} before; errors {len(errors)}{' ' + str(sorted(set(errors))[:3]) if errors else ''}")
    for kind, values in sorted(times.items()):
        print(f"    {kind:6} p50 {pct(values, 0.5):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms   max {max(values) * 1000:7.1f} ms")
    lost = len(set(told) - stored)
    print(f"    tags the clients were told were saved: {len(told)}; in the database: {len(stored & set(told))}; "
          f"audit lines: {audited}; lost writes: {lost + max(0, len(told) - audited)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database", default=os.environ.get("UNCOVER_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--workers", type=int, default=4)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="uncover-team-bench-"))
    cases = []
    try:
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; {args.docs} documents")
        laptop = build_case(root / "sqlite", "", args.docs, args.clients)
        team = build_case(root / "pg", args.database, args.docs, args.clients)
        cases = [team]
        run("SQLite, 1 process (laptop serve --team)", laptop, 1, args.clients, args.rounds)
        run(f"PostgreSQL, --workers {args.workers}", team, args.workers, args.clients, args.rounds)
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
    finally:
        from uncover import Case
        from uncover.store.postgres import drop_schema

        for case_dir in cases:
            storage = Case.open(case_dir).settings.storage
            drop_schema(storage["dsn"], storage["schema"])
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
