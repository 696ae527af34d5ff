"""The local pool keeps going when a worker crashes, hangs or runs out of memory."""

from __future__ import annotations

import ctypes
import faulthandler
import os
import time

from uncover.ingest.workers import LocalPool, WorkerLimits


def misbehave(task: str) -> str:
    if task == "segfault":
        faulthandler.disable()  # pytest's handler would print the expected crash's traceback
        ctypes.string_at(0)  # reads address 0: SIGSEGV, which no try/except can catch
    if task == "hang":
        time.sleep(60)
    if task == "memory":
        blob = bytearray(2 * 1024**3)  # over the 512 MB limit below
        return str(len(blob))
    if task == "raise":
        raise ValueError("bad input")
    return f"{task} done in {os.getpid()}"


def assert_each_failure_isolated(outcomes: dict, tasks: list[str]) -> None:
    """What any executor must report for `misbehave`'s tasks: every good task done, each bad one
    its own failure, whatever ran beside it."""
    assert set(outcomes) == set(tasks)
    assert all(outcomes[t].result and outcomes[t].result.startswith(f"{t} done") for t in "abcd")
    assert outcomes["segfault"].failure == "crash" and "signal 11" in outcomes["segfault"].detail
    assert outcomes["hang"].failure == "timeout"
    assert outcomes["memory"].failure == "too-large"
    assert outcomes["raise"].failure == "crash" and "bad input" in outcomes["raise"].detail


def test_pool_reports_each_failure_and_finishes_the_rest() -> None:
    tasks = ["a", "segfault", "b", "hang", "c", "memory", "raise", "d"]
    pool: LocalPool[str, str] = LocalPool(misbehave, workers=2, limits=WorkerLimits(seconds=3, memory_bytes=512 * 1024**2))
    started = time.monotonic()
    try:
        for t in tasks:
            pool.submit(t)
        outcomes = {}
        while (o := pool.next_outcome()) is not None:
            outcomes[o.task] = o
    finally:
        pool.close()
    assert_each_failure_isolated(outcomes, tasks)
    assert time.monotonic() - started < 30


MAIN_SCRIPT = """
import os, sys
from pathlib import Path
Path(sys.argv[1], f"main-ran-in-{os.getpid()}").touch()  # what each child that re-runs this script leaves
if __name__ == "__main__":
    from uncover.ingest.workers import LocalPool
    with LocalPool(abs, workers=1, start_method="forkserver", main_in_children=sys.argv[2] == "yes") as pool:
        pool.submit(-3)
        print(pool.next_outcome().result)
"""


def test_children_need_not_run_the_parents_main_script(tmp_path) -> None:
    """A Ray worker's main script is Ray's own: its children must start without running it again."""
    import subprocess
    import sys

    script = tmp_path / "main.py"
    script.write_text(MAIN_SCRIPT)
    for keep, runs in (("yes", 2), ("no", 1)):  # the parent itself, plus the forkserver child if kept
        marks = tmp_path / keep
        marks.mkdir()
        out = subprocess.run([sys.executable, str(script), str(marks), keep], capture_output=True, text=True, timeout=120)
        assert out.stdout.strip() == "3", out.stderr
        assert len(list(marks.iterdir())) == runs


def test_each_task_can_have_its_own_time_limit() -> None:
    """A 300-page scan's tables take longer than a memo's: the pool times each task by its own limit."""
    limits = {"hang": 1.0, "slow": 4.0}

    def seconds_for(task: str) -> float:
        return limits.get(task.split("-")[0], 30.0)

    pool: LocalPool[str, str] = LocalPool(pause, workers=2, limits=WorkerLimits(seconds=30), seconds_for=seconds_for)
    with pool:
        for task in ("hang-2", "slow-2"):
            pool.submit(task)
        outcomes = {}
        while (o := pool.next_outcome()) is not None:
            outcomes[o.task] = o
    assert outcomes["hang-2"].failure == "timeout" and "longer than 1 s" in outcomes["hang-2"].detail
    assert outcomes["slow-2"].result == "slow-2 slept"


def pause(task: str) -> str:
    time.sleep(float(task.split("-")[1]))
    return f"{task} slept"
