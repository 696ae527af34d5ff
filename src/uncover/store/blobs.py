"""Originals, content-addressed by SHA-256, written once and made read-only.

Hashing and copying happen in one streaming pass, so a production of any size is read once and
never held in memory, and the stored bytes are exactly the bytes that were hashed.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

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

    def put_file(self, source: Path) -> Fingerprint:
        """Copy a file in, hashing as it streams; an existing blob is kept, never rewritten."""
        self.root.mkdir(parents=True, exist_ok=True)
        sha, md5, size = hashlib.sha256(), hashlib.md5(), 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                while chunk := src.read(CHUNK):
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
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def verify(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        return path.exists() and fingerprint(path).sha256 == sha256

    def clean_incoming(self) -> None:
        """Remove half-written copies left by a killed ingest."""
        if self.root.exists():
            for leftover in self.root.glob(".incoming-*"):
                leftover.unlink(missing_ok=True)
