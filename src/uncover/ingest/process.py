"""The per-item stage: a pure function of (item, settings) -> result, run inside a worker.

It reads the stored original (the bytes that were hashed), picks the format reader, and returns
either an `Extraction` (children already written to a scratch folder) or the reason the file
cannot become a document. Nothing here touches the case database, so the same function runs in
the local pool or on a cluster.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analyze.casepasses import text_fingerprints
from ..analyze.messages import NOT_MESSAGES, MessageReading, read_message
from ..analyze.tables.precheck import page_check
from ..analyze.withholdings import WithholdingsFindings, find_withholdings
from ..errors import DiskFullError, ExtractionError, is_disk_full
from ..model import DocumentKind, IssueCategory, Page, Redaction
from ..search.index import word_pairs
from .formats import identify
from .formats.base import ExpansionBudget, Extraction, Limits, ReadContext
from .ocr import OcrEngine, default_engine

if TYPE_CHECKING:
    from ..store.duplicates import Fingerprint


@dataclass
class ItemTask:
    input_id: int
    original: Path  # the stored original in the blob store
    display_name: str
    scratch: Path  # where children are written (made by the reader that writes one); removed by the parent once stored
    size: int
    budget: ExpansionBudget | None = None  # what is left of its top-level input's expansion budget


@dataclass
class ItemSettings:
    ocr_mode: str = "auto"
    limits: Limits = field(default_factory=Limits)
    withholdings: bool = True  # find exemption marks and redaction boxes here, in parallel
    fingerprint: bool = True  # the duplicate passes' text hash and MinHash signature, here, in parallel
    tables: bool = True  # the tables pre-check on each PDF page, here, so the tables pass opens only what may hold one
    index: bool = True  # the search index's word pairs (search/index.py), here: the parent only adds the document


@dataclass
class ItemResult:
    input_id: int
    extraction: Extraction | None = None
    reader: str | None = None
    category: IssueCategory | None = None
    message: str = ""
    withholdings: WithholdingsFindings | None = None
    reading: MessageReading | None = None  # printed e-mail header and quoted messages
    fingerprint: Fingerprint | None = None  # for the duplicate passes; its document_id is set by the parent
    disk_full: bool = False  # the disk filled up: not the file's fault; the item stays pending
    table_pages: list[int] | None = None  # a PDF's pages that may hold a table; None: not checked
    pairs: str | None = None  # word_pairs of the pages' text, for the search index


SCRATCH_MIN_FREE = 1024 * 1024


def _disk_was_full(scratch: Path, extraction: Extraction) -> bool:
    """A reader may swallow a write error as a damaged member; a disk left nearly full, or a
    warning quoting the OS's words, means the extraction cannot be trusted to be complete."""
    if any(is_disk_full(Exception(w)) for w in extraction.warnings):
        return True
    folder = scratch
    while not folder.exists() and folder != folder.parent:  # a reader makes the folder only for children
        folder = folder.parent
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):
        return False
    return info.f_bavail * info.f_frsize < SCRATCH_MIN_FREE


_ENGINE: OcrEngine | None = None


def _ocr_engine(mode: str) -> OcrEngine | None:
    global _ENGINE
    if mode == "never":
        return None
    if _ENGINE is None:
        _ENGINE = default_engine()
    return _ENGINE


def process_item(task: ItemTask, settings: ItemSettings) -> ItemResult:
    name = task.display_name
    if task.size == 0:
        return ItemResult(task.input_id, category=IssueCategory.EMPTY, message=f"{name} is empty (0 bytes); ask the producing party to produce it again.")
    if task.size > settings.limits.max_file_bytes:
        return ItemResult(
            task.input_id, category=IssueCategory.TOO_LARGE,
            message=f"{name} is {task.size / 1024**3:.1f} GB, over the {settings.limits.max_file_bytes / 1024**3:.0f} GB limit; raise the limit or split the file.",
        )
    reader = identify(task.original, name)
    if reader is None:
        return ItemResult(task.input_id, category=IssueCategory.UNSUPPORTED,
                          message=f"{name} is in a format uncover does not read; its original is kept and hashed, review it by hand.")
    boxes: list[Redaction] = []
    box_warnings: list[str] = []
    table_pages: list[int] = []
    ocr = _ocr_engine(settings.ocr_mode)
    hooks = ([_box_collector(boxes, ocr, box_warnings)] if settings.withholdings else []) + \
        ([page_check(table_pages)] if settings.tables else [])
    ctx = ReadContext(scratch=task.scratch, ocr=ocr, ocr_mode=settings.ocr_mode,
                      limits=settings.limits, budget=task.budget, display_name=name, page_hook=_each(hooks))
    try:
        extraction = reader.read(task.original, ctx)
    except DiskFullError:
        shutil.rmtree(task.scratch, ignore_errors=True)
        return ItemResult(task.input_id, reader=reader.name, disk_full=True, message="the disk is full")
    except ExtractionError as exc:
        shutil.rmtree(task.scratch, ignore_errors=True)
        return ItemResult(task.input_id, reader=reader.name, category=exc.category, message=exc.message)
    except MemoryError:
        shutil.rmtree(task.scratch, ignore_errors=True)
        return ItemResult(task.input_id, reader=reader.name, category=IssueCategory.TOO_LARGE,
                          message=f"{name} needed more memory than the worker limit allows; raise --memory-limit to retry it.")
    except Exception as exc:  # noqa: BLE001 - a parser bug on a hostile file is that file's problem
        shutil.rmtree(task.scratch, ignore_errors=True)
        if is_disk_full(exc):
            return ItemResult(task.input_id, reader=reader.name, disk_full=True, message="the disk is full")
        return ItemResult(task.input_id, reader=reader.name, category=IssueCategory.CORRUPT,
                          message=f"{name} could not be read as {reader.name} ({type(exc).__name__}: {exc}); it may be damaged.")
    if _disk_was_full(task.scratch, extraction):
        shutil.rmtree(task.scratch, ignore_errors=True)
        return ItemResult(task.input_id, reader=reader.name, disk_full=True, message="the disk is full")
    if not extraction.children:
        shutil.rmtree(task.scratch, ignore_errors=True)  # here, in parallel, not in the parent
    result = ItemResult(task.input_id, extraction=extraction, reader=reader.name)
    if settings.tables and reader.name == "pdf":
        result.table_pages = table_pages
    if settings.withholdings and extraction.pages:
        pages = [Page(0, i + 1, p.text, p.source) for i, p in enumerate(extraction.pages)]
        result.withholdings = find_withholdings(pages, None, name, vector_boxes=boxes)
        result.withholdings.warnings.extend(f"{name} {w}" for w in box_warnings)
        if extraction.kind not in NOT_MESSAGES:  # a native e-mail's header is in the file: segments only
            result.reading = read_message([p.text for p in extraction.pages], derive=extraction.kind != DocumentKind.EMAIL)
    text = "\n".join(p.text or "" for p in extraction.pages)  # as the duplicate pass and the index read it back
    if settings.fingerprint:
        result.fingerprint = text_fingerprints([(0, text)])[0]
    if settings.index:
        result.pairs = word_pairs(text)
    return result


def _each(hooks: list[Callable[..., None]]) -> Callable[..., None] | None:
    """One page hook calling each of `hooks` in turn; None when there are none."""
    if not hooks:
        return None

    def each(page: Any, number: int, textpage: Any = None) -> None:
        for hook in hooks:
            hook(page, number, textpage)

    return each


def _box_collector(boxes: list[Redaction], ocr: OcrEngine | None, warnings: list[str]) -> Callable[..., None]:
    """A page hook that finds redaction boxes on each page (PDF page or image frame) while the
    reader has it open; the OCR engine, when there is one, reads the codes beside boxes on pages
    without a text layer."""
    from ..analyze.redactions import box_collector

    return box_collector(boxes, (lambda image: ocr.recognize(image).text) if ocr is not None else None, warnings)


def warm_up() -> None:
    """Import every reader and analyser in the parent, so that forked workers start with them
    loaded instead of each paying the imports on its first file."""
    from ..analyze import redactions  # noqa: F401
    from .formats import readers

    readers()


class ItemProcessor:
    """A picklable callable binding settings, so an executor only ever sees `fn(task)`."""

    def __init__(self, settings: ItemSettings) -> None:
        self.settings = settings

    def __call__(self, task: ItemTask) -> ItemResult:
        return process_item(task, self.settings)
