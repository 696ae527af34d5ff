"""Word documents (DOCX, DOCM, DOTX, DOTM): body text in reading order, tables, headers, footers,
footnotes, endnotes and comments, plus the core and extended properties.

python-docx opens the package (its XML parser does not resolve entities); the text is walked
from the XML directly so that content python-docx's convenience API skips is kept: tracked
insertions, hyperlinks, content controls, text boxes, nested tables. Tracked deletions are not
part of the text, but their presence is reported: a reviewer may want the native.

Office Open XML files are ZIPs; a password-protected one is an OLE container holding an
`EncryptionInfo` stream instead, and is reported as `encrypted`.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import ExtractionError
from ...model import DocumentKind, IssueCategory, TextSource
from .base import Extraction, PageText, ReadContext, display, require_content
from .text import split_pages
from .zip import check_declared_expansion, is_zip, ooxml_part_prefix

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MAIN_TYPES = (
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_NOTE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml": "footnotes",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml": "endnotes",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml": "comments",
}


def open_ooxml_guard(path: Path, ctx: ReadContext, kind: str) -> None:
    """Checks shared by the Office Open XML readers before the library opens the file.

    0-byte files are `empty`; OLE containers are encrypted packages (or legacy files under a
    modern name, which the caller hands to the legacy reader); declared expansion is capped.
    """
    from .legacy_office import raise_if_encrypted_package

    size = require_content(path, ctx)
    with open(path, "rb") as fh:
        head = fh.read(8)
    label = display(path, ctx)
    if head == OLE_MAGIC:
        raise_if_encrypted_package(path, ctx)
        return
    if not is_zip(head):
        raise ExtractionError(
            f"{label} is not a {kind} file (no ZIP signature): it is damaged or mislabeled; "
            "ask for the native file.",
            IssueCategory.CORRUPT,
        )
    try:
        with zipfile.ZipFile(path) as zf:
            check_declared_expansion(zf, size, label, ctx, per_member=False)
    except zipfile.BadZipFile as exc:
        raise ExtractionError(
            f"{label} is a damaged {kind} file ({exc}); ask the producer to re-send it.",
            IssueCategory.CORRUPT,
        ) from exc


def sniff_ooxml(head: bytes, filename: str, extensions: tuple[str, ...], part: str) -> float:
    """Office Open XML by name or by its parts; an OLE file under the name is an encrypted package
    or a legacy file renamed, read by the same reader (which hands it on)."""
    by_name = filename.lower().endswith(extensions)
    if is_zip(head):
        if by_name:
            return 0.95
        return 0.9 if ooxml_part_prefix(head) == part else 0.0
    if head.startswith(OLE_MAGIC) and by_name:
        return 0.9
    return 0.0


def legacy_if_ole(path: Path, ctx: ReadContext, named: str) -> Extraction | None:
    """A legacy (OLE) file under a 2007+ name: read by the legacy reader, with a warning saying so."""
    if not is_ole(path):
        return None
    from .legacy_office import READER as LEGACY

    result = LEGACY.read(path, ctx)
    result.warnings.insert(0, f"named like {named} but is a legacy (OLE) file")
    return result


def is_ole(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(8) == OLE_MAGIC


def library_error(path: Path, ctx: ReadContext, kind: str, exc: BaseException) -> ExtractionError:
    """A library's exception on a damaged file, as the `corrupt` error a user can act on."""
    if isinstance(exc, MemoryError):
        return ExtractionError(
            f"{display(path, ctx)}: the {kind} file needs more memory than allowed to parse.",
            IssueCategory.TOO_LARGE,
        )
    detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return ExtractionError(
        f"{display(path, ctx)} is a damaged {kind} file ({detail}); ask the producer to re-send it.",
        IssueCategory.CORRUPT,
    )


def app_properties(path: Path) -> dict[str, str]:
    """Company and application from docProps/app.xml (flat text elements; no XML parser needed)."""
    found: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/app.xml")
            if info.file_size > 1_000_000:
                return found
            xml = zf.read(info).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return found
    for tag, key in (("Company", "company"), ("Application", "application"), ("Manager", "manager")):
        match = re.search(rf"<(?:\w+:)?{tag}>([^<]*)</(?:\w+:)?{tag}>", xml)
        if match and match.group(1).strip():
            found[key] = html.unescape(match.group(1).strip())
    return found


def core_properties(props: Any) -> dict[str, str]:
    """Canonical metadata from an OPC core-properties object (python-docx/-pptx and openpyxl alike)."""
    meta: dict[str, str] = {}
    for attr, key in (
        ("title", "title"), ("author", "author"), ("creator", "author"), ("subject", "subject"),
        ("keywords", "keywords"), ("last_modified_by", "last_modified_by"), ("lastModifiedBy", "last_modified_by"),
        ("category", "category"), ("created", "created"), ("modified", "modified"), ("revision", "revision"),
    ):
        try:
            value = getattr(props, attr, None)
        except (ValueError, TypeError, AttributeError):  # a malformed date in core.xml
            continue
        if value in (None, "") or key in meta:
            continue
        if hasattr(value, "year") and value.year < 1700:  # FILETIME zero: "never set"
            continue
        meta[key] = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
    return {k: v for k, v in meta.items() if v}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def paragraph_text(p: Any) -> str:
    """Text of a w:p: runs wherever they sit (insertions, links, fields), tabs and breaks kept."""
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if tag == MC_FALLBACK or tag in (W + "del", W + "moveFrom", W + "instrText", W + "delInstrText"):
                continue
            if tag == W + "t":
                out.append(child.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag == W + "p":  # a paragraph inside a text box
                out.append("\n" + paragraph_text(child) + "\n")
            elif tag == W + "tbl":
                out.append("\n" + "\n".join(block_lines(child)) + "\n")
            else:
                walk(child)

    walk(p)
    return "".join(out)


def block_lines(container: Any) -> Iterator[str]:
    """Lines of a body, cell, header or note: paragraphs, and table rows as tab-separated cells."""
    for child in container:
        tag = child.tag
        if tag == W + "p":
            yield paragraph_text(child)
        elif tag == W + "tbl":
            for row in child.iter(W + "tr"):
                if row.getparent() is not child:
                    continue  # rows of nested tables are reached through their cell
                cells = []
                for cell in row:
                    if cell.tag == W + "tc":
                        cells.append(" ".join(line for line in block_lines(cell) if line.strip()))
                    elif cell.tag == W + "sdt":
                        cells.append(" ".join(block_lines(cell)))
                yield "\t".join(cells)
        elif _local(tag) in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag", "txbxContent"):
            yield from block_lines(child)


def _lines_text(lines: Iterator[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def word_text(document: Any) -> tuple[str, list[str]]:
    """All text of a python-docx Document, in reading order, and warnings about what it holds."""
    body = _lines_text(block_lines(document.element.body))
    sections: list[str] = []
    seen: set[str] = set()
    extra: dict[str, list[str]] = {"headers and footers": [], "footnotes": [], "endnotes": [], "comments": []}
    package = document.part.package
    for part in package.iter_parts():
        ctype = part.content_type
        if ctype.endswith(("header+xml", "footer+xml")):
            bucket = "headers and footers"
        elif ctype in _NOTE_TYPES:
            bucket = _NOTE_TYPES[ctype]
        else:
            continue
        element = getattr(part, "element", None)
        if element is None:
            from docx.oxml.parser import parse_xml

            element = parse_xml(part.blob)
        if bucket in ("headers and footers",):
            text = _lines_text(block_lines(element))
            if text and text not in seen:
                seen.add(text)
                extra[bucket].append(text)
            continue
        for note in element:  # w:footnote / w:endnote / w:comment
            if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = _lines_text(block_lines(note))
            if not text:
                continue
            if bucket == "comments":
                author = note.get(W + "author")
                text = f"{author}: {text}" if author else text
            extra[bucket].append(text)
    for name, texts in extra.items():
        if texts:
            sections.append(f"[{name}]\n" + "\n".join(texts))
    warnings = []
    body_el = document.element.body
    if next(body_el.iter(W + "del"), None) is not None:
        warnings.append("has tracked deletions not shown in the text: review the native for the deleted words")
    if extra["comments"]:
        warnings.append(f"has {len(extra['comments'])} reviewer comment(s)")
    return "\n\n".join([body, *sections]).strip(), warnings


def _open_word(path: Path) -> Any:
    """python-docx's Document, accepting macro-enabled documents and templates too. (python-docx
    is imported here, not with the module: every ingest loads every reader, most see no Word file.)"""
    from docx.opc.part import PartFactory
    from docx.package import Package
    from docx.parts.document import DocumentPart

    for ctype in _MAIN_TYPES:
        PartFactory.part_type_for.setdefault(ctype, DocumentPart)
    part = Package.open(str(path)).main_document_part
    if not isinstance(part, DocumentPart):
        raise ValueError(f"main part is {part.content_type}, not a Word document")
    return part.document


class DocxReader:
    name = "docx"
    extensions = (".docx", ".docm", ".dotx", ".dotm")

    def sniff(self, head: bytes, filename: str) -> float:
        return sniff_ooxml(head, filename, self.extensions, "word")

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        open_ooxml_guard(path, ctx, "Word")
        if (legacy := legacy_if_ole(path, ctx, "a Word 2007+ file")) is not None:
            return legacy
        try:
            document = _open_word(path)
            text, warnings = word_text(document)
            meta = core_properties(document.core_properties)
        except ExtractionError:
            raise
        except Exception as exc:  # noqa: BLE001  (any parser failure on a damaged package is `corrupt`)
            raise library_error(path, ctx, "Word", exc) from exc
        meta.update(app_properties(path))
        pages, more = split_pages(text, ctx.limits.max_pages)
        if not text:
            pages = [PageText("", TextSource.NATIVE)]
            warnings.append("the document has no text")
        return Extraction(DocumentKind.EDOC, pages, meta, warnings=warnings + more)


READER = DocxReader()
