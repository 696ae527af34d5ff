"""OpenDocument text, spreadsheets, presentations and drawings (ODT, ODS, ODP, ODG and templates).

An ODF file is a ZIP package, but a reviewer wants the document, not its parts: read as an
archive, an .odt became content.xml, styles.xml and a thumbnail, each indexed as raw XML. This
reader takes the text from content.xml in reading order (paragraphs and headings, lists, tables as
tab-separated rows, frames and text boxes, footnotes inline), one page per sheet of a spreadsheet
and per slide of a presentation (its speaker notes after it), and the metadata from meta.xml.

The package's declared expansion is checked with the ZIP reader's limits before any part is read,
and each part is read with a byte cap. XML is parsed with entities and network access disabled.
A package whose content is encrypted (LibreOffice's "save with password") is reported as such.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import EncryptedError, ExtractionError
from ...model import DocumentKind, IssueCategory, TextSource
from .base import Extraction, PageText, ReadContext, display, require_content
from .zip import check_declared_expansion, is_zip

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
DC = "http://purl.org/dc/elements/1.1/"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

MIME_PREFIX = "application/vnd.oasis.opendocument."
# mimetype -> kind; templates share their document's kind
_KINDS = {
    "text": DocumentKind.EDOC, "text-template": DocumentKind.EDOC, "text-master": DocumentKind.EDOC,
    "spreadsheet": DocumentKind.SPREADSHEET, "spreadsheet-template": DocumentKind.SPREADSHEET,
    "presentation": DocumentKind.PRESENTATION, "presentation-template": DocumentKind.PRESENTATION,
    "graphics": DocumentKind.EDOC, "graphics-template": DocumentKind.EDOC,
}
MAX_PART_BYTES = 256 * 1024 * 1024  # content.xml of a very large spreadsheet stays well below this
MAX_REPEAT = 1000  # a repeated row or cell (`number-columns-repeated="16384"`) is written out at most this often
_META_FIELDS = {
    f"{{{DC}}}title": "title", f"{{{DC}}}subject": "subject", f"{{{DC}}}description": "description",
    f"{{{DC}}}creator": "last_modified_by", f"{{{META}}}initial-creator": "author",
    f"{{{DC}}}date": "modified", f"{{{META}}}creation-date": "created", f"{{{META}}}generator": "application",
    f"{{{DC}}}language": "language",
}


def odf_mimetype(head: bytes) -> str | None:
    """The package's `mimetype` entry, stored first and uncompressed as the standard requires."""
    if not is_zip(head) or head[30:38] != b"mimetype":
        return None
    start = 38 + int.from_bytes(head[28:30], "little")
    value = head[start : start + 80].split(b"PK", 1)[0].decode("ascii", "replace").strip()
    return value if value.startswith(MIME_PREFIX) else None


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


_P, _H, _S, _TAB, _BR = (_q(TEXT, t) for t in ("p", "h", "s", "tab", "line-break"))
_NOTE, _NOTE_BODY, _LIST = _q(TEXT, "note"), _q(TEXT, "note-body"), _q(TEXT, "list")
_TABLE, _ROW, _CELL, _COVERED = (_q(TABLE, t) for t in ("table", "table-row", "table-cell", "covered-table-cell"))
_PAGE, _NOTES, _FRAME = _q(DRAW, "page"), _q(PRESENTATION, "notes"), _q(DRAW, "frame")
_SKIP = {_q(TEXT, t) for t in ("tracked-changes", "sequence-decls", "variable-decls", "user-field-decls",
                               "table-of-content-source", "note-citation")} | {_q(OFFICE, "annotation-end")}


def inline_text(el: Any) -> str:
    """A paragraph's characters: `text:s` spaces and tabs kept, notes and annotations inline."""
    out: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == _S:
            out.append(" " * min(int(child.get(_q(TEXT, "c"), "1") or 1), 100))
        elif tag == _TAB:
            out.append("\t")
        elif tag == _BR:
            out.append("\n")
        elif tag in _SKIP:
            pass
        elif tag == _NOTE:
            body = child.find(_NOTE_BODY)
            if body is not None:
                out.append(" [note: " + " ".join(block_lines(body)) + "] ")
        elif tag == _q(OFFICE, "annotation"):
            out.append(" [comment: " + " ".join(block_lines(child)) + "] ")
        elif tag == _FRAME or tag == _q(DRAW, "custom-shape") or tag == _q(DRAW, "text-box"):
            out.append(" " + " ".join(block_lines(child)) + " ")
        else:
            out.append(inline_text(child))
        out.append(child.tail or "")
    return "".join(out)


def block_lines(el: Any, depth: int = 0) -> list[str]:
    """Lines of a block container in document order: paragraphs, lists, tables, frames."""
    lines: list[str] = []
    if depth > 60:
        return lines
    for child in el:
        tag = child.tag
        if tag in (_P, _H):
            text = inline_text(child).strip()
            if text:
                lines.append(text)
        elif tag == _TABLE:
            lines.extend("\t".join(row) for row in table_rows(child))
        elif tag in _SKIP:
            continue
        elif isinstance(tag, str):
            lines.extend(block_lines(child, depth + 1))
    return lines


def table_rows(table: Any) -> Iterator[list[str]]:
    """Rows of cell texts; trailing empty cells dropped, repeated rows and cells written once per
    repetition up to MAX_REPEAT (spreadsheets repeat empty cells to the sheet's last column)."""
    for row in table.iter(_ROW):
        if _nearest_table(row) is not table:
            continue
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (_CELL, _COVERED):
                continue
            text = " ".join(" ".join(block_lines(cell)).split())
            repeat = int(cell.get(_q(TABLE, "number-columns-repeated"), "1") or 1)
            cells.extend([text] * (min(repeat, MAX_REPEAT) if text else min(repeat, 1)))
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        repeat = min(int(row.get(_q(TABLE, "number-rows-repeated"), "1") or 1), MAX_REPEAT)
        for _ in range(repeat):
            yield cells


def _nearest_table(el: Any) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != _TABLE:
        parent = parent.getparent()
    return parent


def presentation_pages(body: Any) -> list[str]:
    pages = []
    for page in body.iter(_PAGE):
        notes = page.find(_NOTES)
        if notes is not None:
            page.remove(notes)
        text = "\n".join(block_lines(page))
        note_text = "\n".join(block_lines(notes)) if notes is not None else ""
        if note_text.strip():
            text += "\n\n[notes]\n" + note_text
        pages.append(text)
    return pages


def spreadsheet_pages(body: Any) -> list[str]:
    pages = []
    for sheet in body.iter(_TABLE):
        if _nearest_table(sheet) is not None:
            continue  # a table inside a cell's text is part of that cell
        name = sheet.get(_q(TABLE, "name"), "")
        rows = ["\t".join(r) for r in table_rows(sheet)]
        pages.append("\n".join([f"[{name}]" if name else "", *rows]).strip("\n"))
    return pages


class OdfReader:
    name = "odf"
    extensions = (".odt", ".ott", ".odm", ".ods", ".ots", ".odp", ".otp", ".odg", ".otg")

    def sniff(self, head: bytes, filename: str) -> float:
        if odf_mimetype(head):
            return 0.95
        return 0.6 if is_zip(head) and filename.lower().endswith(self.extensions) else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        size = require_content(path, ctx)
        label = display(path, ctx)
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise ExtractionError(f"{label} is a damaged OpenDocument file ({exc}); ask the producer to re-send it.",
                                  IssueCategory.CORRUPT) from exc
        with open(path, "rb") as fh:
            mime = odf_mimetype(fh.read(256)) or ""
        with zf:
            check_declared_expansion(zf, size, label, ctx, per_member=False)
            return self._read_package(zf, mime, label, ctx)

    def _read_package(self, zf: zipfile.ZipFile, mime: str, label: str, ctx: ReadContext) -> Extraction:
        from lxml import etree

        warnings: list[str] = []
        if _encrypted(zf, label):
            raise EncryptedError(f"{label}: the OpenDocument file is password-protected; ask for the password "
                                 "or an unprotected copy.")
        content = self._part(zf, "content.xml", label)
        if content is None:
            raise ExtractionError(f"{label}: the OpenDocument package has no content.xml; it is damaged or not "
                                  "an OpenDocument file.", IssueCategory.CORRUPT)
        try:
            root = etree.fromstring(content, _parser())
        except etree.XMLSyntaxError as exc:
            raise ExtractionError(f"{label}: the document's content.xml is damaged ({exc}); ask the producer to "
                                  "re-send it.", IssueCategory.CORRUPT) from exc
        body = root.find(_q(OFFICE, "body"))
        flavour = mime[len(MIME_PREFIX):] if mime.startswith(MIME_PREFIX) else _flavour_from_body(body)
        kind = _KINDS.get(flavour, DocumentKind.EDOC)
        if body is None:
            texts = [""]
            warnings.append("the document has no body")
        elif kind == DocumentKind.SPREADSHEET:
            texts = spreadsheet_pages(body) or [""]
        elif flavour.startswith(("presentation", "graphics")):
            texts = presentation_pages(body) or [""]
        else:
            texts = ["\n".join(block_lines(body))]
        if len(texts) > ctx.limits.max_pages:
            warnings.append(f"{len(texts)} pages; kept the first {ctx.limits.max_pages} (the page limit)")
            texts = texts[: ctx.limits.max_pages]
        if not any(t.strip() for t in texts):
            warnings.append("no text in the document (pictures only?)")
        try:
            meta = self._metadata(zf, label)
        except ExtractionError as exc:
            meta = {}
            warnings.append(f"the document's properties (meta.xml) could not be read: {exc.message}")
        meta["mime"] = mime or f"{MIME_PREFIX}{flavour}"
        return Extraction(kind, [PageText(t, TextSource.NATIVE) for t in texts], meta, warnings=warnings)

    def _part(self, zf: zipfile.ZipFile, name: str, label: str) -> bytes | None:
        try:
            info = zf.getinfo(name)
        except KeyError:
            return None
        if info.file_size > MAX_PART_BYTES:
            raise ExtractionError(f"{label}: its {name} declares {info.file_size:,} bytes, over the limit of "
                                  f"{MAX_PART_BYTES:,}", IssueCategory.TOO_LARGE)
        try:
            with zf.open(info) as fh:
                data = fh.read(MAX_PART_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ExtractionError(f"{label}: its {name} cannot be read ({exc}); ask the producer to re-send it.",
                                  IssueCategory.CORRUPT) from exc
        if len(data) > MAX_PART_BYTES:
            raise ExtractionError(f"{label}: its {name} expands past {MAX_PART_BYTES:,} bytes: treated as a bomb.",
                                  IssueCategory.BOMB)
        return data

    def _metadata(self, zf: zipfile.ZipFile, label: str) -> dict[str, str]:
        from lxml import etree

        meta: dict[str, str] = {}
        raw = self._part(zf, "meta.xml", label)
        if not raw:
            return meta
        try:
            root = etree.fromstring(raw, _parser())
        except etree.XMLSyntaxError:
            return meta
        node = root.find(_q(OFFICE, "meta"))
        for el in node if node is not None else ():
            key = _META_FIELDS.get(el.tag)
            value = " ".join((el.text or "").split())
            if key and value:
                meta[key] = value
            elif el.tag == _q(META, "keyword") and value:
                meta["keywords"] = f"{meta['keywords']}; {value}" if "keywords" in meta else value
        if "author" not in meta and "last_modified_by" in meta:
            meta["author"] = meta["last_modified_by"]
        return meta


def _flavour_from_body(body: Any) -> str:
    if body is None:
        return "text"
    for child in body:
        local = child.tag.rsplit("}", 1)[-1]
        if local in ("spreadsheet", "presentation", "drawing"):
            return "graphics" if local == "drawing" else local
    return "text"


def _encrypted(zf: zipfile.ZipFile, label: str) -> bool:
    """True when the manifest gives content.xml encryption data (the part itself is then ciphertext)."""
    from lxml import etree

    try:
        info = zf.getinfo("META-INF/manifest.xml")
        if info.file_size > 16 * 1024 * 1024:
            return False
        raw = zf.read(info)
        root = etree.fromstring(raw, _parser())
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, etree.XMLSyntaxError):
        return False
    for entry in root.iter(_q(MANIFEST, "file-entry")):
        if entry.get(_q(MANIFEST, "full-path")) == "content.xml" and entry.find(_q(MANIFEST, "encryption-data")) is not None:
            return True
    return False


READER = OdfReader()
