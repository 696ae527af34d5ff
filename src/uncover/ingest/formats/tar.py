"""TAR archives, plain or compressed (.tar, .tar.gz/.tgz, .tar.bz2, .tar.xz), and single files
compressed with gzip, bzip2 or xz (a lone `report.pdf.gz` becomes its one child, report.pdf).

Read with the standard library's `tarfile`, member by member as the archive streams, never with
`extractall`: each member goes through `MemberSink`, the same safe paths and bomb budget as the
ZIP reader. TAR archives carry links and device entries that ZIPs rarely do: none is followed or
written, and a link pointing outside the archive marks it hostile.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
from pathlib import Path

from ...errors import ExtractionError
from ...model import IssueCategory
from .archive import MemberSink
from .base import Extraction, ReadContext, display, require_content

GZIP, BZIP2, XZ = b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00"
_COMPRESSED = {".gz": gzip.open, ".tgz": gzip.open, ".bz2": bz2.open, ".tbz2": bz2.open, ".xz": lzma.open,
               ".txz": lzma.open}


def is_tar(head: bytes) -> bool:
    return len(head) > 262 and head[257:262] == b"ustar"


def compressor(head: bytes) -> str | None:
    if head.startswith(GZIP):
        return "gzip"
    if head.startswith(BZIP2) and head[3:4].isdigit():
        return "bzip2"
    if head.startswith(XZ):
        return "xz"
    return None


class TarReader:
    name = "tar"
    extensions = (".tar", ".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz", ".gz", ".bz2", ".xz")

    def sniff(self, head: bytes, filename: str) -> float:
        if is_tar(head):
            return 0.9
        if compressor(head):
            return 0.85
        return 0.3 if filename.lower().endswith((".tar", ".tgz", ".tar.gz")) else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        size = require_content(path, ctx)
        label = display(path, ctx)
        with open(path, "rb") as fh:
            head = fh.read(512)
        sink = MemberSink(label, size, ctx, "TAR archive")
        try:
            tf = tarfile.open(path, "r:*")
        except tarfile.ReadError as exc:
            codec = compressor(head)
            if codec and not is_tar(head):
                return self._single_file(path, label, codec, size, ctx)
            raise ExtractionError(f"{label} is not a readable TAR archive ({exc}): it is truncated or damaged; "
                                  "ask the producer to re-send it.", IssueCategory.CORRUPT) from exc
        except (EOFError, OSError, lzma.LZMAError, ValueError) as exc:
            raise ExtractionError(f"{label} is a damaged compressed archive ({exc}); ask the producer to re-send it.",
                                  IssueCategory.CORRUPT) from exc
        with tf:
            try:
                self._members(tf, sink)
            except (tarfile.TarError, EOFError, OSError, lzma.LZMAError, zlib_error()) as exc:
                sink.warnings.append(f"the archive is damaged after {sink.members} member(s) ({exc}): the rest "
                                     "could not be read")
        return sink.extraction({"compression": compressor(head) or "none"})

    def _members(self, tf: tarfile.TarFile, sink: MemberSink) -> None:
        while (member := tf.next()) is not None:
            name = member.name
            if member.isdir():
                continue
            sink.count(name, member.size if member.isfile() else None)
            if member.issym() or member.islnk():
                sink.skip_link(name, member.linkname)
            elif not member.isfile():
                sink.skip(name, "is a device, pipe or other special entry, not a file")
            elif member.sparse is not None:
                sink.skip(name, "is a sparse file, which uncover does not expand")
            else:
                src = tf.extractfile(member)
                if src is None:
                    sink.skip(name, "has no data")
                    continue
                with src:
                    sink.write(name, src.read)

    def _single_file(self, path: Path, label: str, codec: str, size: int, ctx: ReadContext) -> Extraction:
        """`x.pdf.gz`: its one child, named without the compression extension."""
        sink = MemberSink(label, size, ctx, f"{codec} file")
        stem = Path(label.rsplit("/", 1)[-1])
        inner = stem.stem if stem.suffix.lower() in _COMPRESSED else f"{stem.name}.out"
        if stem.suffix.lower() in (".tgz", ".tbz2", ".txz"):
            inner += ".tar"
        opener = {"gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}[codec]
        sink.count(inner, None)
        try:
            with opener(path, "rb") as src:
                sink.write(inner, src.read)
        except (EOFError, OSError, lzma.LZMAError, zlib_error()) as exc:
            raise ExtractionError(f"{label} is a damaged {codec} file ({exc}); ask the producer to re-send it.",
                                  IssueCategory.CORRUPT) from exc
        return sink.extraction({"compression": codec})


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


READER = TarReader()
