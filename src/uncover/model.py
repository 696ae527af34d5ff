"""The data model: what a case holds, as typed dataclasses mirrored by the database schema.

Every stage of the pipeline speaks in these types, so a storage backend or an executor can be
swapped without the stages noticing. Field names follow the schema in store/migrations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class DocumentKind(StrEnum):
    """What a record is, as a reviewer would sort it (the `kind:` search field)."""

    EMAIL = "email"
    EDOC = "edoc"  # word processing, PDF with a text layer, plain text, HTML
    SPREADSHEET = "spreadsheet"
    PRESENTATION = "presentation"
    SCAN = "scan"  # image-only pages: a scanned paper record
    IMAGE = "image"  # a photograph or picture file
    ARCHIVE = "archive"  # ZIP and other containers
    CALENDAR = "calendar"
    OTHER = "other"


class TextSource(StrEnum):
    """Where a page's text came from: a court filing may depend on whether a word was OCR'd."""

    LAYER = "layer"  # the text layer of a PDF
    NATIVE = "native"  # text of an electronic file (e-mail body, DOCX, XLSX cells...)
    OCR = "ocr"
    LOADFILE = "loadfile"  # the producer's TEXT file from a load-file volume
    NONE = "none"  # no usable text (OCR off, or OCR found nothing)


class IssueCategory(StrEnum):
    """Exception report categories (Nuix 'irregular items', Relativity file exceptions)."""

    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    UNSUPPORTED = "unsupported"
    TIMEOUT = "timeout"
    TOO_LARGE = "too-large"  # a file over the size cap, or a parse that exceeded the memory limit
    BOMB = "bomb"  # an archive whose expansion exceeds the cap, or a path escaping the work area
    EMPTY = "empty"
    CRASH = "crash"  # the parsing process died (segfault, abort)
    MISSING = "missing"  # a load file names a file that is not in the volume
    LOADFILE = "loadfile"  # a load-file defect: page-count mismatch, duplicate Bates, orphan child...
    LINK = "link"  # a symbolic link in the production: recorded with its target, never followed
    SPECIAL = "special"  # a named pipe, socket or device: recorded, never read
    UNREADABLE = "unreadable"  # a file the operating system would not let us read, or that vanished
    OCR = "ocr"  # a warning: OCR read a page poorly (low confidence, almost nothing from a printed page)


_BATES_RE = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)(?P<suffix>(?:[_.][A-Za-z0-9]+)*)$")


@dataclass(frozen=True, order=True)
class BatesNumber:
    """A Bates number: prefix + zero-padded number (+ rare suffix such as `_0001_REV`)."""

    prefix: str
    number: int
    width: int
    suffix: str = ""

    @classmethod
    def parse(cls, text: str) -> BatesNumber | None:
        text = text.strip()
        match = _BATES_RE.match(text)
        if not match or not text:
            return None
        digits = match["number"]
        return cls(match["prefix"], int(digits), len(digits), match["suffix"])

    def __str__(self) -> str:
        return f"{self.prefix}{self.number:0{self.width}d}{self.suffix}"

    def offset(self, pages: int) -> BatesNumber:
        return BatesNumber(self.prefix, self.number + pages, self.width, self.suffix)


@dataclass(frozen=True)
class BatesRange:
    begin: BatesNumber
    end: BatesNumber

    @classmethod
    def parse(cls, begin: str, end: str | None = None) -> BatesRange | None:
        b = BatesNumber.parse(begin)
        e = BatesNumber.parse(end) if end else b
        if b is None or e is None:
            return None
        return cls(b, e)

    @property
    def pages(self) -> int:
        return self.end.number - self.begin.number + 1

    def __contains__(self, other: object) -> bool:
        if not isinstance(other, BatesNumber):
            return False
        return other.prefix == self.begin.prefix and self.begin.number <= other.number <= self.end.number

    def __str__(self) -> str:
        return str(self.begin) if self.begin == self.end else f"{self.begin}-{self.end}"


@dataclass
class Production:
    """One delivery (volume) from a producing party."""

    id: int
    name: str
    source: str = ""
    received_at: str | None = None
    due_date: str | None = None
    created_at: str = ""


@dataclass
class Page:
    document_id: int
    number: int  # 1-based
    text: str
    text_source: TextSource
    ocr_confidence: float | None = None
    bates: str | None = None
    image_ref: str | None = None  # sha256 of the page image blob, or "originals/<sha>#<page>"
    ocr_flags: list[str] = field(default_factory=list)  # low-confidence, nearly-empty, rotated-90 ... (ingest/ocr.py)


@dataclass
class Document:
    """A logical record. `metadata` holds canonical fields; `raw_fields` what the producer sent."""

    id: int
    production_id: int
    kind: DocumentKind
    filename: str
    path: str  # path inside the source, with container members joined by '//'
    sha256: str
    md5: str
    size: int
    custodian: str | None = None
    parent_id: int | None = None
    family_id: int | None = None
    mime: str | None = None
    subject: str | None = None
    author: str | None = None
    sender: str | None = None
    recipients: str | None = None  # To
    cc: str | None = None
    bcc: str | None = None
    date: str | None = None  # ISO 8601
    title: str | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: str | None = None
    bates_begin: str | None = None
    bates_end: str | None = None
    page_count: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    raw_fields: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    html_body: str | None = None
    created_at: str = ""

    @property
    def label(self) -> str:
        """How a legal team cites the record: its Bates number when it has one."""
        if self.bates_begin:
            return self.bates_begin if self.bates_begin == self.bates_end else f"{self.bates_begin}-{self.bates_end}"
        return f"DOC-{self.id:06d}"

    @property
    def heading(self) -> str:
        """What a reader calls the record: its subject (e-mail) or title, else its file name."""
        return (self.subject or self.title or self.filename or "").strip() or self.label

    @property
    def day(self) -> str:
        """The record's date as a calendar day (YYYY-MM-DD), or '' when it has none."""
        return (self.date or "")[:10]

    @property
    def listing(self) -> str:
        """One line for any list a person reads: Bates (or file name), subject and date."""
        cite = self.label if self.bates_begin else self.filename or self.label
        parts = [cite]
        if self.heading not in (cite, self.label):
            parts.append(self.heading)
        if self.day:
            parts.append(self.day)
        return " · ".join(parts)


@dataclass
class ProcessingIssue:
    """One line of the exception report: an input that produced no document, and why."""

    path: str
    category: IssueCategory
    message: str
    stage: str = "extract"
    member: str | None = None
    sha256: str | None = None
    bates: str | None = None
    id: int | None = None
    input_id: int | None = None
    created_at: str = ""


@dataclass
class ExemptionMark:
    """A FOIA exemption marking seen on a page (a stamp, a margin code, a label in a box)."""

    document_id: int
    page: int
    code: str  # normalized: b1 .. b9, b7a .. b7f, c1 .. c3
    qualifier: str | None  # 1.4 category for b1 ("1.4(d)"), statute for b3 ("CIA")
    text: str  # as printed (OCR damage included)
    start: int  # character span in the page text
    end: int
    confidence: float
    bbox: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in page fractions


@dataclass
class Redaction:
    """A redaction box on a page; `failed` when text survives beneath it in the text layer."""

    document_id: int
    page: int
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page (top-left origin)
    area: float  # fraction of the page area
    source: str  # "vector" (drawn in the PDF), "vector-white", "raster" (on the page image), "annotation"
    failed: bool = False
    recoverable_chars: int = 0
    label: str | None = None  # the exemption code(s) printed in or beside the box, e.g. "b6" or "b6,b7c"
    style: str | None = None  # "black", "grey", "outlined" (a blank box in a thin border), "white"


@dataclass
class IngestCounts:
    inputs: int = 0
    documents: int = 0
    exceptions: int = 0
    pages: int = 0
    pages_ocr: int = 0
    skipped: int = 0  # already ingested earlier
    loadfiles_not_read: int = 0  # load files describing the same documents again, or RDO files: listed, not inputs
