"""Helpers shared by rule modules: field names as a letter prints them, column lookups."""

from __future__ import annotations

from functools import lru_cache

from ...ingest.loadfiles.fields import EXPORT_NAMES, canonical_name


def field_label(requirement: str) -> str:
    """`attach_range|attach_begin` -> `ATTACHRANGE or BEGATTACH`: the names producers use."""
    return " or ".join(EXPORT_NAMES.get(name, name.upper()) for name in requirement.split("|"))


@lru_cache(maxsize=256)
def column_map(names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """canonical field -> the producer's columns that carry it (a load file has few shapes)."""
    out: dict[str, list[str]] = {}
    for name in names:
        canonical = canonical_name(name)
        if canonical:
            out.setdefault(canonical, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def page_label(view: object, doc_id: int, begin: str | None, end: str | None) -> str:
    """How a finding cites a document from its pages: `BEGIN-END`, `BEGIN`, or (pages without Bates
    numbers) the document's own Bates number or file name, never an internal id."""
    if begin and end and begin != end:
        return f"{begin}-{end}"
    doc = view.document(doc_id)  # type: ignore[attr-defined]
    if doc is not None and doc.bates_begin:
        return doc.label
    if begin:
        return begin
    return doc.label if doc is not None else "a document with no Bates number"


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 page`, `3 pages`: counts as a letter writes them, never `page(s)`."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0
