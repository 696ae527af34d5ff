"""What every archive reader (TAR, 7z) shares with the ZIP reader: safe member paths and the bomb budget.

`MemberSink` writes the members of one archive into the scratch folder. It applies the same rules
as the ZIP reader, with the same `ctx.limits`, the same `_Expansion` counter and the expansion
budget of the top-level input (`ctx.expansion`: bytes, members, depth), so one budget covers all
archive formats and every nest of them: names that would escape the folder (absolute, `..`, drive letters) and
links are never written; bytes are counted while they stream, against the total, the overall
ratio and the member's own ratio where the format states a compressed size; the member count is
capped. `extraction()` turns the outcome into the archive's document, or into the error that says
why nothing could be kept (every member encrypted, hostile, unsupported or damaged).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import EncryptedError, ExtractionError, disk_full, is_disk_full
from ...model import DocumentKind, IssueCategory, TextSource
from .base import ChildFile, Extraction, PageText, ReadContext
from .zip import _Expansion, _inside, _unique_target, safe_member_path

CHUNK = 64 * 1024


@dataclass
class MemberSink:
    label: str  # the archive's name in the production, for messages
    archive_bytes: int
    ctx: ReadContext
    kind: str  # "TAR archive", "7z archive"
    members: int = 0
    children: list[ChildFile] = field(default_factory=list)
    listing: list[str] = field(default_factory=list)
    escaped: int = 0
    encrypted: int = 0
    unsupported: int = 0
    skipped: int = 0  # links, devices and other entries that are not files
    expansion: _Expansion = field(init=False)

    def __post_init__(self) -> None:
        budget = self.ctx.expansion(self.archive_bytes)
        budget.enter_archive(self.label)
        self.expansion = _Expansion(self.label, self.archive_bytes, self.ctx, budget)
        self.ctx.scratch.mkdir(parents=True, exist_ok=True)

    @property
    def warnings(self) -> list[str]:
        return self.expansion.warnings

    def count(self, name: str, size: int | None) -> None:
        """One more member (files, links, anything): capped like a ZIP's member count."""
        self.members += 1
        limit = self.ctx.limits.max_members
        if self.members > limit:
            raise ExtractionError(f"{self.label} has more than {limit:,} members: treated as an archive bomb; "
                                  "unpack it by hand if it is genuine.", IssueCategory.BOMB)
        self.listing.append(f"{name}\t{size:,} bytes" if size is not None else name)

    def skip_link(self, name: str, link_target: str) -> None:
        """A symbolic or hard link: never followed nor written; one that points outside is hostile."""
        if safe_member_path(link_target) is None or link_target.startswith(("/", "\\")):
            self.escaped += 1
            self.warnings.append(f"member {name!r} is a link to {link_target!r}, outside the archive: skipped")
        else:
            self.skipped += 1
            self.warnings.append(f"member {name!r} is a link to {link_target!r}: skipped (its target is kept)")

    def skip(self, name: str, why: str) -> None:
        self.skipped += 1
        self.warnings.append(f"member {name!r} {why}: skipped")

    def target(self, name: str) -> Path | None:
        """Where the member goes, or None (with a warning) when its name would escape the folder."""
        rel = safe_member_path(name)
        root = self.ctx.scratch
        if rel is None:
            self.escaped += 1
            self.warnings.append(f"member {name!r} would be written outside the archive's folder: skipped")
            return None
        target = _unique_target(root, rel)
        if not _inside(root, target):
            self.escaped += 1
            self.warnings.append(f"member {name!r} would be written through a link or file: skipped")
            return None
        return target

    def write(self, name: str, read: Callable[[int], bytes], compressed: int | None = None) -> ChildFile | None:
        """Stream one member through `read(n)` into its target, counting every chunk."""
        target = self.target(name)
        if target is None:
            return None
        writer = self.open(name, target, compressed)
        try:
            while chunk := read(CHUNK):
                writer.write(chunk)
        except BaseException:
            writer.discard()
            raise
        return writer.close()

    def open(self, name: str, target: Path, compressed: int | None = None) -> MemberWriter:
        self.expansion.budget.take_member(self.label, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        return MemberWriter(self, name, target, os.fdopen(os.open(target, flags, 0o600), "wb"), compressed)

    def extraction(self, metadata: dict[str, str] | None = None) -> Extraction:
        """The archive's own document (its listing), or the error when no member could be kept."""
        if self.escaped:
            self.warnings.insert(0, f"hostile archive: {self.escaped} member(s) tried to escape its folder and "
                                    "were not written")
        if not self.children:
            self._raise_nothing_kept()
        meta = {"members": str(self.members), **(metadata or {})}
        header = f"{self.kind} {self.label}: {self.members} member(s)"
        page = PageText("\n".join([header, *self.listing]), TextSource.NATIVE)
        return Extraction(DocumentKind.ARCHIVE, [page], meta, self.children, warnings=self.warnings)

    def _raise_nothing_kept(self) -> None:
        if self.members == 0:
            raise ExtractionError(f"{self.label} is a {self.kind} with no files in it.", IssueCategory.EMPTY)
        if self.encrypted and self.encrypted + self.skipped >= self.members:
            raise EncryptedError(f"{self.label}: every file in the {self.kind} is password-protected; "
                                 "ask for the password.")
        if self.escaped:
            raise ExtractionError(
                f"{self.label} is a hostile archive: its {self.escaped} member(s) try to escape its folder "
                "(absolute paths, '..' or links) and nothing else could be extracted.", IssueCategory.BOMB)
        if self.unsupported:
            raise ExtractionError(f"{self.label}: its members use a compression method uncover cannot read; "
                                  "ask for a ZIP.", IssueCategory.UNSUPPORTED)
        if self.skipped == self.members:
            raise ExtractionError(f"{self.label} is a {self.kind} holding only folders and links, no files.",
                                  IssueCategory.EMPTY)
        raise ExtractionError(f"{self.label}: no member of the {self.kind} could be extracted; ask the producer "
                              "to re-send it.", IssueCategory.CORRUPT)


@dataclass
class MemberWriter:
    """One member being written: every chunk goes through the archive's expansion budget."""

    sink: MemberSink
    name: str
    path: Path
    fh: object
    compressed: int | None
    written: int = 0

    def write(self, chunk: bytes) -> int:
        self.written += len(chunk)
        # without a compressed size (TAR, solid 7z) only the total and overall ratio apply
        self.sink.expansion.add(self.name, self.written if self.compressed else 0, self.compressed or 1, len(chunk))
        try:
            self.fh.write(chunk)  # type: ignore[attr-defined]
        except OSError as exc:  # the disk's problem, not the archive's: the item stays pending
            if is_disk_full(exc):
                self.discard()
                raise disk_full(str(self.sink.ctx.scratch)) from exc
            raise
        return len(chunk)

    def discard(self) -> None:
        self.fh.close()  # type: ignore[attr-defined]
        self.path.unlink(missing_ok=True)

    def close(self) -> ChildFile:
        self.fh.close()  # type: ignore[attr-defined]
        rel = self.path.relative_to(self.sink.ctx.scratch).as_posix()
        child = ChildFile(rel, self.path)
        self.sink.children.append(child)
        return child
