"""A full disk stops the ingest cleanly, with the item in hand still pending, and loses nothing.

The red team's run ended in tracebacks, and a disk that filled while a ZIP was being unpacked lost
a member for good (`rom.ods//content.xml` was recorded as "damaged: skipped" and never retried).
Here the case lives on a 20 MB file system (a tmpfs, else an ext4 image on a loop device); a
production whose ZIP expands past that stops with one line and exit code 6; once the file system
is made larger, the same command finishes, with every file and every member of the ZIP.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_helpers import assert_one_line_error, run_uncover

from uncover import Case
from uncover.ingest.pipeline import reconcile

pytestmark = pytest.mark.slow
WORDS = "records request detainer county sheriff memo opt out program agency counsel schedule order".split()


def small_filesystem(mountpoint: Path, tmp_path: Path) -> Iterator[str]:
    """Mount 20 MB at `mountpoint`; yields how ('tmpfs' or 'loop'). Skips where neither can be mounted."""
    mountpoint.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mountpoint)], capture_output=True).returncode == 0:
        try:
            yield "tmpfs"
        finally:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)
        return
    image = tmp_path / "small.img"
    made = (subprocess.run(["truncate", "-s", "20M", str(image)], capture_output=True).returncode == 0
            and shutil.which("mkfs.ext4") is not None
            and subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True).returncode == 0
            and subprocess.run(["mount", "-o", "loop", str(image), str(mountpoint)], capture_output=True).returncode == 0)
    if not made:
        pytest.skip("cannot mount a small file system here (neither tmpfs nor a loop device): needs root or CAP_SYS_ADMIN")
    try:
        yield "loop"
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True)


def grow(mountpoint: Path, how: str, tmp_path: Path) -> None:
    if how == "tmpfs":
        subprocess.run(["mount", "-o", "remount,size=400m", str(mountpoint)], check=True, capture_output=True)
        return
    image = tmp_path / "small.img"
    subprocess.run(["truncate", "-s", "400M", str(image)], check=True)
    device = subprocess.run(["findmnt", "-n", "-o", "SOURCE", str(mountpoint)], check=True, capture_output=True,
                            text=True).stdout.strip()
    subprocess.run(["losetup", "-c", device], check=True, capture_output=True)
    subprocess.run(["resize2fs", device], check=True, capture_output=True)


def make_production(folder: Path) -> Path:
    """A few texts and a ZIP of ten 2.5 MB texts: about 8 MB stored, 25 MB when unpacked."""
    rng = random.Random(11)
    folder.mkdir()
    for i in range(5):
        (folder / f"memo-{i}.txt").write_text(" ".join(rng.choice(WORDS) for _ in range(300)), "utf-8")
    with zipfile.ZipFile(folder / "volume.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(10):
            archive.writestr(f"part-{i:02d}.txt", f"Part {i}. " + " ".join(rng.choice(WORDS) for _ in range(400_000)))
    return folder


def documents(case_dir: Path) -> list[tuple[str, str]]:
    with Case.open(case_dir) as case:
        return sorted((d.path, d.sha256) for d in case.store.iter_documents())


def expected(production: Path) -> list[tuple[str, str]]:
    """What an ingest on a roomy disk gives: every file, and every member of the ZIP."""
    found = [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in production.iterdir()]
    with zipfile.ZipFile(production / "volume.zip") as archive:
        found += [(f"volume.zip//{n}", hashlib.sha256(archive.read(n)).hexdigest()) for n in archive.namelist()]
    return sorted(found)


def test_disk_full_stops_cleanly_and_the_rerun_loses_nothing(tmp_path: Path) -> None:
    production = make_production(tmp_path / "production")
    mountpoint = tmp_path / "small"
    filesystem = small_filesystem(mountpoint, tmp_path)
    how = next(filesystem)
    try:
        case_dir = mountpoint / "case"
        full = run_uncover("ingest", str(case_dir), str(production), "--ocr", "never", "--workers", "1", "--no-analyze")
        assert_one_line_error(full, 6, "disk", "full", "nothing is lost")
        with Case.open(case_dir) as case:
            assert case.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rec = reconcile(case)
            assert rec["pending"] >= 1 and rec["difference"] == 0  # the ZIP being unpacked is still pending
            assert not [i for i in case.store.issues() if "space" in i.message or "damaged" in i.message]
        grow(mountpoint, how, tmp_path)
        again = run_uncover("ingest", str(case_dir), str(production), "--ocr", "never", "--workers", "1", "--no-analyze")
        assert again.returncode == 0, again.stderr[-2000:]
        assert documents(case_dir) == expected(production)  # every member of the ZIP, none lost
        with Case.open(case_dir) as case:
            assert reconcile(case)["pending"] == 0 and not case.store.issues(exceptions_only=True)
    finally:
        filesystem.close()
