"""Outlook items (MAPI property sets, as PST mailboxes and MSG files store them) written out as
RFC 822 messages, so the EML reader reads every item of a mailbox the same way.

A PST holds no files, only property sets: a message's internet headers (when it was received),
its bodies (plain, HTML, compressed RTF), a recipient table and attachments. Each item becomes an
.eml file, a faithful rendition a reviewer can open in any mail program: the transport headers as
received (their MIME headers replaced by those of the rebuilt body), or headers composed from the
properties for sent items, drafts, meetings and contacts. `Content-Class` names what the item is
(`urn:content-classes:appointment`, `...:person`), so the EML reader sorts it as a calendar
item or a contact rather than an e-mail.
"""

from __future__ import annotations

import base64
import email.utils
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser, HeaderParser
from email.policy import SMTP
from typing import Any

from .email_common import format_address, one_line

# PidTag ids (MS-OXPROPS)
SUBJECT, MESSAGE_CLASS, SENDER_NAME, SENT_REPRESENTING_NAME = 0x0037, 0x001A, 0x0C1A, 0x0042
SENDER_SMTP, SENDER_EMAIL, SENT_REPRESENTING_EMAIL, SENT_REPRESENTING_SMTP = 0x5D01, 0x0C1F, 0x0065, 0x5D02
INTERNET_CPID, MESSAGE_CODEPAGE, LOCALE_ID = 0x3FDE, 0x3FFD, 0x3FF1
SENDER_ADDRTYPE = 0x0C1E
CLIENT_SUBMIT_TIME, DELIVERY_TIME, CREATION_TIME = 0x0039, 0x0E06, 0x3007
DISPLAY_TO, DISPLAY_CC, DISPLAY_BCC = 0x0E04, 0x0E03, 0x0E02
MESSAGE_ID, IN_REPLY_TO, REFERENCES = 0x1035, 0x1042, 0x1039
CONVERSATION_INDEX, CONVERSATION_TOPIC = 0x0071, 0x0070
TRANSPORT_HEADERS, BODY, HTML, RTF_COMPRESSED = 0x007D, 0x1000, 0x1013, 0x1009
RECIPIENT_TYPE, DISPLAY_NAME, EMAIL_ADDRESS, ADDRTYPE, SMTP_ADDRESS = 0x0C15, 0x3001, 0x3003, 0x3002, 0x39FE
ATTACH_LONG_FILENAME, ATTACH_FILENAME, ATTACH_METHOD, ATTACH_MIME, ATTACH_CONTENT_ID = 0x3707, 0x3704, 0x3705, 0x370E, 0x3712
# Contact fields worth a line on the contact's page (MS-OXOCNTC)
CONTACT_FIELDS = {
    0x3001: "Name", 0x3A06: "Given name", 0x3A11: "Surname", 0x3A16: "Company", 0x3A17: "Job title",
    0x3A18: "Department", 0x3A08: "Business phone", 0x3A09: "Home phone", 0x3A1C: "Mobile phone",
    0x3A24: "Business fax", 0x3A29: "Business address", 0x3A2A: "Postal code", 0x3A27: "City",
    0x3A26: "Country", 0x3A28: "State", 0x3A44: "Middle name", 0x3A45: "Title", 0x3A4F: "Nickname",
    0x3A19: "Office", 0x3A51: "Web page",
}
CONTENT_CLASSES = {
    "IPM.Appointment": "urn:content-classes:appointment", "IPM.Schedule.Meeting": "urn:content-classes:calendarmessage",
    "IPM.Contact": "urn:content-classes:person", "IPM.DistList": "urn:content-classes:group",
    "IPM.Task": "urn:content-classes:task", "IPM.StickyNote": "urn:content-classes:note",
    "IPM.Activity": "urn:content-classes:journal",
}
_MIME_HEADERS = ("content-type", "content-transfer-encoding", "mime-version", "content-disposition", "content-class")


@dataclass
class Attachment:
    name: str
    data: bytes
    mime: str = "application/octet-stream"
    content_id: str | None = None
    message: bytes | None = None  # an attached Outlook item, already rendered as RFC 822


@dataclass
class Recipient:
    kind: int  # 1 To, 2 Cc, 3 Bcc
    name: str
    address: str

    @property
    def formatted(self) -> str:
        address = "" if self.address.startswith("/") and self.name else self.address  # an Exchange DN
        return format_address(self.name, address)


@dataclass
class OutlookItem:
    """What an Outlook item says, whichever container held it."""

    message_class: str = "IPM.Note"
    subject: str | None = None
    sender: str | None = None  # formatted `Name <address>`
    date: datetime | None = None
    recipients: list[Recipient] = field(default_factory=list)
    display_to: str | None = None
    display_cc: str | None = None
    display_bcc: str | None = None
    transport_headers: str | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: str | None = None
    thread_index: str | None = None
    thread_topic: str | None = None
    body: str | None = None
    html: str | None = None
    extra_lines: list[str] = field(default_factory=list)  # contact fields, meeting details
    attachments: list[Attachment] = field(default_factory=list)
    folder: str = ""


def sender_of(name: str | None, *addresses: str | None) -> str | None:
    address = next((a for a in addresses if a and "@" in a and not a.startswith("/")), "")
    if name or address:
        return format_address(name or "", address)
    return None


def to_rfc822(item: OutlookItem) -> bytes:
    """The item as an RFC 822 message: transport headers where there are any, bodies and attachments."""
    msg = EmailMessage(policy=SMTP)
    headers = item.transport_headers or ""
    first, _, rest = headers.lstrip().partition("\n")
    if first and ":" not in first:  # "Microsoft Mail Internet Headers Version 2.0" (Exchange 5.5/2003)
        headers = rest
    received = HeaderParser().parsestr(headers, headersonly=True) if headers.strip() else None
    if received is not None and len(received.keys()):
        for key, value in received.items():
            if key.lower() not in _MIME_HEADERS:
                _add(msg, key, str(value))
    composed = {
        "From": item.sender, "To": _list(item, 1, item.display_to), "Cc": _list(item, 2, item.display_cc),
        "Bcc": _list(item, 3, item.display_bcc), "Subject": item.subject,
        "Date": email.utils.format_datetime(_aware(item.date)) if item.date else None,
        "Message-ID": item.message_id, "In-Reply-To": item.in_reply_to, "References": item.references,
        "Thread-Index": item.thread_index, "Thread-Topic": item.thread_topic,
    }
    for key, value in composed.items():
        if value and key not in msg:
            _add(msg, key, value)
    _add(msg, "X-Outlook-Message-Class", item.message_class)
    if item.folder:
        _add(msg, "X-Outlook-Folder", item.folder)
    body = "\n".join([*item.extra_lines, "", item.body or ""]).strip("\n") if item.extra_lines else (item.body or "")
    msg.set_content(body or "", charset="utf-8")  # (drops every Content-* header set before it)
    content_class = next((c for prefix, c in CONTENT_CLASSES.items() if item.message_class.startswith(prefix)), None)
    if content_class:
        _add(msg, "Content-Class", content_class)
    if item.html:
        msg.add_alternative(item.html, subtype="html", charset="utf-8")
    for att in item.attachments:
        if att.message is not None:
            inner = BytesParser(policy=SMTP).parsebytes(att.message)
            msg.add_attachment(inner, filename=att.name)
            continue
        maintype, _, subtype = (att.mime or "application/octet-stream").partition("/")
        if maintype.lower() == "multipart":  # a signed message's MIME body (S/MIME): its parts, as sent
            msg.make_mixed()
            msg.attach(BytesParser(policy=SMTP).parsebytes(att.data))
            continue
        msg.add_attachment(att.data, maintype=maintype or "application", subtype=subtype or "octet-stream",
                           filename=att.name, cid=f"<{att.content_id}>" if att.content_id else None)
    return msg.as_bytes(policy=SMTP)


def _add(msg: EmailMessage, key: str, value: str) -> None:
    value = one_line(value.replace("\r", " ").replace("\n", " "))
    try:
        msg[key] = value
    except (ValueError, TypeError, IndexError):  # a header the strict policy will not take: kept as text
        msg[key] = value.encode("ascii", "replace").decode("ascii")


def _list(item: OutlookItem, kind: int, display: str | None) -> str | None:
    listed = [r.formatted for r in item.recipients if r.kind == kind and (r.name or r.address)]
    return ", ".join(listed) if listed else display


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def item_from_properties(props: dict[int, Any], folder: str = "") -> OutlookItem:
    item = OutlookItem(folder=folder)
    item.message_class = str(props.get(MESSAGE_CLASS) or "IPM.Note")
    subject = props.get(SUBJECT)
    if isinstance(subject, str) and subject.startswith("\x01"):  # a prefix-length marker (MS-OXCMSG 2.2.1.46)
        subject = subject[2:]
    item.subject = clean(subject)
    item.sender = sender_of(
        clean(props.get(SENT_REPRESENTING_NAME)) or clean(props.get(SENDER_NAME)),
        clean(props.get(SENT_REPRESENTING_SMTP)), clean(props.get(SENDER_SMTP)),
        clean(props.get(SENT_REPRESENTING_EMAIL)), clean(props.get(SENDER_EMAIL)))
    dates = [props.get(t) for t in (CLIENT_SUBMIT_TIME, DELIVERY_TIME, CREATION_TIME)]
    item.date = next((d for d in dates if isinstance(d, datetime)), None)
    item.display_to, item.display_cc, item.display_bcc = (
        clean(props.get(t)) for t in (DISPLAY_TO, DISPLAY_CC, DISPLAY_BCC))
    item.message_id, item.in_reply_to, item.references = (
        clean(props.get(t)) for t in (MESSAGE_ID, IN_REPLY_TO, REFERENCES))
    index = props.get(CONVERSATION_INDEX)
    if isinstance(index, bytes) and index:
        item.thread_index = base64.b64encode(index).decode("ascii")
    item.thread_topic = clean(props.get(CONVERSATION_TOPIC))
    if isinstance(props.get(BODY), str):
        item.body = props[BODY].replace("\x00", "")
    html = props.get(HTML)
    if isinstance(html, bytes) and html.strip(b"\x00"):
        cpid = props.get(INTERNET_CPID)
        from .email_common import decode_bytes, html_charset

        charsets = ["utf-8" if cpid == 65001 else f"cp{cpid}" if isinstance(cpid, int) and cpid else None,
                    html_charset(html)]  # the internet code page first (Apache POI's order), then <meta charset>
        item.html = decode_bytes(html.rstrip(b"\x00"), charsets)[0] or None
    elif isinstance(html, str) and html.strip("\x00"):
        item.html = html.strip("\x00")
    rtf = props.get(RTF_COMPRESSED)
    if not (item.body or "").strip() and not item.html and isinstance(rtf, bytes):
        item.body = rtf_text(decompress_rtf(rtf))
    if isinstance(props.get(TRANSPORT_HEADERS), str):
        item.transport_headers = props[TRANSPORT_HEADERS]
    if item.message_class.startswith("IPM.Contact"):
        item.extra_lines = [f"{label}: {clean(props[tag])}" for tag, label in CONTACT_FIELDS.items()
                            if clean(props.get(tag))]
    return item


def recipient_from_properties(props: dict[int, Any]) -> Recipient:
    kind = props.get(RECIPIENT_TYPE)
    name = clean(props.get(DISPLAY_NAME)) or ""
    smtp = clean(props.get(SMTP_ADDRESS)) or ""
    address = smtp if "@" in smtp else clean(props.get(EMAIL_ADDRESS)) or smtp
    return Recipient(int(kind) & 0xF if isinstance(kind, int) else 1, name.strip("'"), address)


def filetime(value: int) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=value // 10)
    except OverflowError:
        return None


def decompress_rtf(data: bytes) -> bytes:
    """MS-OXRTFCP compressed RTF (LZFu), or the raw RTF when stored uncompressed (MELA)."""
    if len(data) < 16:
        return b""
    raw_size, magic = struct.unpack_from("<I", data, 4)[0], data[8:12]
    if magic == b"MELA":
        return data[16 : 16 + raw_size]
    if magic != b"LZFu":
        return b""
    prebuf = (b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
              b"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
              b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx")
    window = bytearray(4096)
    window[: len(prebuf)] = prebuf
    write = len(prebuf)
    out = bytearray()
    pos, end = 16, len(data)
    while pos < end:
        control = data[pos]
        pos += 1
        for bit in range(8):
            if pos >= end:
                break
            if control & (1 << bit):
                if pos + 1 >= end:
                    break
                ref = (data[pos] << 8) | data[pos + 1]
                pos += 2
                offset, length = ref >> 4, (ref & 0xF) + 2
                if offset == write % 4096:
                    return bytes(out)
                for k in range(length):
                    byte = window[(offset + k) % 4096]
                    out.append(byte)
                    window[write % 4096] = byte
                    write += 1
            else:
                out.append(data[pos])
                window[write % 4096] = data[pos]
                write += 1
                pos += 1
        if len(out) > raw_size + 4096:
            break
    return bytes(out[:raw_size])


def rtf_text(rtf: bytes) -> str:
    from striprtf.striprtf import rtf_to_text

    try:
        return rtf_to_text(rtf.decode("latin-1"), errors="ignore").strip()
    except Exception:  # noqa: BLE001 - a damaged RTF body leaves the item without a body
        return ""


def clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = one_line(value.replace("\x00", ""))
    return text or None
