"""The Overview says what the case's ingests are really doing: a killed run is "stopped", a run
that was resumed and finished is not "in progress", and only a run holding the case is running."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from web_helpers import make_client

from uncover import Case


def _progress_state(case_dir: Path) -> tuple[str, str]:
    html = make_client(case_dir).get("/overview").text
    start = html.index('id="progress"')
    panel = html[start:html.index("</section>", start)]
    state = panel.split('data-state="', 1)[1].split('"', 1)[0]
    return state, panel


def _leave_a_stopped_run(case_dir: Path) -> None:
    """What a killed ingest leaves: a run row begun and never finished (the store's own calls)."""
    with Case.open(case_dir) as case:
        production = case.store.production("STATE-VOL01")
        case.store.begin_ingest(production.id, [str(case_dir / "elsewhere")], "test", {})
        case.store.conn.commit()


def test_finished_case_reads_finished(case_copy: Path) -> None:
    state, panel = _progress_state(case_copy)
    assert state == "finished" and "Ingest in progress" not in panel and "all accounted for" in panel


def test_killed_run_reads_stopped_then_finished_after_resume(case_copy: Path, tmp_path: Path) -> None:
    _leave_a_stopped_run(case_copy)
    state, panel = _progress_state(case_copy)
    assert state == "stopped" and "Ingest in progress" not in panel and "uncover ingest" in panel
    assert "hx-trigger" not in panel  # nothing to poll: nothing runs

    from uncover.ingest.pipeline import IngestOptions, ingest

    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "memo.txt").write_text("A later memo about the detainer pilot.\n")
    with Case.open(case_copy) as case:
        ingest(case, [extra], IngestOptions(ocr="never", workers=1, production="STATE-VOL02"))
    state, panel = _progress_state(case_copy)
    assert state == "finished" and "Ingest in progress" not in panel
    runs = make_client(case_copy).get("/overview").text
    assert "a later run went on" in runs  # the killed run's row says what became of it


def test_run_holding_the_case_reads_running(case_copy: Path) -> None:
    with Case.open(case_copy) as case:
        if case.backend != "sqlite":
            pytest.skip("the case lock a running ingest holds is SQLite's; PostgreSQL writers lock per transaction")
    _leave_a_stopped_run(case_copy)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom uncover import Case\n"
         "with Case.open(sys.argv[1]) as c, c.writing('ingest'):\n    print('held', flush=True); time.sleep(60)", str(case_copy)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        state, panel = _progress_state(case_copy)
        assert state == "running" and "Ingest in progress" in panel and "uncover ingest" in panel
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert _progress_state(case_copy)[0] == "stopped"  # killed: the kernel released its lock
