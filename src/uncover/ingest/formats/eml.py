"""RFC 822/MIME e-mail (.eml) and Apple Mail's .emlx: one e-mail document, its attachments children.

The page is a header block (From, To, Cc, Date, Subject) followed by the body: the text/plain
parts, or the text of the HTML parts where there is no plain text. Attachments, inline images and
attached messages (message/rfc822, written out as .eml) are written to the scratch folder.

Real productions hold broken mail: header lines without a colon, unknown charsets, boundaries that
never close. Wherever a person could still read the message it becomes a document with warnings;
only a file with no message in it at all is an error. An S/MIME- or PGP-encrypted message also
becomes a document: its headers (who wrote to whom, when, about what) are readable and matter to
a reviewer; the warning says the body is encrypted and the encrypted blob is kept as a child.
"""

from __future__ import annotations

import binascii
import email.policy
import quopri
import re
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser
from io import BytesIO
from pathlib import Path

from ...errors import ExtractionError
from ...model import DocumentKind, IssueCategory
from .base import ChildFile, Extraction, LostChild, ReadContext, display
from .email_common import (
    ChildWriter,
    clean_text,
    decode_bytes,
    decode_words,
    email_page,
    format_address,
    html_to_text,
    iso_date,
    one_line,
    raw_parts,
    read_checked,
    split_head,
)

_HEADER = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_OBSOLETE_COLON = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]+:")  # RFC 822's `Subject  : hi`
_MAIL_HEADER = re.compile(
    rb"(received|from|return-path|mime-version|message-id|date|delivered-to|subject|to|cc|reply-to|sender"
    rb"|x-[a-z0-9-]+|envelope-to|in-reply-to|references|thread-topic|thread-index|content-type"
    rb"|arc-[a-z-]+|dkim-signature|authentication-results|received-spf|importance|user-agent|comments"
    rb"|keywords|content-[a-z-]+|organization|priority|precedence|resent-[a-z-]+|list-[a-z-]+|errors-to"
    rb"|disposition-notification-to|newsgroups|path|xref|status)[ \t]*:",
    re.IGNORECASE)
_ENVELOPE = re.compile(rb"^From \S+.*(\d{1,2}:\d{2}|\d{4})", re.MULTILINE)
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_PARAM_NAME = re.compile(r"""(?:^|;)\s*(?:file)?name\s*=\s*("?)([^";]+)\1""", re.IGNORECASE)
_DEFECTS = {
    "StartBoundaryNotFoundDefect": "a MIME boundary is missing",
    "CloseBoundaryNotFoundDefect": "a MIME part is not closed",
    "MultipartInvariantViolationDefect": "a multipart part has no parts",
    "NoBoundaryInMultipartDefect": "a multipart part names no boundary",
    "MissingHeaderBodySeparatorDefect": "no blank line after the headers",
    "InvalidBase64PaddingDefect": "damaged base64",
    "InvalidBase64CharactersDefect": "damaged base64",
    "InvalidBase64LengthDefect": "damaged base64",
    "InvalidMultipartContentTransferEncodingDefect": "a multipart part has a transfer encoding",
}
_ENCRYPTED_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")
POLICY = email.policy.default
COMPAT = email.policy.compat32


class EmlReader:
    name = "eml"
    extensions = (".eml", ".emlx")

    def sniff(self, head: bytes, filename: str) -> float:
        name = filename.lower()
        if name.endswith(".emlx"):
            return 0.9
        head = head.removeprefix(b"\xef\xbb\xbf")
        is_eml = name.endswith(".eml")
        if is_eml and head.startswith(b"From ") and not _HEADER.match(head) and len(_ENVELOPE.findall(head)) <= 1:
            return 0.92  # one message saved with its mbox envelope line: still one e-mail
        if looks_like_headers(head):
            return 0.85 if is_eml else 0.8
        return 0.6 if is_eml else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        name = display(path, ctx)
        data = read_checked(path, ctx, "e-mail")
        warnings: list[str] = []
        if name.lower().endswith(".emlx") or path.suffix.lower() == ".emlx":
            data = unwrap_emlx(data, warnings)
        return read_message(data, ctx, name, warnings)


def looks_like_headers(head: bytes) -> bool:
    """The first line is a known mail header and at least one more header follows it."""
    lines = head.split(b"\n", 60)[:60]
    if not lines or not _MAIL_HEADER.match(lines[0]):
        return False
    count = 0
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            break
        if _HEADER.match(line):
            count += 1
    return count >= 2


def unwrap_emlx(data: bytes, warnings: list[str]) -> bytes:
    """Apple Mail's .emlx: a byte count line, the message, then an XML property list."""
    first, _, rest = data.partition(b"\n")
    if not first.strip().isdigit():
        warnings.append("no .emlx length line: read as a plain message")
        return data
    length = int(first.strip())
    if length > len(rest):
        warnings.append(f".emlx says the message has {length:,} bytes but only {len(rest):,} follow: "
                        "it may be truncated")
    return rest[:length]


def read_message(data: bytes, ctx: ReadContext, name: str, warnings: list[str]) -> Extraction:
    data = repair_headers(data, warnings)
    msg = parse(data, name)
    hint = charset_hint(msg)
    meta = message_metadata(msg, hint, warnings)
    if not msg.keys():
        check_readable(data, name)
        warnings.append("no e-mail headers found: the file was read as a message body")

    linesep = "\r\n" if b"\r\n" in data[:65536] else "\n"
    body = BodyWalker(ChildWriter(ctx.scratch), hint, linesep, warnings)
    body.walk(msg, raw=data)
    warnings.extend(defect_warnings(msg))
    if body.encrypted:
        meta["encrypted"] = body.encrypted
        warnings.append(f"the body is encrypted ({body.encrypted}): only the headers could be read; "
                        "ask the producer for a decrypted copy")
    html = "\n".join(body.html) if body.html else None
    text = "\n\n".join(t.strip("\r\n") for t in body.plain if t.strip())
    if not text and html:
        text = html_to_text(html)
    children = body.children
    return Extraction(
        lost=body.lost,
        kind=item_kind(msg),
        pages=[email_page(meta, text, [c.name for c in children])],
        metadata=meta,
        children=children,
        html_body=html,
        warnings=warnings,
    )


# Content-Class (Exchange's, and what `mapi.to_rfc822` writes for Outlook items) -> kind
_CONTENT_CLASSES = {"appointment": DocumentKind.CALENDAR, "calendarmessage": DocumentKind.CALENDAR,
                    "person": DocumentKind.OTHER, "group": DocumentKind.OTHER, "task": DocumentKind.OTHER,
                    "note": DocumentKind.OTHER, "journal": DocumentKind.OTHER}


def item_kind(msg: Message) -> DocumentKind:
    """An e-mail, unless its Content-Class says it is a meeting, a contact, a task or a note."""
    value = (raw_header(msg, "Content-Class") or "").strip().lower()
    return _CONTENT_CLASSES.get(value.rsplit(":", 1)[-1], DocumentKind.EMAIL) if value else DocumentKind.EMAIL


def repair_headers(data: bytes, warnings: list[str]) -> bytes:
    """Mend header blocks that would otherwise push headers into the body.

    A stray line inside the headers (`quite Delivered-To: x`) becomes a continuation of the header
    above it, so no text is lost and the headers after it are still read; `Subject  : x` (RFC 822's
    obsolete syntax, space before the colon) becomes `Subject: x`.
    """
    end = re.search(rb"\r?\n\r?\n", data)
    head_end = end.start() if end else len(data)
    lines = data[:head_end].split(b"\n")
    out: list[bytes] = []
    changed = False
    for i, line in enumerate(lines):
        bare = line.rstrip(b"\r")
        if _HEADER.match(bare):
            fixed = _OBSOLETE_COLON.sub(rb"\1:", line, count=1)
            changed |= fixed != line
            out.append(fixed)
        elif bare[:1] in (b" ", b"\t") or (i == 0 and bare.startswith(b"From ")):
            out.append(line)
        elif i > 0 and _header_follows(lines, i + 1):
            out.append(b" " + line)
            changed = True
            warnings.append(f"a malformed header line was joined to the header above it: "
                            f"{clean_text(bare.decode('latin-1'))[:80]!r}")
        else:  # the body starts here with no blank line before it: nothing to mend
            out.extend(lines[i:])
            break
    if not changed:
        return data
    return b"\n".join(out) + data[head_end:]


def _header_follows(lines: list[bytes], start: int) -> bool:
    for line in lines[start:]:
        if line[:1] not in (b" ", b"\t"):
            return bool(_HEADER.match(line))
    return False


def parse(data: bytes, name: str) -> Message:
    """The MIME tree, parsed with the lenient compat32 policy: 8x faster than `email.policy.default`
    on the Enron set (which re-parses Content-Type at every look-up) and it never rejects a header.
    Header values are decoded one by one with the default policy's parsers (`header`, `addresses`)."""
    try:
        return BytesParser(policy=COMPAT).parsebytes(data)
    except Exception as exc:  # a RecursionError on absurd nesting, or a bug in the stdlib
        raise ExtractionError(f"{name}: not a readable e-mail message ({type(exc).__name__}: {exc}); "
                              "open it in a mail program to check it", IssueCategory.CORRUPT) from exc


def check_readable(data: bytes, name: str) -> None:
    sample = data[:8192]
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 128 for b in sample)
    if b"\x00" in sample or printable / max(len(sample), 1) < 0.85:
        raise ExtractionError(f"{name}: no e-mail headers and the content is not text; it is not an e-mail "
                              "message (check its real type)", IssueCategory.CORRUPT)


def charset_hint(msg: Message) -> str | None:
    """The charset of the first text part: raw 8-bit headers are most often in that charset."""
    try:
        for part in msg.walk():
            charset = part.get_content_charset()
            if charset:
                return charset
    except Exception:  # a malformed Content-Type: no hint
        pass
    return None


def header(msg: Message, name: str, hint: str | None, raw: bool = False) -> str | None:
    """One header's decoded text, or (`raw`: dates and ids) its text as written."""
    value = raw_header(msg, name)
    if value is None:
        return None
    text = clean_text(unfold(value), hint)  # raw 8-bit bytes become text first
    if not raw and "=?" in text:
        try:
            text = str(POLICY.header_factory(name, text))  # RFC 2047 words, by the strict parser
        except Exception:
            text = decode_words(text, hint)
    return one_line(text) or None


def unfold(value: str) -> str:
    return re.sub(r"\r?\n", "", str(value))


def raw_header(msg: Message, name: str) -> str | None:
    return next(iter(raw_headers(msg, name)), None)


def raw_headers(msg: Message, name: str) -> list[str]:
    name = name.lower()
    return [str(value) for key, value in msg.raw_items() if key.lower() == name]


def addresses(msg: Message, name: str, hint: str | None) -> str | None:
    """All of a message's `name` headers as one `Name <addr>, ...` list."""
    out: list[str] = []
    for value in raw_headers(msg, name):
        text = clean_text(unfold(value), hint)
        try:
            parsed = POLICY.header_factory(name, text).addresses
        except Exception:  # the strict address parser gave up: show the header as it reads
            parsed = ()
        if parsed:
            for a in parsed:
                name, spec = clean_text(a.display_name), clean_text(a.addr_spec)
                if not name and "@" not in spec:  # `From: Kevin Roast`: a name without an address
                    name, spec = spec.strip('"'), ""
                out.append(format_address(name, spec))
        elif one_line(text):
            out.append(one_line(decode_words(text, hint)))
    out = [a for a in out if a]
    return ", ".join(out) if out else None


def message_ids(value: str | None) -> str | None:
    if not value:
        return None
    ids = _MESSAGE_ID.findall(value)
    return " ".join(ids) if ids else one_line(value)


def message_metadata(msg: Message, hint: str | None, warnings: list[str]) -> dict[str, str]:
    meta: dict[str, str | None] = {
        "from": addresses(msg, "From", hint),
        "to": addresses(msg, "To", hint),
        "cc": addresses(msg, "Cc", hint),
        "bcc": addresses(msg, "Bcc", hint),
        "subject": header(msg, "Subject", hint),
        "message_id": message_ids(header(msg, "Message-ID", hint, raw=True)),
        "in_reply_to": message_ids(header(msg, "In-Reply-To", hint, raw=True)),
        "references": message_ids(header(msg, "References", hint, raw=True)),
        "thread_index": header(msg, "Thread-Index", hint, raw=True),
        "mime": "message/rfc822",
    }
    raw_date = header(msg, "Date", hint, raw=True)
    if raw_date:
        meta["date_raw"] = raw_date
        meta["date"] = iso_date(raw_date)
        if meta["date"] is None:
            warnings.append(f"the Date header {raw_date!r} is not a date that could be read, or lies outside "
                            "1900 to next year: kept as written, not used as the date")
    return {k: v for k, v in meta.items() if v}


def content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


def part_filename(part: Message, hint: str | None) -> str | None:
    """The attachment's name: RFC 2231 and RFC 2047 forms decoded, raw 8-bit and unquoted names too."""
    try:
        name = part.get_filename()
    except Exception:
        name = None
    raw_name = raw_param_name(part)
    # `name==?utf-8?B?...?=`, `filename=This is a test.txt` and raw 8-bit names defeat the parser
    if raw_name and (not name or "\ufffd" in str(name)
                     or (len(raw_name) > len(str(name)) and raw_name.startswith(str(name)))):
        name = raw_name
    if not name:
        return None
    name = str(name)
    return decode_words(name, hint) if "=?" in name else clean_text(name, hint)


def raw_param_name(part: Message) -> str | None:
    for key in ("Content-Disposition", "Content-Type"):
        raw = raw_header(part, key)
        found = _PARAM_NAME.search(one_line(raw)) if raw else None
        if found:
            return found.group(2).strip()
    return None


def location_name(part: Message) -> str | None:
    """`Content-Location: http://www.epa.gov/images/logo.gif` (saved web pages, Apple Mail) names
    the file logo.gif."""
    location = raw_header(part, "Content-Location")
    if not location:
        return None
    last = one_line(location).split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    return last if re.fullmatch(r"[^\\/]{1,120}\.[A-Za-z0-9]{2,5}", last) else None


def payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def decode_transfer_encoding(data: bytes, encoding: str) -> bytes:
    """An attached message sent base64- or QP-encoded (against RFC 2046, but seen): the parser took
    the encoded text for a message body; decoded, it is the message again."""
    encoding = encoding.strip().lower()
    if encoding == "base64":
        return binascii.a2b_base64(re.sub(rb"[^A-Za-z0-9+/=]", b"", data.lstrip(b"\r\n")))
    if encoding == "quoted-printable":
        return quopri.decodestring(data.lstrip(b"\r\n"))
    return data


def serialize(msg: Message, linesep: str) -> bytes:
    """A parsed message as bytes again, headers not refolded."""
    policy = COMPAT.clone(linesep=linesep, max_line_length=0)
    buf = BytesIO()
    BytesGenerator(buf, mangle_from_=False, policy=policy).flatten(msg, unixfrom=False)
    return buf.getvalue()


class BodyWalker:
    """Walks the MIME tree: text parts into `plain`/`html`, everything else into children."""

    def __init__(self, writer: ChildWriter, hint: str | None, linesep: str, warnings: list[str]) -> None:
        self.writer = writer
        self.hint = hint
        self.linesep = linesep
        self.warnings = warnings
        self.plain: list[str] = []  # the body's text segments, in order: every part a reader sees
        self.html: list[str] = []  # raw HTML parts, for display
        self.html_text: list[str] = []  # text of HTML parts inside a multipart/alternative
        self.alternative_depth = 0
        self.children: list[ChildFile] = []
        self.lost: list[LostChild] = []
        self.encrypted: str | None = None

    def walk(self, part: Message, depth: int = 0, raw: bytes | None = None) -> None:
        """`raw`: the part's bytes as sent (headers and body), where they could be located."""
        if depth > 100:
            self.warnings.append("MIME parts nested more than 100 deep were not read")
            return
        ctype = content_type(part)
        if ctype.startswith("message/"):
            self.attach_message(part, ctype, raw)
        elif ctype == "multipart/alternative":
            self.alternative(part, depth, raw)
        elif part.is_multipart():
            if ctype == "multipart/encrypted":
                self.encrypted = "PGP/MIME"
            for sub, sub_raw in raw_subparts(part, raw):
                self.walk(sub, depth + 1, sub_raw)
        else:
            self.leaf(part, ctype)

    def alternative(self, part: Message, depth: int, raw: bytes | None = None) -> None:
        """Versions of one body: the plain text where there is one, else the HTML's text. Parts
        outside an alternative (a multipart/mixed of plain and HTML parts) are each their own text."""
        outer_plain, outer_html = self.plain, self.html_text
        self.plain, self.html_text = [], []
        self.alternative_depth += 1
        try:
            for sub, sub_raw in raw_subparts(part, raw):
                self.walk(sub, depth + 1, sub_raw)
        finally:
            self.alternative_depth -= 1
            chosen = self.plain if any(t.strip() for t in self.plain) else self.html_text
            self.plain, self.html_text = outer_plain, outer_html
            self.plain.extend(chosen)

    def leaf(self, part: Message, ctype: str) -> None:
        filename = part_filename(part, self.hint)
        try:
            disposition = part.get_content_disposition()
        except Exception:
            disposition = None
        if ctype in _ENCRYPTED_TYPES:
            self.note_smime(part)
        if ctype in ("text/plain", "text/html") and not filename and disposition != "attachment":
            text = self.text(part, ctype)
            if ctype == "text/plain":
                self.plain.append(text)
            else:
                self.html.append(text)
                (self.html_text if self.alternative_depth else self.plain).append(html_to_text(text))
        elif ctype.startswith("multipart/"):  # a multipart part whose boundary is missing: show its text
            self.plain.append(self.text(part, ctype))
        else:
            stem = "image" if ctype.startswith("image/") else "attachment"
            name = self.writer.name_for(filename or location_name(part), ctype, str(part.get("Content-ID") or ""),
                                        stem)
            self.children.append(self.writer.write(name, payload_bytes(part)))

    def text(self, part: Message, ctype: str) -> str:
        try:
            charset = part.get_content_charset()
        except Exception:
            charset = None
        text, note = decode_bytes(payload_bytes(part), [charset])
        if note:
            self.warnings.append(f"{ctype} body: {note}")
        return text

    def note_smime(self, part: Message) -> None:
        try:
            smime_type = str(part.get_param("smime-type") or "").lower()
        except Exception:
            smime_type = ""
        if smime_type in ("enveloped-data", "authenveloped-data", ""):
            self.encrypted = "S/MIME"
        elif smime_type == "signed-data":
            self.warnings.append("the body is inside an opaque S/MIME signature (smime.p7m) and was not read")

    def attach_message(self, part: Message, ctype: str, raw: bytes | None = None) -> None:
        """An attached message becomes its own .eml child (other message/* parts: their text).

        The child is the attached message's bytes exactly as they were sent; only where those
        cannot be located is the parsed message written out again. Either way each nested
        message is read as its own document, so a message nested 200 deep is 200 documents.
        """
        inner = subparts(part) if isinstance(part.get_payload(), list) else None
        encoding = str(part.get("Content-Transfer-Encoding", ""))
        try:
            if inner is not None and raw is not None:
                data = decode_transfer_encoding(split_head(raw)[1], encoding)
            elif inner is not None:
                data = self.linesep.encode().join(serialize(m, self.linesep) for m in inner)
                data = decode_transfer_encoding(data, encoding)
            else:
                data = payload_bytes(part)
        except Exception as exc:
            if raw is None:
                self.lost.append(LostChild(f"attached {ctype} part", IssueCategory.CORRUPT,
                                           f"an attached {ctype} part could not be written out ({type(exc).__name__})"))
                return
            data = split_head(raw)[1]  # kept as sent rather than lost
        filename = part_filename(part, self.hint)
        if not filename and ctype in ("message/rfc822", "message/global") and inner:
            subject = header(inner[0], "Subject", self.hint)
            filename = f"{subject[:100]}.eml" if subject else None
        ext_type = "message/rfc822" if ctype in ("message/rfc822", "message/global") else ctype
        name = self.writer.name_for(filename, ext_type, None, "message" if ext_type == "message/rfc822" else "part")
        if ext_type == "message/rfc822" and not name.lower().endswith(".eml"):
            name += ".eml"
        self.children.append(self.writer.write(name, data))


def raw_subparts(part: Message, raw: bytes | None) -> list[tuple[Message, bytes | None]]:
    """Each subpart with its bytes as sent, where the boundaries in `raw` match the parsed parts."""
    subs = subparts(part)
    boundary = part.get_boundary() if raw is not None else None
    if boundary:
        found = raw_parts(split_head(raw or b"")[1], boundary)
        if len(found) == len(subs):
            return list(zip(subs, found, strict=True))
    return [(sub, None) for sub in subs]


def subparts(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


def defect_warnings(msg: Message) -> list[str]:
    """The parser's complaints about this message's structure (not about attached messages')."""
    found: list[str] = []
    stack = [msg]
    while stack:
        part = stack.pop()
        for defect in getattr(part, "defects", ()):
            label = _DEFECTS.get(type(defect).__name__, type(defect).__name__)
            if label not in found:
                found.append(label)
        if part.is_multipart() and not content_type(part).startswith("message/"):
            stack.extend(subparts(part))
    return [f"malformed MIME: {'; '.join(found)}; parts may be merged or missing"] if found else []


READER = EmlReader()
