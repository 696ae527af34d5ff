"""The expansion budget of each top-level input, kept by the process that sees every level.

Readers charge `ExpansionBudget` as they write members (formats/base.py), but each reads one
archive, in its own worker, with the remainder it was handed: siblings read in parallel saw the
same remainder. So the parent charges the same totals again, authoritatively, before it stores
any child: what has been expanded from a top-level input is the sum of the sizes of every input
whose root it is (the manifest says so, so a resumed ingest picks up where the last one stood).
"""

from __future__ import annotations

from ..model import DocumentKind
from ..store import InputRecord, SqliteStore
from .formats.base import RATIO_FLOOR, ExpansionBudget, Extraction, Limits


class BudgetLedger:
    def __init__(self, store: SqliteStore, limits: Limits) -> None:
        self.store = store
        self.limits = limits
        self.usage: dict[int, list[int]] = {}  # root input id -> [bytes, inputs] expanded so far

    def _usage(self, root_id: int) -> list[int]:
        if root_id not in self.usage:
            self.usage[root_id] = list(self.store.expansion_used(root_id))
        return self.usage[root_id]

    def budget(self, record: InputRecord) -> ExpansionBudget:
        """What is left for this input to expand to: handed to its reader with the task."""
        limits = self.limits
        used_bytes, used_inputs = self._usage(record.root_id)
        root = record if record.root_input_id is None else self.store.input(record.root_input_id)
        return ExpansionBudget(limits.max_expanded_bytes - used_bytes, limits.max_members - used_inputs, record.depth,
                               limits.max_depth, root.size, used_bytes, limits.max_expansion_ratio, root.display_name)

    def refusal(self, record: InputRecord, extraction: Extraction, sizes: list[int]) -> str | None:
        """Why storing these children would break the budget of the top-level input, or None."""
        limits = self.limits
        budget = self.budget(record)
        whose = f"the production's file {budget.label}"
        if extraction.kind == DocumentKind.ARCHIVE and record.depth >= limits.max_depth:
            return f"it is an archive nested {record.depth + 1} archives deep in {whose} (limit {limits.max_depth})"
        if len(sizes) > budget.members_left:
            return f"its {len(sizes):,} members would take {whose} past {limits.max_members:,} files inside files"
        if sum(sizes) > budget.bytes_left:
            return f"its members would take {whose} past {limits.max_expanded_bytes:,} bytes expanded"
        total = budget.expanded + sum(sizes)
        if total > RATIO_FLOOR and total / max(budget.root_size, 1) > limits.max_expansion_ratio:
            return (f"its members would make {whose} ({budget.root_size:,} bytes) expand to {total:,} bytes, more than "
                    f"{limits.max_expansion_ratio:,.0f} times its size, counting every archive nested in it")
        return None

    def charge(self, record: InputRecord, size: int, inputs: int) -> None:
        """Children stored (after their transaction committed)."""
        usage = self._usage(record.root_id)
        usage[0] += size
        usage[1] += inputs
