"""A damaged, missing or read-only case database, and two writers at once.

The red team's findings: a truncated or random-bytes case.db gave tracebacks (and `exceptions`
said "No exceptions" with exit 0); a missing or 0-byte case.db was silently recreated, after which
`reindex` emptied the index; a read-only case could not even be searched; two ingests started
together destroyed each other's work. Each is now one plain line and a non-zero exit, and nothing
on disk is changed by the refusal.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_helpers import assert_one_line_error, run_uncover, uncover_cmd

from uncover import Case
from uncover.errors import CaseBusyError
from uncover.ingest.pipeline import IngestOptions, ingest

WORDS = "records request detainer county sheriff memo opt out program agency counsel schedule order".split()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("damage")
    production = root / "production"
    production.mkdir()
    for i in range(30):
        (production / f"doc-{i:02d}.txt").write_text(" ".join(WORDS[(i + k) % len(WORDS)] for k in range(40)), "utf-8")
    # The case.db file itself is what these tests damage: a SQLite case on the PostgreSQL run too.
    with Case.init(root / "case", database="") as case:
        ingest(case, [production], IngestOptions(production="P1", ocr="never", workers=1, analyze=False))
    return root / "case"


@pytest.fixture
def copy(made: Path, tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(made, target)
    return target


def damage(db: Path, how: str) -> None:
    size = db.stat().st_size
    if how == "missing":
        db.unlink()
    elif how == "empty":
        db.write_bytes(b"")
    elif how == "truncated":
        with open(db, "r+b") as fh:
            fh.truncate(size * 2 // 3)
    elif how == "random":
        db.write_bytes(os.urandom(size))


@pytest.mark.parametrize("how,phrase", [("missing", "missing"), ("empty", "empty (0 bytes)"),
                                        ("truncated", "cut short"), ("random", "not an SQLite database")])
def test_a_damaged_or_missing_database_is_one_line_and_never_replaced(copy: Path, how: str, phrase: str) -> None:
    db = copy / "case.db"
    damage(db, how)
    before = db.read_bytes() if db.exists() else None
    index_files = sorted(p.name for p in (copy / "index").iterdir())
    for command in (["exceptions", str(copy)], ["reindex", str(copy)], ["search", str(copy), "detainer"]):
        assert_one_line_error(run_uncover(*command), 2, phrase, "case.db")
    assert (db.read_bytes() if db.exists() else None) == before  # not recreated, not "repaired"
    assert sorted(p.name for p in (copy / "index").iterdir()) == index_files


def test_corruption_inside_the_database_is_found_by_verify(copy: Path) -> None:
    db = copy / "case.db"
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page * 2, len(data) - page, page):  # every page after the schema: headers scrambled
        data[offset : offset + 16] = os.urandom(16)
    db.write_bytes(bytes(data))
    run = run_uncover("verify", str(copy))
    assert run.returncode in (2, 8) and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert "damaged" in run.stdout + run.stderr


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """The folder on read-only media: a read-only bind mount (as root), else write bits removed."""
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        try:
            yield folder
        finally:
            for path in [folder, *folder.rglob("*")]:
                path.chmod(path.stat().st_mode | 0o200)
        return
    view = folder.parent / (folder.name + "-ro")
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(folder), str(view)], capture_output=True).returncode == 0
    if mounted and subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True).returncode != 0:
        subprocess.run(["umount", str(view)], capture_output=True)
        mounted = False
    if not mounted:
        pytest.skip("running as root without the right to mount: no way to make a folder read-only for root")
    try:
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_a_read_only_case_can_be_searched_shown_listed_and_verified(copy: Path) -> None:
    with read_only(copy) as view:
        found = run_uncover("search", str(view), "detainer AND sheriff", "--json")
        assert found.returncode == 0, found.stderr[-2000:]
        assert found.json()["total"] > 0  # type: ignore[index]
        for command in (["show", str(view), "1"], ["status", str(view)], ["exceptions", str(view)],
                        ["verify", str(view)], ["dupes", str(view)]):
            run = run_uncover(*command)
            assert run.returncode == 0 and "Traceback" not in run.stderr, (command, run.stderr[-2000:])
        assert_one_line_error(run_uncover("ingest", str(view), str(copy / "uncover.toml")), 2, "read-only")
        assert_one_line_error(run_uncover("reindex", str(view)), 2, "read-only")
        assert not any(p.name.endswith(("-wal", "-shm")) for p in view.iterdir())


def test_a_second_writer_stops_before_touching_anything(copy: Path, tmp_path: Path) -> None:
    production = tmp_path / "more"
    production.mkdir()
    for i in range(1500):  # enough that the first ingest still holds the lock when both checks run
        (production / f"more-{i:04d}.txt").write_text(f"record {i} " + " ".join(WORDS), "utf-8")
    first = subprocess.Popen(uncover_cmd("ingest", str(copy), str(production), "--ocr", "never", "--workers", "1"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _holder(copy) != first.pid:
            assert first.poll() is None and time.monotonic() < deadline, "the first ingest never took the lock"
            time.sleep(0.05)
        with Case.open(copy) as case, pytest.raises(CaseBusyError):  # the quicker check first
            with case.writing("reindex", wait=0.2):
                pass
        second = run_uncover("ingest", str(copy), str(production), "--ocr", "never")
        assert_one_line_error(second, 7, "Another uncover process", f"pid {first.pid}")
    finally:
        assert first.wait(timeout=300) == 0, first.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
    with Case.open(copy) as case:
        assert case.store.counts()["documents"] == 1530


def _holder(case_dir: Path) -> int | None:
    """The pid the lock file names (written by the holder once it has the lock)."""
    try:
        return int(json.loads((case_dir / "case.lock").read_text() or "{}").get("pid", 0)) or None
    except (OSError, ValueError):
        return None
