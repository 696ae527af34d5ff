"""Every text a site file can hold, decoded the ways a reader (or a scraper) could decode it.

The leak check must see what a person could get out of a file, not just its bytes as UTF-8:

  * text files: as written; HTML and XML entities resolved (repeatedly: `&amp;#122;`); tags
    replaced by a space and, separately, removed outright, so `tok<b></b>en` reads `token`;
    invisible characters (soft hyphen, zero-width space) dropped; JavaScript and JSON escapes
    (`\\u0074`, `\\x74`, `\\/`); percent-encoding (`%74`);
  * encodings: UTF-16 (with or without a byte-order mark), UTF-8 with a BOM;
  * wrappers: gzip, zlib, bzip2, xz and ZIP members; base64 runs (data: URLs, JSON blobs) that
    decode to text or to one of those wrappers;
  * pictures: every PNG chunk but the pixels (tEXt, zTXt and iTXt decompressed, eXIf, unknown
    chunks), wherever it sits in the file, and the whole file as bytes when its chunk structure
    is broken (bytes pasted into the middle of a PNG); JPEG comments and APP segments (EXIF,
    XMP); any other binary as its printable ASCII and UTF-16 runs;
  * PDFs: page text, link targets, the document information and XMP metadata, and the
    printable runs of the file;
  * the file's own path, percent-decoded.

`views(rel, data)` yields (where, text) pairs; `where` says how the text was reached, so a
finding can name it ("search/docs.js (base64 at 120) (gzip)"); `is_binary(where)` tells the
readings made of a binary part's printable runs, where a word can touch random letters.
"""

from __future__ import annotations

import base64
import binascii
import bz2
import html
import io
import lzma
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from urllib.parse import unquote

MAX_DEPTH = 4
MAX_EXPANDED = 64 * 1024 * 1024  # a decompression bomb in a site is itself a finding's worth of trouble
TEXT_SUFFIXES = {".html", ".htm", ".js", ".mjs", ".json", ".xml", ".atom", ".rss", ".css", ".txt", ".md", ".csv",
                 ".svg", ".map", ".webmanifest", ".tsv", ""}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u034f\u180e"), None)
_TAG_RE = re.compile(r"<[^<>]{0,4000}>")
_COMMENT_RE = re.compile(r"<!--|-->")
_TAG_NAME_RE = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)")
INLINE_TAGS = frozenset("a abbr b bdi bdo big cite code data del dfn em font i ins kbd mark q s samp small span strike "
                        "strong sub sup time tt u var wbr".split())
_JS_ESCAPE_RE = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([/\"'\\`])|\\[nrt]")
_BASE64_RE = re.compile(rb"(?:[A-Za-z0-9+/]{4}){5,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
                        rb"|(?:[A-Za-z0-9_-]{4}){5,}(?:[A-Za-z0-9_-]{2,3})?")
_PRINTABLE_RE = re.compile(rb"[\x20-\x7e\t\n\r]{4,}")
_UTF16LE_RE = re.compile(rb"(?:[\x20-\x7e]\x00){4,}")
_UTF16BE_RE = re.compile(rb"(?:\x00[\x20-\x7e]){4,}")
_PERCENT_RE = re.compile(r"%[0-9a-fA-F]{2}")
BINARY = " [bytes]"  # marks a reading made of a binary part's printable runs, where words touch noise


WORDS_ONLY = " [words]"  # marks a reading fit for single words only (its word order is not the site's)


def is_binary(where: str) -> bool:
    return BINARY in where


def words_only(where: str) -> bool:
    return WORDS_ONLY in where


def _js_unescape(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        code = m[1] or m[2] or m[3]
        if code:
            try:
                return chr(int(code, 16))
            except (ValueError, OverflowError):
                return " "
        if m[4]:
            return m[4]
        return " "

    return _JS_ESCAPE_RE.sub(sub, text)


def _unescape_all(text: str) -> str:
    for _ in range(3):
        done = html.unescape(text)
        if done == text:
            break
        text = done
    return text


def _rendered(text: str) -> tuple[str, str]:
    """Text as a browser lays it out (inline tags join the letters around them, `tok<b></b>en`
    reads `token`; other tags separate words), and the markup apart (attributes, comments)."""
    markup: list[str] = []

    def sub(m: re.Match[str]) -> str:
        markup.append(m[0][1:-1])
        name = _TAG_NAME_RE.match(m[0])
        return "" if name and name[1].lower() in INLINE_TAGS else " "

    return _TAG_RE.sub(sub, text), " ".join(markup)


def text_views(text: str) -> Iterator[tuple[str, str]]:
    """The readings of one text, in the order a browser reads it: tags first (inline tags join
    the letters around them, others separate words; the markup, attributes and comments, apart),
    then entities, JavaScript escapes, percent-encoding and invisible characters. Escaped markup
    (`&lt;b&gt;` in a feed's HTML content) is rendered once more, for words only (WORDS_ONLY):
    text that merely shows a `<` would otherwise lose words and join what was apart."""
    text = unicodedata.normalize("NFKC", text)
    if "<" in text:
        rendered, markup = _rendered(_COMMENT_RE.sub(" ", text))
    else:
        rendered, markup = text, ""
    plain = _decoded(rendered)
    yield "", plain
    if markup:
        yield " (markup)", _decoded(markup)
    deeper = _unescape_all(plain)
    if _TAG_RE.search(deeper):
        yield " (escaped markup)" + WORDS_ONLY, _rendered(deeper)[0]


def _decoded(text: str) -> str:
    text = html.unescape(_js_unescape(text)).translate(INVISIBLE)
    return unquote(text) if _PERCENT_RE.search(text) else text


def _decode_text(data: bytes) -> str | None:
    """Bytes as text when they are text (UTF-8, or UTF-16 by its byte-order mark or its zeros)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    sample = data[:4096]
    if len(sample) >= 8:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > len(sample) // 4 and even < len(sample) // 50:
            return data.decode("utf-16-le", "replace")
        if even > len(sample) // 4 and odd < len(sample) // 50:
            return data.decode("utf-16-be", "replace")
    if b"\x00" in sample:
        return None
    text = data.decode("utf-8", "replace")
    if text.count("\ufffd") > max(8, len(text) // 20):
        return None
    return text


def _inflate(data: bytes, wbits: int) -> bytes | None:
    try:
        d = zlib.decompressobj(wbits)
        out = d.decompress(data, MAX_EXPANDED)
        return out or None
    except zlib.error:
        return None


def _gunzip(data: bytes) -> bytes | None:
    """Every member of a gzip stream (a second member can be appended to hide behind the first)."""
    out = bytearray()
    while data[:2] == b"\x1f\x8b" and len(out) < MAX_EXPANDED:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += d.decompress(data, MAX_EXPANDED - len(out))
        except zlib.error:
            break
        data = d.unused_data
    return bytes(out) or None


def unwrap(data: bytes) -> tuple[str, bytes] | None:
    """One layer of compression or archiving taken off, or None when the bytes are none of them."""
    if data[:2] == b"\x1f\x8b":
        inner = _gunzip(data)
        return ("gzip", inner) if inner else None
    if data[:1] == b"\x78" and len(data) > 2 and (data[0] * 256 + data[1]) % 31 == 0:
        inner = _inflate(data, zlib.MAX_WBITS)
        return ("zlib", inner) if inner else None
    if data[:3] == b"BZh":
        try:
            return "bzip2", bz2.BZ2Decompressor().decompress(data, MAX_EXPANDED)
        except (OSError, ValueError, EOFError):
            return None
    if data[:6] == b"\xfd7zXZ\x00":
        try:
            return "xz", lzma.LZMADecompressor().decompress(data, MAX_EXPANDED)
        except (lzma.LZMAError, EOFError):
            return None
    return None


def _zip_members(data: bytes) -> Iterator[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = 0
            for info in archive.infolist()[:10000]:
                yield f"{info.filename} (name)", info.filename.encode("utf-8", "replace")
                if info.is_dir() or total > MAX_EXPANDED:
                    continue
                with archive.open(info) as fh:
                    member = fh.read(MAX_EXPANDED - total)
                total += len(member)
                yield info.filename, member
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError):
        return


def _base64_payloads(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Runs that decode as base64 to text or to a wrapper: what a data: URL or a JSON blob can hide."""
    for m in _BASE64_RE.finditer(data):
        run = m[0]
        if len(run) < 20:
            continue
        alphabet = b"-_" if (b"-" in run or b"_" in run) else b"+/"
        padded = run + b"=" * (-len(run) % 4)
        try:
            decoded = base64.b64decode(padded, altchars=alphabet, validate=False)
        except (binascii.Error, ValueError):
            continue
        if not decoded:
            continue
        if unwrap(decoded) or decoded.startswith((PNG_MAGIC, b"PK\x03\x04", b"%PDF", b"\xff\xd8\xff")):
            yield f"base64 at {m.start()}", decoded
            continue
        text = _decode_text(decoded)
        if text is not None:
            printable = sum(ch.isprintable() or ch.isspace() for ch in text)
            if printable >= 0.9 * len(text):
                yield f"base64 at {m.start()}", decoded


def _png_views(data: bytes) -> Iterator[tuple[str, bytes | str]]:
    """Every chunk of a PNG but the pixel data; the raw file when the chunks do not add up."""
    pos, broken = len(PNG_MAGIC), False
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        crc = data[pos + 8 + length : pos + 12 + length]
        if len(body) != length or len(crc) != 4 or not kind.isalpha():
            broken = True
            break
        if struct.unpack(">I", crc)[0] != zlib.crc32(kind + body) & 0xFFFFFFFF:
            broken = True
        name = kind.decode("ascii")
        if kind == b"tEXt":
            yield f"PNG {name}", body.replace(b"\x00", b" ").decode("latin-1")
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\x00")
            yield f"PNG {name}", keyword.decode("latin-1") + " " + (_inflate(rest[1:], zlib.MAX_WBITS) or b"").decode("latin-1")
        elif kind == b"iTXt":
            keyword, _, rest = body.partition(b"\x00")
            compressed = rest[:1] == b"\x01"
            _lang, _, rest = rest[2:].partition(b"\x00")
            translated, _, text = rest.partition(b"\x00")
            if compressed:
                text = _inflate(text, zlib.MAX_WBITS) or b""
            yield f"PNG {name}", " ".join(x.decode("utf-8", "replace") for x in (keyword, translated, text))
        elif kind not in (b"IDAT", b"IHDR", b"PLTE", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"pHYs", b"bKGD", b"sBIT"):
            yield f"PNG {name}", body
        pos += 12 + length
        if kind == b"IEND":
            break
    if broken or pos < len(data):
        yield "PNG bytes outside its chunks", data


def _jpeg_views(data: bytes) -> Iterator[tuple[str, bytes]]:
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: metadata comes before
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        body = data[pos + 4 : pos + 2 + length]
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:
            yield f"JPEG segment {marker:02X}", body
        pos += 2 + length
    yield "JPEG bytes", data


def _pdf_views(data: bytes) -> Iterator[tuple[str, str]]:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - unreadable as a PDF: its bytes are still scanned
        return
    try:
        meta = pdf.get_metadata_dict(skip_empty=True)
        yield "PDF metadata", " ".join(meta.values())
        for page in pdf:
            yield "PDF text", page.get_textpage().get_text_range()
            yield "PDF links", " ".join(page_uris(page, pdfium_c, ctypes))
        for i in range(pdfium_c.FPDFDoc_GetAttachmentCount(pdf.raw)):
            attachment = pdf.get_attachment(i)
            yield "PDF attachment", attachment.name + " " + attachment.get_data().tobytes().decode("utf-8", "replace")
    finally:
        pdf.close()


_STREAM_RE = re.compile(rb"(?<!end)stream\r?\n")
_IMAGE_DICT_RE = re.compile(rb"/Subtype\s*/Image")
_LENGTH_RE = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")


def _pdf_parts(data: bytes) -> Iterator[tuple[str, bytes]]:
    """A PDF's bytes as a reader of the file could get at them: everything outside streams, and
    every stream but image pixels, inflated where it is Flate-compressed. Pictures are skipped
    (their pixels are no one's words, and a site's PDFs are mostly pixels); a stream whose
    extent cannot be told is scanned whole, pixels or not."""
    outside: list[bytes] = []
    pos = 0
    for m in _STREAM_RE.finditer(data):
        if m.start() < pos:
            continue
        head = data[max(pos, m.start() - 2000) : m.start()]
        dictionary = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        length = _LENGTH_RE.search(dictionary)
        end = m.end() + int(length[1]) if length else data.find(b"endstream", m.end())
        if end < m.end() or data[end : end + 20].find(b"endstream") == -1:
            end = data.find(b"endstream", m.end())
            if end == -1:
                break
        outside.append(data[pos : m.start()])
        body = data[m.end() : end]
        if not _IMAGE_DICT_RE.search(dictionary):
            inflated = _inflate(body, zlib.MAX_WBITS) if b"FlateDecode" in dictionary else None
            yield "stream", inflated if inflated is not None else body
        pos = end
    outside.append(data[pos:])
    yield "bytes", b"".join(outside)


def page_uris(page, pdfium_c, ctypes) -> list[str]:  # type: ignore[no-untyped-def]
    """The URI of every link annotation of a pypdfium2 page."""
    uris = []
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        try:
            link = pdfium_c.FPDFAnnot_GetLink(annot)
            action = pdfium_c.FPDFLink_GetAction(link) if link else None
            if action:
                doc = page.pdf.raw
                n = pdfium_c.FPDFAction_GetURIPath(doc, action, None, 0)
                if n:
                    buf = ctypes.create_string_buffer(n)
                    pdfium_c.FPDFAction_GetURIPath(doc, action, buf, n)
                    uris.append(buf.value.decode("utf-8", "replace"))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return uris


def _binary_runs(data: bytes) -> str:
    runs = [m.decode("ascii") for m in _PRINTABLE_RE.findall(data)]
    runs += [m.decode("utf-16-le") for m in _UTF16LE_RE.findall(data)]
    runs += [m.decode("utf-16-be") for m in _UTF16BE_RE.findall(data)]
    return "\n".join(runs)


def views(where: str, data: bytes, suffix: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every readable text in `data` (a site file's bytes), each with how it was reached."""
    if depth > MAX_DEPTH or not data:
        return
    wrapped = unwrap(data)
    if wrapped:
        kind, inner = wrapped
        yield from views(f"{where} ({kind})", inner, "", depth + 1)
        return
    if data.startswith(PNG_MAGIC):
        for label, body in _png_views(data):
            if isinstance(body, str):
                yield from _text(f"{where} ({label})", body)
            else:
                yield from _opaque(f"{where} ({label})", body, depth)
        return
    if data.startswith(b"\xff\xd8\xff"):
        for label, body in _jpeg_views(data):
            yield from _opaque(f"{where} ({label})", body, depth)
        return
    if data.startswith(b"PK\x03\x04"):
        for name, member in _zip_members(data):
            yield from views(f"{where} > {name}", member, "", depth + 1)
        return
    if data.startswith(b"%PDF"):
        for label, text in _pdf_views(data):
            yield from _text(f"{where} ({label})", text)
        for label, part in _pdf_parts(data):
            yield from _opaque(f"{where} (PDF {label})", part, depth)
        return
    text = _decode_text(data) if suffix in TEXT_SUFFIXES or suffix not in {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico"} else None
    if text is None:
        yield from _opaque(where, data, depth)
        return
    yield from _text(where, text)
    encoded = text.encode("utf-8", "replace")
    for label, payload in _base64_payloads(encoded if len(encoded) < MAX_EXPANDED else encoded[:MAX_EXPANDED]):
        yield from views(f"{where} ({label})", payload, "", depth + 1)


def _text(where: str, text: str) -> Iterator[tuple[str, str]]:
    for label, view in text_views(text):
        yield where + label, view


def _opaque(where: str, data: bytes, depth: int) -> Iterator[tuple[str, str]]:
    """A binary part: its printable runs, and whatever base64 or compressed data it holds."""
    wrapped = unwrap(data)
    if wrapped and depth < MAX_DEPTH:
        yield from views(f"{where} ({wrapped[0]})", wrapped[1], "", depth + 1)
        return
    runs = _binary_runs(data)
    if runs:
        yield from _text(where + BINARY, runs)
        for label, payload in _base64_payloads(runs.encode("utf-8")):
            yield from views(f"{where} ({label})", payload, "", depth + 1)


def path_views(rel: str) -> Iterator[tuple[str, str]]:
    """A file's path inside the site, as written and percent-decoded."""
    yield rel + " (file name)", rel
    decoded = unquote(rel)
    if decoded != rel:
        yield rel + " (file name, decoded)", decoded
