"""The tables case pass: every PDF document's tables, read in a child process, stored with
their provenance (document, Bates number, pages, boxes, method).

The ingest runs it after the other case passes (ingest/pipeline.py, CASE_PASSES); `uncover
tables CASE` runs it over a case ingested before. A PDF that cannot be read lands in the
exception report with its file name and Bates number; the pass goes on with the next.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ...case import Case
from ...model import Document, IssueCategory, ProcessingIssue
from ...store import tables as tstore
from .model import Table

Progress = Callable[[int, int], None]
TIME_LIMIT = 120.0  # seconds for one document's tables
MEMORY_LIMIT = 2 * 1024 ** 3


@dataclass
class TablesSummary:
    documents: int = 0  # PDFs read
    with_tables: int = 0
    tables: int = 0
    redacted_cells: int = 0
    problems: list[str] = field(default_factory=list)


def _limit_memory() -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):
        pass


def _read(path: str) -> tuple[list[Table], dict[int, tuple[float, float]]]:
    import pypdfium2 as pdfium

    from .pdf import pdf_tables

    data = Path(path).read_bytes()
    doc = pdfium.PdfDocument(data)
    sizes = {k + 1: tuple(float(v) for v in doc[k].get_size()) for k in range(len(doc))}
    doc.close()
    return pdf_tables(data), sizes  # type: ignore[return-value]


class ChildReader:
    """Reads one PDF at a time in a child process with a time and memory limit; a child that
    hangs or dies is replaced and the document reported."""

    def __init__(self) -> None:
        self.pool: multiprocessing.pool.Pool | None = None

    def read(self, path: Path) -> tuple[list[Table], dict[int, tuple[float, float]]]:
        if self.pool is None:
            self.pool = multiprocessing.get_context("spawn").Pool(1, initializer=_limit_memory, maxtasksperchild=50)
        job = self.pool.apply_async(_read, (str(path),))
        try:
            return job.get(TIME_LIMIT)
        except multiprocessing.TimeoutError:
            self.close()
            raise TimeoutError(f"reading tables took over {TIME_LIMIT:.0f} s") from None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def _is_pdf(case: Case, doc: Document) -> bool:
    path = case.blobs.path_for(doc.sha256)
    if not path.exists():
        return False
    with path.open("rb") as fh:
        return fh.read(1024).lstrip().startswith(b"%PDF")


def read_tables(case: Case, doc_ids: Iterable[int] | None = None, progress: Progress | None = None) -> TablesSummary:
    """Read and store the tables of the given documents (all when None); re-runnable."""
    store = case.store
    ids = list(doc_ids) if doc_ids is not None else [int(r[0]) for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    summary = TablesSummary()
    reader = ChildReader()
    try:
        for done, doc in enumerate(store.documents(ids), start=1):
            if _is_pdf(case, doc):
                _one(case, doc, reader, summary)
            if progress:
                progress(done, len(ids))
    finally:
        reader.close()
    return summary


def _one(case: Case, doc: Document, reader: ChildReader, summary: TablesSummary) -> None:
    store = case.store
    pages = store.pages(doc.id)
    bates = {p.number: p.bates for p in pages}
    try:
        tables, sizes = reader.read(case.blobs.path_for(doc.sha256))
    except Exception as exc:  # a hostile or broken PDF: reported, never the end of the pass
        where = f"{doc.filename}" + (f" ({doc.label})" if doc.bates_begin else "")
        message = f"tables could not be read from {where}: {exc}"
        summary.problems.append(message)
        with store.transaction():
            store.record_issue(ProcessingIssue(path=doc.path or doc.filename, category=_category(exc), message=message,
                                               stage="tables", sha256=doc.sha256, bates=doc.bates_begin),
                               document_id=doc.id)
        return
    summary.documents += 1
    with store.transaction() as conn:
        tstore.replace_tables(conn, doc.id, tables, bates, sizes)
    if tables:
        summary.with_tables += 1
        summary.tables += len(tables)
        summary.redacted_cells += sum(c.redacted for t in tables for c in t.cells)


def _category(exc: Exception) -> IssueCategory:
    text = str(exc).lower()
    if isinstance(exc, TimeoutError):
        return IssueCategory.TIMEOUT
    if "password" in text or "encrypt" in text:
        return IssueCategory.ENCRYPTED
    if isinstance(exc, MemoryError):
        return IssueCategory.TOO_LARGE
    return IssueCategory.CORRUPT
