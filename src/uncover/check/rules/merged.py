"""Records merged into one file: a PDF whose later pages begin other records.

The NDLON production was "a few non-searchable PDFs merging all records". A page part-way through a
document that opens with its own e-mail header block (From:, Sent:, To:, Subject: at the top of the
page), or whose Bates stamp restarts instead of following the page before, is the start of another
record with no document break, and so is a page whose printed document number ("Doc No. C05739679")
differs from the page before (OCR noise of one glyph allowed).
"""

from __future__ import annotations

import re

from ...ingest.loadfiles.bates import bates_from_page_text
from ...model import BatesNumber
from ..findings import DEFICIENCY, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..stamps import fold_prefix, same_series, stamp_matches
from ..view import ProductionView
from ._common import page_label

HEADERS = ("from", "sent", "to", "subject")
_HEADER = re.compile(r"^\s*(from|sent|date|to|subject)\s*:", re.IGNORECASE)
TOP_LINES = 8
# a document number printed at the top of every page (State: "Doc No. C05739677"): when it changes
# part-way through a document, another record begins there
_DOC_ID = re.compile(r"\b(?:doc(?:ument)?|control|record)\.?\s*(?:no|number|id|#)\.?\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{4,})",
                     re.IGNORECASE)


def starts_email(text: str) -> bool:
    """From:, Sent: (or Date:), To: and Subject: among the first lines of the page."""
    found = set()
    for line in [ln for ln in text.splitlines() if ln.strip()][:TOP_LINES]:
        match = _HEADER.match(line)
        if match:
            found.add("sent" if match[1].lower() == "date" else match[1].lower())
    return set(HEADERS) <= found


def header_id(text: str) -> str | None:
    """The document number a page prints among its first lines, if any."""
    for line in [ln for ln in text.splitlines() if ln.strip()][:TOP_LINES]:
        match = _DOC_ID.search(line)
        if match and any(ch.isdigit() for ch in match[1]):
            return match[1].upper()
    return None


def _header_changes(current: str | None, previous: str | None) -> bool:
    return current is not None and previous is not None and fold_prefix(current) != fold_prefix(previous)


def merged_records(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    """Evidence needed: page text (a header block or a Bates stamp to read). Without any page text the
    rule says not checked; a stamp that is the page's own number read with OCR noise is no evidence."""
    merged = BatesList()
    details: list[str] = []
    embedded = 0
    pages_with_text = 0
    current, rows = None, []

    def finish(doc_id: int, pages: list[tuple]) -> None:
        nonlocal embedded
        if len(pages) < 2:
            return
        starts: list[str] = []
        previous = previous_id = None
        for _, number, bates, text in pages:
            text = text or ""
            stamp = bates_from_page_text(text) if text else None
            stamp_number = stamp[0] if stamp and stamp[1] >= 0.7 else None
            doc_number = header_id(text)
            if number > 1 and (starts_email(text) or _restarts(stamp_number, previous, bates)
                               or _header_changes(doc_number, previous_id)):
                starts.append(bates or f"page {number}")
            previous = stamp_number
            previous_id = doc_number or previous_id
        if starts:
            begin, end = pages[0][2], pages[-1][2]
            label = page_label(view, doc_id, begin, end)
            merged.add(begin, end, label)
            embedded += len(starts)
            details.append(f"{label}: another record begins at {starts[0]}" if len(starts) == 1 else
                           f"{label}: {len(starts)} other records begin, at " + ", ".join(starts))

    for row in view.pages("p.bates, p.text"):
        if row[3] and row[3].strip():
            pages_with_text += 1
        if row[0] != current:
            if current is not None:
                finish(current, rows)
            current, rows = row[0], []
        rows.append(row)
    if current is not None:
        finish(current, rows)
    if not pages_with_text:
        return [not_checked("merged.records", "Records merged into one document",
                            "Not checked: no page has text, so neither e-mail header blocks nor Bates stamps "
                            "could be read.")]
    if not merged.count:
        return []
    return [finding_from("merged.records", DEFICIENCY, "Several records merged into one document",
                         f"These documents hold {embedded} further {'record' if embedded == 1 else 'records'} part-way through (a page opening with "
                         "its own e-mail header, or a Bates stamp that restarts), with no document break. Please "
                         "re-produce each record as its own document with its own metadata.", merged,
                         details=details)]


def _restarts(stamp: BatesNumber | None, previous: BatesNumber | None, bates: str | None) -> bool:
    """A stamp that starts another numbering: not the page's own number, not the one after the previous
    page's stamp, and not a number repeated on every page (a header such as a document number),
    OCR noise allowed in each comparison."""
    if stamp is None or previous is None or stamp == previous:
        return False
    if bates and stamp_matches(stamp, bates):
        return False
    if stamp_matches(stamp, previous.offset(1)) or stamp_matches(stamp, previous):
        return False
    if same_series(stamp.prefix, previous.prefix) and stamp.width != previous.width:
        return False  # OCR dropped digits (STATE-SCB00451 for STATE-SCB0045170): no evidence either way
    return True


RULES = [merged_records]
