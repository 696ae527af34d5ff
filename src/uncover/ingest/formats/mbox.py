"""Unix mbox mailboxes: a container whose messages each become a child .eml (read by the EML reader).

The file is streamed line by line, so a mailbox of any size needs memory for one header block at a
time. A message starts at a `From ` line that looks like an envelope (`From sender date`) at the
start of the file or after a blank line, or at any line that is unmistakably one (`From x Mon Jun
01 10:00:00 2009`). Lines quoted as `>From ` (mboxrd/mboxo) lose one `>` when written out.

The mailbox's one page lists its messages, one line each (number, date, sender, subject), so a
search for a subject finds the mailbox too.
"""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import BinaryIO

from ...errors import ExtractionError
from ...model import DocumentKind, IssueCategory, TextSource
from .base import ChildFile, Extraction, PageText, ReadContext, display, require_content
from .email_common import ChildWriter, clean_text, one_line
from .eml import COMPAT, addresses, charset_hint, header

_ENVELOPE = re.compile(rb"^From \S+.*(\d{1,2}:\d{2}|\d{4})")
_STRICT_ENVELOPE = re.compile(
    rb"^From \S+\s+(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} "
    rb"\d{1,2}:\d{2}(:\d{2})? .*\d{4}")
_QUOTED_FROM = re.compile(rb"^>(>*From )")
_MAX_HEADER_BYTES = 256 * 1024


class MboxReader:
    name = "mbox"
    extensions = (".mbox", ".mbx")

    def sniff(self, head: bytes, filename: str) -> float:
        named = filename.lower().endswith(self.extensions)
        first = head.lstrip(b"\r\n").split(b"\n", 1)[0]
        if _ENVELOPE.match(first):
            return 0.95 if named else 0.9
        if first.startswith(b"From "):
            return 0.6
        return 0.6 if named else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        name = display(path, ctx)
        require_content(path, ctx, "mailbox")
        writer = ChildWriter(ctx.scratch)
        splitter = MboxSplitter(writer, ctx.limits.max_members, name)
        with open(path, "rb") as fh:
            splitter.split(fh)
        if not splitter.children:
            raise ExtractionError(f"{name}: the mailbox holds only blank lines; ask the producer for the file "
                                  "again", IssueCategory.EMPTY)
        listing = "\n".join(splitter.listing)
        count = len(splitter.children)
        text = f"Mailbox {name}: {count} message{'s' if count != 1 else ''}\n\n{listing}"
        return Extraction(
            kind=DocumentKind.ARCHIVE,
            pages=[PageText(text, TextSource.NATIVE)],
            metadata={"mime": "application/mbox", "messages": str(count)},
            children=splitter.children,
            warnings=splitter.warnings,
        )


class MboxSplitter:
    """Writes each message of a mailbox to its own file as the lines stream past."""

    def __init__(self, writer: ChildWriter, max_messages: int, name: str) -> None:
        self.writer = writer
        self.max_messages = max_messages
        self.name = name
        self.children: list[ChildFile] = []
        self.listing: list[str] = []
        self.warnings: list[str] = []
        self.out: BinaryIO | None = None
        self.head: list[bytes] = []
        self.head_done = False
        self.head_bytes = 0

    def split(self, fh: BinaryIO) -> None:
        previous_blank = True
        for line in fh:
            bare = line.rstrip(b"\r\n")
            if self.is_separator(bare, previous_blank):
                self.start()
            elif self.out is not None:
                self.write(_QUOTED_FROM.sub(rb"\1", line, count=1))
            elif bare.strip():
                self.warnings.append("the mailbox does not begin with a 'From ' line: "
                                     "the text before the first one was kept as a message")
                self.start()
                self.write(line)
            previous_blank = not bare.strip()
        self.finish()

    def is_separator(self, bare: bytes, previous_blank: bool) -> bool:
        if not bare.startswith(b"From "):
            return False
        return bool(_STRICT_ENVELOPE.match(bare) or (previous_blank and _ENVELOPE.match(bare)))

    def start(self) -> None:
        self.finish()
        if len(self.children) >= self.max_messages:
            raise ExtractionError(
                f"{self.name}: the mailbox holds more than {self.max_messages:,} messages; split it "
                "(for example with formail) or raise the member limit", IssueCategory.TOO_LARGE)
        number = len(self.children) + 1
        child = self.writer.reserve(f"message-{number:05d}.eml")
        self.children.append(child)
        self.out = open(child.path, "xb")
        self.head, self.head_done, self.head_bytes = [], False, 0

    def write(self, line: bytes) -> None:
        assert self.out is not None
        self.out.write(line)
        if not self.head_done:
            if not line.strip(b"\r\n") and self.head_bytes:
                self.head_done = True
            elif self.head_bytes < _MAX_HEADER_BYTES:
                self.head.append(line)
                self.head_bytes += len(line)

    def finish(self) -> None:
        if self.out is None:
            return
        self.out.close()
        self.out = None
        self.listing.append(self.describe(len(self.children)))

    def describe(self, number: int) -> str:
        """One line of the listing: number, date, sender and subject from the message's headers."""
        try:
            msg = BytesHeaderParser(policy=COMPAT).parsebytes(b"".join(self.head))
            hint = charset_hint(msg)
            fields = [header(msg, "Date", hint, raw=True), addresses(msg, "From", hint), header(msg, "Subject", hint)]
        except Exception:  # headers too broken to list: the message itself is still written
            fields = []
        return f"{number:05d}  " + "  |  ".join(clean_text(one_line(f or "")) or "-" for f in fields or ["", "", ""])


READER = MboxReader()
