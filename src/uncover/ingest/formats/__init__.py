"""Input formats: one module per format, each defining `READER`; the best sniff score wins."""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from .base import ChildFile, Extraction, FormatReader, PageText, ReadContext

# Order breaks ties: a more specific format before a generic one.
FORMAT_MODULES = (
    "pdf",
    "image",
    "eml",
    "mbox",
    "msg",
    "pst",
    "docx",
    "xlsx",
    "pptx",
    "odf",
    "legacy_office",
    "rtf",
    "html",
    "zip",
    "sevenzip",
    "tar",
    "text",
)

__all__ = ["ChildFile", "Extraction", "FormatReader", "PageText", "ReadContext", "identify", "readers"]


@cache
def readers() -> tuple[FormatReader, ...]:
    found = []
    for name in FORMAT_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:  # a format whose module is not written yet
            if exc.name and exc.name.endswith(f"formats.{name}"):
                continue
            raise
        found.append(module.READER)
    return tuple(found)


def identify(path: Path, filename: str | None = None) -> FormatReader | None:
    """The reader for a file, from its first bytes and its name; None when no reader claims it."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    name = filename or path.name
    best, best_score = None, 0.0
    for reader in readers():
        score = reader.sniff(head, name)
        if score > best_score:
            best, best_score = reader, score
    return best
