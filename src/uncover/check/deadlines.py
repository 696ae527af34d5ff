"""Production deadlines from a scheduling order (`[[schedule]]` in uncover.toml) against what arrived.

NDLON's scheduling order set a first production for Jan 17, 2011 and a second for Feb 25: a team
needs to see, per production, the date due, the date received, and whether it is overdue.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from ..errors import CaseError


@dataclass
class Deadline:
    production: str
    due: str  # ISO date
    received: str | None  # ISO date, None when nothing of that name has arrived
    status: str  # "received", "late" (received after the due date), "overdue", "due"
    days_late: int = 0
    note: str = ""  # e.g. that the day of receipt was never recorded

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _iso(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise CaseError(f"uncover.toml: {where} {value!r} is not a date; write it as YYYY-MM-DD.") from exc


def deadlines(case: Any, today: date | None = None) -> list[Deadline]:
    """One row per scheduled production, in due-date order."""
    today = today or date.today()
    received: dict[str, str] = {}
    for p in case.store.productions():
        # the day of receipt, never the day of ingest: a volume ingested years later is not years late
        received[p.name] = (p.received_at or "")[:10]
    out = []
    for i, entry in enumerate(case.settings.schedule, 1):
        if not isinstance(entry, dict) or "production" not in entry or "due" not in entry:
            raise CaseError(f"uncover.toml: [[schedule]] entry {i} needs production = \"...\" and due = YYYY-MM-DD.")
        name = str(entry["production"])
        due = _iso(entry["due"], f"[[schedule]] entry {i} due")
        got = received.get(name) or None
        if name in received and not got:
            out.append(Deadline(name, due.isoformat(), None, "received", 0,
                                "day of receipt not recorded (uncover ingest --received YYYY-MM-DD, or uncover "
                                "received)"))
        elif got:
            late = (_iso(got, f"production {name} received") - due).days
            out.append(Deadline(name, due.isoformat(), got, "late" if late > 0 else "received", max(late, 0)))
        elif today > due:
            out.append(Deadline(name, due.isoformat(), None, "overdue", (today - due).days))
        else:
            out.append(Deadline(name, due.isoformat(), None, "due"))
    return sorted(out, key=lambda d: d.due)
