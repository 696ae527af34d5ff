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

import email.utils
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser, HeaderParser
from email.policy import SMTP

from .email_common import format_address, one_line

# PidTag ids (MS-OXPROPS)
SUBJECT, MESSAGE_CLASS, SENDER_NAME, SENT_REPRESENTING_NAME = 0x0037, 0x001A, 0x0C1A, 0x0042
SENDER_SMTP, SENDER_EMAIL, SENT_REPRESENTING_EMAIL = 0x5D01, 0x0C1F, 0x0065
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
_MIME_HEADERS = ("content-type", "content-transfer-encoding", "mime-version", "content-disposition")


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
    received = HeaderParser().parsestr(item.transport_headers, headersonly=True) if item.transport_headers else None
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
