"""What the case's ingests are doing now: running, stopped halfway, or all finished.

The `ingests` table alone cannot say: a run killed halfway never writes `finished_at`, and its
resumed run is a new row, so "the newest row without finished_at" kept reporting a finished or
killed run as in progress. Here only the newest run counts, and it is *running* only while a
writer holds the case (the case lock on SQLite, asked of the kernel without taking it). A
PostgreSQL case has no case-wide lock (its writers serialize per transaction), so there a run is
taken as running while inputs wait and documents keep arriving (one committed within
`QUIET_SECONDS`): a run killed in the last few minutes still reads as running until then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

QUIET_SECONDS = 600


@dataclass
class IngestState:
    state: str  # "running", "stopped" (killed or interrupted: run the same command again), "finished", "none"
    ingest_id: int | None = None
    production: str = ""
    started_at: str = ""
    total: int = 0
    documents: int = 0
    exceptions: int = 0
    pending: int = 0
    unindexed: int = 0
    sources: list[str] = field(default_factory=list)
    holder: str = ""  # the running command, where the case lock names it

    @property
    def done(self) -> int:
        return self.documents + self.exceptions

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def ingest_state(case: Any, now: datetime | None = None) -> IngestState:
    conn = case.store.conn
    row = conn.execute("SELECT * FROM ingests ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return IngestState("none")
    states = {str(k): int(v) for k, v in conn.execute(
        "SELECT state, COUNT(*) FROM inputs WHERE ingest_id = ? GROUP BY state", (row["id"],)).fetchall()}
    production = conn.execute("SELECT name FROM productions WHERE id = ?", (row["production_id"],)).fetchone()
    out = IngestState(
        "finished", int(row["id"]), production[0] if production else "", str(row["started_at"] or ""),
        sum(states.values()), states.get("document", 0), states.get("exception", 0),
        int(conn.execute("SELECT COUNT(*) FROM inputs WHERE state = 'pending'").fetchone()[0]),
        int(conn.execute("SELECT COUNT(*) FROM documents WHERE indexed = 0").fetchone()[0]),
        json.loads(row["sources"] or "[]"),
    )
    if row["finished_at"] is not None:
        return out
    running, out.holder = _writing(case, now, out.pending)
    out.state = "running" if running else "stopped"
    return out


def _writing(case: Any, now: datetime | None, pending: int) -> tuple[bool, str]:
    """(a writer is at work, the command it runs where known)."""
    if case.backend == "sqlite":
        from ..store.lock import writer

        holder = writer(case.root)
        return holder is not None, f"uncover {holder['command']}" if holder and holder["command"] else ""
    return pending > 0 and _arriving(case, now), ""


def _arriving(case: Any, now: datetime | None) -> bool:
    last = case.store.conn.execute("SELECT MAX(created_at) FROM documents").fetchone()[0]
    if not last:
        return False
    try:
        when = datetime.strptime(str(last)[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return False
    return ((now or datetime.now(UTC)) - when).total_seconds() < QUIET_SECONDS
