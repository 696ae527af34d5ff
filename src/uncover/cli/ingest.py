"""`uncover ingest` and `uncover demo`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .base import case_argument, console, emit_json, friendly_errors, json_option, main
from .progress import RichProgress

if TYPE_CHECKING:
    from ..case import Case
    from ..ingest.pipeline import IngestReport


@main.command("ingest")
@case_argument
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--production", help="Name of this delivery (default: the folder's name).")
@click.option("--custodian", help="Whose records these are.")
@click.option("--received", metavar="YYYY-MM-DD",
              help="The day the production was received: deadlines and deficiency letters count from it.")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="auto: OCR only pages without usable text.")
@click.option("--workers", type=int, default=0, help="Worker processes (default: one per core).")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds allowed per file.")
@click.option("--memory-limit", type=int, default=4096, show_default=True, help="MB of memory a worker may take beyond what it starts with.")
@click.option("--no-analyze", is_flag=True, help="Skip the case passes (withholdings, duplicates); the next run does them.")
@click.option("--wait", "lock_wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait while another uncover process is writing to the case (default: stop at once).")
@click.option("--ray", "ray_address", metavar="auto|local|ADDRESS",
              help="Extract and OCR on a Ray cluster (pip install 'uncover[cluster]'); every node must see the case "
                   "folder at the same path. auto: the running cluster; local: one on this machine for this run.")
@json_option
@friendly_errors
def ingest_command(case_dir: Path, paths: tuple[Path, ...], production: str | None, custodian: str | None,
                   received: str | None, ocr: str,
                   workers: int, timeout: float, memory_limit: int, no_analyze: bool, lock_wait: float,
                   ray_address: str | None,
                   as_json: bool) -> None:
    """Ingest folders, files and ZIPs into CASE (created if missing). Safe to re-run: resumes."""
    from ..case import Case
    from ..ingest.pipeline import IngestOptions, ingest
    from ..ingest.workers import WorkerLimits

    case = Case.init(case_dir)
    options = IngestOptions(production=production, custodian=custodian, ocr=ocr, workers=workers,
                            worker_limits=WorkerLimits(seconds=timeout, memory_bytes=memory_limit * 1024 * 1024),
                            analyze=not no_analyze, lock_wait=lock_wait, ray=ray_address, received=received)
    with RichProgress(console, enabled=not as_json) as progress:
        report = ingest(case, list(paths), options, progress)
    print_report(case, report, as_json)


def print_report(case: Case, report: IngestReport, as_json: bool) -> None:
    from ..ingest.pipeline import reconcile

    rec = reconcile(case)
    c = report.counts
    if as_json:
        emit_json({"production": report.production, "ingest_id": report.ingest_id, "seconds": round(report.seconds, 2),
                   "counts": vars(c), "reconciliation": rec, "delivery_files": report.delivery_files})
        return
    console.print(
        f"[bold]{report.production}[/]: {c.documents} documents, {c.pages} pages ({c.pages_ocr} OCR'd), "
        f"{c.exceptions} exceptions, {c.skipped} already ingested, in {report.seconds:.1f} s"
    )
    if c.loadfiles_not_read:
        console.print(f"{c.loadfiles_not_read} load file(s) not read (variants of the one used, or RDO files): "
                      "[bold]uncover exceptions[/] lists them with the reason.")
    if report.delivery_files:
        names = ", ".join(Path(f).name for f in report.delivery_files)
        console.print(f"Beside the volumes, not documents: {names} (the delivery's own manifest or load files).")
    colour = "green" if rec["difference"] == 0 else "red"
    console.print(
        f"Reconciliation: {rec['inputs']} inputs = {rec['documents']} documents + {rec['exceptions']} exceptions"
        + (f" + {rec['pending']} pending" if rec["pending"] else "")
        + f" [{colour}](difference {rec['difference']})[/]"
    )
    if c.exceptions:
        console.print("See them with [bold]uncover exceptions[/].")


@main.command("demo")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("uncover-demo"), show_default=True,
              help="Where to write the sample production and its case.")
@json_option
@friendly_errors
def demo_command(directory: Path, as_json: bool) -> None:
    """Build a sample production, ingest it, and run three example searches."""
    from ..demo import run_demo

    run_demo(directory, console, as_json)
