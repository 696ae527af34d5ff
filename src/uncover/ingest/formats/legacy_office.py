"""Legacy binary Office files (Word 97-2003 DOC, Excel XLS, PowerPoint PPT) in OLE containers.

Agencies still produce these by the thousand. There is no maintained pure-Python library for DOC
or PPT text, but both formats keep their text in simple, documented structures, read here with
olefile and `struct`:

- DOC ([MS-DOC] 2.4.1): the File Information Block gives the length of each story and the offset
  of the piece table (CLX) in the table stream; each piece is either cp1252 ("compressed") or
  UTF-16LE text in the WordDocument stream. Field codes are dropped, field results kept.
- PPT ([MS-PPT] 2.1.2): the CurrentUser stream points at the newest UserEditAtom; the chain of
  persist directories maps ids to record offsets; the document's SlideListWithText gives slide
  order; each slide's text atoms (TextCharsAtom, TextBytesAtom) make its page.
- XLS: xlrd, one page per sheet.

Password-protected files (DOC fEncrypted, XLS FILEPASS, PPT encrypted CurrentUser token, and
encrypted Office Open XML packages, which are OLE files with an EncryptionInfo stream) are
reported as `encrypted`.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import struct
from datetime import datetime
from pathlib import Path
from typing import Any

import olefile

from ...errors import EncryptedError, ExtractionError
from ...model import DocumentKind, IssueCategory, TextSource
from .base import Extraction, PageText, ReadContext, display, require_content
from .text import split_pages

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_EXTENSIONS = (".doc", ".dot", ".wbk")
EXCEL_EXTENSIONS = (".xls", ".xlt", ".xla")
POWERPOINT_EXTENSIONS = (".ppt", ".pps", ".pot")
MODERN_EXTENSIONS = (".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".xlsb", ".pptx", ".pptm", ".ppsx")
_BIFF_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
_WORDML = re.compile(rb"<\?xml[^>]*>.{0,2000}?(?:w:wordDocument|schemas\.microsoft\.com/office/word/2003/wordml)", re.S)


def _ask_modern(label: str) -> str:
    return f"ask the producer for {label} in a modern format (DOCX, XLSX, PPTX) or as a PDF"


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<I", data, offset)[0]


def raise_if_encrypted_package(path: Path, ctx: ReadContext) -> None:
    """An OLE file named like an OOXML file: encrypted package (raise) or a legacy file (return)."""
    label = display(path, ctx)
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir()}
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise ExtractionError(f"{label} is a damaged Office file ({exc}).", IssueCategory.CORRUPT) from exc
    if "encryptioninfo" in streams or "encryptedpackage" in streams:
        raise EncryptedError(
            f"{label} is password-protected (encrypted Office package): ask the producer for the "
            "password or an unprotected copy."
        )
    if not streams & {"worddocument", "workbook", "book", "powerpoint document"}:
        raise ExtractionError(
            f"{label} is an OLE container without a Word, Excel or PowerPoint stream; {_ask_modern(label)}.",
            IssueCategory.UNSUPPORTED,
        )


def _ole_metadata(ole: olefile.OleFileIO) -> dict[str, str]:
    meta: dict[str, str] = {}
    try:
        props = ole.get_metadata()
    except Exception:  # noqa: BLE001  (property sets in damaged files: metadata is a bonus)
        return meta
    codepage = (getattr(props, "codepage", None) or 1252) & 0xFFFF  # stored as a signed 16-bit value
    encoding = {65001: "utf-8", 1200: "utf-16-le", 10000: "mac-roman"}.get(codepage, f"cp{codepage}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "cp1252"
    for attr, key in (
        ("title", "title"), ("subject", "subject"), ("author", "author"), ("keywords", "keywords"),
        ("last_saved_by", "last_modified_by"), ("company", "company"), ("manager", "manager"),
        ("create_time", "created"), ("last_saved_time", "modified"), ("creating_application", "application"),
    ):
        value = getattr(props, attr, None)
        if isinstance(value, datetime):
            if value.year > 1601:  # FILETIME zero means "not set"
                meta[key] = value.isoformat()
        elif isinstance(value, bytes):
            text = value.decode(encoding, "replace").split("\x00")[0].strip()
            if text:
                meta[key] = text
        elif isinstance(value, str) and value.split("\x00")[0].strip():
            meta[key] = value.split("\x00")[0].strip()
    return meta


# ---------------------------------------------------------------------------------------- DOC

_DOC_SPECIAL = str.maketrans({
    "\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x0e": "\n", "\x07": "\t", "\x1e": "-", "\xa0": " ",
    "\x1f": None, "\x01": None, "\x02": None, "\x03": None, "\x04": None, "\x05": None, "\x08": None,
})


def clean_word_text(raw: str) -> str:
    """Word's in-stream text as a reader sees it: field codes dropped, their results kept."""
    out: list[str] = []
    stack: list[bool] = []  # per open field: True once its result part has begun
    for ch in raw:
        if ch == "\x13":
            stack.append(False)
        elif ch == "\x14":
            if stack:
                stack[-1] = True
        elif ch == "\x15":
            if stack:
                stack.pop()
        elif all(stack):
            out.append(ch)
    text = "".join(out).translate(_DOC_SPECIAL)
    text = re.sub(r"[\x00-\x08\x0e-\x1f]", "", text)
    return re.sub(r"[ \t]+\n", "\n", re.sub(r"\n{3,}", "\n\n", text)).strip()


def _piece_table_text(wd: bytes, table: bytes, fc_clx: int, lcb_clx: int, total_cp: int) -> str:
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 1:  # Prc: property modifiers we do not need
        pos += 3 + struct.unpack_from("<h", clx, pos + 1)[0]
    if pos >= len(clx) or clx[pos] != 2:
        raise ValueError("no piece table in the CLX")
    lcb = _u32(clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    count = (len(plc) - 4) // 12
    if count <= 0:
        raise ValueError("empty piece table")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    parts: list[str] = []
    got = 0
    for i in range(count):
        start, end = cps[i], cps[i + 1]
        if end <= start or got >= total_cp:
            continue
        n = min(end - start, total_cp - got)
        fc_raw = _u32(plc, (count + 1) * 4 + i * 8 + 2)
        if fc_raw & 0x40000000:
            offset = (fc_raw & 0x3FFFFFFF) // 2
            parts.append(wd[offset : offset + n].decode("cp1252", "replace"))
        else:
            offset = fc_raw & 0x3FFFFFFF
            parts.append(wd[offset : offset + 2 * n].decode("utf-16-le", "replace"))
        got += n
    return "".join(parts)


def doc_text(ole: olefile.OleFileIO, label: str) -> tuple[str, list[str]]:
    """The text of a Word 97-2003 document: main story, then notes, comments, headers, text boxes."""
    wd = ole.openstream("WordDocument").read()
    if len(wd) < 0x200 or _u16(wd, 0) not in (0xA5EC, 0xA5DC):
        raise ExtractionError(f"{label}: the WordDocument stream is not a Word 97-2003 document.", IssueCategory.CORRUPT)
    n_fib = _u16(wd, 2)
    flags = _u16(wd, 0x0A)
    if flags & 0x0100 or flags & 0x8000:  # fEncrypted, fObfuscated
        raise EncryptedError(f"{label} is a password-protected Word document: ask for the password or an unprotected copy.")
    if n_fib < 0x00C1:  # Word 6 / Word 95: one 8-bit run unless saved with fast save
        if flags & 0x0004:
            raise ExtractionError(
                f"{label} is a Word 6/95 document saved with 'fast save', which uncover cannot read; "
                f"{_ask_modern(label)}.",
                IssueCategory.UNSUPPORTED,
            )
        fc_min, fc_mac = _u32(wd, 0x18), _u32(wd, 0x1C)
        return clean_word_text(wd[fc_min:fc_mac].decode("cp1252", "replace")), ["Word 6/95 document"]
    table_name = "1Table" if flags & 0x0200 else "0Table"
    if not ole.exists(table_name):
        raise ExtractionError(f"{label}: the Word table stream {table_name} is missing.", IssueCategory.CORRUPT)
    table = ole.openstream(table_name).read()
    csw = _u16(wd, 32)
    rglw = 34 + csw * 2 + 2
    cslw = _u16(wd, 34 + csw * 2)
    ccp = struct.unpack_from("<8i", wd, rglw + 12)  # text, ftn, hdd, mcr, atn, edn, txbx, hdrtxbx
    rgfclcb = rglw + cslw * 4 + 2
    fc_clx, lcb_clx = _u32(wd, rgfclcb + 33 * 8), _u32(wd, rgfclcb + 33 * 8 + 4)
    total = sum(max(c, 0) for c in ccp)
    raw = _piece_table_text(wd, table, fc_clx, lcb_clx, total)
    stories = []
    pos = 0
    for length in ccp:
        length = max(length, 0)
        stories.append(raw[pos : pos + length])
        pos += length
    body = clean_word_text(stories[0])
    extra = []
    for index, name in ((1, "footnotes"), (4, "comments"), (5, "endnotes"), (2, "headers and footers"), (6, "text boxes")):
        text = clean_word_text(stories[index])
        if text:
            extra.append(f"[{name}]\n{text}")
    return "\n\n".join([body, *extra]).strip(), []


def wordml_text(data: bytes) -> str:
    """Text of a Word 2003 XML document (often saved with a .doc name)."""
    out: list[str] = []
    pattern = rb"<w:t(?:\s[^>]*)?>((?:<!\[CDATA\[.*?\]\]>|[^<])*)</w:t>|</w:p>|<w:tab/>|<w:br/>|</w:tc>"
    for match in re.finditer(pattern, data, re.S):
        token = match.group(0)
        if match.group(1) is not None:
            for cdata, plain in re.findall(rb"<!\[CDATA\[(.*?)\]\]>|([^<]+)", match.group(1), re.S):
                out.append(cdata.decode("utf-8", "replace") if cdata else html.unescape(plain.decode("utf-8", "replace")))
        elif token == b"</w:tc>":
            out.append("\t")
        else:
            out.append("\t" if token == b"<w:tab/>" else "\n")
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip()


# ---------------------------------------------------------------------------------------- PPT

_SLIDE, _NOTES, _DOCUMENT, _SLWT, _SLIDE_PERSIST, _SLIDE_ATOM = 0x03EE, 0x03F0, 0x03E8, 0x0FF0, 0x03F3, 0x03EF
_TEXT_CHARS, _TEXT_BYTES, _USER_EDIT, _PERSIST_DIR = 0x0FA0, 0x0FA8, 0x0FF5, 0x1772
_PPT_ENCRYPTED_TOKEN = 0xF3D1C4DF


def _records(data: bytes, start: int, end: int) -> Any:
    """(type, instance, is_container, body_start, body_end) of each record in data[start:end]."""
    pos = start
    end = min(end, len(data))
    while pos + 8 <= end:
        ver_inst, rtype, length = struct.unpack_from("<HHI", data, pos)
        body = pos + 8
        body_end = min(body + length, end)
        yield rtype, ver_inst >> 4, (ver_inst & 0xF) == 0xF, body, body_end
        pos = body + length


def _ppt_texts(data: bytes, start: int, end: int, depth: int = 0) -> list[str]:
    texts: list[str] = []
    if depth > 24:
        return texts
    for rtype, _inst, container, body, body_end in _records(data, start, end):
        if rtype == _TEXT_CHARS:
            texts.append(data[body:body_end].decode("utf-16-le", "replace"))
        elif rtype == _TEXT_BYTES:
            texts.append(data[body:body_end].decode("latin-1"))
        elif container:
            texts.extend(_ppt_texts(data, body, body_end, depth + 1))
    return [t.replace("\r", "\n").replace("\x0b", "\n").strip() for t in texts if t.strip() and t.strip() != "*"]


def _record_at(data: bytes, offset: int, rtype: int) -> tuple[int, int] | None:
    if offset + 8 > len(data) or _u16(data, offset + 2) != rtype:
        return None
    return offset + 8, min(offset + 8 + _u32(data, offset + 4), len(data))


def _persist_map(data: bytes, edit_offset: int) -> tuple[dict[int, int], int]:
    """Persist id -> stream offset (newest edit wins), and the document's persist id."""
    persist: dict[int, int] = {}
    doc_ref = -1
    seen: set[int] = set()
    while edit_offset and edit_offset not in seen and len(seen) < 10_000:
        seen.add(edit_offset)
        edit = _record_at(data, edit_offset, _USER_EDIT)
        if edit is None:
            break
        body = edit[0]
        last_edit, dir_offset, doc_id = _u32(data, body + 8), _u32(data, body + 12), _u32(data, body + 16)
        if doc_ref < 0:
            doc_ref = doc_id
        directory = _record_at(data, dir_offset, _PERSIST_DIR)
        if directory:
            pos, end = directory
            while pos + 4 <= end:
                entry = _u32(data, pos)
                first, count = entry & 0xFFFFF, entry >> 20
                for i in range(count):
                    if pos + 8 + i * 4 > end:
                        break
                    persist.setdefault(first + i, _u32(data, pos + 4 + i * 4))
                pos += 4 + count * 4
        edit_offset = last_edit
    return persist, doc_ref


def ppt_slides(ole: olefile.OleFileIO, label: str) -> list[str]:
    """One text per slide, in slide order, with speaker notes appended."""
    data = ole.openstream("PowerPoint Document").read()
    edit_offset = 0
    if ole.exists("Current User"):
        current = ole.openstream("Current User").read()
        if len(current) >= 20:
            if _u32(current, 12) == _PPT_ENCRYPTED_TOKEN:
                raise EncryptedError(f"{label} is a password-protected presentation: ask for the password.")
            edit_offset = _u32(current, 16)
    persist, doc_ref = _persist_map(data, edit_offset)
    doc = _record_at(data, persist.get(doc_ref, -1), _DOCUMENT) if persist else None
    if doc is None:  # no usable edit chain: every Slide container in stream order
        return ["\n".join(_ppt_texts(data, b, e)) for t, _i, _c, b, e in _records(data, 0, len(data)) if t == _SLIDE]
    lists: dict[int, list[tuple[int, int, list[str]]]] = {0: [], 2: []}
    for rtype, inst, _c, body, body_end in _records(data, *doc):
        if rtype != _SLWT or inst not in lists:
            continue
        for rt, _i, _cc, b, e in _records(data, body, body_end):
            if rt == _SLIDE_PERSIST and e - b >= 16:
                lists[inst].append((_u32(data, b), _u32(data, b + 12), []))
            elif rt in (_TEXT_CHARS, _TEXT_BYTES) and lists[inst]:
                lists[inst][-1][2].extend(_ppt_texts(data, b - 8, e))
    notes_by_id = {slide_id: ref for ref, slide_id, _t in lists[2]}
    slides = []
    for ref, _slide_id, outline in lists[0]:
        texts = list(outline)
        slide = _record_at(data, persist.get(ref, -1), _SLIDE)
        notes_ref = None
        if slide:
            texts += [t for t in _ppt_texts(data, *slide) if t not in texts]
            for rt, _i, _cc, b, e in _records(data, *slide):
                if rt == _SLIDE_ATOM and e - b >= 20:
                    notes_ref = notes_by_id.get(_u32(data, b + 16))
        notes = _record_at(data, persist.get(notes_ref, -1), _NOTES) if notes_ref is not None else None
        notes_text = [t for t in _ppt_texts(data, *notes) if t not in texts] if notes else []
        page = "\n".join(texts)
        if notes_text:
            page += "\n\n[notes]\n" + "\n".join(notes_text)
        slides.append(page)
    return slides


# ---------------------------------------------------------------------------------------- XLS

def xls_sheets(data: bytes, label: str) -> tuple[list[str], list[str]]:
    """One text per sheet: a heading, then rows as tab-separated cells."""
    import xlrd

    log = io.StringIO()
    try:
        book = xlrd.open_workbook(file_contents=data, logfile=log, verbosity=0, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise EncryptedError(f"{label} is a password-protected workbook: ask for the password.") from exc
        raise ExtractionError(f"{label} is a damaged Excel file ({exc}); ask the producer to re-send it.",
                              IssueCategory.CORRUPT) from exc
    sheets, warnings = [], []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            lines = [f"Sheet: {sheet.name}"]
            for r in range(sheet.nrows):
                cells = [_xls_cell(book, cell) for cell in sheet.row(r)]
                while cells and not cells[-1]:
                    cells.pop()
                lines.append("\t".join(cells))
            sheets.append("\n".join(lines).rstrip())
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets, warnings


def _xls_cell(book: Any, cell: Any) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        value = cell.value
        return str(int(value)) if value == int(value) and abs(value) < 1e15 else f"{value:.15g}"
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return str(cell.value)
        return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat()
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return str(cell.value).replace("\t", " ").replace("\n", " ")


# ---------------------------------------------------------------------------------------- reader

class LegacyOfficeReader:
    name = "legacy_office"
    extensions = WORD_EXTENSIONS + EXCEL_EXTENSIONS + POWERPOINT_EXTENSIONS

    def sniff(self, head: bytes, filename: str) -> float:
        lower = filename.lower()
        if lower.endswith(".msg"):
            return 0.0
        if head.startswith(OLE_MAGIC):
            if lower.endswith(self.extensions):
                return 1.0
            return 0.0 if lower.endswith(MODERN_EXTENSIONS) else 0.2
        if lower.endswith(EXCEL_EXTENSIONS) and head.startswith(_BIFF_BOF):
            return 0.8
        if lower.endswith(WORD_EXTENSIONS) and _WORDML.match(head.lstrip(b"\xef\xbb\xbf")):
            return 0.8
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        require_content(path, ctx)
        label = display(path, ctx)
        data = path.read_bytes()
        if not data.startswith(OLE_MAGIC):
            if data.startswith(_BIFF_BOF):
                return self._extraction(DocumentKind.SPREADSHEET, *xls_sheets(data, label), {}, ctx)
            if _WORDML.match(data.lstrip(b"\xef\xbb\xbf")):
                text = wordml_text(data)
                return self._extraction(DocumentKind.EDOC, [text], ["Word 2003 XML document"], {}, ctx)
            raise ExtractionError(
                f"{label} is not a Word, Excel or PowerPoint 97-2003 file (no OLE signature); {_ask_modern(label)}.",
                IssueCategory.UNSUPPORTED,
            )
        try:
            ole = olefile.OleFileIO(data)
        except (OSError, ValueError, struct.error, IndexError) as exc:
            raise ExtractionError(f"{label} is a damaged Office file ({exc}); ask the producer to re-send it.",
                                  IssueCategory.CORRUPT) from exc
        with ole:
            try:
                return self._read_ole(ole, data, label, ctx)
            except ExtractionError:
                raise
            except (OSError, ValueError, struct.error, IndexError, KeyError, UnicodeError, RecursionError) as exc:
                raise ExtractionError(
                    f"{label} is a damaged Office file ({type(exc).__name__}: {exc}); {_ask_modern(label)}.",
                    IssueCategory.CORRUPT,
                ) from exc

    def _read_ole(self, ole: olefile.OleFileIO, data: bytes, label: str, ctx: ReadContext) -> Extraction:
        streams = {"/".join(entry).lower() for entry in ole.listdir()}
        if "encryptioninfo" in streams or "encryptedpackage" in streams:
            raise EncryptedError(f"{label} is password-protected (encrypted Office package): ask for the password.")
        meta = _ole_metadata(ole)
        if "worddocument" in streams:
            text, warnings = doc_text(ole, label)
            if any(name.startswith("objectpool/") for name in streams):
                warnings.append("has embedded objects (OLE) whose content is not extracted: review the native")
            return self._extraction(DocumentKind.EDOC, [text], warnings, meta, ctx)
        if "workbook" in streams or "book" in streams:
            sheets, warnings = xls_sheets(data, label)
            return self._extraction(DocumentKind.SPREADSHEET, sheets, warnings, meta, ctx)
        if "powerpoint document" in streams:
            return self._extraction(DocumentKind.PRESENTATION, ppt_slides(ole, label), [], meta, ctx)
        if any(name.startswith("__substg1.0_") for name in streams):
            raise ExtractionError(f"{label} is an Outlook message: rename it to .msg.", IssueCategory.UNSUPPORTED)
        raise ExtractionError(
            f"{label} is an OLE file that is not a Word, Excel or PowerPoint document; {_ask_modern(label)}.",
            IssueCategory.UNSUPPORTED,
        )

    def _extraction(
        self, kind: DocumentKind, texts: list[str], warnings: list[str], meta: dict[str, str], ctx: ReadContext
    ) -> Extraction:
        if kind == DocumentKind.EDOC:
            pages, more = split_pages(texts[0] if texts else "", ctx.limits.max_pages)
            warnings = warnings + more
        else:
            if len(texts) > ctx.limits.max_pages:
                warnings = [*warnings, f"{len(texts)} pages; kept the first {ctx.limits.max_pages}"]
            pages = [PageText(t, TextSource.NATIVE) for t in texts[: ctx.limits.max_pages]]
        if not pages:
            pages = [PageText("", TextSource.NATIVE)]
        if not any(p.text.strip() for p in pages):
            warnings = [*warnings, "no text found in the file"]
        return Extraction(kind, pages, meta, warnings=warnings)


READER = LegacyOfficeReader()
