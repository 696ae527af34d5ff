"""What the e-mail readers (EML, MBOX, MSG) share: text decoding, dates, addresses, the header
block at the top of an e-mail's page, HTML-to-text for bodies without a plain part, and writing
attachments into the scratch folder under safe, unique names.
"""

from __future__ import annotations

import codecs
import email.errors
import email.header
import email.utils
import mimetypes
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from ...errors import ExtractionError, disk_full, is_disk_full
from ...model import IssueCategory, TextSource
from .base import ChildFile, PageText, ReadContext, display, require_content

# Labels mislabelled so often that decoding by the label loses text (WHATWG's Encoding Standard).
_CHARSET_FIXES = {
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "unicode-1-1-utf-7": "utf-7",
}
_LAST_RESORT = "cp1252"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def read_checked(path: Path, ctx: ReadContext, what: str) -> bytes:
    """The file's bytes, after `check_size`; EMPTY too for a file of blank lines only."""
    require_content(path, ctx, what)
    data = path.read_bytes()
    if not data.strip():
        raise ExtractionError(f"{display(path, ctx)}: the {what} holds only blank lines; ask the producer "
                              "for the file again", IssueCategory.EMPTY)
    return data


def codec_for(charset: str | None) -> str | None:
    """A Python codec name for a MIME charset label, or None when Python knows no such codec."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    label = _CHARSET_FIXES.get(label, label)
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charsets: Iterable[str | None] = ()) -> tuple[str, str | None]:
    """Decode with the first charset that fits, then UTF-8, then cp1252 with replacement.

    Returns the text and, when the declared charsets did not fit, a note for the warnings.
    """
    declared = [c for c in charsets if c]
    first = codec_for(declared[0]) if declared else None
    tried: list[str] = []
    for codec in [codec_for(label) for label in [*declared, "utf-8"]]:
        if codec is None or codec in tried:
            continue
        tried.append(codec)
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if not declared or codec == first or data.isascii():
            return text, None
        return text, f"{_charset_problem(declared[0], first)}; read as {codec}"
    text = data.decode(_LAST_RESORT, errors="replace")
    if not declared:
        return text, None
    return text, f"{_charset_problem(declared[0], first)}; read as {_LAST_RESORT}, some characters may be wrong"


def _charset_problem(label: str, codec: str | None) -> str:
    return f"unknown charset {label!r}" if codec is None else f"text labelled {label!r} is not valid {codec}"


def clean_text(value: object, fallback_charset: str | None = None) -> str:
    """A string safe to store: raw 8-bit bytes (surrogate escapes) decoded, control characters gone."""
    text = str(value)
    if _SURROGATE.search(text):  # raw 8-bit bytes: UTF-8 (RFC 6532) unless they are not valid UTF-8
        raw = text.encode("utf-8", "surrogateescape")
        text, _ = decode_bytes(raw, ["utf-8", fallback_charset])
        text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", text).strip()


def one_line(text: str) -> str:
    return " ".join(text.split())


FIRST_PLAUSIBLE_YEAR = 1900
# a four-digit year before 1900 written in a date (`30 Nov 0002`): not a time zone (-0800) nor a time
_EARLY_YEAR = re.compile(r"(?<![+\-\d:])(?:0\d{3}|1[0-8]\d{2})(?![\d:])")


def plausible_year(year: int) -> bool:
    """Records are dated between 1900 and next year; anything else is a clock or typing error."""
    return FIRST_PLAUSIBLE_YEAR <= year <= datetime.now(UTC).year + 1


def iso_date(value: str | datetime | None) -> str | None:
    """ISO 8601 with an offset; a date without a zone (RFC 5322 `-0000`) is taken as UTC.

    None for a date outside the plausible range: `30 Nov 0002` is not 2002 (the parser's two-digit
    year rule would make it so), and the caller keeps the raw text with a warning.
    """
    if value is None:
        return None
    if isinstance(value, str) and _EARLY_YEAR.search(value):
        return None
    dt = value if isinstance(value, datetime) else _parse_date(value)
    if dt is None or not plausible_year(dt.year):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat(timespec="seconds")


def _parse_date(raw: str) -> datetime | None:
    raw = one_line(raw)
    if not raw:
        return None
    try:
        return email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        pass
    # RFC 822 allows comments and spaces anywhere: `Fri, 21 Nov 1997 09(comment):   55  :  06 -0600`
    bare = re.sub(r"\s*:\s*", ":", re.sub(r"\([^()]*\)|\bat\b", " ", raw)).strip()
    bare = re.sub(r"\b(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$",
                  lambda m: f"{m[1]}{int(m[2]):02d}{m[3] or '00'}", bare)
    if bare != raw:
        return _parse_date(bare)
    return None


def format_address(name: str, addr: str) -> str:
    name, addr = one_line(name).strip('"'), one_line(addr)
    if not name or name == addr:
        return addr
    if any(ch in name for ch in ',;"<>@'):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{addr}>" if addr else name


def header_block(meta: dict[str, str], attachments: Iterable[str] = ()) -> str:
    """The lines a reader expects at the top of a printed e-mail; the date as the e-mail wrote it."""
    fields = [("From", meta.get("from")), ("To", meta.get("to")), ("Cc", meta.get("cc")), ("Bcc", meta.get("bcc")),
              ("Date", meta.get("date_raw") or meta.get("date")), ("Subject", meta.get("subject")),
              ("Attachments", "; ".join(attachments))]
    return "\n".join(f"{label}: {value}" for label, value in fields if value)


def email_page(meta: dict[str, str], body: str, attachments: Iterable[str] = ()) -> PageText:
    body = normalize_newlines(body).strip("\n")
    text = header_block(meta, attachments)
    if body.strip():
        text = f"{text}\n\n{body}" if text else body
    return PageText(text, TextSource.NATIVE)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- HTML to text ---------------------------------------------------------------------------------

_BLOCK = {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset", "figcaption",
          "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
          "ol", "p", "pre", "section", "table", "tr", "ul", "center"}
_SKIP = {"script", "style", "head", "title", "template", "noscript", "object", "svg", "xml"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "br":
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append("\t")
        elif tag in _BLOCK:
            self.out.append("\n\n" if tag in ("p", "table", "blockquote", "h1", "h2", "h3") else "\n")
            if tag == "pre":
                self.pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIP:  # <script/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            self.out.append("\n")
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if not self.pre_depth:
            data = re.sub(r"[ \t\r\n\f]+", " ", data)
        self.out.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML body: scripts, styles and comments dropped, blocks on their own lines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_charset(html: bytes) -> str | None:
    """The charset an HTML document declares in its <meta> tags, if any."""
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", html[:4096], re.IGNORECASE)
    return m.group(1).decode("ascii") if m else None


# --- Children -------------------------------------------------------------------------------------

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_UNSAFE = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_MAX_NAME_BYTES = 180
_EXTENSIONS = {"image/jpeg": ".jpg", "image/pjpeg": ".jpg", "text/plain": ".txt", "message/rfc822": ".eml",
               "application/octet-stream": ".bin", "text/calendar": ".ics", "application/ms-tnef": ".dat",
               "application/pkcs7-signature": ".p7s", "application/x-pkcs7-signature": ".p7s",
               "application/pkcs7-mime": ".p7m", "application/x-pkcs7-mime": ".p7m",
               "message/delivery-status": ".txt", "text/rfc822-headers": ".txt"}


def extension_for(content_type: str | None) -> str:
    content_type = (content_type or "").lower()
    return _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type, strict=False) or ".bin"


def safe_file_name(name: str | None, fallback: str) -> str:
    """A name that is one path component on every OS: no separators, no '..', no control characters."""
    name = clean_text(name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        name = fallback
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16:
        stem, ext = name, ""
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = "_" + stem
    ext = f".{ext}" if ext else ""
    while len((stem + ext).encode("utf-8")) > _MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    return (stem or "attachment") + ext


def content_id_name(content_id: str | None) -> str | None:
    """`<image001.png@01D1...>` names its file image001.png; other content ids name nothing."""
    if not content_id:
        return None
    local = content_id.strip().strip("<>").split("@")[0]
    return local if re.fullmatch(r"[\w\-. ]{1,120}\.[A-Za-z0-9]{2,5}", local) else None


class ChildWriter:
    """Writes the children of one file into the scratch folder, each under a name of its own."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.taken: set[str] = set()
        self.count = 0

    def unique_path(self, name: str) -> Path:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        ext = f".{ext}" if ext else ""
        candidate, n = name, 1
        while candidate.casefold() in self.taken or (self.scratch / candidate).exists():
            n += 1
            candidate = f"{stem}-{n}{ext}"
        self.taken.add(candidate.casefold())
        return self.scratch / candidate

    def fallback_name(self, stem: str, content_type: str | None) -> str:
        return f"{stem}-{self.count + 1:03d}{extension_for(content_type)}"

    def name_for(self, name: str | None, content_type: str | None, content_id: str | None = None,
                 stem: str = "attachment") -> str:
        """The child's name: its own, else one from its content id, else a numbered one by type."""
        fallback = content_id_name(content_id) or self.fallback_name(stem, content_type)
        return safe_file_name(name, fallback)

    def write(self, name: str, data: bytes) -> ChildFile:
        self.scratch.mkdir(parents=True, exist_ok=True)
        path = self.unique_path(name)
        try:
            with open(path, "xb") as fh:
                fh.write(data)
        except OSError as exc:
            path.unlink(missing_ok=True)
            if is_disk_full(exc):  # the disk's problem, not the message's: the item stays pending
                raise disk_full(str(self.scratch)) from exc
            raise
        self.count += 1
        return ChildFile(path.name, path)  # unique: two attachments of one name stay two children

    def reserve(self, name: str) -> ChildFile:
        """A path for a child the caller writes itself (an MBOX message streamed to its file)."""
        self.scratch.mkdir(parents=True, exist_ok=True)
        self.count += 1
        path = self.unique_path(name)
        return ChildFile(path.name, path)


def decode_words(value: str, fallback_charset: str | None = None) -> str:
    """Decode RFC 2047 encoded words (`=?utf-8?B?...?=`) in a raw header value, tolerating bad ones."""
    try:
        chunks = email.header.decode_header(value)
    except (ValueError, LookupError, AssertionError, email.errors.HeaderParseError):
        return clean_text(value, fallback_charset)
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            chunk, _ = decode_bytes(chunk, [charset, fallback_charset])
        out.append(chunk)
    return clean_text("".join(out), fallback_charset)


# -- the raw bytes of MIME parts -------------------------------------------------------------------
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def split_head(raw: bytes) -> tuple[bytes, bytes]:
    """(header block, body) of a raw MIME part; a part with no blank line is all headers."""
    if raw.startswith((b"\r\n", b"\n")):
        return b"", raw[2:] if raw.startswith(b"\r\n") else raw[1:]
    end = _HEAD_END.search(raw)
    return (raw[: end.start()], raw[end.end() :]) if end else (raw, b"")


def raw_parts(body: bytes, boundary: str) -> list[bytes]:
    """The raw bytes of each part of a multipart body, cut at its boundary lines (RFC 2046: the
    line break before a delimiter belongs to the delimiter). Parts are copied out exactly as they
    were sent, so an attached message is kept byte for byte, however deeply it nests others."""
    delimiter = re.compile(rb"(?m)^--" + re.escape(boundary.encode("latin-1", "replace")) + rb"(--)?[ \t]*(?:\r\n|\r|\n|$)")
    parts: list[bytes] = []
    start: int | None = None
    for match in delimiter.finditer(body):
        if start is not None:
            end = match.start()
            end -= 2 if body[end - 2 : end] == b"\r\n" else 1 if body[end - 1 : end] in (b"\n", b"\r") else 0
            parts.append(body[start:max(end, start)])
        if match.group(1):  # the close delimiter
            return parts
        start = match.end()
    if start is not None:
        parts.append(body[start:])  # never closed: the rest is the last part
    return parts
