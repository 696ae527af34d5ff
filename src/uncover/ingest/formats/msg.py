"""Outlook .msg files (OLE compound files), read with olefile (BSD) and MS-OXMSG's layout.

An MSG file is an Outlook item's MAPI properties as OLE streams: `__substg1.0_IIIITTTT` holds the
variable-length property IIII of type TTTT, `__properties_version1.0` the fixed-length ones, and
`__recip_version1.0_#N` / `__attach_version1.0_#N` storages the recipient and attachment tables; an
attached Outlook item is a storage of the same layout. The properties become an `OutlookItem`
(shared with the PST reader), rendered as RFC 822 and read by the EML reader, so a .msg and an
.eml of the same message give the same document: header block, bodies, attachments as children.
An attached Outlook item is written out as an .eml child and read in turn.

This reader replaced extract-msg, which is GPL-3.0 (uncover is Apache-2.0); `bench/msg_readers.py`
compares the two on the MSG fixtures. MSG files written by non-Unicode Outlook store 8-bit strings
in a code page the file does not always state (PR_MESSAGE_CODEPAGE missing): the locale or the
internet code page then tells it, as Apache POI does. Encrypted (S/MIME) and rights-protected
messages become documents with their headers and a warning that the body is encrypted.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from ...errors import ExtractionError
from ...model import IssueCategory
from . import mapi
from .base import Extraction, LostChild, ReadContext, display
from .email_common import decode_bytes, read_checked

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MSG_STREAM = "__substg1.0_".encode("utf-16-le")  # MSG property streams, named in the OLE directory
PROPERTIES = "__properties_version1.0"
# Windows locale -> ANSI code page, for files that name only their locale (PR_MESSAGE_LOCALE_ID)
_LOCALE_CODEPAGES = {
    1025: "cp1256", 1028: "cp950", 1029: "cp1250", 1032: "cp1253", 1037: "cp1255", 1038: "cp1250",
    1041: "cp932", 1042: "cp949", 1045: "cp1250", 1049: "cp1251", 1050: "cp1250", 1051: "cp1250",
    1054: "cp874", 1055: "cp1254", 1058: "cp1251", 1060: "cp1250", 1061: "cp1257", 1062: "cp1257",
    1063: "cp1257", 1066: "cp1258", 2052: "gb18030", 3076: "cp950", 4100: "gb18030",
}
_ENCRYPTED_CLASSES = ("IPM.Note.SMIME", "IPM.Note.Secure", "IPM.Note.rpmsg")
_FIXED = {0x2: 2, 0x3: 4, 0x4: 4, 0x5: 8, 0x6: 8, 0x7: 8, 0xA: 4, 0xB: 2, 0x14: 8, 0x40: 8}
MAX_DEPTH = 20  # attached items inside attached items


class MsgReader:
    name = "msg"
    extensions = (".msg",)

    def sniff(self, head: bytes, filename: str) -> float:
        if not head.startswith(OLE_MAGIC):
            return 0.0
        # Other OLE files are Office documents; a .msg name or MSG property streams say Outlook item
        return 0.95 if filename.lower().endswith(".msg") or _MSG_STREAM in head else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        import olefile

        name = display(path, ctx)
        data = read_checked(path, ctx, "Outlook message")
        if not data.startswith(OLE_MAGIC):
            raise ExtractionError(f"{name}: not an Outlook .msg file (no OLE signature); check its real type",
                                  IssueCategory.CORRUPT)
        try:
            ole = olefile.OleFileIO(data)
        except Exception as exc:  # noqa: BLE001 - olefile raises many kinds on damaged files
            raise ExtractionError(f"{name}: the Outlook message cannot be read ({type(exc).__name__}: {exc}); "
                                  "open it in Outlook to check it, or ask for it again", IssueCategory.CORRUPT) from exc
        with ole:
            message = OleMessage(ole, name)
            try:
                item = message.item([])
                rendered = mapi.to_rfc822(item)
            except ExtractionError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise ExtractionError(f"{name}: the Outlook message cannot be read ({type(exc).__name__}: {exc}); "
                                      "open it in Outlook to check it, or ask for it again",
                                      IssueCategory.CORRUPT) from exc
        from .eml import read_message

        warnings = list(message.warnings)
        extraction = read_message(rendered, ctx, name, warnings)
        extraction.lost.extend(message.lost)
        meta = extraction.metadata
        meta["mime"] = "application/vnd.ms-outlook"
        meta["message_class"] = item.message_class
        for key in ("thread_topic",):
            if getattr(item, key):
                meta[key] = getattr(item, key)
        protected = any(c.name.lower() == "message.rpmsg" for c in extraction.children)
        if protected or (item.message_class.startswith(_ENCRYPTED_CLASSES) and "MultipartSigned" not in item.message_class):
            meta["encrypted"] = "S/MIME" if "SMIME" in item.message_class else "rights management"
            extraction.warnings.append(f"the body is encrypted ({meta['encrypted']}): only the headers could be "
                                       "read; ask the producer for a decrypted copy")
        return extraction


class OleMessage:
    """The properties of one MSG file, its recipients, attachments and attached items."""

    def __init__(self, ole: Any, name: str) -> None:
        self.ole = ole
        self.name = name
        self.warnings: list[str] = []
        self.lost: list[LostChild] = []
        self.entries = [tuple(e) for e in ole.listdir(streams=True, storages=True)]
        self.under: dict[tuple[str, ...], list[str]] = {}  # storage -> the names directly inside it
        for entry in self.entries:
            for depth in range(len(entry)):
                names = self.under.setdefault(entry[:depth], [])
                if not names or names[-1] != entry[depth]:
                    names.append(entry[depth])
        self.codepage: str | None = None

    def item(self, prefix: list[str], depth: int = 0) -> mapi.OutlookItem:
        props = self.properties(prefix, top=not prefix)
        if not prefix:
            self.codepage = self.choose_codepage(props)
            props = self.properties(prefix, top=True)  # 8-bit strings again, in the right code page
        item = mapi.item_from_properties(props)
        item.recipients = [mapi.recipient_from_properties(self.properties(storage))
                           for storage in self.children(prefix, "__recip_version1.0_")]
        for storage in self.children(prefix, "__attach_version1.0_"):
            try:
                self.attachment(storage, item, depth)
            except Exception as exc:  # noqa: BLE001 - one bad attachment must not lose the message
                self.lose(storage[-1], IssueCategory.CORRUPT,
                          f"could not be read ({type(exc).__name__}: {str(exc)[:120]})")
        return item

    def lose(self, name: str, category: IssueCategory, why: str) -> None:
        if name.startswith("__attach_version1.0_#"):  # no name of its own: its place in the message
            name = f"attachment {int(name.rsplit('#', 1)[-1], 16) + 1}"
        self.lost.append(LostChild(name, category, f"{self.name}: {name} {why}"))

    def children(self, prefix: list[str], kind: str) -> list[list[str]]:
        names = sorted({n for n in self.under.get(tuple(prefix), ()) if n.startswith(kind)})
        return [[*prefix, n] for n in names]

    def properties(self, prefix: list[str], top: bool = False) -> dict[int, Any]:
        """Every property of a storage: fixed ones from the properties stream, the others from streams."""
        props: dict[int, Any] = {}
        raw = self.stream([*prefix, PROPERTIES])
        if raw:
            header = 32 if top else (24 if self.is_embedded(prefix) else 8)
            for offset in range(header, len(raw) - 15, 16):
                tag, _flags, value = struct.unpack_from("<II8s", raw, offset)
                ptype, pid = tag & 0xFFFF, tag >> 16
                if ptype in _FIXED:
                    props[pid] = _fixed(ptype, value)
        for name in set(self.under.get(tuple(prefix), ())):
            if not name.startswith("__substg1.0_"):
                continue
            entry = (*prefix, name)
            code = name[12:20]
            try:
                pid, ptype = int(code[:4], 16), int(code[4:], 16)
            except ValueError:
                continue
            if ptype not in (0x1F, 0x1E, 0x102):
                continue
            data = self.stream(list(entry))
            if data is None:
                continue
            if ptype == 0x1F:
                props[pid] = data.decode("utf-16-le", "replace").rstrip("\x00")
            elif ptype == 0x1E and pid != mapi.HTML:  # 8-bit HTML is decoded by its internet code page
                props[pid] = decode_bytes(data.rstrip(b"\x00"), [self.codepage])[0]
            else:
                props[pid] = data
        return props

    def is_embedded(self, prefix: list[str]) -> bool:
        return bool(prefix) and prefix[-1].startswith("__substg1.0_3701000D")

    def stream(self, path: list[str]) -> bytes | None:
        """A stream's bytes, found through each storage's name index (olefile's own look-up scans
        every sibling: quadratic on a message with thousands of recipients)."""
        node = self.ole.root
        try:
            for name in path:
                node = node.kids_dict[name.lower()]
            if node.entry_type != 2:  # STGTY_STREAM
                return None
            return self.ole._open(node.isectStart, node.size).read()
        except Exception:  # noqa: BLE001 - a damaged or absent stream is a missing property
            return None

    def choose_codepage(self, props: dict[int, Any]) -> str | None:
        """PR_MESSAGE_CODEPAGE; else the locale's ANSI code page or the internet code page, whichever
        decodes the 8-bit strings (Apache POI's guess7BitEncoding reads the same properties)."""
        stated = props.get(mapi.MESSAGE_CODEPAGE)
        if isinstance(stated, int) and stated:
            return "utf-8" if stated == 65001 else f"cp{stated}"
        sample = b"".join(self.stream([f"__substg1.0_{tag}001E"]) or b"" for tag in ("0037", "0C1A", "1000", "0E04"))
        candidates = []
        locale = props.get(mapi.LOCALE_ID)
        if isinstance(locale, int) and locale:
            candidates.append(_LOCALE_CODEPAGES.get(locale, "cp1252"))
        cpid = props.get(mapi.INTERNET_CPID)
        if isinstance(cpid, int) and cpid:
            candidates.append("utf-8" if cpid == 65001 else f"cp{cpid}")
        for codec in candidates:
            try:
                sample.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
            return codec
        return None

    def attachment(self, storage: list[str], item: mapi.OutlookItem, depth: int) -> None:
        props = self.properties(storage)
        method = props.get(mapi.ATTACH_METHOD)
        name = next((mapi.clean(props.get(t)) for t in (mapi.ATTACH_LONG_FILENAME, mapi.ATTACH_FILENAME,
                                                          mapi.DISPLAY_NAME) if mapi.clean(props.get(t))), None)
        embedded = [*storage, "__substg1.0_3701000D"]
        if tuple(embedded) in self.under:
            if depth >= MAX_DEPTH:
                self.lose(name or storage[-1], IssueCategory.BOMB, f"is an Outlook item nested more than {MAX_DEPTH} "
                          "deep: not read")
                return
            inner = self.item(embedded, depth + 1)
            title = name or inner.subject or "attached message"
            file_name = title if title.lower().endswith(".eml") else f"{title.removesuffix('.msg')}.eml"
            item.attachments.append(mapi.Attachment(file_name, b"", message=mapi.to_rfc822(inner)))
            return
        if method in (2, 3, 4, 7):
            self.lose(name or storage[-1], IssueCategory.MISSING, "is a link to a file stored elsewhere: it is not in "
                      "the message; ask the producer for the linked file")
            return
        data = props.get(0x3701)
        if not isinstance(data, bytes):
            if method == 6:  # an OLE object (a picture pasted into the body) stored as a storage
                self.lose(name or storage[-1], IssueCategory.UNSUPPORTED, "is an embedded OLE object, which uncover "
                          "does not extract; open the message in Outlook to see it")
            else:
                self.lose(name or storage[-1], IssueCategory.CORRUPT, "has no data that could be read")
            return
        item.attachments.append(mapi.Attachment(name or f"attachment-{len(item.attachments) + 1:03d}.bin", data,
                                                mapi.clean(props.get(mapi.ATTACH_MIME)) or "application/octet-stream",
                                                mapi.clean(props.get(mapi.ATTACH_CONTENT_ID))))


def _fixed(ptype: int, value: bytes) -> Any:
    if ptype == 0x40:
        return mapi.filetime(struct.unpack("<Q", value)[0])
    if ptype == 0xB:
        return bool(value[0])
    if ptype == 0x2:
        return struct.unpack_from("<h", value)[0]
    if ptype in (0x3, 0xA):
        return struct.unpack_from("<i", value)[0]
    if ptype == 0x14:
        return struct.unpack_from("<q", value)[0]
    return value


READER = MsgReader()
