"""The case database as a file: refused before SQLite opens it when it is missing, empty, not
SQLite or cut short, and opened without writing when it sits on read-only media.

SQLite would happily create a fresh, empty database in place of a missing or 0-byte file (after
which a reindex erased the case's index), and a truncated file fails only later, halfway through
some query, as a traceback. These checks cost one stat and one 100-byte read per open.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import CaseError

SQLITE_MAGIC = b"SQLite format 3\x00"


def check_database_file(path: Path, create: bool) -> None:
    """Refuse a case database that is missing, empty, not SQLite, or cut short, before opening it."""
    size = path.stat().st_size if path.exists() else -1
    if size <= 0:
        if create:
            return
        state = "missing" if size < 0 else "empty (0 bytes)"
        raise CaseError(
            f"The case database {path} is {state}, but the case holds originals or an index: uncover will not "
            "start a new, empty database over them. Restore case.db from a backup (the originals are untouched; "
            "`uncover verify` checks them), or ingest the production again into a new case.",
            path=str(path),
        )
    with open(path, "rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise damaged(path, "it is not an SQLite database")
    if len(header) < 100:
        raise damaged(path, "it is cut short")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]  # the page count is current only when these agree
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0  # a checkpoint may be half done: SQLite redoes it
    if valid and pages and not wal_pending and size < pages * page_size:
        raise damaged(path, f"it is cut short: {size:,} bytes of the {pages * page_size:,} it records")


def damaged(path: Path, reason: str) -> CaseError:
    return CaseError(
        f"The case database {path} is damaged ({reason}). Restore case.db from a backup; the originals are "
        "untouched (`uncover verify` checks them against their hashes).",
        path=str(path),
    )


def writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A case on read-only media (a DVD, a read-only share, an archive): read without writing.

    SQLite needs the -shm file to read a WAL database; where neither -wal nor -shm exist (the
    case was closed cleanly) the file is opened as immutable, with no locking at all.
    """
    wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    if wal.exists() and wal.stat().st_size > 0:
        if not shm.exists():
            raise CaseError(
                f"{path} is read-only and holds unfinished work ({wal.name}) that SQLite cannot read without writing; "
                "open the case once where it can be written, then read it from anywhere.", path=str(path),
            )
        uri = f"{path.resolve().as_uri()}?mode=ro"
    else:
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
