"""Ingest: scan -> process each item in a worker -> commit each document -> index -> case passes.

The parent process owns the case: it writes the manifest, hands items to the executor, and
commits each result in one transaction (document, pages, children's manifest rows, input state).
Children found by a reader (attachments, archive members) are stored, hashed and queued like any
other input, so containers are handled recursively by the same code, each charged to the
expansion budget of the top-level input it came from. A killed ingest, started again with the
same command, finds the inputs still pending and finishes exactly those, then the case passes
still pending. The whole run holds the case lock; a full disk stops it cleanly, with the item
being processed still pending.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .. import __version__
from ..analyze.messages import READING_VERSION, apply_reading
from ..analyze.withholdings import save_withholdings
from ..case import Case
from ..errors import DiskFullError, InputError, disk_full, is_disk_full
from ..model import Document, DocumentKind, IngestCounts, IssueCategory, Page, ProcessingIssue, TextSource
from ..store import Fingerprint, InputRecord
from ..store.blobs import process_tag, remove_stale
from ..store.duplicates import save_fingerprints
from ..store.tables import save_table_check
from .bates_stamps import find_bates
from .budget import BudgetLedger
from .formats.base import Extraction, Limits, LostChild
from .ocr import ocr_warnings
from .process import ItemProcessor, ItemResult, ItemSettings, ItemTask, warm_up
from .scan import SourceFile, item_key, link_target, printable_name, walk_sources
from .volume import delivery_files, find_volumes
from .workers import Executor, LocalPool, Outcome, WorkerLimits

if TYPE_CHECKING:
    from .cluster import ClusterJoin

MANIFEST_BATCH = 200
INDEX_COMMIT_SECONDS = 5.0
MIN_FREE_BYTES = 1024 * 1024  # below this, the disk is treated as full before it fails halfway


class Progress(Protocol):
    """What a long job reports; the CLI draws rich bars, the web app stores live status."""

    def start(self, stage: str, total: int | None) -> None: ...

    def advance(self, stage: str, n: int = 1) -> None: ...

    def grow(self, stage: str, n: int) -> None: ...

    def set(self, stage: str, done: int, total: int | None) -> None: ...


class SilentProgress:
    def start(self, stage: str, total: int | None) -> None: ...

    def advance(self, stage: str, n: int = 1) -> None: ...

    def grow(self, stage: str, n: int) -> None: ...

    def set(self, stage: str, done: int, total: int | None) -> None: ...


@dataclass
class IngestOptions:
    production: str | None = None  # default: the name of the first path given
    custodian: str | None = None
    ocr: str = "auto"  # auto | always | never
    workers: int = 0  # 0: one per core
    worker_limits: WorkerLimits = field(default_factory=WorkerLimits)
    limits: Limits = field(default_factory=Limits)
    index: bool = True
    analyze: bool = True  # run the case passes (withholdings, duplicates) on the new documents
    lock_wait: float = 0.0  # seconds to wait for another process writing to the case
    ray: str | None = None  # process items on a Ray cluster: "auto", "local" or its address (ingest/cluster.py)
    received: str | None = None  # the day the production was received (YYYY-MM-DD); deadlines count from it


@dataclass
class IngestReport:
    production: str
    ingest_id: int
    counts: IngestCounts
    new_document_ids: list[int]
    seconds: float
    delivery_files: list[str] = field(default_factory=list)  # beside the volumes, about the delivery: not documents


# Case passes run on the documents no run has finished them for, in order, each showing its own
# progress; each keeps its mark in the case (analyze.casepasses), so a killed pass is finished later.
CasePass = Callable[[Case, list[int], Progress], object]


def withholdings_pass(case: Case, doc_ids: list[int], progress: Progress) -> object:
    """For documents the workers did not analyse (load-file records: their text and images are
    linked in the parent)."""
    from ..analyze.withholdings import analyze_documents

    done = {r[0] for r in case.store.conn.execute("SELECT document_id FROM document_release")}
    todo = [i for i in doc_ids if i not in done]
    if not todo:
        return None
    return analyze_documents(case, todo, lambda done, total, doc: progress.set("Withholdings", done, total))


def messages_pass(case: Case, doc_ids: list[int], progress: Progress) -> object:
    """Printed headers and quoted messages of documents the workers did not read (load-file records)."""
    from ..analyze.messages import analyze_messages
    from ..store.messages import read_ids

    done = read_ids(case.store.conn)
    todo = [i for i in doc_ids if i not in done]
    if not todo:
        return None
    return analyze_messages(case, todo, lambda done, total: progress.set("Messages", done, total))


def duplicates_pass(case: Case, doc_ids: list[int], progress: Progress) -> object:
    from ..analyze.casepasses import run_duplicate_passes

    return run_duplicate_passes(case, doc_ids, lambda stage, done, total: progress.set(stage.capitalize(), done, total))


def tables_pass(case: Case, doc_ids: list[int], progress: Progress) -> object:
    from ..analyze.tables.casepass import read_tables

    return read_tables(case, doc_ids, lambda done, total: progress.set("Tables", done, total), checked=True)


CASE_PASSES: list[tuple[str, CasePass]] = [("withholdings", withholdings_pass), ("messages", messages_pass),
                                           ("duplicates", duplicates_pass), ("tables", tables_pass)]


def ingest(case: Case, paths: Sequence[Path | str], options: IngestOptions | None = None,
           progress: Progress | None = None, executor: Executor[ItemTask, ItemResult] | None = None) -> IngestReport:
    """Ingest files and folders into the case; re-running finishes whatever is still pending."""
    options = options or IngestOptions()
    progress = progress or SilentProgress()
    sources = [Path(p) for p in paths]
    if not sources:
        raise InputError("Give at least one file or folder to ingest.")
    for source in sources:
        if not source.exists():
            raise InputError(f"{source} does not exist; check the path and try again.", path=str(source))
    if options.ocr not in ("auto", "always", "never"):
        raise InputError(f"--ocr must be auto, always or never, not {options.ocr!r}.")
    if options.received is not None:
        options.received = received_date(options.received)
    with case.writing("ingest", options.lock_wait):
        try:
            return _ingest_locked(case, sources, options, progress, executor)
        except DiskFullError:
            raise
        except Exception as exc:
            if is_disk_full(exc):
                raise disk_full(str(case.root)) from exc
            raise


def _ingest_locked(case: Case, sources: list[Path], options: IngestOptions, progress: Progress,
                   executor: Executor[ItemTask, ItemResult] | None) -> IngestReport:
    started = time.monotonic()
    volumes, natives, delivery = split_volumes(sources)
    reports = [_ingest_volume(case, volume, options, progress) for volume in volumes]
    exclude = {*volumes, *delivery}
    leaving: list[threading.Thread] = []  # --ray: leaving the cluster (0.3 s) overlaps the case passes
    try:
        if natives and (not reports or next(walk_sources(natives, exclude=exclude), None) is not None):
            reports.append(_Ingest(case, natives, options, progress, executor, exclude=exclude, leaving=leaving).run())
        report = _passes_and_report(case, reports, delivery, options, progress)
    finally:
        for thread in leaving:
            thread.join()
    report.seconds = time.monotonic() - started
    return report


def _passes_and_report(case: Case, reports: list[IngestReport], delivery: list[Path], options: IngestOptions,
                       progress: Progress) -> IngestReport:
    """The one report of the load-file volumes and natives ingested, once the case passes have run over them."""
    from ..analyze.casepasses import finish_case_passes

    report = IngestReport(
        production=", ".join(dict.fromkeys(r.production for r in reports)), ingest_id=reports[-1].ingest_id,
        counts=IngestCounts(**{k: sum(getattr(r.counts, k) for r in reports) for k in vars(IngestCounts())}),
        new_document_ids=[i for r in reports for i in r.new_document_ids], seconds=0.0,
        delivery_files=[str(f) for f in delivery],
    )
    if options.received:
        with case.store.transaction():
            for name in dict.fromkeys(r.production for r in reports):
                case.store.set_received(name, options.received)
    if options.analyze:
        finish_case_passes(case, CASE_PASSES, progress)
    return report


def received_date(value: str) -> str:
    """A receipt date as ISO YYYY-MM-DD, or an error that says how to write it."""
    from datetime import date

    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError as exc:
        raise InputError(f"--received {value!r} is not a date; write the day the production arrived as YYYY-MM-DD "
                         "(e.g. 2011-01-17).") from exc


def free_bytes(path: Path) -> int:
    try:
        info = os.statvfs(path)
    except (OSError, AttributeError):
        return MIN_FREE_BYTES
    return info.f_bavail * info.f_frsize


def split_volumes(sources: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """Load-file volumes (a folder with load files, or such folders one level down), the rest, and
    the delivery's own files beside the volumes (a MANIFEST.tsv: not documents).

    Productions often arrive as PROD001/VOL001, PROD001/VOL002: each volume is read through its
    load files, and any other file in the delivery is ingested as a native.
    """
    volumes, natives, delivery = [], [], []
    for source in sources:
        found = find_volumes(source)
        volumes.extend(found)
        delivery.extend(delivery_files(source, found))
        if found != [source]:
            natives.append(source)
    return volumes, natives, delivery


def _ingest_volume(case: Case, volume: Path, options: IngestOptions, progress: Progress) -> IngestReport:
    """A load-file volume: records become documents with the producer's Bates numbers and fields."""
    from .volume import ingest_volume

    started = time.monotonic()
    before = int(case.store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0])
    name = options.production or volume.resolve().name
    progress.start("Load file", None)
    counts = ingest_volume(case, volume, name, options.custodian, options.ocr,
                           lambda done, total, key: progress.advance("Load file"))
    if options.index:
        from ..search.index import catch_up

        catch_up(case)
    new_ids = [int(r[0]) for r in case.store.conn.execute("SELECT id FROM documents WHERE id > ? ORDER BY id", (before,))]
    ingest_id = case.store.ingests()[-1]["id"]
    return IngestReport(name, ingest_id, counts, new_ids, time.monotonic() - started)


class _Ingest:
    def __init__(self, case: Case, sources: list[Path], options: IngestOptions, progress: Progress,
                 executor: Executor[ItemTask, ItemResult] | None, exclude: set[Path] | None = None,
                 leaving: list[threading.Thread] | None = None) -> None:
        self.case, self.sources, self.options, self.progress = case, sources, options, progress
        self.exclude = exclude or set()
        self.leaving = leaving if leaving is not None else []  # threads leaving the cluster, joined by the caller
        self.store = case.store
        self.executor = executor
        self.joining: ClusterJoin[ItemTask, ItemResult] | None = None  # --ray: the cluster, joined while the scan runs
        self.counts = IngestCounts()
        self.new_ids: list[int] = []
        self.unindexed: list[int] = []
        self.last_index_commit = time.monotonic()
        self.scratch_root = case.derived / "scratch" / process_tag()  # per ingest: several may run at once
        self.ledger = BudgetLedger(self.store, options.limits)
        name = options.production or sources[0].resolve().name or "production"
        self.production = self.store.production(name, source=", ".join(str(s) for s in sources))

    # -- the run ------------------------------------------------------------------------------------
    def run(self) -> IngestReport:
        started = time.monotonic()
        self.case.blobs.clean_incoming()
        remove_stale(self.scratch_root.parent)
        shutil.rmtree(self.scratch_root, ignore_errors=True)
        if self.options.index:
            self._catch_up_index()
        settings = {"ocr": self.options.ocr, "custodian": self.options.custodian, "workers": self.options.workers}
        self.ingest_id = self.store.begin_ingest(self.production.id, [str(s) for s in self.sources], __version__, settings)
        self.joining = self._join_cluster() if self.executor is None and self.options.ray else None
        try:
            self._scan()  # the cluster is joined and its workers start meanwhile
            self._process(self.joining.executor() if self.joining is not None else None)
        finally:
            if self.joining is not None:  # leaving the cluster overlaps the index's last commit and the case passes
                self.leaving.append(threading.Thread(target=self.joining.close, name="uncover-ray-leave"))
                self.leaving[-1].start()
        self._flush_index(force=True)
        shutil.rmtree(self.scratch_root, ignore_errors=True)
        self.store.finish_ingest(self.ingest_id, vars(self.counts))
        return IngestReport(self.production.name, self.ingest_id, self.counts, self.new_ids, time.monotonic() - started)

    def _scan(self) -> None:
        files = list(walk_sources(self.sources, exclude=self.exclude))
        self.progress.start("Hashing", len(files))
        for start in range(0, len(files), MANIFEST_BATCH):
            batch = [(f, *self._store_source(f)) for f in files[start : start + MANIFEST_BATCH]]
            with self.store.transaction():
                for source, fp, issue in batch:
                    self._add_input(source, fp, issue)
            self.progress.advance("Hashing", len(batch))
            if self.joining is not None:
                self.joining.raise_failure()  # a wrong cluster address is said now, not after the whole scan

    def _store_source(self, source: SourceFile) -> tuple[Fingerprint, tuple[IssueCategory, str] | None]:
        """Hash and keep one thing found in the production; what cannot be read is kept as a record."""
        blobs = self.case.blobs
        if source.kind == "link":
            return blobs.put_bytes(link_target(source)), (IssueCategory.LINK, f"{source.display}: {source.note}.")
        if source.kind == "special":
            return blobs.put_bytes(b""), (IssueCategory.SPECIAL, f"{source.display}: {source.note}; recorded, never read.")
        try:
            return blobs.put_file(source.path, follow_links=source.path in self.sources), None
        except DiskFullError:
            raise
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return blobs.put_bytes(b""), (IssueCategory.UNREADABLE,
                                          f"{source.display} could not be read ({reason}); check its permissions and "
                                          "run the ingest again.")

    def _add_input(self, source: SourceFile, fp: Fingerprint, issue: tuple[IssueCategory, str] | None) -> None:
        input_id, created = self.store.add_input(
            item_key=item_key(self.production.id, source.display, fp.sha256, raw=source.raw), ingest_id=self.ingest_id,
            production_id=self.production.id, source_path=printable_name(str(source.path))[0], member_path=None,
            display_name=source.display, sha256=fp.sha256, md5=fp.md5, size=fp.size, custodian=self.options.custodian,
            raw_name=source.raw,
        )
        if not created:
            self.counts.skipped += 1
            return
        self.counts.inputs += 1
        if issue is not None:
            self.store.record_issue(ProcessingIssue(path=printable_name(str(source.path))[0], member=None, category=issue[0],
                                                    message=issue[1], stage="scan", sha256=fp.sha256, input_id=input_id),
                                    self.ingest_id)
            self.counts.exceptions += 1

    def _join_cluster(self) -> ClusterJoin[ItemTask, ItemResult]:
        from .cluster import ClusterJoin, RayExecutor

        address, settings, limits = self.options.ray, self._item_settings(), self.options.worker_limits
        assert address is not None
        return ClusterJoin(lambda: RayExecutor(ItemProcessor(settings), address, limits))

    def _item_settings(self) -> ItemSettings:
        return ItemSettings(ocr_mode=self.options.ocr, limits=self.options.limits, withholdings=self.options.analyze,
                            fingerprint=self.options.analyze, tables=self.options.analyze, index=self.options.index)

    def _process(self, cluster: Executor[ItemTask, ItemResult] | None = None) -> None:
        pending = self.store.pending_inputs(self.production.id)
        self.progress.start("Extracting", len(pending))
        if not pending:
            return
        own_pool = self.executor is None and cluster is None
        if own_pool:
            warm_up()
        executor = self.executor or cluster or LocalPool(ItemProcessor(self._item_settings()), self.options.workers,
                                                         self.options.worker_limits)
        self.pool = executor
        try:
            for record in pending:
                executor.submit(self._task(record))
            while (outcome := executor.next_outcome()) is not None:
                self._handle(outcome)
                self.progress.advance("Extracting")
                self._flush_index()
        finally:
            if own_pool:
                executor.close()

    def _task(self, record: InputRecord) -> ItemTask:
        return ItemTask(record.id, self.case.blobs.path_for(record.sha256), record.display_name,
                        self.scratch_root / str(record.id), record.size, self.ledger.budget(record))

    # -- results --------------------------------------------------------------------------------------
    def _handle(self, outcome: Outcome[ItemTask, ItemResult]) -> None:
        task = outcome.task
        record = self.store.input(task.input_id)
        if outcome.failure is not None:
            category = {"timeout": IssueCategory.TIMEOUT, "too-large": IssueCategory.TOO_LARGE}.get(outcome.failure, IssueCategory.CRASH)
            self._exception(record, category, f"{record.display_name}: {outcome.detail}; the rest of the production went on.")
        else:
            result = outcome.result
            assert result is not None
            if result.disk_full or free_bytes(self.case.root) < MIN_FREE_BYTES:
                shutil.rmtree(task.scratch, ignore_errors=True)
                raise disk_full(str(self.case.root))  # this item stays pending; nothing is half-kept
            if result.extraction is None:
                self._exception(record, result.category or IssueCategory.CORRUPT, result.message)
            else:
                self._commit(record, result)
        if task.scratch.exists():
            shutil.rmtree(task.scratch, ignore_errors=True)

    def _exception(self, record: InputRecord, category: IssueCategory, message: str) -> None:
        with self.store.transaction():
            self.store.record_issue(
                ProcessingIssue(path=record.source_path, member=record.member_path, category=category, message=message,
                                stage="extract", sha256=record.sha256, input_id=record.id),
                self.ingest_id,
            )
        self.counts.exceptions += 1

    def _commit(self, record: InputRecord, result: ItemResult) -> None:
        extraction = result.extraction
        assert extraction is not None
        reader = result.reader or ""
        over = self.ledger.refusal(record, extraction, [child.path.stat().st_size for child in extraction.children])
        if over is not None:
            self._exception(record, IssueCategory.BOMB, f"{record.display_name}: {over}. Treated as a zip bomb: nothing "
                                                        "inside it was kept; its original is hashed and kept.")
            return
        children = [(child, self.case.blobs.put_file(child.path, follow_links=False)) for child in extraction.children]
        doc = self._document(record, extraction, reader)
        pages = [
            Page(document_id=0, number=i + 1, text=p.text, text_source=p.source, ocr_confidence=p.ocr_confidence,
                 ocr_flags=p.ocr_flags)
            for i, p in enumerate(extraction.pages)
        ]
        if record.parent_input_id is None and doc.kind in (DocumentKind.EDOC, DocumentKind.SCAN):
            self._stamp_bates(doc, pages)
        if result.reading is not None:
            apply_reading(doc, result.reading)
        new_inputs: list[int] = []
        depth = record.depth + (1 if extraction.kind == DocumentKind.ARCHIVE else 0)
        ancestors = self.store.ancestor_hashes(record.id) if children else set()
        added = [0, 0]
        with self.store.transaction() as conn:
            doc_id = self.store.insert_document(doc, record.id, pages, [p.needed_ocr for p in extraction.pages])
            for message in ocr_warnings(pages):
                self.store.record_issue(ProcessingIssue(path=record.source_path, member=record.member_path,
                                                        category=IssueCategory.OCR, message=f"{record.display_name}: {message}",
                                                        stage="ocr", sha256=record.sha256, input_id=record.id),
                                        self.ingest_id, document_id=doc_id)
            if result.withholdings is not None:
                save_withholdings(self.case, doc_id, result.withholdings)
            if result.fingerprint is not None:
                save_fingerprints(self.store, [replace(result.fingerprint, document_id=doc_id)])
            if result.reading is not None:
                from ..store.messages import replace_reading

                replace_reading(conn, doc_id, result.reading, READING_VERSION)
            if result.table_pages is not None:
                save_table_check(conn, doc_id, result.table_pages)
            for child, fp in children:
                name, raw = printable_name(child.name)
                member = f"{record.member_path}//{name}" if record.member_path else name
                input_id, created = self.store.add_input(
                    item_key=item_key(self.production.id, name, fp.sha256, parent_key=record.item_key, raw=raw),
                    ingest_id=self.ingest_id, production_id=self.production.id, parent_input_id=record.id,
                    source_path=record.source_path, member_path=member, display_name=f"{record.display_name}//{name}",
                    sha256=fp.sha256, md5=fp.md5, size=fp.size, custodian=record.custodian, raw_name=raw,
                    root_input_id=record.root_id, depth=depth,
                )
                if not created:
                    continue
                added[0] += fp.size
                added[1] += 1
                if fp.sha256 in ancestors:  # a ZIP quine: the archive holds a copy of itself
                    self.store.record_issue(ProcessingIssue(
                        path=record.source_path, member=member, category=IssueCategory.BOMB, stage="extract",
                        message=f"{record.display_name}//{name} is a copy of an archive that contains it (an archive "
                                "that holds itself): recorded, not opened again.", sha256=fp.sha256, input_id=input_id,
                    ), self.ingest_id)
                    self.counts.exceptions += 1
                else:
                    new_inputs.append(input_id)
            for lost in extraction.lost:
                self._lost_child(record, lost)
        self.ledger.charge(record, *added)
        self.counts.documents += 1
        self.counts.inputs += added[1]
        self.counts.pages += len(pages)
        self.counts.pages_ocr += sum(p.text_source == TextSource.OCR for p in pages)
        self.new_ids.append(doc_id)
        if self.options.index:
            doc.id = doc_id
            for page in pages:
                page.document_id = doc_id
            self.case.index.add(doc, pages, self.production.name, own=result.reading.own if result.reading else None,
                                pairs=result.pairs)
            self.unindexed.append(doc_id)
        if new_inputs:
            self.progress.grow("Extracting", len(new_inputs))
            for input_id in new_inputs:
                self.pool.submit(self._task(self.store.input(input_id)))

    def _lost_child(self, record: InputRecord, lost: LostChild) -> None:
        """An attachment that could not be written out: an input with no content, and its exception."""
        name, raw = printable_name(lost.name)
        member = f"{record.member_path}//{name}" if record.member_path else name
        input_id, created = self.store.add_input(
            item_key=item_key(self.production.id, f"{name}\0lost", "", parent_key=record.item_key,
                              raw=raw + b"\0lost" if raw else None),
            ingest_id=self.ingest_id, production_id=self.production.id, parent_input_id=record.id,
            source_path=record.source_path, member_path=member, display_name=f"{record.display_name}//{name}",
            sha256="", md5="", size=0, custodian=record.custodian, raw_name=raw, root_input_id=record.root_id,
            depth=record.depth,
        )
        if not created:
            return
        self.store.record_issue(ProcessingIssue(path=record.source_path, member=member, category=lost.category,
                                                message=lost.message, stage="extract", input_id=input_id), self.ingest_id)
        self.counts.inputs += 1
        self.counts.exceptions += 1

    @staticmethod
    def _stamp_bates(doc: Document, pages: list[Page]) -> None:
        """A loose Bates-stamped file: its Bates numbers from the file name or the page stamps."""
        stamps = find_bates(doc.filename, [p.text for p in pages])
        if stamps is None:
            return
        doc.bates_begin, doc.bates_end = str(stamps.range.begin), str(stamps.range.end)
        for page, number in zip(pages, stamps.pages, strict=True):
            page.bates = number or None
        doc.metadata["bates_source"], doc.metadata["bates_confidence"] = stamps.source, stamps.confidence
        if stamps.warning:
            doc.warnings.append(stamps.warning)

    def _document(self, record: InputRecord, extraction: Extraction, reader: str) -> Document:
        md = dict(extraction.metadata)
        parent_id = family_id = None
        if record.parent_input_id is not None:
            parent_id = self.store.document_id_for_input(record.parent_input_id)
            parent = self.store.document(parent_id) if parent_id else None
            family_id = parent.family_id if parent else None
        filename = record.display_name.rsplit("//", 1)[-1].rsplit("/", 1)[-1]
        md.setdefault("reader", reader)
        return Document(
            id=0, production_id=self.production.id, kind=extraction.kind, filename=filename,
            path=record.display_name, sha256=record.sha256, md5=record.md5, size=record.size,
            custodian=record.custodian, parent_id=parent_id, family_id=family_id, mime=md.get("mime"),
            subject=md.get("subject"), author=md.get("author"), sender=md.get("from"), recipients=md.get("to"),
            cc=md.get("cc"), bcc=md.get("bcc"), date=md.get("date") or md.get("created") or md.get("modified"),
            title=md.get("title"), message_id=md.get("message_id"), in_reply_to=md.get("in_reply_to"),
            references=md.get("references"), page_count=len(extraction.pages), metadata=md,
            warnings=list(extraction.warnings), html_body=extraction.html_body,
        )

    # -- the search index ---------------------------------------------------------------------------
    def _flush_index(self, force: bool = False) -> None:
        if not self.unindexed:
            return
        if not force and time.monotonic() - self.last_index_commit < INDEX_COMMIT_SECONDS:
            return
        self.case.index.commit()
        with self.store.transaction():
            self.store.mark_indexed(self.unindexed)
        self.unindexed = []
        self.last_index_commit = time.monotonic()

    def _catch_up_index(self) -> None:
        """Index what a killed run committed but never indexed (deleting any stale copy first)."""
        from ..search.index import catch_up

        catch_up(self.case)


def reconcile(case: Case, counts: dict[str, int] | None = None) -> dict[str, int]:
    """inputs = documents + exceptions (+ pending, for an ingest that has not finished); from
    `counts` (store.counts()) when the caller has just read them."""
    c = counts if counts is not None else case.store.counts()
    difference = c["inputs"] - c["documents_from_inputs"] - c["exceptions"] - c["inputs_pending"]
    return {"inputs": c["inputs"], "documents": c["documents_from_inputs"], "exceptions": c["exceptions"],
            "pending": c["inputs_pending"], "difference": difference}
