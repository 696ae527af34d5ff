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
from typing import TYPE_CHECKING, Protocol

from ...errors import ExtractionError
from ...model import DocumentKind, IssueCategory, TextSource
from ..ocr import misread_list

if TYPE_CHECKING:
    from PIL.Image import Image

    from ..ocr import OcrEngine


@dataclass
class PageText:
    text: str
    source: TextSource
    ocr_confidence: float | None = None  # mean word confidence 0..100 when OCR'd
    needed_ocr: bool = False  # True when the page had no usable text (whether or not OCR ran)
    ocr_flags: list[str] = field(default_factory=list)  # OcrResult.flags when OCR'd


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


RATIO_FLOOR = 1024 * 1024  # below this many expanded bytes, a high ratio is just repetitive text


@dataclass
class Limits:
    max_file_bytes: int = 2 * 1024**3
    # What one top-level input (a file the producer sent) may expand to, summed over every
    # archive, attachment and nested archive inside it, however they are nested:
    max_expanded_bytes: int = 4 * 1024**3
    max_expansion_ratio: float = 200.0  # expanded / compressed: per member, per archive and overall
    max_members: int = 100_000
    max_depth: int = 16  # archives inside archives
    max_pages: int = 20_000

    def budget(self, root_size: int, label: str = "") -> ExpansionBudget:
        """The whole budget of a top-level input that has expanded to nothing yet."""
        return ExpansionBudget(self.max_expanded_bytes, self.max_members, 0, self.max_depth, root_size, 0,
                               self.max_expansion_ratio, label)


@dataclass
class ExpansionBudget:
    """What a container may still expand to: what is left of its top-level input's budget.

    A budget per archive is not enough: a 3 KB ZIP of ZIPs, six wide and three deep, passes
    every per-archive check and still becomes 475 inputs and hundreds of megabytes. So the
    budget belongs to the file the producer sent, and every archive reader (ZIP here; 7z, TAR
    and ODF readers alike) charges it: `enter_archive` once, `take_member` per member written,
    `take_bytes` per chunk written. The parent hands each container the part still left and
    charges the same totals again when it stores the children, so no nest of archives read in
    different workers, at different times, can exceed it.
    """

    bytes_left: int
    members_left: int
    depth: int = 0  # archives the file being read sits inside
    max_depth: int = 16
    root_size: int = 0  # bytes of the top-level input
    expanded: int = 0  # bytes expanded from the top-level input so far
    max_ratio: float = 200.0
    label: str = ""  # the top-level input's name, for messages

    def enter_archive(self, label: str) -> None:
        if self.depth >= self.max_depth:
            raise ExtractionError(
                f"{label} is an archive nested {self.depth + 1} archives deep (limit {self.max_depth}): treated as a "
                "zip bomb; it was not opened, and its original is kept.", IssueCategory.BOMB)

    def take_member(self, label: str, member: str) -> None:
        self.members_left -= 1
        if self.members_left < 0:
            raise ExtractionError(
                f"{label}: member {member!r} takes {self._root()} past its limit of members (files inside files): "
                "treated as a zip bomb; nothing from this archive was kept, its original is.", IssueCategory.BOMB)

    def take_bytes(self, label: str, member: str, size: int) -> None:
        self.bytes_left -= size
        self.expanded += size
        if self.bytes_left < 0:
            raise ExtractionError(
                f"{label}: member {member!r} takes {self._root()} past its expansion limit of bytes: treated as a "
                "zip bomb; nothing from this archive was kept, its original is.", IssueCategory.BOMB)
        if self.expanded > RATIO_FLOOR and self.expanded / max(self.root_size, 1) > self.max_ratio:
            raise ExtractionError(
                f"{label}: member {member!r} makes {self._root()} expand more than {self.max_ratio:,.0f} times its "
                "size, counting every archive nested in it: treated as a zip bomb; nothing from this archive was "
                "kept, its original is.", IssueCategory.BOMB)

    def _root(self) -> str:
        return f"the production's file {self.label}" if self.label else "the file it came from"


@dataclass
class ReadContext:
    """What a reader may use besides the file: a scratch folder for children, OCR, limits."""

    scratch: Path
    ocr: OcrEngine | None = None
    ocr_mode: str = "auto"  # auto: only pages without usable text; always; never
    limits: Limits = field(default_factory=Limits)
    budget: ExpansionBudget | None = None  # what this file may still expand to; None: a top-level input's whole budget
    display_name: str = ""  # the file's name in the production, for messages
    # Called by a reader with each native page object (a pypdfium2 page, or a PIL image positioned
    # on the frame), its number and, for a PDF page, its open text page, while the page is open,
    # so an analysis of the page's drawing (redaction boxes, the tables pre-check) needs no second parse.
    page_hook: Callable[..., None] | None = None

    def expansion(self, size: int) -> ExpansionBudget:
        """The budget an archive reader charges (created on first use for a top-level input)."""
        if self.budget is None:
            self.budget = self.limits.budget(size, self.display_name)
        return self.budget

    def page_from_text_or_ocr(self, text: str, render: Callable[[], Image], source: TextSource) -> PageText:
        """Keep a page's own text when it is usable, else OCR the rendered page (per ocr_mode)."""
        # A text layer that read a list column by column (an FBI deleted page sheet) is read again.
        usable = has_usable_text(text) and not misread_list(text)
        if self.ocr is not None and (self.ocr_mode == "always" or (self.ocr_mode == "auto" and not usable)):
            result = self.ocr.recognize(render())
            if result.text.strip() or not usable:
                return PageText(result.text, TextSource.OCR, result.confidence, needed_ocr=not usable,
                                ocr_flags=list(result.flags))
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
