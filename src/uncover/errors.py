"""One error tree, translated once at the CLI boundary (exit codes) and in the web app (pages).

    UncoverError                 anything uncover reports to a user
    ├── CaseError                the case folder is missing, not a case, damaged, or from a newer version
    │   └── CaseBusyError        another uncover process is writing to the case
    ├── InputError               a path given by the user does not exist or cannot be read
    ├── QueryError               a search query that does not parse
    ├── ExtractionError          one file could not be read: carries an IssueCategory
    │   └── EncryptedError
    ├── LoadFileError            a load file that cannot be parsed at all
    ├── DiskFullError            the disk holding the case is full: the work stops, nothing is lost
    ├── CustodyError             a stored original no longer matches its recorded hash (or is gone)
    └── ClusterError             the Ray cluster of `ingest --ray` cannot be reached or used

Every message names the file (and Bates number where known) and says what to do.
"""

from __future__ import annotations

import errno
import sqlite3

from .model import IssueCategory


class UncoverError(Exception):
    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, bates: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.bates = bates

    def __str__(self) -> str:
        return self.message


class CaseError(UncoverError):
    exit_code = 2


class InputError(UncoverError):
    exit_code = 3


class QueryError(UncoverError):
    exit_code = 4


class CaseBusyError(CaseError):
    exit_code = 7


class LoadFileError(UncoverError):
    exit_code = 5


class DiskFullError(UncoverError):
    exit_code = 6


class CustodyError(UncoverError):
    exit_code = 8


class ClusterError(UncoverError):
    exit_code = 9


class ExtractionError(UncoverError):
    """A file that cannot become a document. The category lands in the exception report."""

    def __init__(self, message: str, category: IssueCategory = IssueCategory.CORRUPT, **kw: str | None) -> None:
        super().__init__(message, **kw)
        self.category = category


class EncryptedError(ExtractionError):
    def __init__(self, message: str, **kw: str | None) -> None:
        super().__init__(message, IssueCategory.ENCRYPTED, **kw)


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC or a quota from the OS, SQLITE_FULL from SQLite, or Tantivy's wrapped IoError."""
    if isinstance(exc, DiskFullError):
        return True
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        return True
    if isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
        return True
    text = str(exc)
    return "No space left on device" in text or "StorageFull" in text or "QuotaExceeded" in text


def disk_full(where: str) -> DiskFullError:
    return DiskFullError(
        f"The disk holding {where} is full. The work stopped cleanly and nothing is lost: free some space "
        "and run the same command again; it finishes what is still pending.", path=where,
    )


def explain(exc: BaseException, where: str) -> UncoverError | None:
    """The plain-language error for a storage failure that is not a bug (disk full, a damaged or
    read-only case database), or None. Applied once, at the CLI boundary and in the web app."""
    if isinstance(exc, UncoverError):
        return exc
    if is_disk_full(exc):
        return disk_full(where)
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "")
        if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in str(exc) or "not a database" in str(exc):
            return CaseError(
                f"The case database in {where} is damaged ({exc}). Restore case.db from a backup; the originals "
                "are untouched (`uncover verify` checks them).", path=where,
            )
        if name.startswith("SQLITE_READONLY") or "readonly" in str(exc):
            return CaseError(f"{where} is read-only: this command changes the case; run it on a writable copy.", path=where)
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
            return CaseBusyError(f"The case in {where} is busy (another uncover process is writing to it); "
                                 "run the command again when it has finished.", path=where)
    if "ReadOnlyFilesystem" in str(exc) or "PermissionDenied" in str(exc):
        return CaseError(f"{where} is read-only: this command changes the case; run it on a writable copy.", path=where)
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return CaseError(f"{exc.filename or where} cannot be written ({exc.strerror}): this command changes the "
                         "case; run it on a writable copy.", path=where)
    return None
