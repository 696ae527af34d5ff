"""Outlook .msg files (OLE compound files), read with extract-msg.

One document per file: e-mails (IPM.Note and its variants, posts, reports) become EMAIL documents,
meetings CALENDAR, contacts, tasks and notes OTHER; the page is the same header block and body as
for .eml. Attachments are written to the scratch folder; an attached Outlook item (an embedded
message) is written out as its own .msg file with extract-msg's `export`, so the MSG reader reads
it in turn, with its own attachments.

MSG files written by non-Unicode Outlook store 8-bit strings in a code page that the file does not
always state (PR_MESSAGE_CODEPAGE is missing): the internet code page or the locale then tells it,
as Apache POI does. Encrypted (S/MIME) and rights-protected messages become documents with their
headers and a warning that the body is encrypted.
"""

from __future__ import annotations

import base64
import email.utils
import logging
from datetime import datetime
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

from ...errors import ExtractionError, is_disk_full
from ...model import DocumentKind, IssueCategory
from .base import ChildFile, Extraction, ReadContext, display
from .email_common import (
    ChildWriter,
    clean_text,
    decode_bytes,
    decode_words,
    email_page,
    format_address,
    html_charset,
    html_to_text,
    iso_date,
    one_line,
    read_checked,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MSG_STREAM = "__substg1.0_".encode("utf-16-le")  # MSG property streams, named in the OLE directory
# Windows locale -> ANSI code page, for files that name only their locale (PR_MESSAGE_LOCALE_ID)
_LOCALE_CODEPAGES = {
    1025: "cp1256", 1028: "cp950", 1029: "cp1250", 1032: "cp1253", 1037: "cp1255", 1038: "cp1250",
    1041: "cp932", 1042: "cp949", 1045: "cp1250", 1049: "cp1251", 1050: "cp1250", 1051: "cp1250",
    1054: "cp874", 1055: "cp1254", 1058: "cp1251", 1060: "cp1250", 1061: "cp1257", 1062: "cp1257",
    1063: "cp1257", 1066: "cp1258", 2052: "gb18030", 3076: "cp950", 4100: "gb18030",
}
_KINDS = {"IPM.Appointment": DocumentKind.CALENDAR, "IPM.Schedule": DocumentKind.CALENDAR,
          "IPM.Contact": DocumentKind.OTHER, "IPM.DistList": DocumentKind.OTHER, "IPM.Task": DocumentKind.OTHER,
          "IPM.StickyNote": DocumentKind.OTHER, "IPM.Activity": DocumentKind.OTHER}
_MAX_RECIPIENT_TABLE = 300
_ENCRYPTED_CLASSES = ("IPM.Note.SMIME", "IPM.Note.Secure", "IPM.Note.rpmsg")


class MsgReader:
    name = "msg"
    extensions = (".msg",)

    def sniff(self, head: bytes, filename: str) -> float:
        if not head.startswith(OLE_MAGIC):
            return 0.0
        # Other OLE files are Office documents; a .msg name or MSG property streams say Outlook item
        return 0.95 if filename.lower().endswith(".msg") or _MSG_STREAM in head else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        name = display(path, ctx)
        data = read_checked(path, ctx, "Outlook message")
        if not data.startswith(OLE_MAGIC):
            raise ExtractionError(f"{name}: not an Outlook .msg file (no OLE signature); check its real type",
                                  IssueCategory.CORRUPT)
        logging.getLogger("extract_msg").setLevel(logging.ERROR)  # it logs every oddity of every file
        msg = open_msg(path, name)
        try:
            return MsgExtraction(msg, ChildWriter(ctx.scratch)).build()
        finally:
            msg.close()


def open_msg(path: Path, name: str) -> Any:
    """The extract-msg object, reopened with the right code page where the file does not state it."""
    import extract_msg
    from extract_msg.enums import ErrorBehavior

    tolerant = ErrorBehavior.SUPPRESS_ALL  # a broken attachment or RTF body must not lose the message

    def load(**kw: Any) -> Any:
        try:
            return extract_msg.openMsg(str(path), errorBehavior=tolerant, **kw)
        except extract_msg.exceptions.UnrecognizedMSGTypeError:
            return extract_msg.Message(str(path), errorBehavior=tolerant, **kw)

    def corrupt(exc: Exception) -> ExtractionError:  # olefile and extract-msg raise many kinds
        return ExtractionError(f"{name}: the Outlook message cannot be read ({type(exc).__name__}: {exc}); "
                               "open it in Outlook to check it, or ask for it again", IssueCategory.CORRUPT)

    try:
        msg = load()
    except Exception as exc:
        raise corrupt(exc) from exc
    try:
        encoding = None if msg.areStringsUnicode else better_codepage(msg)
    except Exception:  # keep extract-msg's own choice
        encoding = None
    if encoding:
        msg.close()
        try:
            msg = load(overrideEncoding=encoding)
        except Exception as exc:
            raise corrupt(exc) from exc
    return msg


def better_codepage(msg: Any) -> str | None:
    """A code page for 8-bit strings when the file has no PR_MESSAGE_CODEPAGE (extract-msg then
    assumes ISO-8859-15): the locale's ANSI code page, else the internet code page, whichever
    decodes the strings (Apache POI's guess7BitEncoding reads the same properties)."""
    if prop_value(msg, "3FFD0003"):
        return None
    sample = b"".join(msg.getStream(f"__substg1.0_{tag}001E") or b"" for tag in ("0037", "0C1A", "1000", "0E04"))
    candidates = []
    locale = prop_value(msg, "3FF10003")
    if locale:
        candidates.append(_LOCALE_CODEPAGES.get(locale, "cp1252"))
    cpid = prop_value(msg, "3FDE0003")
    if cpid:
        candidates.append("utf-8" if cpid == 65001 else f"cp{cpid}")
    for codec in candidates:
        try:
            sample.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        return codec
    return None


def prop_value(msg: Any, key: str) -> Any:
    prop = msg.props.get(key)
    return getattr(prop, "value", None) if prop is not None else None


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = one_line(clean_text(value))
    return text or None


class MsgExtraction:
    """Builds the Extraction for one open MSG object."""

    def __init__(self, msg: Any, writer: ChildWriter) -> None:
        self.msg = msg
        self.writer = writer
        self.warnings: list[str] = []
        self.headers = self.transport_headers()

    def safe(self, attr: str) -> Any:
        """An extract-msg property; a property that fails to decode is a warning, not a failure."""
        try:
            return getattr(self.msg, attr)
        except Exception as exc:
            self.warnings.append(f"{attr} could not be read ({type(exc).__name__}: {str(exc)[:120]})")
            return None

    def transport_headers(self) -> Any:
        """The internet headers of a received message (PR_TRANSPORT_MESSAGE_HEADERS), if any."""
        try:
            raw = self.msg.getStringStream("__substg1.0_007D")
        except Exception:
            raw = None
        return HeaderParser().parsestr(raw, headersonly=True) if raw else None

    def header(self, name: str) -> str | None:
        if self.headers is None:
            return None
        try:
            value = self.headers.get(name)
        except Exception:
            return None
        return text_or_none(decode_words(str(value))) if value is not None else None

    def string(self, tag: str) -> str | None:
        return text_or_none(self.string_stream(tag))

    def build(self) -> Extraction:
        msg_class = (text_or_none(self.safe("classType")) or "IPM.Note").strip()
        meta = self.metadata(msg_class)
        body, html = self.bodies()
        children = self.attachments()
        protected = any(c.name.lower() == "message.rpmsg" for c in children)
        if protected or (msg_class.startswith(_ENCRYPTED_CLASSES) and "MultipartSigned" not in msg_class):
            meta["encrypted"] = "S/MIME" if "SMIME" in msg_class else "rights management"
            self.warnings.append(f"the body is encrypted ({meta['encrypted']}): only the headers could be read; "
                                 "ask the producer for a decrypted copy")
        kind = next((k for prefix, k in _KINDS.items() if msg_class.startswith(prefix)), DocumentKind.EMAIL)
        return Extraction(
            kind=kind,
            pages=[email_page(meta, body, [c.name for c in children])],
            metadata=meta,
            children=children,
            html_body=html,
            warnings=self.warnings,
        )

    def metadata(self, msg_class: str) -> dict[str, str]:
        to, cc, bcc = self.recipients()
        date = self.safe("date")
        raw_date = self.header("Date")
        thread_index = self.header("Thread-Index")
        if not thread_index:
            index = self.stream("00710102")  # PR_CONVERSATION_INDEX
            thread_index = base64.b64encode(index).decode("ascii") if index else None
        meta = {
            "from": self.sender(),
            "to": to, "cc": cc, "bcc": bcc,
            "subject": text_or_none(self.safe("subject")),
            "date": iso_date(raw_date) or iso_date(date if isinstance(date, datetime) else None),
            "date_raw": raw_date,
            "message_id": text_or_none(self.safe("messageId")) or self.header("Message-ID"),
            "in_reply_to": text_or_none(self.safe("inReplyTo")) or self.header("In-Reply-To"),
            "references": self.header("References"),
            "thread_index": thread_index,
            "thread_topic": self.string("0070"),
            "message_class": msg_class,
            "mime": "application/vnd.ms-outlook",
        }
        return {k: v for k, v in meta.items() if v}

    def sender(self) -> str | None:
        """The From header of a received message, else the sender's name and SMTP address."""
        from_header = self.header_addresses("From") or self.header("From")
        if from_header:
            return from_header
        name = self.string("0C1A") or self.string("0042")
        address = next((a for a in (self.string("5D01"), self.string("0C1F"), self.string("0065"))
                        if a and "@" in a and not a.startswith("/")), "")
        if name or address:
            return format_address(name or "", address)
        return text_or_none(self.safe("sender"))

    def recipients(self) -> tuple[str | None, str | None, str | None]:
        """To, Cc and Bcc from the recipient table, or, for mass mailings (each recipient costs
        olefile a directory search), from the internet headers or the display-name properties."""
        try:
            count = sum(1 for p in self.msg.listDir(streams=False, storages=True)
                        if len(p) == 1 and p[0].startswith("__recip_version1.0_"))
        except Exception:
            count = 0
        if count > _MAX_RECIPIENT_TABLE:
            return self.recipients_without_table(count)
        lists: dict[int, list[str]] = {1: [], 2: [], 3: []}
        for recipient in self.safe("recipients") or []:
            try:
                kind = int(recipient.type)
                name = text_or_none(recipient.name) or ""
                address = text_or_none(recipient.smtpAddress) or text_or_none(recipient.email) or ""
            except Exception as exc:
                self.warnings.append(f"a recipient could not be read ({type(exc).__name__})")
                continue
            if address.startswith("/") and name:  # an Exchange directory name: the display name says more
                address = ""
            if kind in lists and (name or address):
                lists[kind].append(format_address(name, address))
        joined = [", ".join(lists[k]) or None for k in (1, 2, 3)]
        if not any(joined):
            joined = [self.string(tag) for tag in ("0E04", "0E03", "0E02")]
        return joined[0], joined[1], joined[2]

    def recipients_without_table(self, count: int) -> tuple[str | None, str | None, str | None]:
        to, cc = self.header_addresses("To"), self.header_addresses("Cc")
        bcc = self.string("0E02")
        if not (to or cc):
            to, cc = self.string("0E04"), self.string("0E03")
            self.warnings.append(f"{count:,} recipients: listed by display name only")
        return to, cc, bcc

    def header_addresses(self, name: str) -> str | None:
        if self.headers is None:
            return None
        values = [decode_words(str(v)) for v in self.headers.get_all(name) or []]
        pairs = email.utils.getaddresses(values)
        return ", ".join(format_address(n, a) for n, a in pairs if n or a) or None

    def bodies(self) -> tuple[str, str | None]:
        """The plain-text body (from HTML or RTF when there is none) and the raw HTML body.

        Read from the property streams, not extract-msg's `body`/`htmlBody`: those turn RTF into
        HTML with RTFDE, which took 15 s for one newsletter; striprtf reads RTF-only bodies.
        """
        html = self.html_body()
        body = clean_body(self.string_stream("1000"))
        if not body.strip() and html:
            body = html_to_text(html)
        if not body.strip():
            body = self.rtf_text()
        return body, html

    def string_stream(self, tag: str) -> str | None:
        try:
            return self.msg.getStringStream(f"__substg1.0_{tag}")
        except Exception as exc:
            self.warnings.append(f"property {tag} could not be read ({type(exc).__name__})")
            return None

    def html_body(self) -> str | None:
        """PR_HTML; 8-bit HTML in the internet code page the file states (Apache POI's order)."""
        raw = self.stream("10130102") or self.stream("1013001E")
        if not raw:
            wide = self.stream("1013001F")
            return (wide.decode("utf-16-le", "replace").strip("\x00") or None) if wide else None
        cpid = prop_value(self.msg, "3FDE0003")
        charsets = ["utf-8" if cpid == 65001 else f"cp{cpid}" if cpid else None, html_charset(raw),
                    getattr(self.msg, "stringEncoding", None)]
        text, note = decode_bytes(raw.rstrip(b"\x00"), charsets)
        if note:
            self.warnings.append(f"HTML body: {note}")
        return text or None

    def stream(self, name: str) -> bytes | None:
        try:
            return self.msg.getStream(f"__substg1.0_{name}")
        except Exception:
            return None

    def rtf_text(self) -> str:
        try:
            rtf = self.msg.rtfBody
        except Exception:
            return ""
        if not rtf:
            return ""
        from striprtf.striprtf import rtf_to_text

        try:
            return rtf_to_text(rtf.decode("latin-1"), errors="ignore")
        except Exception as exc:
            self.warnings.append(f"the RTF body could not be read ({type(exc).__name__})")
            return ""

    def attachments(self) -> list[ChildFile]:
        children: list[ChildFile] = []
        for att in self.safe("attachments") or []:
            try:
                child = self.attachment(att)
            except Exception as exc:
                if is_disk_full(exc):
                    raise
                self.warnings.append(f"an attachment could not be written out ({type(exc).__name__}: "
                                     f"{str(exc)[:120]})")
                continue
            if child is not None:
                children.append(child)
        return children

    def attachment(self, att: Any) -> ChildFile | None:
        from extract_msg.enums import AttachmentType
        from extract_msg.msg_classes import MSGFile

        att_type = getattr(att, "type", None)
        given = next((text_or_none(getattr(att, a, None)) for a in ("longFilename", "shortFilename", "name",
                                                                    "displayName") if getattr(att, a, None)), None)
        mime = text_or_none(getattr(att, "mimetype", None))
        data = att.data
        if att_type == AttachmentType.WEB:
            self.warnings.append(f"attachment {given or '(unnamed)'} is a link to a file stored elsewhere: "
                                 "it is not in the message")
            return None
        if isinstance(data, MSGFile):
            subject = text_or_none(getattr(data, "subject", None))
            name = self.writer.name_for(given or subject, "application/vnd.ms-outlook", None, "message")
            if not name.lower().endswith(".msg"):
                name += ".msg"
            child = self.writer.reserve(name)
            data.export(child.path, allowBadEmbed=True)
            return child
        if hasattr(data, "as_bytes"):  # an email.message.Message from a signed message's MIME body
            name = self.writer.name_for(given, "message/rfc822", None, "message")
            return self.writer.write(name, data.as_bytes())
        if isinstance(data, bytes):
            name = self.writer.name_for(given, mime or "application/octet-stream",
                                        text_or_none(getattr(att, "contentId", None)), "attachment")
            return self.writer.write(name, data)
        self.warnings.append(f"attachment {given or '(unnamed)'} has no data that could be read")
        return None


def clean_body(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, bytes):
        value, _ = decode_bytes(value)
    return str(value).replace("\x00", "")


READER = MsgReader()
