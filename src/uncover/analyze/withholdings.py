"""Withholdings analysis of stored documents: marks from page text, boxes from the originals.

`analyze_documents` is what the ingest pipeline calls for new documents and `uncover analyze`
for the whole case. It reads each page's stored text (OCR'd or not), looks for boxes in the
original when it is a PDF (vector boxes, failed redactions) and on page images when a page has
one (raster boxes), and replaces the document's earlier results in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Document, DocumentKind, ExemptionMark, Page, Redaction
from ..store import withholdings as wstore
from .deleted_pages import DeletedPageSheet, find_sheets, sheet_warnings
from .exemptions import WITHHELD_NOTICES, PageMarkings, analyze_page_text, claimed_codes, document_status

if TYPE_CHECKING:
    from ..case import Case

log = logging.getLogger(__name__)

Progress = Callable[[int, int, Document], None]


@dataclass
class DocumentWithholdings:
    document_id: int
    status: str
    codes: list[str]
    marks: int
    redactions: int
    failed_redactions: int
    pages_withheld: int
    pages_redacted: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class AnalyzeSummary:
    documents: int = 0
    marks: int = 0
    redactions: int = 0
    failed_redactions: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _pdf_boxes(path: Path, label: str, document_id: int) -> tuple[list[Redaction], list[str]]:
    import pypdfium2 as pdfium

    from .redactions import find_page_boxes

    out: list[Redaction] = []
    try:
        pdf = pdfium.PdfDocument(path)
    except Exception as exc:  # noqa: BLE001 - an unreadable original is a warning, not a stop
        return [], [f"{label}: redaction boxes not checked, the PDF did not open ({exc})."]
    try:
        for i in range(len(pdf)):
            out.extend(find_page_boxes(pdf[i], i + 1, document_id, read_text=_read_text))
    finally:
        pdf.close()
    return out, []


def _image_file_boxes(path: Path, label: str, document_id: int) -> tuple[list[Redaction], list[str]]:
    """Boxes on every frame of an image original (a scanned TIFF, PNG or JPEG)."""
    from PIL import Image

    from .redactions import find_image_file_boxes

    out: list[Redaction] = []
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
            for i in range(frames):
                image.seek(i)
                out.extend(find_image_file_boxes(image, i + 1, document_id, read_text=_read_text))
    except Exception as exc:  # noqa: BLE001 - a damaged image is a warning, not a stop
        return out, [f"{label}: redaction boxes not checked on every page, the image did not decode ({exc})."]
    return out, []


def _read_text(image):  # type: ignore[no-untyped-def]
    """OCR of a small crop (the codes beside a box on a page without a text layer). The crop is
    read whole, so the page reading's second look at the margin for codes is off: it would read
    the crop's right third again for nothing."""
    from ..ingest.ocr import TesseractEngine

    global _ENGINE
    if _ENGINE is None:
        _ENGINE = TesseractEngine(margin_codes=False)
    return _ENGINE.recognize(image).text


_ENGINE = None


def _image_boxes(case: Case, page: Page) -> list[Redaction]:
    """Raster boxes on a page image blob (`image_ref`: sha256, optionally `#frame`): a TIFF or
    JPEG frame, or a page of a PDF."""
    from PIL import Image

    from .redactions import find_image_file_boxes, find_page_boxes

    ref = page.image_ref or ""
    sha, _, frame = ref.removeprefix("originals/").partition("#")
    path = case.blobs.path_for(sha)
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        is_pdf = fh.read(5) == b"%PDF-"
    if is_pdf:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)
        try:
            number = int(frame) if frame.isdigit() else 1
            if number > len(pdf):
                return []
            return find_page_boxes(pdf[number - 1], page.number, page.document_id, read_text=_read_text)
        finally:
            pdf.close()
    with Image.open(path) as image:
        if frame.isdigit() and int(frame) > 1:
            image.seek(int(frame) - 1)
        return find_image_file_boxes(image, page.number, page.document_id, read_text=_read_text)


@dataclass
class WithholdingsFindings:
    """What one document withholds, found without touching the case: the ingest computes it in
    the worker that already parsed the file, and the parent stores it with the document."""

    marks: list[ExemptionMark]
    redactions: list[Redaction]
    notices: list[wstore.NoticeRow]
    release: wstore.ReleaseRow
    warnings: list[str]
    sheets: list[DeletedPageSheet] = field(default_factory=list)

    def summary(self, document_id: int) -> DocumentWithholdings:
        r = self.release
        return DocumentWithholdings(document_id, r.status, r.codes, len(self.marks), len(self.redactions),
                                    sum(x.failed for x in self.redactions), r.pages_withheld, r.pages_redacted,
                                    self.warnings)


def find_withholdings(pages: list[Page], pdf: Path | None, label: str,
                      image_boxes: Callable[[Page], list[Redaction]] | None = None,
                      vector_boxes: list[Redaction] | None = None) -> WithholdingsFindings:
    """Marks from each page's text; vector boxes and failed redactions from the PDF when given
    (or already found, as `vector_boxes`, by a reader that had the pages open)."""
    analysed: list[PageMarkings] = [analyze_page_text(p.text, p.number, p.document_id) for p in pages]
    marks = [m for a in analysed for m in a.marks]
    warnings: list[str] = []
    redactions: list[Redaction] = list(vector_boxes or [])
    if pdf is not None:
        found, warns = _pdf_boxes(pdf, label, pages[0].document_id if pages else 0)
        redactions.extend(found)
        warnings.extend(warns)
    if image_boxes is not None:
        for page in pages:
            if page.image_ref:
                try:
                    redactions.extend(image_boxes(page))
                except Exception as exc:  # noqa: BLE001
                    warnings.append(f"{page.bates or label} page {page.number}: image not checked for boxes ({exc}).")
    status = document_status(analysed, marks)
    withheld_pages = {a_page.number for a_page, a in zip(pages, analysed, strict=True)
                      if any(n.kind in WITHHELD_NOTICES for n in a.notices)}
    redacted_pages = {r.page for r in redactions} | {m.page for m in marks if m.confidence >= 0.5} - withheld_pages
    notices = [wstore.NoticeRow(p.document_id, p.number, n.kind, n.text, n.start, n.end)
               for p, a in zip(pages, analysed, strict=True) for n in a.notices]
    sheets = find_sheets([p.text for p in pages])  # deleted page sheets: the pages they list are withheld
    warnings.extend(sheet_warnings(sheets, label))
    stand_ins = {n.page for n in notices if n.kind != "deleted-page-sheet" and n.kind in WITHHELD_NOTICES}
    release = wstore.ReleaseRow(pages[0].document_id if pages else 0, status, sorted(claimed_codes(marks)),
                                len(stand_ins) + sum(len(s.entries) for s in sheets), len(redacted_pages))
    return WithholdingsFindings(marks, redactions, notices, release, warnings, sheets)


def save_withholdings(case: Case, document_id: int, findings: WithholdingsFindings) -> None:
    """Replace the document's earlier results; joins the caller's transaction when there is one."""
    with case.store.transaction() as conn:
        wstore.replace_document(conn, document_id, findings.marks, findings.redactions, findings.notices, findings.release)
        wstore.replace_withheld_pages(conn, document_id, findings.sheets)


def analyze_document(case: Case, doc: Document, *, boxes: bool = True) -> DocumentWithholdings:
    pages = case.store.pages(doc.id)
    original = case.blobs.path_for(doc.sha256)
    is_pdf = (doc.mime or "").endswith("pdf") or doc.filename.lower().endswith(".pdf")
    pdf = original if boxes and is_pdf and original.exists() else None
    label = f"{doc.label} ({doc.filename})"
    found: list[Redaction] = []
    warns: list[str] = []
    if boxes and not is_pdf and doc.kind in (DocumentKind.IMAGE, DocumentKind.SCAN) and original.exists() \
            and not any(p.image_ref for p in pages):
        found, warns = _image_file_boxes(original, label, doc.id)  # a scanned TIFF, PNG or JPEG
    findings = find_withholdings(pages, pdf, label, (lambda page: _image_boxes(case, page)) if boxes else None,
                                 vector_boxes=found)
    findings.warnings.extend(warns)
    save_withholdings(case, doc.id, findings)
    return findings.summary(doc.id)


def analyze_documents(case: Case, doc_ids: Iterable[int] | None = None, progress: Progress | None = None,
                      *, boxes: bool = True) -> AnalyzeSummary:
    """Analyse the given documents (all when None); re-runnable: earlier results are replaced."""
    if doc_ids is None:
        ids = [int(r[0]) for r in case.store.conn.execute("SELECT id FROM documents ORDER BY id")]
    else:
        ids = list(doc_ids)
    summary = AnalyzeSummary()
    total = len(ids)
    for done, doc in enumerate(case.store.documents(ids), start=1):
        result = analyze_document(case, doc, boxes=boxes)
        summary.documents += 1
        summary.marks += result.marks
        summary.redactions += result.redactions
        summary.failed_redactions += result.failed_redactions
        summary.by_status[result.status] = summary.by_status.get(result.status, 0) + 1
        summary.warnings.extend(result.warnings)
        if progress:
            progress(done, total, doc)
    return summary


def page_findings(case: Case, doc_id: int) -> dict[int, list[str]]:
    """One line per finding, by page number, for `uncover show` (what a reviewer reads per page).

    Recovered text is never included: a failed redaction shows its character count only.
    """
    conn = case.store.conn
    out: dict[int, list[str]] = {}
    for n in wstore.notices(conn, doc_id):
        label = {"deleted-page": "page withheld (deleted page box)", "withheld-in-full": "withheld in full",
                 "deleted-page-sheet": "deleted page information sheet (lists pages withheld in full)",
                 "non-responsive": "marked non-responsive", "referral": n.text}.get(n.kind, n.kind)
        out.setdefault(n.page, []).append(label)
    by_page: dict[int, dict[str, int]] = {}
    for m in wstore.marks(conn, doc_id):
        if m.confidence >= 0.5:
            name = m.code if not m.qualifier else f"{m.code} ({m.qualifier})"
            by_page.setdefault(m.page, {}).setdefault(name, 0)
            by_page[m.page][name] += 1
    for page, codes in sorted(by_page.items()):
        out.setdefault(page, []).append("exemptions: " + ", ".join(f"{c} x{n}" if n > 1 else c for c, n in codes.items()))
    for r in wstore.redactions(conn, doc_id):
        where = f"at {r.bbox[0]:.0%},{r.bbox[1]:.0%} ({r.area:.1%} of page, {r.source})"
        line = f"{r.style + ' ' if r.style else ''}redaction box {where}" + (f" labelled {r.label}" if r.label else "")
        if r.failed:
            line = f"FAILED redaction {where}: {r.recoverable_chars} characters readable under the box"
        out.setdefault(r.page, []).append(line)
    return dict(sorted(out.items()))
