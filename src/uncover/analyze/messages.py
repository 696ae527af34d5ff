"""Reading a document as a message: the metadata printed on its page, and its quoted messages.

`read_message` is a pure function of a document's page texts: the ingest runs it in the worker
that already parsed the file (like the withholdings analysis), `uncover analyze` for documents
ingested before. `apply_reading` then puts the recovered subject, sender, recipients and date
into the document's own columns, so search, lists, reports and the reading room use them, with
three rules a user can rely on:

- a value a load file or a native e-mail supplied is never replaced (recovered values only fill
  its empty fields);
- a value the file merely carried as a property (a PDF's creation date, its Subject entry) gives
  way to the printed header; the property stays in the document's metadata under its own name;
- when a `Sent:` line is printed but cannot be read (OCR damage, an ambiguous 03/04/11), the
  document is left undated with a warning, never dated from the file.

Every recovered value is kept with its source, page and confidence (`derived_fields`), applied
or not, so `uncover show` can say where a date came from.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Document, DocumentKind
from .printed_headers import HeaderBlock, find_blocks, text_lines, top_block
from .segments import Segment, own_text, split_segments

if TYPE_CHECKING:
    from ..case import Case

SOURCE = "printed-header"
READING_VERSION = 1
WARNING_PREFIX = "printed header: "
# document column <- recovered field
COLUMNS = {"subject": "subject", "sender": "sender", "recipients": "recipients", "cc": "cc", "bcc": "bcc",
           "date": "date"}
# kinds whose text is never a message (a spreadsheet's cells, an archive's listing)
NOT_MESSAGES = (DocumentKind.SPREADSHEET, DocumentKind.PRESENTATION, DocumentKind.ARCHIVE, DocumentKind.CALENDAR)
MESSAGE_STYLES = ("outlook", "columns", "lotus")  # header styles of e-mail (a memo's is not one)


@dataclass
class DerivedField:
    field: str  # subject, sender, recipients, cc, bcc, date, attachments
    value: str  # "" when the page shows it withheld (the note says so)
    page: int
    confidence: float
    note: str = ""
    applied: bool = False
    source: str = SOURCE


@dataclass
class MessageReading:
    """What a document's text says about it as a message."""

    header: str | None  # style of the printed header found at the top, None when none
    derived: list[DerivedField] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sent_printed: bool = False  # a Sent/Date line is printed: the file's dates are not the record's
    own: str | None = None  # the author's own text, when the document quotes something

    @property
    def quoted(self) -> int:
        return sum(1 for s in self.segments if s.kind == "quoted" and s.style)


def page_starts(pages: list[str]) -> list[int]:
    """Offset of each page in the document text (pages joined by a line break)."""
    starts, pos = [], 0
    for text in pages:
        starts.append(pos)
        pos += len(text) + 1
    return starts


def read_message(pages: list[str], *, derive: bool = True) -> MessageReading:
    """The printed header at the top (when `derive`) and the segments of a document's text."""
    text = "\n".join(pages)
    if not text.strip():
        return MessageReading(None)
    starts = page_starts(pages)
    lines = text_lines(text)
    blocks = find_blocks(text, lines)
    top = top_block(text, blocks, lines, first_page_end=len(pages[0]) if pages else None)
    segments = split_segments(text, lines, blocks, top)
    for seg in segments:
        seg.page = max(bisect.bisect_right(starts, seg.start), 1)
    reading = MessageReading(top.style if top is not None and derive else None, segments=segments)
    if any(s.kind == "quoted" for s in segments):
        reading.own = own_text(text, segments)
    if top is not None and derive:
        page = bisect.bisect_right(starts, top.start)
        reading.derived, reading.warnings = _derived(top, page)
        reading.sent_printed = "sent" in top.labels or bool(top.fields.get("sent"))
    elif derive and pages:
        first = next((b for b in blocks if b.start < len(pages[0]) and b.style in MESSAGE_STYLES and b.fields.get("sent")), None)
        if first is not None:  # an e-mail printed out of reading order: its date, but not the file's
            reading.sent_printed = True
            reading.warnings.append(f"{WARNING_PREFIX}an e-mail header is printed on page 1 below other text, so it "
                                    "is not read as this document's own; the document is left undated rather than "
                                    "dated from the file.")
    return reading


def _derived(top: HeaderBlock, page: int) -> tuple[list[DerivedField], list[str]]:
    conf = top.confidence
    out: list[DerivedField] = []
    warnings: list[str] = []
    values = {"sender": top.sender, "recipients": top.names("to"), "cc": top.names("cc"), "bcc": top.names("bcc"),
              "subject": top.subject, "attachments": " ".join(top.fields.get("attachments", "").split()) or None}
    for name, value in values.items():
        if value:
            out.append(DerivedField(name, value, page, conf, f"{top.style} header"))
    for key, codes in top.withheld.items():
        name = {"from": "sender", "to": "recipients", "sent": "date"}.get(key, key)
        out.append(DerivedField(name, "", page, conf, f"withheld on the page ({codes})"))
    date = top.date
    if date is not None and date.iso:
        note = f"printed '{date.printed}'" + (" (OCR damage corrected)" if date.repaired else "")
        out.append(DerivedField("date", date.iso, page, round(conf * (0.85 if date.repaired else 1.0), 2), note))
    elif top.fields.get("sent"):
        reason = date.warning if date is not None and date.warning else f"the printed date '{top.fields['sent']}' could not be read"
        warnings.append(f"{WARNING_PREFIX}{reason}; the document is left undated rather than dated from the file.")
    return out, warnings


# -- applying a reading to the document's columns ----------------------------------------------------------
def file_values(doc: Document) -> dict[str, str | None]:
    """What the columns held when the file was ingested (before any recovered value)."""
    if doc.raw_fields:
        return {}  # a load-file record: its columns came from the load file, recovered values only fill gaps
    md = doc.metadata
    return {"date": md.get("date") or md.get("created") or md.get("modified"), "subject": md.get("subject"),
            "sender": md.get("from"), "recipients": md.get("to"), "cc": md.get("cc"), "bcc": md.get("bcc")}


def is_native_message(doc: Document) -> bool:
    """An e-mail read from its own file (EML, MSG, mbox, PST): its header is the truth."""
    return doc.kind == DocumentKind.EMAIL and not doc.raw_fields


def apply_reading(doc: Document, reading: MessageReading, previous: dict[str, str] | None = None) -> bool:
    """Set the document's columns from the reading where the rules allow; True when any changed.

    `previous`: column -> value an earlier reading applied (replaced or, if no longer found,
    restored to what the file supplied).
    """
    before = {c: getattr(doc, c) for c in COLUMNS.values()}
    original = file_values(doc)
    for column, value in (previous or {}).items():
        if getattr(doc, column) == value:
            setattr(doc, column, original.get(column))
    doc.warnings = [w for w in doc.warnings if not w.startswith(WARNING_PREFIX)]
    property_values = {k: v for k, v in original.items() if v} if not doc.raw_fields else {}
    for item in reading.derived:
        column = COLUMNS.get(item.field)
        if column is None or not item.value:
            continue
        current = getattr(doc, column)
        if not current or current == item.value:
            item.applied = True
        elif is_native_message(doc):
            item.note = _join(item.note, "not applied: the e-mail's own header gives this field")
        elif doc.raw_fields:
            item.note = _join(item.note, "not applied: the load file gives this field")
        elif property_values.get(column) == current:
            item.applied = True
            item.note = _join(item.note, f"replaces the file's own {_property_name(doc, column)} ({current})")
        else:
            item.note = _join(item.note, "not applied: the file gives another value")
        if item.applied:
            setattr(doc, column, item.value)
    has_date = any(d.field == "date" and d.applied for d in reading.derived)
    if reading.sent_printed and not has_date and not doc.raw_fields and not is_native_message(doc) \
            and doc.date and doc.date == original.get("date"):
        doc.date = None  # a printed Sent line exists: the file's creation date is not the record's date
    doc.warnings.extend(reading.warnings)
    return any(getattr(doc, c) != before[c] for c in COLUMNS.values())


def _property_name(doc: Document, column: str) -> str:
    if column == "date":
        md = doc.metadata
        return "creation date" if doc.date == md.get("created") else "modification date" if doc.date == md.get("modified") else "date"
    return f"{column} property"


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def wants_reading(doc: Document) -> bool:
    return doc.kind not in NOT_MESSAGES


def derives(doc: Document) -> bool:
    """Whether the printed header may set metadata: not for a native e-mail (its header is in the
    file, and uncover prints it at the top of its text)."""
    return wants_reading(doc) and not is_native_message(doc)


# -- the case-level pass ------------------------------------------------------------------------------
Progress = Callable[[int, int], None]


@dataclass
class MessagesSummary:
    documents: int = 0
    headers: int = 0  # documents whose printed header was read
    updated: int = 0  # documents whose columns changed
    quoted: int = 0  # documents that quote earlier messages
    by_style: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def save_reading(case: Case, doc: Document, reading: MessageReading, changed: bool) -> None:
    """Store the reading and the document's columns in one transaction (joins the caller's)."""
    from ..store import messages as mstore

    with case.store.transaction() as conn:
        mstore.replace_reading(conn, doc.id, reading, READING_VERSION)
        if changed or reading.warnings or any(w.startswith(WARNING_PREFIX) for w in doc.warnings):
            conn.execute(
                "UPDATE documents SET subject = ?, sender = ?, recipients = ?, cc = ?, bcc = ?, date = ?, warnings = ?, "
                "indexed = 0 WHERE id = ?",
                (doc.subject, doc.sender, doc.recipients, doc.cc, doc.bcc, doc.date, json.dumps(doc.warnings), doc.id))
        elif reading.own is not None:
            conn.execute("UPDATE documents SET indexed = 0 WHERE id = ?", (doc.id,))


def analyze_messages(case: Case, doc_ids: Iterable[int] | None = None, progress: Progress | None = None,
                     *, index: bool = True) -> MessagesSummary:
    """Read every given document (all when None) again; earlier readings are replaced."""
    from ..store import messages as mstore

    store = case.store
    ids = list(doc_ids) if doc_ids is not None else [int(r[0]) for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    summary = MessagesSummary()
    for start in range(0, len(ids), 200):
        chunk = store.documents(ids[start : start + 200])
        previous = mstore.applied_values(store.conn, [d.id for d in chunk])
        with store.transaction():
            for doc in chunk:
                if not wants_reading(doc):
                    continue
                pages = [p.text for p in store.pages(doc.id)]
                reading = read_message(pages, derive=derives(doc))
                changed = apply_reading(doc, reading, previous.get(doc.id))
                save_reading(case, doc, reading, changed)
                summary.documents += 1
                summary.updated += changed
                summary.quoted += reading.quoted > 0
                if reading.header:
                    summary.headers += 1
                    summary.by_style[reading.header] = summary.by_style.get(reading.header, 0) + 1
                summary.warnings.extend(f"{doc.label} ({doc.filename}): {w.removeprefix(WARNING_PREFIX)}" for w in reading.warnings)
        if progress:
            progress(min(start + 200, len(ids)), len(ids))
    if index:
        from ..search.index import catch_up

        catch_up(case)
    return summary
