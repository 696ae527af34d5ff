"""uncover: a workbench for the people who pry records out of governments."""

from __future__ import annotations

__version__ = "0.1.0"

from .case import Case, CaseSettings
from .errors import UncoverError
from .model import (
    BatesNumber,
    BatesRange,
    Document,
    DocumentKind,
    IssueCategory,
    Page,
    ProcessingIssue,
    Production,
)

__all__ = [
    "BatesNumber", "BatesRange", "Case", "CaseSettings", "Document", "DocumentKind", "IssueCategory",
    "Page", "ProcessingIssue", "Production", "UncoverError", "__version__",
]
