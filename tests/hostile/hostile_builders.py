"""Hostile inputs, built on the spot (never copied from anywhere): one function per attack.

Each returns the path it wrote. The suite in this folder ingests them and checks the outcome;
`python tests/hostile/hostile_builders.py OUT` writes them all into OUT for trying by hand.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

LEAF_BYTES = 1024 * 1024  # exactly the ratio floor: a leaf this size is never checked for its ratio


def zip_nest(path: Path, wide: int = 6, deep: int = 3, leaf_bytes: int = LEAF_BYTES) -> Path:
    """The red team's nest: ZIPs of ZIPs, `wide` members at each of `deep` levels, each leaf a ZIP
    holding one text just under the ratio floor. Every archive passes every per-archive check; the
    whole expands some 70,000 times (6x3: 475 inputs, 216 MB of text from about 3 KB)."""
    words = b"detainer county sheriff records request memo "
    leaf_text = (words * (leaf_bytes // len(words) + 1))[:leaf_bytes]
    level = _zip_bytes({"leaf.txt": leaf_text})
    for depth in range(deep):
        level = _zip_bytes({f"level{deep - depth}-{i}.zip": level for i in range(wide)})
    path.write_bytes(level)
    return path


def zip_deep(path: Path, depth: int = 40) -> Path:
    """A ZIP in a ZIP in a ZIP ..., `depth` archives deep around one small text."""
    data = _zip_bytes({"core.txt": b"the innermost note of a deep nest of archives\n"})
    for level in range(depth - 1):
        data = _zip_bytes({f"level-{depth - level - 1}.zip": data})
    path.write_bytes(data)
    return path


def zip_wide(path: Path, members: int = 2000) -> Path:
    """Many tiny members: fine alone, but a member budget must be able to stop it."""
    path.write_bytes(_zip_bytes({f"m/{i:05d}.txt": f"member {i}\n".encode() for i in range(members)}))
    return path


def zip_slip(path: Path) -> Path:
    """Members that try to escape: parent folders, absolute paths, a drive letter."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../escaped.txt", "escape attempt one")
        zf.writestr("/etc/escaped-abs.txt", "escape attempt two")
        zf.writestr("C:\\escaped-drive.txt", "escape attempt three")
        zf.writestr("ok/fine.txt", "this member is allowed about the county memo")
    path.write_bytes(buf.getvalue())
    return path


def message_nest(path: Path, levels: int = 200) -> Path:
    """An e-mail with a message/rfc822 attachment, itself with one, `levels` deep."""
    msg = (f"From: a@example.org\r\nTo: b@example.org\r\nSubject: level {levels}\r\nContent-Type: text/plain\r\n\r\n"
           f"innermost message, level {levels}\r\n")
    for i in range(levels - 1, 0, -1):
        msg = (f"From: a@example.org\r\nTo: b@example.org\r\nSubject: level {i}\r\nMIME-Version: 1.0\r\n"
               f"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\nContent-Type: text/plain\r\n\r\n"
               f"body of the message at level {i}\r\n--b{i}\r\nContent-Type: message/rfc822\r\n\r\n{msg}\r\n--b{i}--\r\n")
    path.write_bytes(msg.encode())
    return path


def bad_names(folder: Path) -> Path:
    """File names that are not UTF-8, and one with a terminal escape sequence in it."""
    folder.mkdir(parents=True, exist_ok=True)
    base = os.fsencode(folder)
    for raw, text in ((b"bad-\xff\xfe.txt", b"a file whose name is not UTF-8 about the memo\n"),
                      (b"latin1-caf\xe9.txt", b"a cafe file in Latin-1 about the county\n"),
                      (b"esc-\x1b[31mred.txt", b"a name with an escape sequence about records\n")):
        with open(base + b"/" + raw, "wb") as fh:
            fh.write(text)
    return folder


def links_and_pipes(folder: Path, outside: Path) -> Path:
    """Links out of the folder (file and folder), a dangling link, a link inside, and a FIFO."""
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text("OUTSIDE-CANARY zebra text that must never be read\n", "utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "inside.txt").write_text("an ordinary record inside the production about the sheriff\n", "utf-8")
    os.symlink(os.path.relpath(outside / "secret.txt", folder), folder / "link-out.txt")
    os.symlink(os.path.relpath(outside, folder), folder / "link-folder")
    os.symlink("does-not-exist.txt", folder / "dangling.txt")
    os.symlink("inside.txt", folder / "link-in.txt")
    os.mkfifo(folder / "pipe")
    return folder


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    zip_nest(out / "nest.zip")
    zip_deep(out / "deep.zip")
    zip_wide(out / "wide.zip")
    zip_slip(out / "slip.zip")
    message_nest(out / "nest.eml")
    bad_names(out / "names")
    links_and_pipes(out / "links", out.parent / (out.name + "-outside"))
