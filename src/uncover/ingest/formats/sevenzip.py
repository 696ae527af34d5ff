"""7-Zip archives (.7z), read with py7zr: an optional dependency (LGPL-2.1-or-later), installed with
`pip install 'uncover[7z]'`. Without it a 7z file lands in the exception report as unsupported,
with that command in the message.

py7zr decompresses into writer objects that this module supplies, so every byte goes through
`MemberSink`: the same safe paths and bomb budget as the ZIP reader (links are never written, the
expansion is counted while it streams). 7z archives are usually solid, one compressed stream for
many files, so only the total and the overall ratio apply, not a member's own ratio.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ...errors import EncryptedError, ExtractionError
from ...model import IssueCategory
from .archive import MemberSink, MemberWriter
from .base import Extraction, ReadContext, display, extension_score, require_content

SEVENZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
INSTALL = "pip install 'uncover[7z]'"


class _Discard:
    """Where a member that is not written goes (links, unsafe names): counted, then dropped."""

    def __init__(self, sink: MemberSink, name: str) -> None:
        self.sink, self.name = sink, name
        self.head = b""  # a link's target is its data: the first bytes are kept to judge it

    def write(self, s: bytes | bytearray) -> int:
        self.sink.expansion.add(self.name, 0, 1, len(s))
        if len(self.head) < 1024:
            self.head += bytes(s[: 1024 - len(self.head)])
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return 0

    def close(self) -> None:
        pass


class _SinkWriter:
    """A py7zr writer over one member's MemberWriter."""

    def __init__(self, writer: MemberWriter) -> None:
        self.writer = writer
        self.closed = False

    def write(self, s: bytes | bytearray) -> int:
        return self.writer.write(bytes(s))

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.writer.written

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self.writer.written

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.writer.close()


def _factory(sink: MemberSink, skip: set[str]) -> Any:
    from py7zr.io import WriterFactory

    class Factory(WriterFactory):
        def __init__(self) -> None:
            self.open: list[_SinkWriter] = []
            self.links: dict[str, _Discard] = {}

        def create(self, filename: str) -> Any:
            if filename in skip:
                self.links[filename] = _Discard(sink, filename)
                return self.links[filename]
            target = sink.target(filename)
            if target is None:
                return _Discard(sink, filename)
            writer = _SinkWriter(sink.open(filename, target))
            self.open.append(writer)
            return writer

    return Factory()


class SevenZipReader:
    name = "7z"
    extensions = (".7z",)

    def sniff(self, head: bytes, filename: str) -> float:
        if head.startswith(SEVENZIP_MAGIC):
            return 0.95
        return extension_score(filename, self.extensions, 0.4)

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        size = require_content(path, ctx)
        label = display(path, ctx)
        try:
            import py7zr
        except ImportError:
            raise ExtractionError(f"{label} is a 7-Zip archive; reading it needs the optional 7z support "
                                  f"({INSTALL}), or unpack it by hand and ingest the folder.",
                                  IssueCategory.UNSUPPORTED) from None
        try:
            archive = py7zr.SevenZipFile(path, mode="r")
        except py7zr.PasswordRequired as exc:
            raise EncryptedError(f"{label}: the 7-Zip archive's file list is password-protected; "
                                 "ask for the password.") from exc
        except (py7zr.Bad7zFile, EOFError, OSError, ValueError, KeyError, IndexError) as exc:
            hint = " (it looks like one part of a split archive: ingest all parts joined)" if ".7z.0" in label else ""
            raise ExtractionError(f"{label} is not a readable 7-Zip archive ({exc}){hint}; ask the producer to "
                                  "re-send it.", IssueCategory.CORRUPT) from exc
        with archive:
            return self._read_archive(archive, size, label, ctx)

    def _read_archive(self, archive: Any, size: int, label: str, ctx: ReadContext) -> Extraction:
        import py7zr

        sink = MemberSink(label, size, ctx, "7z archive")
        files = [f for f in archive.files if not f.is_directory]
        skip: set[str] = set()
        declared = 0
        for f in files:
            sink.count(f.filename, f.uncompressed if not f.is_symlink else None)
            declared += f.uncompressed or 0
            if f.is_symlink:
                skip.add(f.filename)
        if declared > ctx.limits.max_expanded_bytes:
            raise ExtractionError(f"{label} declares {declared:,} bytes when expanded, over the limit of "
                                  f"{ctx.limits.max_expanded_bytes:,}: treated as an archive bomb.", IssueCategory.BOMB)
        if archive.needs_password():
            sink.encrypted = len(files) - len(skip)
            sink.skipped += len(skip)
            return sink.extraction()
        factory = _factory(sink, skip)
        try:
            archive.extract(factory=factory)
        except ExtractionError:
            raise
        except py7zr.exceptions.UnsupportedCompressionMethodError as exc:
            sink.unsupported = len(files)
            sink.warnings.append(f"compression method not supported ({exc})")
        except (py7zr.Bad7zFile, py7zr.exceptions.CrcError, EOFError, OSError, ValueError, KeyError, io.UnsupportedOperation,
                LookupError) as exc:
            sink.warnings.append(f"the archive is damaged ({type(exc).__name__}: {exc}): files after the damage "
                                 "could not be read")
        for writer in factory.open:  # py7zr closes most; a member cut short by damage is kept as far as read
            writer.close()
        for name in sorted(skip):
            link = factory.links.get(name)
            sink.skip_link(name, link.head.decode("utf-8", "replace") if link else "/")
        return sink.extraction()


READER = SevenZipReader()
