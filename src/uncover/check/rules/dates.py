"""Dates and times: values that do not parse, formats the spec does not allow, formats mixed.

A date field whose values switch between 05/21/2001 and 2001-05-21 (or day-first and month-first)
cannot be sorted or filtered reliably; one that does not parse at all is lost. Formats are compared
per field, on the date part only (a time appended to some values is not a second format).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import lru_cache

from ..findings import DEFICIENCY, WARNING, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import ProductionView
from ._common import field_label

# Month-first before day-first: US productions; a value readable only day-first is a second format.
DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%b-%Y", "%d %b %Y",
                "%b %d, %Y", "%B %d, %Y", "%m-%d-%Y", "%d.%m.%Y")
TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p", "%I:%M:%S%p", "%I:%M%p", "%H%M%S")
_SHOWN = {"%m/%d/%Y": "MM/DD/YYYY", "%m/%d/%y": "MM/DD/YY", "%Y-%m-%d": "YYYY-MM-DD", "%Y%m%d": "YYYYMMDD",
          "%Y/%m/%d": "YYYY/MM/DD", "%d/%m/%Y": "DD/MM/YYYY", "%d-%b-%Y": "DD-Mon-YYYY", "%d %b %Y": "DD Mon YYYY",
          "%b %d, %Y": "Mon DD, YYYY", "%B %d, %Y": "Month DD, YYYY", "%m-%d-%Y": "MM-DD-YYYY",
          "%d.%m.%Y": "DD.MM.YYYY", "%H:%M:%S": "HH:MM:SS", "%H:%M": "HH:MM", "%I:%M:%S %p": "hh:mm:ss AM",
          "%I:%M %p": "hh:mm AM", "%I:%M:%S%p": "hh:mm:ssAM", "%I:%M%p": "hh:mmAM", "%H%M%S": "HHMMSS"}


@lru_cache(maxsize=65536)
def date_format(value: str, formats: tuple[str, ...] = DATE_FORMATS) -> str | None:
    """The first format that reads the value's date part (ISO `T` times and trailing times ignored)."""
    text = value.strip()
    if "T" in text and text[:4].isdigit():
        text = text.split("T", 1)[0]
    candidates = [text]
    parts = text.split(" ")
    for n in range(len(parts) - 1, 0, -1):
        candidates.append(" ".join(parts[:n]))
    for candidate in candidates:
        for fmt in formats:
            try:
                datetime.strptime(candidate, fmt)
            except ValueError:
                continue
            return fmt
    return None


@lru_cache(maxsize=65536)
def time_format(value: str, formats: tuple[str, ...] = TIME_FORMATS) -> str | None:
    text = " ".join(value.strip().split())
    for fmt in formats:
        try:
            datetime.strptime(text, fmt)
        except ValueError:
            continue
        return fmt
    return None


def dates(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    if not view.has_loadfile:
        return [not_checked("dates.unreadable", "Dates and times",
                            "Not checked: with no load file there are no produced date fields.")]
    rules = spec.dates
    fields = [(f, False) for f in rules.fields] + [(f, True) for f in rules.time_fields]
    allowed = {False: set(rules.formats), True: set(rules.time_formats)}
    seen: dict[str, Counter[str]] = {f: Counter() for f, _ in fields}
    by_format: dict[tuple[str, str], BatesList] = {}
    unreadable, disallowed = BatesList(), BatesList()
    unreadable_details: list[str] = []
    disallowed_details: list[str] = []
    for doc in view.documents(tuple(rules.fields) + tuple(rules.time_fields), raw=False):
        meta = doc.metadata
        bad = wrong = False
        for name, is_time in fields:
            value = str(meta.get(name, "") or "").strip()
            if not value:
                continue
            fmt = time_format(value) if is_time else date_format(value)
            if fmt is None and not is_time:
                fmt = date_format(value, tuple(rules.formats)) if rules.formats else None
            if fmt is None:
                bad = True
                if len(unreadable_details) < 50:
                    unreadable_details.append(f"{doc.label}: {field_label(name)} {value!r}")
                continue
            if allowed[is_time] and fmt not in allowed[is_time]:
                wrong = True
                if len(disallowed_details) < 50:
                    disallowed_details.append(f"{doc.label}: {field_label(name)} {value!r} ({_SHOWN.get(fmt, fmt)})")
                continue
            seen[name][fmt] += 1
            by_format.setdefault((name, fmt), BatesList()).add(doc.bates_begin, doc.bates_end, doc.label)
        if bad:
            unreadable.add(doc.bates_begin, doc.bates_end, doc.label)
        elif wrong:
            disallowed.add(doc.bates_begin, doc.bates_end, doc.label)
    findings: list[Finding] = []
    if unreadable.count:
        findings.append(finding_from("dates.unreadable", DEFICIENCY, "Dates or times that cannot be read",
                                     "These records carry date or time values that are not dates or times in any "
                                     "recognised format.", unreadable, details=unreadable_details))
    if disallowed.count:
        shown = ", ".join(_SHOWN.get(f, f) for f in sorted(allowed[False] | allowed[True]))
        findings.append(finding_from("dates.format", DEFICIENCY, "Dates or times not in the agreed format",
                                     f"Dates and times were to be produced as {shown}; these records use another "
                                     "format.", disallowed, details=disallowed_details))
    mixed = BatesList()
    details: list[str] = []
    for name, counts in seen.items():
        if len(counts) < 2:
            continue
        main, _ = counts.most_common(1)[0]
        details.append(f"{field_label(name)}: " + ", ".join(f"{_SHOWN.get(f, f)} {n}" for f, n in counts.most_common()))
        for fmt in counts:
            if fmt != main:
                mixed.merge(by_format[(name, fmt)])
    if mixed.count:
        findings.append(finding_from("dates.mixed", WARNING, "Date formats mixed within a field",
                                     "A date field uses more than one format across the production (listed: the "
                                     "records in the less common formats), so dates cannot be sorted or compared "
                                     "without guessing.", mixed, details=details))
    return findings


RULES = [dates]
