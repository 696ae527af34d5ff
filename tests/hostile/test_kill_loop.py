"""SIGKILL at random points, case passes included, ten times; then the same case as an uninterrupted run.

The red team killed an ingest during the duplicate and thread passes: re-running it left 0
duplicate groups and 0 threads, and `dupe:no` returned every document. Here a small generated
production (exact and near duplicates, e-mail threads, a ZIP) is ingested into one case while
the whole process group is killed ten times: at random moments of the run, and at moments
chosen inside the case passes. The same command then finishes, and the documents, text hashes,
duplicate groups, near-duplicate clusters, threads and search results must equal those of an
uninterrupted run of the same command.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import uncover_cmd

from uncover import Case
from uncover.case import CaseSettings
from uncover.errors import UncoverError
from uncover.search.engine import matching_ids

pytestmark = pytest.mark.slow

WORDS = ("records request detainer county sheriff memo opt out program agency counsel schedule order field office "
         "removal hold jail booking fingerprint database secure communities notice").split()
QUERIES = ("detainer", "sheriff AND memo", '"secure communities"', "dupe:no", "dupe:no AND county", "subject:briefing",
           "kind:email", "hold*")


def make_production(folder: Path, seed: int = 7) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    texts = []
    for i in range(60):
        text = f"Record {i}. " + " ".join(rng.choice(WORDS) for _ in range(120)) + "\n"
        texts.append(text)
        (folder / f"doc-{i:03d}.txt").write_text(text, "utf-8")
    for i in range(10):  # exact copies and near copies
        (folder / f"copy-{i:03d}.txt").write_text(texts[i], "utf-8")
        words = texts[10 + i].split()
        words[rng.randrange(len(words))] = "amended"
        (folder / f"draft-{i:03d}.txt").write_text(" ".join(words) + "\n", "utf-8")
    mail = folder / "mail"
    mail.mkdir()
    for t in range(8):
        for k in range(3):
            own, parent = f"<m{t}-{k}@agency.example>", f"<m{t}-{k - 1}@agency.example>"
            reply = f"In-Reply-To: {parent}\r\nReferences: {parent}\r\n" if k else ""
            body = f"{'Re: ' * k}briefing {t} " + " ".join(rng.choice(WORDS) for _ in range(40))
            (mail / f"thread-{t}-{k}.eml").write_bytes(
                (f"From: analyst{k}@agency.example\r\nTo: chief@agency.example\r\nSubject: {'Re: ' * k}Briefing {t}\r\n"
                 f"Date: Mon, {k + 3} Jan 2011 10:00:00 -0500\r\nMessage-ID: {own}\r\n{reply}\r\n{body}\r\n").encode())
    with zipfile.ZipFile(folder / "bundle.zip", "w") as archive:
        for i in range(20):
            archive.writestr(f"inner/member-{i:03d}.txt", texts[20 + i] if i % 4 == 0 else
                             f"Member {i} " + " ".join(rng.choice(WORDS) for _ in range(60)))
    return folder


def start(case_dir: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(uncover_cmd("ingest", str(case_dir), str(source), "--ocr", "never", "--workers", "2",
                                        "--production", "P1", "--json"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


@contextlib.contextmanager
def watching(case_dir: Path) -> Iterator[Any]:
    """A connection that reads the case while the ingest runs: SQLite's file opened read-only (so
    the watcher never creates or locks it), a PostgreSQL case through the store."""
    settings = case_dir / "uncover.toml"
    if settings.exists() and CaseSettings.load(settings).storage["backend"] == "postgresql":
        with Case.open(case_dir) as case:
            yield case.store.conn
        return
    with sqlite3.connect(f"file:{case_dir / 'case.db'}?mode=ro", uri=True, timeout=0.2) as conn:
        yield conn


def in_case_passes(case_dir: Path) -> bool:
    """The latest run has finished extracting (its ingest row is closed) and a case pass is still pending."""
    try:
        with watching(case_dir) as conn:
            closed = conn.execute("SELECT finished_at IS NOT NULL FROM ingests ORDER BY id DESC LIMIT 1").fetchone()
            pending = conn.execute("SELECT COUNT(*) FROM case_passes WHERE done_through < "
                                   "(SELECT COALESCE(MAX(id), 0) FROM documents)").fetchone()[0]
            return bool(closed and closed[0] and pending)
    except (sqlite3.Error, UncoverError):
        return False


def reached(case_dir: Path, kind: str, value: float) -> bool:
    if kind == "passes":
        return in_case_passes(case_dir)
    if kind == "documents":
        return committed(case_dir) >= value
    return time.monotonic() >= value


def committed(case_dir: Path) -> int:
    try:
        with watching(case_dir) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except (sqlite3.Error, UncoverError):
        return 0


def snapshot(case_dir: Path) -> dict[str, object]:
    """What a user sees, keyed by path (document ids differ between runs)."""
    with Case.open(case_dir) as case:
        conn = case.store.conn
        path = {r[0]: r[1] for r in conn.execute("SELECT id, path FROM documents")}
        docs = sorted(
            (d.path, d.sha256, d.page_count, hashlib.sha256("\f".join(p.text for p in case.store.pages(d.id)).encode()).hexdigest(),
             path.get(d.parent_id, "")) for d in case.store.iter_documents())
        # Which copy is a group's primary follows commit order, which parallel workers vary even
        # between two uninterrupted runs: compare the groups, and what `dupe:no` shows of each.
        groups = sorted((r[0], tuple(sorted(path[m] for (m,) in conn.execute(
            "SELECT document_id FROM duplicate_members WHERE group_id = ?", (r[1],)))))
            for r in conn.execute("SELECT basis, id FROM duplicate_groups"))
        clusters = sorted(tuple(sorted(path[m] for (m,) in conn.execute(
            "SELECT document_id FROM neardup_members WHERE cluster_id = ?", (c,))))
            for (c,) in conn.execute("SELECT id FROM neardup_clusters"))
        threads = sorted(tuple(sorted(path[m] for (m,) in conn.execute(
            "SELECT document_id FROM thread_members WHERE thread_id = ?", (t,))))
            for (t,) in conn.execute("SELECT id FROM threads"))
        searches: dict[str, object] = {q: sorted(path[i] for i in matching_ids(case, q)) for q in QUERIES}
        for query in [q for q in QUERIES if "dupe:no" in q]:
            shown = set(searches[query])  # type: ignore[arg-type]
            searches[query] = (len(shown), sorted(len(shown & set(members)) for _, members in groups))
        assert case.index.count() == len(docs), "every document indexed exactly once"
        if case.backend == "sqlite":  # PostgreSQL keeps its own pages consistent: nothing to check here
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = case.store.counts()
        assert counts["inputs_pending"] == 0
    return {"documents": docs, "groups": groups, "clusters": clusters, "threads": threads, "searches": searches,
            "inputs": counts["inputs"]}


def test_ten_kills_anywhere_then_the_same_case_as_an_uninterrupted_run(tmp_path: Path) -> None:
    source = make_production(tmp_path / "production")
    reference = tmp_path / "reference"
    began = time.monotonic()
    first = start(reference, source)
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
    duration = time.monotonic() - began
    expected = snapshot(reference)
    assert expected["groups"] and expected["clusters"] and expected["threads"], "the production must exercise every pass"
    assert expected["searches"]["dupe:no"][0] < len(expected["documents"])  # type: ignore[index]

    seed = int(os.environ.get("UNCOVER_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    interrupted = tmp_path / "interrupted"
    total = len(expected["documents"])  # type: ignore[arg-type]
    kills, in_passes, rounds = 0, 0, 0
    # A round whose run finishes before its kill point (a fast machine outruns the watcher) kills
    # nothing; rounds go on until ten kills have landed, thirty rounds at most.
    while kills < 10 and rounds < 30:
        rounds += 1
        proc = start(interrupted, source)
        done = committed(interrupted)
        aim = ("passes", 0.0) if kills in (4, 7, 9) and done < total else (  # inside the case passes, extraction done first
            ("documents", float(done + rng.randint(1, max(1, (total - done) // 4)))) if done < total  # a quarter at most
            else ("time", time.monotonic() + rng.uniform(0.05, 0.8)))  # nothing left: anywhere in a rerun
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline and not reached(interrupted, *aim):
            time.sleep(0.005)
        if aim[0] == "passes" and kills in (7, 9):  # the first kill in the passes lands the moment they start; these, a little later
            time.sleep(rng.uniform(0.0, 0.1))
        if proc.poll() is None:
            in_passes += in_case_passes(interrupted)
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    print(f"kill loop: seed {seed}, {kills} kills in {rounds} rounds, {in_passes} inside the case passes, "
          f"reference run {duration:.1f} s")
    assert kills == 10, f"only {kills} kills landed in {rounds} rounds (seed {seed})"
    assert in_passes >= 1, f"no kill landed inside the case passes (seed {seed})"
    last = start(interrupted, source)
    assert last.wait(timeout=300) == 0, last.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
    got = snapshot(interrupted)
    for key, value in expected.items():
        assert got[key] == value, f"{key} differs after {kills} kills (seed {seed})"
