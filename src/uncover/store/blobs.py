"""Originals, content-addressed by SHA-256, written once and made read-only.

Hashing and copying happen in one streaming pass, so a production of any size is read once and
never held in memory, and the stored bytes are exactly the bytes that were hashed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import disk_full, is_disk_full

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    md5: str
    size: int


def fingerprint(path: Path) -> Fingerprint:
    sha, md5, size = hashlib.sha256(), hashlib.md5(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return Fingerprint(sha.hexdigest(), md5.hexdigest(), size)


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def put_file(self, source: Path, *, follow_links: bool = True) -> Fingerprint:
        """Copy a file in, hashing as it streams; an existing blob is kept, never rewritten.

        With follow_links False (files found by walking a folder) the file is opened without
        following a link and must still be a regular file when opened: a file swapped for a link
        or a FIFO after the scan is refused, never read through. A full disk raises DiskFullError.
        """
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0)
        if not follow_links:
            flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd_in = os.open(source, flags)
        if not stat.S_ISREG(os.fstat(fd_in).st_mode):
            os.close(fd_in)
            raise OSError(errno.EINVAL, "not a regular file", str(source))
        with open(fd_in, "rb") as src:
            return self._put(iter(lambda: src.read(CHUNK), b""))

    def put_bytes(self, data: bytes) -> Fingerprint:
        """Store a few bytes as an original (what a symbolic link in a production points to)."""
        return self._put(iter((data,)))

    def _put(self, chunks: Iterator[bytes]) -> Fingerprint:
        self.root.mkdir(parents=True, exist_ok=True)
        sha, md5, size = hashlib.sha256(), hashlib.md5(), 0
        tmp_name = ""
        try:
            fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=f".incoming-{process_tag()}-")
            with os.fdopen(fd, "wb") as dst:
                for chunk in chunks:
                    sha.update(chunk)
                    md5.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
            fp = Fingerprint(sha.hexdigest(), md5.hexdigest(), size)
            target = self.path_for(fp.sha256)
            if target.exists():
                os.unlink(tmp_name)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp_name, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
                os.replace(tmp_name, target)
            return fp
        except BaseException as exc:
            if tmp_name and os.path.exists(tmp_name):
                os.unlink(tmp_name)
            if is_disk_full(exc):
                raise disk_full(str(self.root.parent)) from exc
            raise

    def verify(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        return path.exists() and fingerprint(path).sha256 == sha256

    def clean_incoming(self) -> None:
        """Remove half-written copies left by a killed ingest (never those of an ingest still running)."""
        if self.root.exists():
            for leftover in self.root.glob(".incoming-*"):
                if is_stale(leftover, leftover.name.removeprefix(".incoming-")):
                    leftover.unlink(missing_ok=True)


def process_tag() -> str:
    """host-pid: names a process's temporary files, so others can tell whether it still runs."""
    return f"{socket.gethostname().replace('-', '_')}-{os.getpid()}"


def is_stale(path: Path, name: str, other_hosts_after: float = 86400.0) -> bool:
    """Whether a file or folder named `process_tag()...` was left by a process that is gone: one of
    this host whose pid is dead, or one of another host (a cluster node) untouched for a day."""
    host, _, rest = name.partition("-")
    pid = rest.split("-", 1)[0]
    if host == socket.gethostname().replace("-", "_") and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    try:
        return time.time() - path.stat().st_mtime > (other_hosts_after if pid.isdigit() else 60.0)
    except FileNotFoundError:
        return False


def remove_stale(folder: Path) -> None:
    """Remove the per-process subfolders of `folder` whose process is gone."""
    if folder.is_dir():
        for child in folder.iterdir():
            if is_stale(child, child.name):
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
