"""PDF through PDFium (pypdfium2): the text layer page by page, OCR where a page has none.

A page keeps its own text when it is usable (`has_usable_text`); otherwise it is rendered at
`OCR_DPI` and OCR'd, per `ctx.ocr_mode`. Rendering happens only for pages that are OCR'd, so a
born-digital PDF costs no more than PDFium's text extraction. Embedded files (the document's
EmbeddedFiles tree) become children; files attached through page annotations are not extracted.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import EncryptedError, ExtractionError, disk_full, is_disk_full
from ...model import DocumentKind, IssueCategory, TextSource
from ..ocr import OCR_DPI
from .base import ChildFile, Extraction, PageText, ReadContext, extension_score, require_content
from .image import ocr_scale

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PIL.Image import Image

_METADATA_KEYS = {
    "Title": "title",
    "Author": "author",
    "Subject": "subject",
    "Keywords": "keywords",
    "Creator": "creator",
    "Producer": "producer",
}
_DATE_KEYS = {"CreationDate": "created", "ModDate": "modified"}

# D:YYYYMMDDHHmmSSOHH'mm' (PDF 32000-1, 7.9.4); every part after the year is optional.
_PDF_DATE = re.compile(
    r"(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?"
    r"(?:(Z)[\d']*|([+-])(\d{2})'?(\d{2})?'?)?"
)


class PdfReader:
    name = "pdf"
    extensions = (".pdf",)

    def sniff(self, head: bytes, filename: str) -> float:
        if b"%PDF-" in head[:1024]:
            return 1.0
        return extension_score(filename, self.extensions)

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        require_content(path, ctx)
        display = ctx.display_name or path.name
        pdf = _open(path, display)
        try:
            count = len(pdf)
            if count > ctx.limits.max_pages:
                raise ExtractionError(
                    f"{display} has {count:,} pages, more than the limit of {ctx.limits.max_pages:,}; "
                    "split it or raise the page limit.",
                    IssueCategory.TOO_LARGE,
                )
            extraction = Extraction(DocumentKind.EDOC, metadata={"mime": "application/pdf"})
            extraction.metadata.update(_metadata(pdf, extraction.warnings))
            unreadable = 0
            for index in range(count):
                page = _read_page(pdf, index, ctx)
                if page is None:
                    unreadable += 1
                    extraction.warnings.append(
                        f"page {index + 1} of {display} could not be read; it has no text"
                    )
                    page = PageText("", TextSource.NONE, needed_ocr=True)
                extraction.pages.append(page)
            if unreadable == count:
                raise ExtractionError(
                    f"{display} is damaged: none of its {count} pages can be read; "
                    "ask the producing party for a new copy.",
                    IssueCategory.CORRUPT,
                )
            extraction.children = _attachments(pdf, ctx, display, extraction.warnings)
        finally:
            pdf.close()
        if sum(page.needed_ocr for page in extraction.pages) * 2 > count:
            extraction.kind = DocumentKind.SCAN
        return extraction


def _open(path: Path, display: str) -> pdfium.PdfDocument:
    """The open document, or the error a user can act on.

    Opens through PDFium's own call rather than `PdfDocument(path)`: PDFium sets its last-error
    code only when a load fails, so a document that loads but has no pages would otherwise be
    reported with whatever error an earlier file left behind (a password error, say).
    """
    import pypdfium2 as pdfium
    import pypdfium2.internal as pdfium_i
    import pypdfium2.raw as pdfium_c

    raw = pdfium_c.FPDF_LoadDocument(os.fsencode(path.resolve()) + b"\x00", None)
    if raw:
        pdf = pdfium.PdfDocument(raw)
        if len(pdf) > 0:
            return pdf
        pdf.close()
        raise ExtractionError(
            f"{display} contains no pages (its page list is missing or empty); "
            "ask the producing party whether a document is missing.",
            IssueCategory.EMPTY,
        )
    code = pdfium_c.FPDF_GetLastError()
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        raise EncryptedError(
            f"{display} is password-protected (encrypted) and cannot be read; "
            "ask the producing party for an unencrypted copy or the password."
        )
    if code == pdfium_c.FPDF_ERR_SECURITY:
        raise EncryptedError(
            f"{display} is encrypted with a security scheme PDFium does not support (certificate or DRM); "
            "ask the producing party for an unencrypted copy."
        )
    reason = pdfium_i.ErrorToStr.get(code, f"error {code}").lower()
    raise ExtractionError(
        f"{display} is not a readable PDF (PDFium: {reason}); it may be damaged or truncated. "
        "Ask the producing party for a new copy.",
        IssueCategory.CORRUPT,
    )


def _read_page(pdf: pdfium.PdfDocument, index: int, ctx: ReadContext) -> PageText | None:
    """The page's text layer, or its OCR text; None when PDFium cannot load the page."""
    import pypdfium2 as pdfium

    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        return None
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_bounded()
            if ctx.page_hook is not None:
                ctx.page_hook(page, index + 1, textpage)  # the hooks share the text page: built once
        finally:
            textpage.close()
        text = text.replace("\r\n", "\n")
        return ctx.page_from_text_or_ocr(text, lambda: render_page(page), TextSource.LAYER)
    finally:
        page.close()


def render_page(page: pdfium.PdfPage, dpi: int = OCR_DPI) -> Image:
    """A grayscale image of the page for OCR, scaled down where `dpi` would make it too large."""
    width, height = page.get_size()
    scale = dpi / 72
    scale *= ocr_scale(width * scale, height * scale)
    return page.render(scale=scale, grayscale=True).to_pil()


def _metadata(pdf: pdfium.PdfDocument, warnings: list[str]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    info = pdf.get_metadata_dict(skip_empty=True)
    for key, value in info.items():
        value = value.replace("\x00", "").strip()
        if not value:
            continue
        if key in _DATE_KEYS:
            iso = parse_pdf_date(value)
            if iso is None:
                warnings.append(f"the PDF's {key} '{value}' is not a date; kept as written under '{key}'")
                metadata[key] = value
            else:
                metadata[_DATE_KEYS[key]] = iso
        else:
            metadata[_METADATA_KEYS.get(key, key)] = value
    version = pdf.get_version()
    if version:
        metadata["pdf_version"] = f"{version // 10}.{version % 10}"
    return metadata


def parse_pdf_date(value: str) -> str | None:
    """ISO 8601 for a PDF date string ("D:20150514155616-05'00'"), None when it is not one.

    Only the parts present are kept: "D:2015" gives "2015", "D:20150514" gives "2015-05-14".
    """
    match = _PDF_DATE.fullmatch(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zulu, sign, tz_hours, tz_minutes = match.groups()
    tz: timezone | None = None
    if zulu:
        tz = UTC
    elif sign:
        offset = timedelta(hours=int(tz_hours), minutes=int(tz_minutes or 0))
        if offset >= timedelta(hours=24):
            return None
        tz = timezone(-offset if sign == "-" else offset)
    try:
        stamp = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None
    if hour is None:
        return stamp.strftime("%Y-%m-%d" if day else "%Y-%m" if month else "%Y")
    return stamp.isoformat()


def _attachments(
    pdf: pdfium.PdfDocument, ctx: ReadContext, display: str, warnings: list[str]
) -> list[ChildFile]:
    """The document's embedded files, written into the scratch folder."""
    import pypdfium2 as pdfium

    children: list[ChildFile] = []
    for index in range(pdf.count_attachments()):
        try:
            attachment = pdf.get_attachment(index)
            name = attachment.get_name() or f"attachment-{index + 1}"
            data = attachment.get_data()
        except pdfium.PdfiumError as exc:
            warnings.append(
                f"embedded file {index + 1} of {display} could not be extracted ({exc}); it is left out"
            )
            continue
        if len(data) > ctx.limits.max_file_bytes:
            warnings.append(
                f"embedded file '{name}' of {display} is {len(data):,} bytes, over the size limit; it is left out"
            )
            continue
        ctx.scratch.mkdir(parents=True, exist_ok=True)
        target = ctx.scratch / f"pdf-attachment-{index + 1:03d}-{_safe_name(name)}"
        try:
            target.write_bytes(data)
        except OSError as exc:
            target.unlink(missing_ok=True)
            if is_disk_full(exc):
                raise disk_full(str(ctx.scratch)) from exc
            raise
        children.append(ChildFile(name, target))
    return children


def _safe_name(name: str) -> str:
    """A file name for the scratch folder: no folders, no control characters, not too long."""
    base = re.split(r"[/\\]", name)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip(" .")
    return base[-100:] or "attachment"


READER = PdfReader()
