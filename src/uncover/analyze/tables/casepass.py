"""The tables case pass: every PDF document's tables, read in worker processes, stored with
their provenance (document, Bates number, pages, boxes, method).

The ingest runs it after the other case passes (ingest/pipeline.py, CASE_PASSES); `uncover
tables CASE` runs it over a case ingested before. A PDF that cannot be read lands in the
exception report with its file name and Bates number; the pass goes on with the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...case import Case
from ...model import Document, IssueCategory, ProcessingIssue
from ...store import tables as tstore
from .model import Table

if TYPE_CHECKING:
    from ...ingest.workers import Outcome

Progress = Callable[[int, int], None]
TIME_LIMIT = 120.0  # seconds for one document's tables, and PAGE_SECONDS more for each page read
PAGE_SECONDS = 10.0  # a scanned page the check passes is rendered and OCR'd (about 2 s); a flat limit timed out long scans
MEMORY_LIMIT = 2 * 1024 ** 3


@dataclass
class TablesSummary:
    documents: int = 0  # PDFs read
    with_tables: int = 0
    tables: int = 0
    redacted_cells: int = 0
    problems: list[str] = field(default_factory=list)


Task = tuple[str, tuple[int, ...] | None, int]  # a stored PDF, the pages to read (None: every page), its page count


def task_seconds(task: Task) -> float:
    """The time one document's tables may take: longer for more pages to read."""
    _, pages, count = task
    return TIME_LIMIT + PAGE_SECONDS * (len(pages) if pages is not None else count)


def read_pdf_tables(task: Task) -> tuple[list[Table], dict[int, tuple[float, float]]]:
    """In a worker: one PDF's tables and its page sizes."""
    import pypdfium2 as pdfium

    from .pdf import pdf_tables

    path, pages, _ = task
    data = Path(path).read_bytes()
    doc = pdfium.PdfDocument(data)
    sizes = {k + 1: tuple(float(v) for v in doc.get_page_size(k)) for k in range(len(doc))}  # without loading pages
    doc.close()
    return pdf_tables(data, pages), sizes  # type: ignore[return-value]


def _is_pdf(case: Case, doc: Document) -> bool:
    path = case.blobs.path_for(doc.sha256)
    if not path.exists():
        return False
    with path.open("rb") as fh:
        return fh.read(1024).lstrip().startswith(b"%PDF")


def read_tables(case: Case, doc_ids: Iterable[int] | None = None, progress: Progress | None = None,
                workers: int = 0, checked: bool = False) -> TablesSummary:
    """Read and store the tables of the given documents (all when None); re-runnable.

    Documents are read by `workers` processes (one per core when 0), the ingest's own pool: a
    PDF that hangs, crashes its reader or eats memory becomes that document's exception and a
    fresh process takes over. Results are stored as they come, one document per transaction.
    With `checked` (the ingest's pass), a document the ingest's workers pre-checked is read only
    on the pages they found may hold a table, and not opened at all when none may; `uncover
    tables CASE` checks every page again, as a newer pre-check may find more."""
    from ...ingest.workers import LocalPool, WorkerLimits

    store = case.store
    ids = list(doc_ids) if doc_ids is not None else [int(r[0]) for r in store.conn.execute("SELECT id FROM documents ORDER BY id")]
    summary = TablesSummary()
    done = 0
    pool: LocalPool[Task, tuple[list[Table], dict[int, tuple[float, float]]]] | None = None
    try:
        waiting: dict[Task, list[Document]] = {}  # what is read: its documents (a file produced twice is read once)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            pages_to_read = tstore.table_checks(store.conn, chunk) if checked else {}
            for doc in store.documents(chunk):
                pages = pages_to_read.get(doc.id)
                if pages == []:  # a PDF its worker found no table on: looked at, nothing to read
                    summary.documents += 1
                if pages == [] or not _is_pdf(case, doc):
                    done += 1
                    continue
                task: Task = (str(case.blobs.path_for(doc.sha256)), tuple(pages) if pages is not None else None,
                              doc.page_count or 0)
                if task not in waiting:
                    if pool is None:  # started for the first document worth reading: most ingests have none
                        pool = LocalPool(read_pdf_tables, workers, WorkerLimits(TIME_LIMIT, MEMORY_LIMIT),
                                         seconds_for=task_seconds)
                    pool.submit(task)
                waiting.setdefault(task, []).append(doc)
                while len(waiting) >= IN_FLIGHT * pool.size:
                    done += _store(case, pool.next_outcome(), waiting, summary)
                    _report(progress, done, len(ids))
            _report(progress, done, len(ids))
        while pool is not None and (outcome := pool.next_outcome()) is not None:
            done += _store(case, outcome, waiting, summary)
            _report(progress, done, len(ids))
    finally:
        if pool is not None:
            pool.close()
    _report(progress, len(ids), len(ids))
    return summary


IN_FLIGHT = 4  # documents queued per worker: enough to keep each busy, few enough to stream a million


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress:
        progress(done, total)


def _store(case: Case, outcome: Outcome[Task, tuple[list[Table], dict[int, tuple[float, float]]]] | None,
           waiting: dict[Task, list[Document]], summary: TablesSummary) -> int:
    """Store one finished read for each document of its file; the number of documents."""
    assert outcome is not None  # the pool holds the tasks `waiting` counts
    docs = waiting.pop(outcome.task)
    for doc in docs:
        if outcome.result is None:
            _problem(case, doc, outcome.failure or "crash", outcome.detail, summary, task_seconds(outcome.task))
            continue
        tables, sizes = outcome.result
        pages = case.store.pages(doc.id)
        summary.documents += 1
        with case.store.transaction() as conn:
            tstore.replace_tables(conn, doc.id, tables, {p.number: p.bates for p in pages}, sizes)
        if tables:
            summary.with_tables += 1
            summary.tables += len(tables)
            summary.redacted_cells += sum(c.redacted for t in tables for c in t.cells)
    return len(docs)


def _problem(case: Case, doc: Document, failure: str, detail: str, summary: TablesSummary, seconds: float) -> None:
    """A hostile or broken PDF: reported with its file name and Bates number, never the end of the pass."""
    where = f"{doc.filename}" + (f" ({doc.label})" if doc.bates_begin else "")
    category = _category(failure, detail)
    reason = {IssueCategory.TIMEOUT: f"reading tables took over {seconds:.0f} s",
              IssueCategory.TOO_LARGE: "reading tables needed more memory than the limit allows",
              IssueCategory.CORRUPT: f"it may be damaged ({detail})"}.get(category, detail)
    message = f"tables could not be read from {where}: {reason}"
    summary.problems.append(message)
    with case.store.transaction():
        case.store.record_issue(ProcessingIssue(path=doc.path or doc.filename, category=category, stage="tables",
                                                message=message, sha256=doc.sha256, bates=doc.bates_begin),
                                document_id=doc.id)


# What a process says when its memory limit stops it: Python's MemoryError, or the C library's words
# when a shared library or a buffer cannot be mapped.
_OUT_OF_MEMORY = ("memoryerror", "cannot allocate memory", "failed to map segment", "out of memory")


def _category(failure: str, detail: str) -> IssueCategory:
    text = detail.lower()
    if failure == "timeout":
        return IssueCategory.TIMEOUT
    if failure == "too-large" or any(words in text for words in _OUT_OF_MEMORY):
        return IssueCategory.TOO_LARGE
    if "password" in text or "encrypt" in text:
        return IssueCategory.ENCRYPTED
    return IssueCategory.CORRUPT
