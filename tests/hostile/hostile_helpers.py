"""Running the real `uncover` command on hostile input, and measuring what it cost.

`run_uncover` starts the command in a session of its own and samples, every 20 ms, the resident
memory of every process in that session (the CLI and each of its parser workers), so the peak is
that of the whole ingest, children included; the rusage of the largest process is checked beside
it, as polling can miss a short spike.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

GB = 1024**3


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_rss: int  # bytes: the largest sum over the session's processes at one sample
    max_process_rss: int  # bytes: ru_maxrss of the largest process (the CLI or any worker it waited for)
    seconds: float

    def json(self) -> object:
        return json.loads(self.stdout)


def uncover_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "uncover", *args]


def run_uncover(*args: str, timeout: float = 300, env: dict[str, str] | None = None) -> Run:
    started = time.monotonic()
    proc = subprocess.Popen(uncover_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env={**os.environ, **(env or {})})
    peak = [0]
    done = threading.Event()
    streams: dict[str, bytes] = {}

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], session_rss(proc.pid))
            done.wait(0.02)

    def read(name: str) -> None:
        streams[name] = getattr(proc, name).read()

    threads = [threading.Thread(target=sample, daemon=True), threading.Thread(target=read, args=("stdout",)),
               threading.Thread(target=read, args=("stderr",))]
    for thread in threads:
        thread.start()
    killer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)  # this command's own rusage: it and the workers it waited for
    finally:
        killer.cancel()
        done.set()
        for thread in threads:
            thread.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    run = Run(proc.returncode, streams["stdout"].decode("utf-8", "replace"), streams["stderr"].decode("utf-8", "replace"),
              peak[0], usage.ru_maxrss * 1024, time.monotonic() - started)
    if run.seconds >= timeout:
        raise AssertionError(f"uncover {' '.join(args)} ran past {timeout} s; stderr: {run.stderr[-2000:]}")
    return run


def session_rss(sid: int) -> int:
    """Resident bytes of every process whose session is `sid`."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) != sid:  # field 6 of stat (session), after the command name
                continue
            with open(f"/proc/{entry}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def assert_one_line_error(run: Run, code: int, *phrases: str) -> None:
    """A plain one-sentence error on stderr, the right exit code, and no traceback."""
    assert run.returncode == code, (run.returncode, run.stderr[-2000:])
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    lines = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, run.stderr[-2000:]
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0])
