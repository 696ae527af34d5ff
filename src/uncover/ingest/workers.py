"""Executors: where the per-item work runs. The local pool is the default; a cluster is another.

Untrusted files are parsed in child processes, never in the process that holds the case: a
segfault cannot be caught in-process (PyMuPDF, pdfium and image decoders have all crashed on
crafted files), so each worker is a separate process with an address-space limit, and the parent
kills any worker that runs past its time limit. A dead or killed worker becomes a `crash`,
`timeout` or `too-large` outcome for its item, a fresh worker takes its place, and the rest of
the production goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import sys
import time
import types
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class WorkerLimits:
    seconds: float = 300.0  # per item
    memory_bytes: int = 4 * 1024**3  # address space a worker may map beyond what it started with


@dataclass
class Outcome(Generic[T, R]):
    """What became of one task: a result, or the way its worker failed."""

    task: T
    result: R | None = None
    failure: str | None = None  # "timeout", "crash", "too-large"
    detail: str = ""
    where: str = ""  # on a cluster: the node that ran it


class Executor(Protocol[T, R]):
    def submit(self, task: T) -> None: ...

    def next_outcome(self) -> Outcome[T, R] | None:
        """Block until a task finishes; None when nothing is queued or running."""
        ...

    def close(self) -> None: ...


def address_space() -> int:
    """This process's virtual size. A forked worker starts with its parent's, so its memory cap adds
    to it: an ingest's committer maps 1.6 GB once the search index is open, and under a flat 2 GB
    cap the tables pass's workers failed every scanned PDF as "needed more memory than the limit
    allows" (a parent holding a browser driver maps 2 GiB: the same for publishing)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _worker_main(conn: Connection, fn: Callable[[Any], Any], memory_bytes: int, init: Callable[[], None] | None,
                 announce: bool = False) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if memory_bytes:
        limit = address_space() + memory_bytes
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    if init is not None:
        init()
    if announce:
        conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        try:
            result = fn(task)
            conn.send(("ok", result))
        except MemoryError:
            conn.send(("too-large", "the file needed more memory than the worker limit allows"))
        except BaseException as exc:  # noqa: BLE001 - anything else is reported, never fatal
            conn.send(("crash", f"{type(exc).__name__}: {exc}"))


@dataclass
class _Slot:
    """A worker and the tasks sent to it: the head is running, the next one waits in its pipe so
    the worker never idles while the parent commits the previous result."""

    process: Any
    conn: Connection
    tasks: deque[Any] = field(default_factory=deque)
    started: float = 0.0  # when the head task began

    @property
    def task(self) -> Any:
        return self.tasks[0] if self.tasks else None


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Hide the parent's `__main__` while a forkserver or spawn child is started, so the child does
    not run the parent's main script again as `__mp_main__`. In a Ray worker that script is Ray's
    own worker: each child would import Ray (about 1 s on a loaded 2-core machine and 45 MB of
    its memory limit), at every start and every restart after a crash."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class LocalPool(Generic[T, R]):
    """N long-lived worker processes fed one task at a time, restarted when one dies or hangs."""

    def __init__(self, fn: Callable[[T], R], workers: int = 0, limits: WorkerLimits | None = None,
                 init: Callable[[], None] | None = None, depth: int = 2, start_method: str | None = None,
                 preload: list[str] | None = None, ready_timeout: float | None = None, main_in_children: bool = True,
                 seconds_for: Callable[[T], float] | None = None) -> None:
        self.depth = depth
        self.fn = fn
        self.limits = limits or WorkerLimits()
        self.seconds_for = seconds_for  # a task's own time limit (a 300-page scan needs more than a memo), else the limits'
        self.init = init
        self.size = max(1, workers or os.cpu_count() or 1)
        # fork by default; a process with threads of its own (a Ray worker) starts children from a fork server
        self.ctx = mp.get_context(start_method or ("fork" if hasattr(os, "fork") else "spawn"))
        self.ready_timeout = ready_timeout  # wait for each new worker to start before timing its first task
        self.main_in_children = main_in_children  # False: `fn` must not live in __main__ (see _main_hidden)
        if preload and start_method == "forkserver":
            self.ctx.set_forkserver_preload(preload)
        self.queue: deque[T] = deque()
        self.slots: list[_Slot] = [self._spawn() for _ in range(self.size)]

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        announce = self.ready_timeout is not None
        process = self.ctx.Process(target=_worker_main, args=(child, self.fn, self.limits.memory_bytes, self.init, announce),
                                   daemon=True)
        with nullcontext() if self.main_in_children else _main_hidden():
            process.start()
        child.close()
        if announce and parent.poll(self.ready_timeout):
            try:
                parent.recv()
            except (EOFError, OSError):
                pass  # it died starting: the first task it is given will report that
        return _Slot(process, parent)

    def _replace(self, slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(timeout=5)
        slot.conn.close()
        fresh = self._spawn()
        slot.process, slot.conn = fresh.process, fresh.conn
        waiting = list(slot.tasks)[1:]  # the head failed; the others never started: run them again
        slot.tasks.clear()
        self.queue.extendleft(reversed(waiting))

    def submit(self, task: T) -> None:
        self.queue.append(task)

    def _dispatch(self) -> None:
        for slot in self.slots:
            while len(slot.tasks) < self.depth and self.queue:
                task = self.queue.popleft()
                try:
                    slot.conn.send(task)
                except OSError:  # the worker died (its head task crashed it): its sentinel reports that
                    self.queue.appendleft(task)
                    if not slot.tasks:  # it died idle: nothing to report, start a fresh one
                        self._replace(slot)
                        continue
                    break
                if not slot.tasks:
                    slot.started = time.monotonic()
                slot.tasks.append(task)

    def next_outcome(self) -> Outcome[T, R] | None:
        while True:
            self._dispatch()
            running = [s for s in self.slots if s.task is not None]
            if not running:
                return None
            now = time.monotonic()
            deadline = min(s.started + self._seconds(s.task) for s in running)
            ready = wait([s.conn for s in running] + [s.process.sentinel for s in running], timeout=max(0.0, deadline - now))
            for slot in running:
                if slot.conn in ready:
                    try:
                        status, payload = slot.conn.recv()
                    except (EOFError, OSError):
                        return self._died(slot)
                    task = slot.tasks.popleft()
                    slot.started = time.monotonic()  # the next task in the pipe starts now
                    if status == "ok":
                        return Outcome(task, result=payload)
                    return Outcome(task, failure=status, detail=payload)
                if slot.process.sentinel in ready:
                    return self._died(slot)
            now = time.monotonic()
            for slot in running:
                if now - slot.started >= (seconds := self._seconds(slot.task)):
                    task = slot.task
                    self._replace(slot)
                    return Outcome(task, failure="timeout", detail=f"parsing took longer than {seconds:.0f} s")

    def _seconds(self, task: T) -> float:
        return self.seconds_for(task) if self.seconds_for is not None else self.limits.seconds

    def _died(self, slot: _Slot) -> Outcome[T, R]:
        task = slot.task
        slot.process.join(timeout=5)
        code = slot.process.exitcode
        self._replace(slot)
        if code == -signal.SIGKILL:
            return Outcome(task, failure="too-large", detail="the worker was killed, most likely for running out of memory")
        reason = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return Outcome(task, failure="crash", detail=f"the parser process died ({reason})")

    def close(self) -> None:
        for slot in self.slots:
            try:
                if not slot.tasks:
                    slot.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for slot in self.slots:
            slot.process.join(timeout=2)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(timeout=2)
            slot.conn.close()

    def __enter__(self) -> LocalPool[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
