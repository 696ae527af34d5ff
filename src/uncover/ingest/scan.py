"""Scan: turn the paths a user gives into the manifest, before anything is parsed.

Each file is hashed (SHA-256 and MD5) while it is copied into the blob store, so the stored
original is byte-for-byte what was hashed, and the manifest row exists before any parser touches
the file: the final count always reconciles (inputs = documents + exceptions).

Everything found under a folder is accounted for, not only regular files. A symbolic link is
recorded with its target and never followed (a link to a file outside the folder given once made
that file's text searchable); so are links to folders and dangling links. A named pipe, socket
or device is recorded and never opened (opening a FIFO blocks forever). Names are kept byte for
byte: a name that is not valid UTF-8 (or holds control characters) is shown with each such byte
as `\\xNN`, and its exact bytes are stored beside it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    display: str  # the path as the production names it: relative to the folder given, printable
    raw: bytes | None = None  # the exact bytes of that name where `display` had to escape some
    kind: str = "file"  # "file", "link" (a symbolic link: never followed) or "special" (a FIFO, socket, device)
    note: str = ""  # for a link: where it points and why it was not followed; for a special file: what it is


def printable_name(name: str) -> tuple[str, bytes | None]:
    """(a UTF-8 name safe to print and store, the exact bytes when that name is not exact).

    File systems hand Python undecodable bytes as lone surrogates (PEP 383), which SQLite, JSON
    and terminals all refuse; escape codes in a name would also reach the reviewer's terminal.
    """
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:  # surrogates that did not come from the file system (a TAR header)
        raw = name.encode("utf-8", "surrogatepass")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and not _UNSAFE.search(text):
        return text, None
    shown = raw.decode("utf-8", "backslashreplace")
    shown = _UNSAFE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", shown)
    return shown, raw


def walk_sources(paths: Iterable[Path], exclude: set[Path] | frozenset[Path] = frozenset()) -> Iterator[SourceFile]:
    """Everything under the given paths, in a stable order; no link is followed.

    Folders and files in `exclude` (load-file volumes, read through their load files, and the
    delivery's manifest beside them) are skipped. A path given on the command line is taken as
    given, even when it is itself a link.
    """
    for given in paths:
        if not given.exists():
            raise InputError(f"{given} does not exist; check the path and try again.", path=str(given))
        if not given.is_dir():
            yield _entry(given, printable_name(given.name), given.parent.resolve(), follow=True)
            continue
        top = given.resolve()
        for root, dirs, files in os.walk(given, followlinks=False):
            here = Path(root)
            links = [d for d in dirs if (here / d).is_symlink()]
            dirs[:] = sorted(d for d in dirs if d not in links and here / d not in exclude)
            for name in sorted([*files, *links]):
                path = here / name
                if path not in exclude:
                    yield _entry(path, printable_name(path.relative_to(given).as_posix()), top)


def _entry(path: Path, name: tuple[str, bytes | None], top: Path, follow: bool = False) -> SourceFile:
    display, raw = name
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return SourceFile(path, display, raw, "special", "it could not be examined")
    if stat.S_ISREG(info.st_mode):
        return SourceFile(path, display, raw)
    if stat.S_ISLNK(info.st_mode):
        return SourceFile(path, display, raw, "link", _link_note(path, top))
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode)
            else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "a folder"
            if stat.S_ISDIR(info.st_mode) else "not a regular file")
    return SourceFile(path, display, raw, "special", f"it is {what}, not a file")


def _link_note(path: Path, top: Path) -> str:
    target = os.readlink(path)
    shown = printable_name(target)[0]
    resolved = Path(os.path.realpath(path))
    if not resolved.exists() and not os.path.lexists(resolved):
        return f"it is a symbolic link to {shown}, which does not exist (a dangling link)"
    inside = resolved == top or top in resolved.parents
    if resolved.is_dir():
        where = "inside the folder given" if inside else "outside the folder given"
        return f"it is a symbolic link to the folder {shown}, {where}: recorded, not followed"
    if inside:
        return f"it is a symbolic link to {shown}, inside the folder given (that file is ingested on its own)"
    return f"it is a symbolic link to {shown}, outside the folder given: recorded, not followed (its target was not read)"


def link_target(source: SourceFile) -> bytes:
    """What a link's manifest row stores as its original: the link's own target path, as bytes."""
    try:
        return os.fsencode(os.readlink(source.path))
    except OSError:
        return b""


def count_sources(paths: Iterable[Path]) -> int:
    return sum(1 for _ in walk_sources(paths))


def item_key(production_id: int, display: str, sha256: str, parent_key: str = "", raw: bytes | None = None) -> str:
    """Identity of an input: the same file at the same place in the same production is one input.

    Re-running an ingest (or resuming a killed one) therefore adds nothing that is already there,
    while the same bytes at another path, or in a later production, are inputs of their own. The
    exact bytes of the name count, so two names that print alike are still two inputs.
    """
    name = "\x01" + raw.hex() if raw is not None else display
    return hashlib.sha256(f"{production_id}\0{parent_key}\0{name}\0{sha256}".encode()).hexdigest()
