"""SIGKILL in the middle of an ingest, then the same command again: exactly an uninterrupted run."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from uncover import Case
from uncover.errors import UncoverError
from uncover.search.engine import search

WORDS = "records request detainer county sheriff memo opt out program agency counsel schedule order".split()


def make_production(folder: Path, files: int = 400) -> Path:
    folder.mkdir(parents=True)
    for i in range(files):
        words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(60))
        (folder / f"doc-{i:04d}.txt").write_text(f"Record number {i}. {words}\n", "utf-8")
    with zipfile.ZipFile(folder / "bundle.zip", "w") as archive:
        for i in range(40):
            archive.writestr(f"inner/member-{i:03d}.txt", f"Member {i} of the bundle about county sheriff {i}.\n")
    return folder


def run_ingest(case_dir: Path, source: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uncover", "ingest", str(case_dir), str(source), "--ocr", "never", "--workers", "2",
           "--production", "P1", "--json"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def documents_committed(case_dir: Path) -> int:
    """Read by another process while the ingest runs (either backend)."""
    try:
        with Case.open(case_dir) as case:
            return case.store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except (sqlite3.Error, UncoverError, OSError):
        return 0


def signature(case_dir: Path) -> tuple[int, int, str]:
    case = Case.open(case_dir)
    rows = []
    for doc in case.store.iter_documents():
        parent = case.store.document(doc.parent_id).path if doc.parent_id else ""
        text = "\f".join(p.text for p in case.store.pages(doc.id))
        rows.append((doc.path, doc.sha256, doc.page_count, hashlib.sha256(text.encode()).hexdigest(), parent))
    counts = case.store.counts()
    index_docs = case.index.count()
    case.close()
    assert index_docs == counts["documents"], "every document indexed exactly once"
    return counts["inputs"], counts["documents"], hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()


@pytest.mark.slow
def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    source = make_production(tmp_path / "production")
    reference = tmp_path / "reference"
    assert run_ingest(reference, source).wait(timeout=300) == 0
    expected = signature(reference)

    interrupted = tmp_path / "interrupted"
    kills = 0
    for threshold in (60, 250):  # kill twice, at different points
        proc = run_ingest(interrupted, source)
        deadline = time.monotonic() + 120
        while documents_committed(interrupted) < threshold and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
    assert kills >= 1, "the ingest finished before it could be killed; make the production larger"
    assert documents_committed(interrupted) < expected[1]
    assert run_ingest(interrupted, source).wait(timeout=300) == 0

    with Case.open(interrupted) as case:
        conn = case.store.conn
        if case.backend == "sqlite":  # PostgreSQL keeps its own pages consistent (WAL): nothing to check here
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        dupes = conn.execute("SELECT COUNT(*) FROM (SELECT path FROM documents GROUP BY path HAVING COUNT(*) > 1) d").fetchone()[0]
        assert dupes == 0
    assert signature(interrupted) == expected
    case = Case.open(interrupted)
    assert search(case, "sheriff AND member").total == 40
