"""Scan: turn the paths a user gives into the manifest, before anything is parsed.

Each file is hashed (SHA-256 and MD5) while it is copied into the blob store, so the stored
original is byte-for-byte what was hashed, and the manifest row exists before any parser touches
the file: the final count always reconciles (inputs = documents + exceptions).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class SourceFile:
    path: Path
    display: str  # the path as the production names it: relative to the folder given


def walk_sources(paths: Iterable[Path], exclude: set[Path] | frozenset[Path] = frozenset()) -> Iterator[SourceFile]:
    """Every regular file under the given paths, in a stable order; symlinked folders not followed.

    Folders and files in `exclude` (load-file volumes, read through their load files, and the
    delivery's manifest beside them) are skipped.
    """
    for given in paths:
        if not given.exists():
            raise InputError(f"{given} does not exist; check the path and try again.", path=str(given))
        if given.is_file():
            yield SourceFile(given, given.name)
            continue
        for root, dirs, files in os.walk(given, followlinks=False):
            dirs[:] = sorted(d for d in dirs if Path(root) / d not in exclude)
            for name in sorted(files):
                path = Path(root) / name
                if path.is_file() and path not in exclude:
                    yield SourceFile(path, path.relative_to(given).as_posix())


def count_sources(paths: Iterable[Path]) -> int:
    return sum(1 for _ in walk_sources(paths))


def item_key(production_id: int, display: str, sha256: str, parent_key: str = "") -> str:
    """Identity of an input: the same file at the same place in the same production is one input.

    Re-running an ingest (or resuming a killed one) therefore adds nothing that is already there,
    while the same bytes at another path, or in a later production, are inputs of their own.
    """
    return hashlib.sha256(f"{production_id}\0{parent_key}\0{display}\0{sha256}".encode()).hexdigest()
