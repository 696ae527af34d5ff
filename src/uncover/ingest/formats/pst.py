"""Outlook PST/OST mailboxes, read with libpff (`pypff`): an optional dependency, LGPL-3.0-or-later,
installed with `pip install 'uncover[pst]'`. Without it a PST lands in the exception report as
unsupported, with that command and the readpst alternative in the message.

The mailbox becomes one ARCHIVE document (its folder tree with item counts), and every item in it
a child: e-mails, meetings, contacts, tasks and notes, each written out as an RFC 822 message
(`mapi.to_rfc822`) under its folder path (`Inbox/Projects/0003 Budget.eml`), so the folder is the
item's path in the case and the EML reader reads it, attachments and all, as it reads any e-mail.

libpff does not hand out an Outlook item attached to another (an embedded message): its property
heap is rebuilt here from the bytes libpff does give (`heap_properties`), which recovers its
headers and a body of up to a few kilobytes; its own attachments cannot be reached, and a warning
on the item says so.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import ExtractionError
from ...model import IssueCategory
from . import mapi
from .archive import MemberSink
from .base import Extraction, LostChild, ReadContext, display, require_content
from .email_common import decode_bytes

PST_MAGIC = b"!BDN"
INSTALL = "pip install 'uncover[pst]'"
_SEARCH_FOLDERS = ("SPAM Search Folder", "ItemProcSearch", "IPM_COMMON_VIEWS", "Search Root", "Finder")
_UNICODE, _STRING8, _BINARY, _TIME, _INT, _BOOL = 0x1F, 0x1E, 0x102, 0x40, 0x3, 0xB


class PstReader:
    name = "pst"
    extensions = (".pst", ".ost")

    def sniff(self, head: bytes, filename: str) -> float:
        if head.startswith(PST_MAGIC):
            return 0.95
        return 0.6 if filename.lower().endswith(self.extensions) else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        size = require_content(path, ctx)
        label = display(path, ctx)
        try:
            import pypff
        except ImportError:
            raise ExtractionError(
                f"{label} is an Outlook PST/OST mailbox; reading it needs the optional PST support ({INSTALL}), "
                "or convert it with readpst (`readpst -r -o OUTDIR FILE.pst`) and ingest OUTDIR.",
                IssueCategory.UNSUPPORTED) from None
        pst = pypff.file()
        try:
            pst.open(str(path))
        except OSError as exc:
            raise ExtractionError(f"{label} is not a readable PST/OST mailbox ({str(exc).splitlines()[0][:160]}); "
                                  "it is damaged or truncated: ask for it again, or repair it with scanpst.",
                                  IssueCategory.CORRUPT) from exc
        try:
            return MailboxReader(pst, MemberSink(label, size, ctx, "Outlook mailbox")).read()
        finally:
            pst.close()


class MailboxReader:
    def __init__(self, pst: Any, sink: MemberSink) -> None:
        self.pst = pst
        self.sink = sink
        self.tree: list[str] = []
        self.lost: list[LostChild] = []
        self.codepage = _codepage(pst)

    def read(self) -> Extraction:
        root = self.pst.get_root_folder()
        for folder, path, depth in self.folders(root):
            count = self.items(folder, path)
            self.tree.append(f"{'  ' * depth}{path.rsplit('/', 1)[-1]}: {count} item(s)")
        try:
            orphans = self.pst.number_of_orphan_items
        except OSError:
            orphans = 0
        if orphans:
            self.sink.warnings.append(f"{orphans} orphan item(s) (deleted, not in any folder) were not read")
        extraction = self.sink.extraction({"folders": str(len(self.tree)), "items": str(len(self.sink.children))})
        extraction.pages[0].text = "\n".join([f"Outlook mailbox {self.sink.label}: {len(self.sink.children)} item(s) "
                                              f"in {len(self.tree)} folder(s)", *self.tree])
        extraction.metadata["mime"] = "application/vnd.ms-outlook-pst"
        extraction.lost.extend(self.lost)
        return extraction

    def folders(self, folder: Any, path: str = "", depth: int = 0) -> Iterator[tuple[Any, str, int]]:
        if depth > 50:
            return
        try:
            subs = [folder.get_sub_folder(i) for i in range(folder.number_of_sub_folders)]
        except OSError as exc:
            self.sink.warnings.append(f"folder {path or '/'}: its sub-folders could not be read ({exc})")
            subs = []
        for sub in subs:
            name = _safe_name(_try(lambda s=sub: s.name) or "(unnamed folder)")
            if name.startswith(_SEARCH_FOLDERS) and not sub.number_of_sub_messages:
                continue
            sub_path = f"{path}/{name}" if path else name
            yield sub, sub_path, depth
            yield from self.folders(sub, sub_path, depth + 1)

    def items(self, folder: Any, path: str) -> int:
        try:
            total = folder.number_of_sub_messages
        except OSError:
            return 0
        written = 0
        for i in range(total):
            try:
                message = folder.get_sub_message(i)
                item = outlook_item(message, self.codepage, path, self.lost)
                data = mapi.to_rfc822(item)
            except Exception as exc:  # noqa: BLE001 - one damaged item must not lose the mailbox
                self.lost.append(LostChild(f"{path}/item {i + 1}", IssueCategory.CORRUPT,
                                           f"item {i + 1} of folder {path} could not be read from the mailbox "
                                           f"({str(exc).splitlines()[0][:120]}); repair the PST with scanpst and "
                                           "ingest it again"))
                continue
            name = f"{path}/{i + 1:04d} {_safe_name(item.subject or item.message_class)[:80]}.eml"
            self.sink.count(name, len(data))
            if self.sink.write(name, io.BytesIO(data).read) is not None:
                written += 1
        return written


def outlook_item(message: Any, codepage: str | None, folder: str, lost: list[LostChild]) -> mapi.OutlookItem:
    props = record_properties(message, codepage)
    item = mapi.item_from_properties(props, folder)
    item.body = _bytes_text(_try(lambda: message.plain_text_body), codepage) or item.body
    item.html = _bytes_text(_try(lambda: message.html_body), props.get(0x3FDE) and f"cp{props[0x3FDE]}" or codepage) or item.html
    if not item.body and not item.html:
        rtf = _try(lambda: message.rtf_body)
        if rtf:
            item.body = mapi.rtf_text(rtf)
    item.transport_headers = _try(lambda: message.transport_headers) or item.transport_headers
    item.recipients = list(recipients(message, codepage))
    for index in range(_try(lambda: message.number_of_attachments) or 0):
        try:
            attachment_of(message.get_attachment(index), codepage, item)
        except OSError as exc:
            why = str(exc).splitlines()[0][:100]
            item.extra_lines.append(f"[attachment {index + 1} could not be read: {why}]")
            lost.append(LostChild(f"{folder}/{item.subject or 'message'}: attachment {index + 1}", IssueCategory.CORRUPT,
                                  f"an attachment of {item.subject or 'a message'!r} in {folder} could not be read "
                                  f"from the mailbox ({why})"))
    return item


def record_properties(item: Any, codepage: str | None) -> dict[int, Any]:
    """A pypff item's first record set as {property id: value}."""
    props: dict[int, Any] = {}
    try:
        sets = [item.get_record_set(i) for i in range(item.number_of_record_sets)]
    except OSError:
        return props
    for record in sets[:1]:
        for entry in record.entries:
            try:
                props[entry.entry_type] = _entry_value(entry, codepage)
            except (OSError, ValueError, UnicodeDecodeError):
                continue
    return props


def _entry_value(entry: Any, codepage: str | None) -> Any:
    vtype = entry.value_type
    if vtype == _UNICODE:
        return entry.get_data_as_string()
    if vtype == _STRING8:
        raw = entry.data or b""
        return decode_bytes(raw.rstrip(b"\x00"), [codepage])[0]
    if vtype == _TIME:
        return entry.get_data_as_datetime()
    if vtype in (_INT, 0x2):
        return entry.get_data_as_integer()
    if vtype == _BOOL:
        return entry.get_data_as_boolean()
    return entry.data


def recipients(message: Any, codepage: str | None) -> Iterator[mapi.Recipient]:
    table = _try(lambda: message.recipients)
    if table is None:
        return
    for index in range(_try(lambda: table.number_of_record_sets) or 0):
        props: dict[int, Any] = {}
        try:
            for entry in table.get_record_set(index).entries:
                props[entry.entry_type] = _entry_value(entry, codepage)
        except OSError:
            continue
        yield mapi.recipient_from_properties(props)


def attachment_of(att: Any, codepage: str | None, item: mapi.OutlookItem) -> None:
    props = record_properties(att, codepage)
    method = props.get(mapi.ATTACH_METHOD)
    name = next((mapi.clean(props.get(t)) for t in (mapi.ATTACH_LONG_FILENAME, mapi.ATTACH_FILENAME, mapi.DISPLAY_NAME)
                 if mapi.clean(props.get(t))), None)
    size = _try(lambda: att.size) or 0
    data = att.read_buffer(size) if size else b""
    if method == 5:  # an attached Outlook item
        inner = embedded_item(data)
        title = name or inner.subject or "attached message"
        item.attachments.append(mapi.Attachment(_eml_name(title), b"", message=mapi.to_rfc822(inner)))
        return
    if method in (2, 3, 4, 7):
        item.extra_lines.append(f"[attachment {name or '(unnamed)'} is a link to a file stored elsewhere: "
                                "it is not in the mailbox]")
        return
    item.attachments.append(mapi.Attachment(name or f"attachment-{len(item.attachments) + 1:03d}.bin", data,
                                            mapi.clean(props.get(mapi.ATTACH_MIME)) or "application/octet-stream",
                                            mapi.clean(props.get(mapi.ATTACH_CONTENT_ID))))


def embedded_item(data: bytes) -> mapi.OutlookItem:
    item = mapi.item_from_properties(heap_properties(data))
    item.extra_lines.append("[uncover: this attached Outlook item was rebuilt from its properties; its own "
                            "attachments, and a body longer than a few kilobytes, could not be read from the PST]")
    return item


# -- the property heap of an attached item (MS-PST 2.3.1 heap-on-node, 2.3.2 BTH, 2.3.3 PC) ----------------
def heap_properties(data: bytes) -> dict[int, Any]:
    """Properties stored in a single-block property context; values kept in sub-nodes are skipped."""
    if len(data) < 12 or data[2:4] != b"\xec\xbc":
        return {}
    page_map = struct.unpack_from("<H", data, 0)[0]
    if page_map + 4 > len(data):
        return {}
    count = struct.unpack_from("<H", data, page_map)[0]
    offsets = struct.unpack_from(f"<{count + 1}H", data, page_map + 4) if page_map + 6 + 2 * count <= len(data) else ()

    def heap(hid: int) -> bytes | None:
        index = (hid >> 5) & 0x7FF
        if hid & 0x1F or hid >> 16 or not 0 < index <= count:
            return None
        return data[offsets[index - 1] : offsets[index]]

    header = heap(struct.unpack_from("<I", data, 4)[0])
    if not header or len(header) < 8 or header[0] != 0xB5 or header[3] != 0:
        return {}
    records = heap(struct.unpack_from("<I", header, 4)[0]) or b""
    props: dict[int, Any] = {}
    for offset in range(0, len(records) - 7, 8):
        tag, vtype, value = struct.unpack_from("<HHI", records, offset)
        if vtype in (_INT, _BOOL, 0x2):
            props[tag] = value if vtype != _BOOL else bool(value & 0xFF)
            continue
        raw = heap(value)
        if raw is None:
            continue
        if vtype == _UNICODE:
            props[tag] = raw.decode("utf-16-le", "replace").rstrip("\x00")
        elif vtype == _STRING8:
            props[tag] = decode_bytes(raw.rstrip(b"\x00"))[0]
        elif vtype == _TIME and len(raw) == 8:
            props[tag] = mapi.filetime(struct.unpack("<Q", raw)[0])
        else:
            props[tag] = raw
    return props


def _codepage(pst: Any) -> str | None:
    try:
        value = pst.ascii_codepage
    except (OSError, AttributeError):
        return None
    return value if isinstance(value, str) else f"cp{value}" if value else None


def _bytes_text(data: bytes | None, codepage: str | None) -> str | None:
    if not data:
        return None
    text, _ = decode_bytes(data.rstrip(b"\x00"), ["utf-8", codepage])
    return text or None


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .") or "_"


def _eml_name(title: str) -> str:
    name = _safe_name(title)[:100]
    return name if name.lower().endswith((".eml", ".msg")) else f"{name}.eml"


def _try(fn: Any) -> Any:
    try:
        return fn()
    except (OSError, ValueError, AttributeError):
        return None


READER = PstReader()
