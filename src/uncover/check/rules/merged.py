"""Records merged into one file: a PDF whose later pages begin other records.

The NDLON production was "a few non-searchable PDFs merging all records". A page part-way through a
document that opens with its own e-mail header block (From:, Sent:, To:, Subject: at the top of the
page), or whose Bates stamp restarts instead of following the page before, is the start of another
record with no document break.
"""

from __future__ import annotations

import re

from ...ingest.loadfiles.bates import bates_from_page_text
from ..findings import DEFICIENCY, BatesList, Finding, finding_from
from ..spec import ProductionSpec
from ..view import ProductionView

HEADERS = ("from", "sent", "to", "subject")
_HEADER = re.compile(r"^\s*(from|sent|date|to|subject)\s*:", re.IGNORECASE)
TOP_LINES = 8


def starts_email(text: str) -> bool:
    """From:, Sent: (or Date:), To: and Subject: among the first lines of the page."""
    found = set()
    for line in [ln for ln in text.splitlines() if ln.strip()][:TOP_LINES]:
        match = _HEADER.match(line)
        if match:
            found.add("sent" if match[1].lower() == "date" else match[1].lower())
    return set(HEADERS) <= found


def merged_records(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    merged = BatesList()
    details: list[str] = []
    embedded = 0
    current, rows = None, []

    def finish(doc_id: int, pages: list[tuple]) -> None:
        nonlocal embedded
        if len(pages) < 2:
            return
        starts: list[str] = []
        previous = None
        for _, number, bates, text in pages:
            text = text or ""
            stamp = bates_from_page_text(text) if text else None
            stamp_number = stamp[0] if stamp and stamp[1] >= 0.7 else None
            if number > 1:
                # a repeated number is a header (a document number on every page), not a stamp
                restart = stamp_number is not None and previous is not None and stamp_number != previous \
                    and str(stamp_number) != bates and (stamp_number.prefix != previous.prefix
                                                        or stamp_number.number != previous.number + 1)
                if starts_email(text) or restart:
                    starts.append(bates or f"page {number}")
            previous = stamp_number
        if starts:
            begin, end = pages[0][2], pages[-1][2]
            label = (begin if begin == end else f"{begin}-{end}") if begin else f"DOC-{doc_id:06d}"
            merged.add(begin, end, label)
            embedded += len(starts)
            if len(details) < 50:
                details.append(f"{label}: {len(starts)} other record(s) begin at " + ", ".join(starts[:10])
                               + (" ..." if len(starts) > 10 else ""))

    for row in view.pages("p.bates, p.text"):
        if row[0] != current:
            if current is not None:
                finish(current, rows)
            current, rows = row[0], []
        rows.append(row)
    if current is not None:
        finish(current, rows)
    if not merged.count:
        return []
    return [finding_from("merged.records", DEFICIENCY, "Several records merged into one document",
                         f"These documents hold {embedded} further record(s) part-way through (a page opening with "
                         "its own e-mail header, or a Bates stamp that restarts), with no document break. Please "
                         "re-produce each record as its own document with its own metadata.", merged,
                         details=details)]


RULES = [merged_records]
