"""What a check reports: findings a legal team can paste into a letter, with Bates lists collapsed.

A finding cites documents the way a court filing does, by Bates number, and collapses consecutive
documents into ranges ("ABC0000100-ABC0000187, 88 documents"), so a defect affecting 40,000 records
is one line, not 40,000. The list of ranges is capped; the count never is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..ingest.loadfiles.bates import collapse_ranges
from ..model import BatesNumber, BatesRange

DEFICIENCY, WARNING, INFO, NOT_CHECKED = "deficiency", "warning", "info", "not-checked"
SEVERITIES = (DEFICIENCY, WARNING, INFO, NOT_CHECKED)
MAX_RANGES = 2000  # ranges kept per finding; the count covers everything


class BatesList:
    """Documents (Bates ranges) collected one by one, merged into consecutive runs as they come.

    Producers number documents in order, so adjacent additions usually extend the last run and
    memory stays proportional to the number of runs, which is capped at MAX_RANGES."""

    def __init__(self) -> None:
        self.count = 0
        self.documents: list[str] = []  # one entry per document, as added: the appendix of a letter
        self._runs: list[list[Any]] = []  # [begin BatesNumber, end BatesNumber] or [label str, None]
        self.truncated = 0

    def add(self, begin: str | None, end: str | None = None, label: str | None = None,
            rng: BatesRange | None = None) -> None:
        """Add one document; pass `rng` when the caller has parsed it already."""
        self.count += 1
        self.documents.append(label or (f"{begin}-{end}" if begin and end and end != begin else begin or "")
                              or "(no Bates number)")
        if rng is None:
            rng = BatesRange.parse(begin, end or begin) if begin else None
        if rng is None or rng.begin.prefix != rng.end.prefix or rng.end.number < rng.begin.number:
            self._append([label or begin or "(no Bates number)", None])
            return
        if self._runs:
            last = self._runs[-1]
            if isinstance(last[0], BatesNumber) and _adjacent(last[1], rng.begin):
                last[1] = rng.end
                return
        self._append([rng.begin, rng.end])

    def merge(self, other: BatesList) -> None:
        """Add every document of another list (several widths or formats reported as one finding)."""
        self.count += other.count
        self.documents.extend(other.documents)
        self.truncated += other.truncated
        for run in other._runs:
            self._append(list(run))

    def _append(self, run: list[Any]) -> None:
        if len(self._runs) >= MAX_RANGES:
            self.truncated += 1
            return
        self._runs.append(run)

    def ranges(self) -> list[str]:
        """Runs sorted and merged once more (documents may have arrived out of order)."""
        numbered = sorted((r for r in self._runs if isinstance(r[0], BatesNumber)), key=lambda r: r[0])
        merged: list[list[BatesNumber]] = []
        for begin, end in numbered:
            if merged and (_adjacent(merged[-1][1], begin) or _inside(merged[-1], begin)):
                if end > merged[-1][1]:
                    merged[-1][1] = end
                continue
            merged.append([begin, end])
        out = [str(BatesRange(b, e)) for b, e in merged]
        out.extend(str(r[0]) for r in self._runs if not isinstance(r[0], BatesNumber))
        return out


def _adjacent(end: BatesNumber, begin: BatesNumber) -> bool:
    return (end.prefix, end.suffix, end.width) == (begin.prefix, begin.suffix, begin.width) \
        and begin.number == end.number + 1


def _inside(run: list[BatesNumber], n: BatesNumber) -> bool:
    return (run[0].prefix, run[0].suffix) == (n.prefix, n.suffix) and run[0].number <= n.number <= run[1].number


def page_ranges(pages: list[str]) -> list[str]:
    """Page Bates numbers (gaps, pages without images) collapsed with the ingest helper."""
    return collapse_ranges(pages)


@dataclass
class Finding:
    rule: str  # e.g. "bates.gaps"
    severity: str
    title: str
    explanation: str  # plain sentences a legal team can paste
    count: int = 0  # documents (or pages, see `unit`) affected
    unit: str = "documents"
    bates: list[str] = field(default_factory=list)  # collapsed ranges
    bates_truncated: int = 0
    per_field: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_custodian: dict[str, dict[str, Any]] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)  # short extra lines (gaps, formats seen)
    documents: list[str] = field(default_factory=list)  # every document (or page range) affected, never capped

    @property
    def flagged(self) -> bool:
        return self.severity in (DEFICIENCY, WARNING)

    @property
    def bates_summary(self) -> str:
        """`ABC0000100-ABC0000187, ABC0000190, 89 documents`: the line a letter cites."""
        shown = ", ".join(self.bates)
        more = f" (and {self.bates_truncated} more not listed)" if self.bates_truncated else ""
        noun = self.unit if self.count != 1 else self.unit.rstrip("s")
        return f"{shown}{more}, {self.count} {noun}" if shown else f"{self.count} {noun}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["bates_summary"] = self.bates_summary
        return data


def finding_from(rule: str, severity: str, title: str, explanation: str, docs: BatesList, **extra: Any) -> Finding:
    return Finding(rule, severity, title, explanation, count=docs.count, bates=docs.ranges(),
                   bates_truncated=docs.truncated, documents=list(docs.documents), **extra)


def not_checked(rule: str, title: str, why: str) -> Finding:
    return Finding(rule, NOT_CHECKED, title, why)
