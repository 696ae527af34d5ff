"""The case lock: one writer at a time, so a second ingest never touches the first one's files.

Two ingests started together used to collide: the second cleared the first's half-copied
originals and scratch folder, and both wrote the index. A writer now takes an exclusive POSIX
record lock on `CASE/case.lock` before it touches anything; a second writer waits (if asked to)
or stops with a line naming the process that holds the case. The kernel releases the lock when
its holder dies, even by SIGKILL, so a killed ingest never leaves the case locked; unlike
`flock`, the lock is not inherited by the forked parser workers, so a worker still busy with a
file after its parent was killed does not keep the case locked. Readers
(search, show, the web app's reading) take no lock: SQLite's WAL lets them read during a write.
"""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path
from types import TracebackType

from ..errors import CaseBusyError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; one writer at a time is then the user's care
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "case.lock"


class CaseLock:
    def __init__(self, root: Path, command: str, wait: float = 0.0) -> None:
        self.path = root / LOCK_FILE
        self.command = command
        self.wait = wait
        self.fd: int | None = None

    def acquire(self) -> CaseLock:
        if fcntl is None:
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise CaseBusyError(
                        f"Another uncover process{holder} is writing to the case in {self.path.parent}; nothing was "
                        "changed. Wait for it to finish and run this command again (`uncover ingest --wait SECONDS` "
                        "waits by itself).",
                        path=str(self.path.parent),
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "command": self.command,
                                 "since": time.strftime("%Y-%m-%d %H:%M:%S")}).encode())
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None

    def __enter__(self) -> CaseLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f" (`uncover {info['command']}`, pid {info['pid']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def writer(root: Path) -> dict[str, object] | None:
    """Who holds the case lock right now ({"pid", "command", "since"}), or None when no writer runs.

    Asked of the kernel with F_GETLK, which tests for a conflicting lock without taking one: a
    reader (the web app's Overview) must never hold the lock, even for a moment, or an ingest
    starting in that moment would stop with "case busy". A killed writer holds nothing, so a run
    killed halfway reads as stopped, not as still running.
    """
    path = root / LOCK_FILE
    if fcntl is None or not path.exists():
        return None
    import struct

    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        try:
            answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
        except OSError:
            return None
        lock_type, _, _, _, pid = struct.unpack("hhqqi4x", answer)
        if lock_type == fcntl.F_UNLCK:
            return None
        try:
            info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        except (OSError, ValueError):
            info = {}
        return {"pid": pid, "command": str(info.get("command", "")), "since": str(info.get("since", ""))}
    finally:
        os.close(fd)
