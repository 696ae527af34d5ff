"""One error tree, translated once at the CLI boundary (exit codes) and in the web app (pages).

    UncoverError                 anything uncover reports to a user
    ├── CaseError                the case folder is missing, not a case, or from a newer version
    ├── InputError               a path given by the user does not exist or cannot be read
    ├── QueryError               a search query that does not parse
    ├── ExtractionError          one file could not be read: carries an IssueCategory
    │   └── EncryptedError
    ├── LoadFileError            a load file that cannot be parsed at all
    └── ClusterError             the Ray cluster of `ingest --ray` cannot be reached or used

Every message names the file (and Bates number where known) and says what to do.
"""

from __future__ import annotations

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


class LoadFileError(UncoverError):
    exit_code = 5


class ClusterError(UncoverError):
    exit_code = 6


class ExtractionError(UncoverError):
    """A file that cannot become a document. The category lands in the exception report."""

    def __init__(self, message: str, category: IssueCategory = IssueCategory.CORRUPT, **kw: str | None) -> None:
        super().__init__(message, **kw)
        self.category = category


class EncryptedError(ExtractionError):
    def __init__(self, message: str, **kw: str | None) -> None:
        super().__init__(message, IssueCategory.ENCRYPTED, **kw)
