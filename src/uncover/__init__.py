"""uncover: a workbench for the people who pry records out of governments."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
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

# The public names, each from its module, imported on first use (PEP 562): `uncover --help`
# and a CLI search must not pay for the case, the store and every analyzer at start.
_EXPORTS = {
    "Case": "case", "CaseSettings": "case", "UncoverError": "errors",
    **{name: "model" for name in ("BatesNumber", "BatesRange", "Document", "DocumentKind", "IssueCategory", "Page",
                                  "ProcessingIssue", "Production")},
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'uncover' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "BatesNumber", "BatesRange", "Case", "CaseSettings", "Document", "DocumentKind", "IssueCategory",
    "Page", "ProcessingIssue", "Production", "UncoverError", "__version__",
]
