"""The interface every input format implements: one module per format, one `FormatReader` each.

A reader turns one file on disk into an `Extraction`: pages of text, metadata, and children
(attachments, archive members) written as files into the scratch folder. Readers run inside a
child worker process, so they may be slow or crash without harming the ingest; they signal a file
that cannot become a document by raising `ExtractionError` with a category.

Adding a format is one new module in this package that defines `READER = SomeReader()`, plus its
name in `formats/__init__.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ...errors import ExtractionError
from ...model import DocumentKind, IssueCategory, TextSource

if TYPE_CHECKING:
    from PIL.Image import Image

    from ..ocr import OcrEngine


@dataclass
class PageText:
    text: str
    source: TextSource
    ocr_confidence: float | None = None  # mean word confidence 0..100 when OCR'd
    needed_ocr: bool = False  # True when the page had no usable text (whether or not OCR ran)


@dataclass
class ChildFile:
    """An attachment or archive member, already written to `path` inside the scratch folder."""

    name: str  # file name as the parent names it (attachment name, member path in the archive)
    path: Path


@dataclass
class LostChild:
    """An attachment the reader saw but could not write out: an exception of its own, so every
    attachment is either a child document or a line in the exception report."""

    name: str
    category: IssueCategory
    message: str


@dataclass
class Extraction:
    kind: DocumentKind
    pages: list[PageText] = field(default_factory=list)
    # Canonical keys: title, author, subject, from, to, cc, bcc, date (ISO 8601), message_id,
    # in_reply_to, references, thread_index, created, modified, mime. Others are kept as they are.
    metadata: dict[str, str] = field(default_factory=dict)
    children: list[ChildFile] = field(default_factory=list)
    html_body: str | None = None  # raw, unsanitized e-mail HTML; sanitized before display
    warnings: list[str] = field(default_factory=list)
    lost: list[LostChild] = field(default_factory=list)


@dataclass
class Limits:
    max_file_bytes: int = 2 * 1024**3
    max_expanded_bytes: int = 4 * 1024**3  # total bytes an archive may expand to
    max_expansion_ratio: float = 200.0  # expanded / compressed, per member and overall
    max_members: int = 100_000
    max_pages: int = 20_000


@dataclass
class ReadContext:
    """What a reader may use besides the file: a scratch folder for children, OCR, limits."""

    scratch: Path
    ocr: OcrEngine | None = None
    ocr_mode: str = "auto"  # auto: only pages without usable text; always; never
    limits: Limits = field(default_factory=Limits)
    display_name: str = ""  # the file's name in the production, for messages
    # Called by a reader with each native page object (a pypdfium2 page) and its number while the
    # page is open, so an analysis of the page's drawing (redaction boxes) needs no second parse.
    page_hook: Callable[[Any, int], None] | None = None

    def page_from_text_or_ocr(self, text: str, render: Callable[[], Image], source: TextSource) -> PageText:
        """Keep a page's own text when it is usable, else OCR the rendered page (per ocr_mode)."""
        usable = has_usable_text(text)
        if self.ocr is not None and (self.ocr_mode == "always" or (self.ocr_mode == "auto" and not usable)):
            result = self.ocr.recognize(render())
            if result.text.strip() or not usable:
                return PageText(result.text, TextSource.OCR, result.confidence, needed_ocr=not usable)
        if usable:
            return PageText(text, source)
        return PageText(text, TextSource.NONE, needed_ocr=True)


class FormatReader(Protocol):
    name: str
    extensions: tuple[str, ...]

    def sniff(self, head: bytes, filename: str) -> float:
        """How sure this reader is that it handles the file: 0 (no) .. 1 (magic bytes match)."""
        ...

    def read(self, path: Path, ctx: ReadContext) -> Extraction: ...


_WORD = re.compile(r"[A-Za-z]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def has_usable_text(text: str, min_words: int = 3) -> bool:
    """A page's text is usable when it holds real words, not just stamps, numbers or garbage.

    Scanned pages often carry a few characters in their text layer (a Bates stamp added by the
    producer); those pages still need OCR.
    """
    words = _WORD.findall(text)
    if len(words) < min_words:
        return False
    if text.isascii():  # the common case, counted in C
        return len(_CONTROL.findall(text)) / max(len(text), 1) < 0.1
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    return printable / max(len(text), 1) > 0.9


def display(path: Path, ctx: ReadContext) -> str:
    """The file's name as the user knows it (not the blob store's hash), for messages."""
    return ctx.display_name or path.name


def require_content(path: Path, ctx: ReadContext, what: str = "file") -> int:
    """Refuse 0-byte files as `empty`: a produced file with no bytes is a production defect."""
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError(f"{display(path, ctx)}: the {what} is empty (0 bytes); ask the producer to send it again.",
                              IssueCategory.EMPTY)
    return size


def extension_score(filename: str, extensions: tuple[str, ...], score: float = 0.5) -> float:
    return score if filename.lower().endswith(extensions) else 0.0
