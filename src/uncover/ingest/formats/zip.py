"""ZIP containers: every member becomes a child file written into the scratch folder.

A production ZIP is untrusted input, and the two classic attacks are the point of this module:

- *Zip slip*: a member named `../../etc/cron.d/x`, `/etc/x`, `C:\\x` or a symlink entry that makes a
  later member land outside the work area. Names are normalized component by component; anything
  absolute, with a drive, with `..`, or a symlink entry is not written (a warning says so), and the
  final path is checked to lie inside the scratch folder and opened with O_NOFOLLOW|O_EXCL.
- *Zip bombs*: expansion is capped by `ctx.limits` (ratio, per member and per archive) and by the
  expansion budget of the top-level input (`ctx.expansion`: bytes, members and depth summed over
  every archive nested in it), first on the sizes the archive declares, then on the bytes actually
  produced while streaming, because the declared sizes are written by the attacker.

Members are not read here: each child goes back through the pipeline with what is left of the
budget, so a nested archive is checked by its own read at its own level and by the whole nest's.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ...errors import EncryptedError, ExtractionError, disk_full, is_disk_full
from ...model import DocumentKind, IssueCategory, TextSource
from .base import (
    RATIO_FLOOR,
    ChildFile,
    ExpansionBudget,
    Extraction,
    PageText,
    ReadContext,
    display,
    require_content,
)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# ZIP-based formats that have (or ought to have) their own reader: the archive reader defers.
PACKAGE_EXTENSIONS = (
    ".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xlam",
    ".pptx", ".pptm", ".potx", ".potm", ".ppsx", ".ppsm", ".odt", ".ods", ".odp", ".odg", ".epub",
    ".jar", ".apk", ".xps", ".oxps", ".vsdx",
)
CHUNK = 64 * 1024
MAX_COMPONENT = 200  # bytes per path component: well under every file system's limit
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def ooxml_part_prefix(head: bytes) -> str | None:
    """'word', 'xl' or 'ppt' when the first ZIP entries are those of an Office Open XML package."""
    if not is_zip(head) or b"[Content_Types].xml" not in head and b"_rels/.rels" not in head:
        return None
    for prefix in ("word", "xl", "ppt"):
        if f"{prefix}/".encode() in head:
            return prefix
    return None


def check_declared_expansion(
    zf: zipfile.ZipFile, archive_bytes: int, label: str, ctx: ReadContext, per_member: bool = True
) -> None:
    """Refuse an archive (or an Office package) whose declared sizes already exceed the limits.

    Office packages pass per_member=False: their metafile and bitmap images legitimately expand
    several hundred times, and the package's total size is what reaches memory.
    """
    limits = ctx.limits
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise ExtractionError(
            f"{label} has {len(infos)} members, over the limit of {limits.max_members}: "
            "treated as a zip bomb; unpack it by hand if it is genuine.",
            IssueCategory.BOMB,
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_expanded_bytes:
        raise ExtractionError(
            f"{label} declares {total:,} bytes when expanded, over the limit of "
            f"{limits.max_expanded_bytes:,}: treated as a zip bomb.",
            IssueCategory.BOMB,
        )
    if total > RATIO_FLOOR and total / max(archive_bytes, 1) > limits.max_expansion_ratio:
        raise ExtractionError(
            f"{label} expands {total / max(archive_bytes, 1):,.0f} times its size (limit "
            f"{limits.max_expansion_ratio:,.0f}): treated as a zip bomb.",
            IssueCategory.BOMB,
        )
    for info in infos if per_member else ():
        if info.file_size > RATIO_FLOOR and info.file_size / max(info.compress_size, 1) > limits.max_expansion_ratio:
            raise ExtractionError(
                f"{label}: member {info.filename!r} expands {info.file_size / max(info.compress_size, 1):,.0f} "
                f"times (limit {limits.max_expansion_ratio:,.0f}): treated as a zip bomb.",
                IssueCategory.BOMB,
            )


def check_declared_budget(members: list[zipfile.ZipInfo], label: str, budget: ExpansionBudget) -> None:
    """Refuse at once an archive whose declared members or sizes exceed what its top-level input has left."""
    if len(members) > budget.members_left:
        raise ExtractionError(
            f"{label} has {len(members):,} members, more than the {max(budget.members_left, 0):,} its top-level "
            "file has left: treated as a zip bomb; unpack it by hand if it is genuine.", IssueCategory.BOMB)
    declared = sum(info.file_size for info in members)
    if declared > budget.bytes_left:
        raise ExtractionError(
            f"{label} declares {declared:,} bytes when expanded, more than the {max(budget.bytes_left, 0):,} its "
            "top-level file has left: treated as a zip bomb.", IssueCategory.BOMB)


def safe_member_path(name: str) -> PurePosixPath | None:
    """A relative, normalized path for a member name; None when the name tries to escape."""
    name = name.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return None
    parts = []
    for part in name.split("/"):
        part = _CONTROL.sub("", part).strip()
        if part in ("", "."):
            continue
        if part == ".." or _DRIVE.match(part):
            return None
        encoded = part.encode("utf-8", "surrogatepass")
        if len(encoded) > MAX_COMPONENT:
            stem, dot, ext = part.rpartition(".")
            ext = ext if dot and len(ext) <= 16 else ""
            part = encoded[: MAX_COMPONENT - len(ext) - 1].decode("utf-8", "ignore") + ("." + ext if ext else "")
        parts.append(part)
    return PurePosixPath(*parts) if parts else None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


@dataclass
class _Expansion:
    """Bytes produced so far, checked against the limits on every chunk: this archive's own and
    the budget of the top-level input it came from."""

    label: str
    archive_bytes: int
    ctx: ReadContext
    budget: ExpansionBudget
    total: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(self, member: str, member_total: int, member_compressed: int, size: int) -> None:
        self.total += size
        self.budget.take_bytes(self.label, member, size)
        limits = self.ctx.limits
        if self.total > limits.max_expanded_bytes:
            raise ExtractionError(
                f"{self.label} expanded past {limits.max_expanded_bytes:,} bytes (at member {member!r}): "
                "treated as a zip bomb; nothing from it was kept.",
                IssueCategory.BOMB,
            )
        ratio = limits.max_expansion_ratio
        if self.total > RATIO_FLOOR and self.total / max(self.archive_bytes, 1) > ratio:
            raise ExtractionError(
                f"{self.label} expanded more than {ratio:,.0f} times its size (at member {member!r}): "
                "treated as a zip bomb; nothing from it was kept.",
                IssueCategory.BOMB,
            )
        if member_total > RATIO_FLOOR and member_total / max(member_compressed, 1) > ratio:
            raise ExtractionError(
                f"{self.label}: member {member!r} expanded more than {ratio:,.0f} times its compressed "
                "size: treated as a zip bomb; nothing from it was kept.",
                IssueCategory.BOMB,
            )


def _unique_target(root: Path, rel: PurePosixPath) -> Path:
    target = root.joinpath(*rel.parts)
    n = 2
    while target.exists() or target.is_symlink():
        target = target.with_name(f"{rel.stem} ({n}){rel.suffix}")
        n += 1
    return target


def _inside(root: Path, target: Path) -> bool:
    """True when every folder from root to target is a real folder (no links) inside root."""
    current = root
    for part in target.relative_to(root).parts[:-1]:
        current = current / part
        if current.is_symlink() or (current.exists() and not current.is_dir()):
            return False
    return os.path.realpath(target.parent).startswith(os.path.realpath(root) + os.sep) or (
        os.path.realpath(target.parent) == os.path.realpath(root)
    )


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, expansion: _Expansion) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(target, flags, 0o600)
    written = 0
    try:
        with os.fdopen(fd, "wb") as out, zf.open(info) as src:
            while chunk := src.read(CHUNK):
                written += len(chunk)
                expansion.add(info.filename, written, info.compress_size, len(chunk))
                out.write(chunk)
    except BaseException as exc:
        target.unlink(missing_ok=True)
        if is_disk_full(exc):  # the disk's problem, not the archive's: the item stays pending
            raise disk_full(str(target.parent)) from exc
        raise


class ZipReader:
    name = "zip"
    extensions = (".zip",)

    def sniff(self, head: bytes, filename: str) -> float:
        lower = filename.lower()
        if is_zip(head):
            if lower.endswith(PACKAGE_EXTENSIONS) or ooxml_part_prefix(head) or head[30:38] == b"mimetype":
                return 0.2  # an Office/ODF package: its own reader scores higher
            return 0.9
        return 0.3 if lower.endswith(self.extensions) else 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        size = require_content(path, ctx)
        label = display(path, ctx)
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise ExtractionError(
                f"{label} is not a readable ZIP archive ({exc}): it is truncated or damaged; "
                "ask the producer to re-send it.",
                IssueCategory.CORRUPT,
            ) from exc
        with zf:
            return self._read_archive(zf, size, label, ctx)

    def _read_archive(self, zf: zipfile.ZipFile, size: int, label: str, ctx: ReadContext) -> Extraction:
        budget = ctx.expansion(size)
        budget.enter_archive(label)
        check_declared_expansion(zf, size, label, ctx)
        members = [info for info in zf.infolist() if not info.is_dir()]
        if not members:
            raise ExtractionError(f"{label} is a ZIP archive with no files in it.", IssueCategory.EMPTY)
        check_declared_budget(members, label, budget)
        root = ctx.scratch
        root.mkdir(parents=True, exist_ok=True)
        expansion = _Expansion(label, size, ctx, budget)
        warnings = expansion.warnings
        children: list[ChildFile] = []
        listing: list[str] = []
        encrypted = unsupported = escaped = 0
        for info in members:
            listing.append(f"{info.filename}\t{info.file_size:,} bytes")
            rel = safe_member_path(info.filename)
            if rel is None:
                escaped += 1
                warnings.append(f"member {info.filename!r} would be written outside the archive's folder: skipped")
                continue
            if _is_symlink(info):
                escaped += 1
                warnings.append(f"member {info.filename!r} is a symbolic link: skipped")
                continue
            if info.flag_bits & 0x1:
                encrypted += 1
                warnings.append(f"member {info.filename!r} is password-protected: ask for the password")
                continue
            target = _unique_target(root, rel)
            if not _inside(root, target):
                escaped += 1
                warnings.append(f"member {info.filename!r} would be written through a link or file: skipped")
                continue
            budget.take_member(label, info.filename)
            try:
                _extract_member(zf, info, target, expansion)
            except NotImplementedError as exc:
                unsupported += 1
                warnings.append(f"member {info.filename!r} uses an unsupported compression ({exc}): skipped")
                continue
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                warnings.append(f"member {info.filename!r} is damaged ({exc}): skipped")
                continue
            children.append(ChildFile(rel.as_posix(), target))
        if escaped:
            warnings.insert(0, f"hostile archive: {escaped} member(s) tried to escape its folder and were not written")
        if not children:
            if encrypted == len(members):
                raise EncryptedError(f"{label}: every member of the ZIP is password-protected; ask for the password.")
            if unsupported and unsupported + encrypted == len(members):
                raise ExtractionError(
                    f"{label}: its members use a compression method uncover cannot read; ask for a plain ZIP.",
                    IssueCategory.UNSUPPORTED,
                )
            if escaped:
                raise ExtractionError(
                    f"{label} is a hostile archive: its {escaped} member(s) try to escape its folder "
                    "(absolute paths, '..' or symbolic links) and nothing else could be extracted.",
                    IssueCategory.BOMB,
                )
            raise ExtractionError(
                f"{label}: no member of the ZIP could be extracted; ask the producer to re-send it.",
                IssueCategory.CORRUPT,
            )
        header = f"ZIP archive {label}: {len(members)} file(s)"
        metadata = {"members": str(len(members))}
        if zf.comment:
            metadata["comment"] = zf.comment.decode("utf-8", "replace")
        page = PageText("\n".join([header, *listing]), TextSource.NATIVE)
        return Extraction(DocumentKind.ARCHIVE, [page], metadata, children, warnings=warnings)


READER = ZipReader()
