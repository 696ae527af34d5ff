"""`uncover check` (a production against its spec, with the deficiency letter) and `uncover deadlines`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from .base import case_argument, console, emit_json, friendly_errors, json_option, main, open_case

_STYLE = {"deficiency": "bold red", "warning": "yellow", "info": "cyan", "not-checked": "dim"}


@main.command("check")
@case_argument
@click.option("--production", help="Production name (default: every production of the case).")
@click.option("--spec", "spec_name", help="Spec name (ndlon-2011, generic-esi, ...) or a TOML file; "
              "default: `spec` in uncover.toml.")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "docx", "pdf"]), default=None,
              help="Write the deficiency letter (md, docx, pdf) or the full report (json) to --out; a long appendix "
                   "is also written beside it as CSV and XLSX.")
@click.option("--out", type=click.Path(path_type=Path), help="Output file (default: CASE/exports/deficiency-letter.FORMAT).")
@json_option
@friendly_errors
def check_command(case_dir: Path, production: str | None, spec_name: str | None, fmt: str | None, out: Path | None,
                  as_json: bool) -> None:
    """Check a production against the format ordered or agreed; draft the deficiency letter."""
    from ..check.checker import check_production
    from ..check.letter import write_letter
    from ..errors import InputError

    with open_case(case_dir) as case:
        spec = spec_name or case.settings.spec
        if not spec:
            raise InputError("Give --spec (e.g. --spec ndlon-2011) or set spec = \"...\" in uncover.toml.")
        with console.status("checking the production", spinner="dots") if not as_json else _Null():
            report = check_production(case, spec, production)
        written = None
        if fmt or out:
            fmt = fmt or (out.suffix.lstrip(".") if out and out.suffix.lstrip(".") in ("md", "json", "docx", "pdf")
                          else "md")
            target = out or case.exports / f"deficiency-letter.{fmt}"
            if fmt == "json":
                import json

                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), "utf-8")
                written = [target]
            else:
                written = write_letter(case, report, fmt, target)
    if as_json:
        data = report.to_dict()
        data["written"] = [str(w) for w in written] if written else []
        emit_json(data)
        return
    console.print(f"[bold]{report.production}[/]: {report.documents} documents checked against "
                  f"{report.spec_title} ({report.spec}) in {report.seconds:.1f} s")
    table = Table("severity", "rule", "finding", "affected")
    for f in report.findings:
        table.add_row(f"[{_STYLE.get(f.severity, '')}]{f.severity}[/]", f.rule, f.title,
                      f.bates_summary if f.severity != "not-checked" else f.explanation)
    console.print(table)
    console.print(f"{len(report.deficiencies)} deficiencies, {len(report.by_severity('warning'))} warnings")
    for path in written or []:
        console.print(f"written to {path}")


@main.command("deadlines")
@case_argument
@json_option
@friendly_errors
def deadlines_command(case_dir: Path, as_json: bool) -> None:
    """Productions due under the schedule in uncover.toml: due, received, overdue."""
    from ..check.deadlines import deadlines

    with open_case(case_dir) as case:
        rows = deadlines(case)
    if as_json:
        emit_json([r.to_dict() for r in rows])
        return
    if not rows:
        console.print("no [[schedule]] in uncover.toml: add one table per production (production = ..., due = ...)",
                      markup=False)
        return
    table = Table("production", "due", "received", "status")
    for r in rows:
        style = {"overdue": "bold red", "late": "yellow"}.get(r.status, "")
        status = f"{r.status} ({r.days_late} days)" if r.days_late else r.status
        if r.note:
            status += f"; {r.note}"
        table.add_row(r.production, r.due, r.received or "", f"[{style}]{status}[/]" if style else status)
    console.print(table)


@main.command("received")
@case_argument
@click.argument("production")
@click.argument("day", metavar="YYYY-MM-DD")
@json_option
@friendly_errors
def received_command(case_dir: Path, production: str, day: str, as_json: bool) -> None:
    """Record the day PRODUCTION was received (as `ingest --received` does): deadlines and letters use it."""
    from ..errors import InputError
    from ..ingest.pipeline import received_date

    with open_case(case_dir) as case:
        names = [p.name for p in case.store.productions()]
        if production not in names:
            raise InputError(f"No production named {production!r} in {case.root}; productions: "
                             f"{', '.join(names) or 'none yet'}.")
        iso = received_date(day)
        with case.writing("received"), case.store.transaction():
            case.store.set_received(production, iso)
    if as_json:
        emit_json({"production": production, "received": iso})
        return
    console.print(f"{production}: received {iso}")


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
