"""Commit a load-file volume into a case: inputs, originals, documents, pages, warnings, families.

Each record becomes one input row and one document, committed together (records are grouped 200 to a
transaction; a crash loses at most the open group, which a rerun redoes: the input's key is the volume
path, load file, line and first Bates number, so nothing is ever inserted twice). Text comes from the
producer's text file first, then the native's own text, then OCR of the page images, and each page
records which. Families are linked once every record is in, from attachment ranges, parent ids,
attachment id lists and LFP child boundaries.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import ExtractionError
from ..model import Document, DocumentKind, IngestCounts, IssueCategory, Page, ProcessingIssue, TextSource
from ..store.blobs import Fingerprint
from ..store.loadfiles import record_run
from .formats.email_common import plausible_year
from .loadfiles.dat import detect_encoding
from .ocr import ocr_warnings
from .volume import VolumeRecord, read_volume

BATCH = 200
Progress = Callable[[int, int | None, str], None]

_SPREADSHEET = {"xls", "xlsx", "xlsm", "csv", "ods"}
_PRESENTATION = {"ppt", "pptx", "pps", "ppsx", "odp"}
_EMAIL = {"msg", "eml", "emlx"}


@dataclass
class _Prepared:
    record: VolumeRecord
    item_key: str
    original: Fingerprint
    original_path: str
    role: str  # native, text, image or record
    pages: list[Page]
    needed_ocr: list[bool]
    kind: DocumentKind
    metadata: dict[str, Any] = field(default_factory=dict)


def ingest_volume(case: Any, volume_dir: Path | str, production: str, custodian: str | None = None,
                  ocr: str = "auto", progress: Progress | None = None,
                  loadfiles: list[Path | str] | None = None) -> IngestCounts:
    """Read a volume and commit every record as a document; rerunning skips what is already in."""
    volume = read_volume(volume_dir, loadfiles)
    store = case.store
    prod = store.production(production, str(volume.root))
    ingest_id = store.begin_ingest(prod.id, [str(volume.root)], __version__,
                                   {"kind": "loadfile-volume", "ocr": ocr, "custodian": custodian,
                                    "loadfiles": [str(lf.path) for lf in volume.loadfiles]})
    counts = IngestCounts()
    engine = None
    batch: list[_Prepared] = []
    root_key = str(volume.root.resolve())
    with tempfile.TemporaryDirectory(prefix="uncover-volume-") as scratch:
        for record in volume.records():
            counts.inputs += 1
            item_key = hashlib.sha256(f"{root_key}|{record.source}|{record.key}".encode()).hexdigest()
            row = store.conn.execute("SELECT state FROM inputs WHERE item_key = ?", (item_key,)).fetchone()
            if row is not None and row[0] != "pending":
                counts.skipped += 1
                continue
            if ocr != "never" and engine is None and any(p.image for p in record.pages):
                engine = _engine()
            batch.append(_prepare(case, record, item_key, Path(scratch), ocr, engine))
            if len(batch) >= BATCH:
                _commit(case, batch, ingest_id, prod.id, custodian, counts)
                batch = []
            if progress:
                progress(counts.inputs, None, record.key)
        _commit(case, batch, ingest_id, prod.id, custodian, counts)
    with store.transaction():
        for run in volume.runs:
            record_run(store.conn, ingest_id, prod.id, run)
        for path, message in volume.not_read():
            store.record_issue(ProcessingIssue(path=str(path), category=IssueCategory.LOADFILE, stage="loadfile",
                                               message=message), ingest_id)
            counts.loadfiles_not_read += 1
    link_families(case, prod.id, ingest_id)
    store.finish_ingest(ingest_id, {k: getattr(counts, k) for k in
                                    ("inputs", "documents", "exceptions", "pages", "pages_ocr", "skipped")})
    return counts


def _engine() -> Any:
    try:
        from .ocr import TesseractEngine

        return TesseractEngine()
    except Exception:  # OCR not installed: text stays NONE, the pages are flagged needed_ocr
        return None


# -- one record -----------------------------------------------------------------------------------
def _prepare(case: Any, rec: VolumeRecord, item_key: str, scratch: Path, ocr: str, engine: Any) -> _Prepared:
    blobs = case.blobs
    image_refs: dict[Path, Fingerprint] = {}
    uses: dict[Path, int] = {}
    for page in rec.pages:
        if page.image is not None:
            uses[page.image] = uses.get(page.image, 0) + 1
    pages: list[Page] = []
    for n, page in enumerate(rec.pages, start=1):
        ref = None
        if page.image is not None:
            if page.image not in image_refs:
                image_refs[page.image] = blobs.put_file(page.image)
            sha = image_refs[page.image].sha256
            frame = page.frame or (1 if uses[page.image] > 1 else None)
            ref = f"{sha}#{frame}" if frame else sha
        pages.append(Page(0, n, "", TextSource.NONE, bates=page.bates, image_ref=ref))
    # the original: native, else text file, else first image, else the load-file row itself
    role, source_path = "record", None
    if rec.native_path is not None:
        role, source_path = "native", rec.native_path
    elif rec.text_path is not None:
        role, source_path = "text", rec.text_path
    elif rec.pages and rec.pages[0].image is not None:
        role, source_path = "image", rec.pages[0].image
    if source_path is not None:
        original = image_refs.get(source_path) or blobs.put_file(source_path)
        original_path = str(source_path)
    else:
        row_file = scratch / "record.json"
        row_file.write_text(json.dumps(rec.raw_fields, ensure_ascii=False), "utf-8")
        original = blobs.put_file(row_file)
        original_path = rec.source
    needed = [False] * len(pages)
    text_source = _fill_text(rec, pages, needed, scratch, ocr, engine)
    meta = dict(rec.fields)
    meta["_loadfile"] = {"source": rec.source, "original": role, "text": text_source, "volume": rec.volume}
    if rec.image_count_declared is not None:
        meta["_loadfile"]["image_count"] = rec.image_count_declared
    if rec.child_boundary:
        meta["_loadfile"]["child"] = True
    return _Prepared(rec, item_key, original, original_path, role, pages, needed, _kind(rec), meta)


def _fill_text(rec: VolumeRecord, pages: list[Page], needed: list[bool], scratch: Path, ocr: str, engine: Any) -> str:
    text: str | None = None
    if rec.text_path is not None:
        text = read_text_file(rec.text_path)
    elif rec.text_inline is not None:
        text = rec.text_inline
    if text is not None:
        _spread(rec, pages, text.split("\f"), TextSource.LOADFILE, "text")
        return str(TextSource.LOADFILE)
    if rec.native_path is not None:
        try:
            from .formats import identify
            from .formats.base import ReadContext

            reader = identify(rec.native_path)
            if reader is None:
                rec.warn("loadfile", f"{rec.key}: no reader for native {rec.native_path.name}; text left empty")
            else:
                extraction = reader.read(rec.native_path, ReadContext(scratch=scratch, ocr=None, ocr_mode="never",
                                                                      display_name=rec.native_path.name))
                texts = [p.text for p in extraction.pages]
                if any(t.strip() for t in texts):
                    _spread(rec, pages, texts, TextSource.NATIVE, "native text", warn=False)
                    return str(TextSource.NATIVE)
        except ExtractionError as exc:
            rec.warn(str(exc.category), f"{rec.key}: native {rec.native_path.name} could not be read: {exc.message}")
        except Exception as exc:  # a reader bug must not stop the volume
            rec.warn(str(IssueCategory.CRASH), f"{rec.key}: native {rec.native_path.name} failed to read ({type(exc).__name__}: {exc})")
    if ocr != "never" and engine is not None and any(p.image_ref for p in pages):
        done = 0
        for i, (page, ref) in enumerate(zip(rec.pages, pages, strict=True)):
            if page.image is None:
                continue
            try:
                result = engine.recognize(render_page(page.image, page.frame or 1))
            except Exception as exc:
                rec.warn(str(IssueCategory.CORRUPT), f"{page.bates}: page image could not be OCR'd ({exc})")
                continue
            ref.text, ref.text_source, ref.ocr_confidence = result.text, TextSource.OCR, result.confidence
            ref.ocr_flags = list(result.flags)
            needed[i] = True
            done += 1
        for message in ocr_warnings(pages):
            rec.warn(str(IssueCategory.OCR), f"{rec.key}: {message}")
        if done:
            return str(TextSource.OCR)
    for i, page in enumerate(pages):
        needed[i] = page.image_ref is not None
    return str(TextSource.NONE)


def _spread(rec: VolumeRecord, pages: list[Page], parts: list[str], source: TextSource, what: str,
            warn: bool = True) -> None:
    if len(parts) == len(pages) + 1 and not parts[-1].strip():
        parts = parts[:-1]
    if len(parts) == len(pages):
        for page, part in zip(pages, parts, strict=True):
            page.text, page.text_source = part, source
        return
    pages[0].text, pages[0].text_source = "\f".join(parts), source
    for page in pages[1:]:
        page.text_source = source
    if warn and len(pages) > 1:
        rec.warn("loadfile", f"{rec.key}: text not page-aligned: {len(parts)} {what} page(s) for {len(pages)} "
                             "Bates pages; all text kept on the first page")


def read_text_file(path: Path) -> str:
    data = path.read_bytes()
    encoding, _ = detect_encoding(data[:65536])
    return data.decode(encoding, errors="replace").lstrip("\ufeff")


def render_page(path: Path, frame: int) -> Any:
    """A page image for OCR (a TIFF/JPG frame or a PDF page), with the readers' size caps."""
    from PIL import Image

    from .formats.image import prepare_for_ocr
    from .formats.pdf import render_page as render_pdf_page

    with open(path, "rb") as fh:
        head = fh.read(5)
    if head == b"%PDF-":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return render_pdf_page(pdf[frame - 1])
        finally:
            pdf.close()
    with Image.open(path) as image:
        if frame > 1:
            image.seek(frame - 1)
        prepared = prepare_for_ocr(image)
        return prepared.copy() if prepared is image else prepared  # outlive the closed file


def _kind(rec: VolumeRecord) -> DocumentKind:
    ext = (rec.fields.get("file_ext") or (rec.native_path.suffix if rec.native_path else "")).lower().lstrip(".")
    if ext in _EMAIL or (rec.fields.get("from") and (rec.fields.get("to") or rec.fields.get("date_sent"))):
        return DocumentKind.EMAIL
    if ext in _SPREADSHEET:
        return DocumentKind.SPREADSHEET
    if ext in _PRESENTATION:
        return DocumentKind.PRESENTATION
    if rec.native_path is None and any(p.image for p in rec.pages) and rec.text_path is None:
        return DocumentKind.SCAN
    return DocumentKind.EDOC


_DATE_FORMATS = ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y",
                 "%Y%m%d", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d-%b-%Y")


def iso_date(date: str, time: str = "") -> str | None:
    """`5/21/2001 3:48 PM`, `20020109` + `22:52`, ISO 8601 -> `2001-05-21T15:48:00`; None if unreadable."""
    date, time = date.strip(), time.strip()
    if not date:
        return None
    candidates = [f"{date} {time}"] if time else []
    candidates.append(date)
    for text in candidates:
        for fmt in (*_DATE_FORMATS, "%Y%m%d %H:%M", "%Y%m%d %H:%M:%S", "%Y-%m-%d %H:%M"):
            try:
                value = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if not plausible_year(value.year):
                return None  # `01/01/0002`: a warning (the caller's), not a date
            has_time = any(c in fmt for c in "HI")
            return value.strftime("%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d")
    return None


def _document(p: _Prepared, production_id: int, custodian: str | None) -> Document:
    rec, f = p.record, p.record.fields
    date = None
    for d_key, t_key in (("date_sent", "time_sent"), ("date_received", "time_received"),
                         ("date_created", "time_created"), ("date_modified", "time_modified")):
        if f.get(d_key):
            date = iso_date(f[d_key], f.get(t_key, ""))
            if date is None:
                rec.warn("loadfile", f"{rec.key}: unreadable date {f[d_key]!r} in {d_key} (not a date, or outside "
                                     "1900 to next year); kept as produced, not used as the date")
            break
    name = f.get("filename") or (rec.native_path.name if rec.native_path else f"{rec.bates_begin}")
    return Document(
        id=0, production_id=production_id, kind=p.kind, filename=name, path=p.original_path,
        sha256=p.original.sha256, md5=p.original.md5, size=p.original.size,
        custodian=f.get("custodian") or custodian, subject=f.get("subject"), author=f.get("author"),
        sender=f.get("from"), recipients=f.get("to"), cc=f.get("cc"), bcc=f.get("bcc"), date=date,
        title=f.get("title"), message_id=f.get("message_id"), in_reply_to=f.get("in_reply_to"),
        references=f.get("references"), bates_begin=rec.bates_begin, bates_end=rec.bates_end,
        page_count=len(p.pages), metadata=p.metadata, raw_fields=rec.raw_fields, warnings=list(rec.warnings),
    )


def _commit(case: Any, batch: list[_Prepared], ingest_id: int, production_id: int, custodian: str | None,
            counts: IngestCounts) -> None:
    if not batch:
        return
    store = case.store
    with store.transaction():
        for p in batch:
            rec = p.record
            doc = _document(p, production_id, custodian)
            input_id, _ = store.add_input(
                item_key=p.item_key, ingest_id=ingest_id, production_id=production_id, source_path=p.original_path,
                member_path=None, display_name=rec.bates_begin, sha256=p.original.sha256, md5=p.original.md5,
                size=p.original.size, custodian=doc.custodian)
            doc_id = store.insert_document(doc, input_id, p.pages, p.needed_ocr)
            for message, category in zip(rec.warnings, rec.categories, strict=False):
                store.record_issue(ProcessingIssue(path=rec.source, category=IssueCategory(category), message=message,
                                                   stage="loadfile", bates=rec.bates_begin, input_id=input_id),
                                   ingest_id, document_id=doc_id)
            counts.documents += 1
            counts.pages += len(p.pages)
            counts.pages_ocr += sum(1 for pg in p.pages if pg.text_source == TextSource.OCR)


# -- families ------------------------------------------------------------------------------------------
def link_families(case: Any, production_id: int, ingest_id: int | None = None) -> int:
    """Set parent_id/family_id from the load-file family fields; orphans get a warning. Returns links made."""
    store = case.store
    by_begin: dict[str, int] = {}
    info: list[tuple[int, str, dict[str, Any], str]] = []
    parents: dict[int, int] = {}
    last_top: int | None = None
    for doc in store.iter_documents(production_id):
        if doc.bates_begin:
            by_begin.setdefault(doc.bates_begin, doc.id)
        meta = doc.metadata
        lf = meta.get("_loadfile", {}) if isinstance(meta.get("_loadfile"), dict) else {}
        if lf.get("child") and last_top is not None:
            parents[doc.id] = last_top  # LFP boundary C: an attachment of the document before it
        elif lf:
            last_top = doc.id
        if any(k in meta for k in ("parent_id", "attach_begin", "attach_range", "attach_ids")):
            info.append((doc.id, doc.bates_begin or "", meta, lf.get("source", "")))
    orphans: list[tuple[int, str, str, str]] = []
    for doc_id, begin, meta, source in info:
        if meta.get("parent_id"):
            parent = by_begin.get(meta["parent_id"])
            if parent is None:
                orphans.append((doc_id, begin, source, f"{begin}: orphan child: parent {meta['parent_id']} is not in the production"))
            elif parent != doc_id:
                parents[doc_id] = parent
        a_begin = meta.get("attach_begin")
        if not a_begin and meta.get("attach_range"):
            from .loadfiles.bates import parse_range

            rng = parse_range(meta["attach_range"])
            a_begin = str(rng.begin) if rng else None
        if a_begin and doc_id not in parents and a_begin != begin:
            parent = by_begin.get(a_begin)
            if parent is None:
                orphans.append((doc_id, begin, source, f"{begin}: orphan child: family begins at {a_begin}, which is not in the production"))
            else:
                parents[doc_id] = parent
        for child_key in re.split(r"[;,]", meta.get("attach_ids", "")):
            child = by_begin.get(child_key.strip())
            if child_key.strip() and child is None:
                orphans.append((doc_id, begin, source, f"{begin}: attachment {child_key.strip()} is not in the production"))
            elif child is not None and child != doc_id:
                parents.setdefault(child, doc_id)

    def root(doc_id: int) -> int:
        seen = set()
        while doc_id in parents and doc_id not in seen:
            seen.add(doc_id)
            doc_id = parents[doc_id]
        return doc_id

    with store.transaction():
        for child, parent in parents.items():
            store.conn.execute("UPDATE documents SET parent_id = ?, family_id = ? WHERE id = ?", (parent, root(child), child))
        roots = {root(c) for c in parents}
        for r in roots:
            store.conn.execute("UPDATE documents SET family_id = ? WHERE id = ? AND parent_id IS NULL", (r, r))
        for doc_id, begin, source, message in orphans:
            row = store.conn.execute("SELECT warnings, input_id FROM documents WHERE id = ?", (doc_id,)).fetchone()
            warnings = json.loads(row[0])
            if message in warnings:
                continue
            warnings.append(message)
            store.conn.execute("UPDATE documents SET warnings = ? WHERE id = ?", (json.dumps(warnings), doc_id))
            store.record_issue(ProcessingIssue(path=source or begin, category=IssueCategory.LOADFILE, message=message,
                                               stage="loadfile", bates=begin, input_id=row[1]), ingest_id, document_id=doc_id)
    return len(parents)
