"""`uncover analyze`, `uncover report CASE withholdings`, `uncover redactions`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click
from rich.table import Table

from .base import case_argument, console, emit_json, friendly_errors, json_option, main, open_case
from .progress import RichProgress


@main.command("analyze")
@case_argument
@json_option
@friendly_errors
def analyze_command(case_dir: Path, as_json: bool) -> None:
    """Find exemption markings and redaction boxes, and read printed e-mail headers and quoted
    messages, in every document (re-runnable)."""
    from ..analyze.casepasses import mark_done
    from ..analyze.messages import analyze_messages
    from ..analyze.withholdings import analyze_documents

    with open_case(case_dir) as case, case.writing("analyze"):
        with RichProgress(console, enabled=not as_json) as bars:
            newest = int(case.store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0])
            summary = analyze_documents(case, progress=lambda done, total, doc: bars.set("Analyzing", done, total))
            mark_done(case.store, "withholdings", newest)
            messages = analyze_messages(case, progress=lambda done, total: bars.set("Messages", done, total))
            mark_done(case.store, "messages", newest)
    if as_json:
        emit_json(asdict(summary) | {"messages": asdict(messages)})
        return
    console.print(f"{summary.documents} documents analyzed: {summary.marks} exemption marks, "
                  f"{summary.redactions} redaction boxes, [bold red]{summary.failed_redactions}[/] failed redactions")
    console.print("release status: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items())))
    console.print(f"printed e-mail headers read on {messages.headers} documents "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(messages.by_style.items())) or 'none'}); "
                  f"{messages.updated} documents took recovered metadata; {messages.quoted} quote earlier messages")
    for warning in summary.warnings + messages.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


@main.command("report")
@case_argument
@click.argument("kind", type=click.Choice(["withholdings", "vaughn"]))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "docx", "pdf", "md"]), default=None,
              help="withholdings: xlsx (default), csv, docx, md; vaughn: docx (default), pdf, xlsx, csv, md.")
@click.option("--out", type=click.Path(path_type=Path), help="Output file (default: CASE/exports/KIND.FORMAT).")
@click.option("--production", "productions", multiple=True, help="vaughn: only this production (repeatable).")
@click.option("--exemption", "exemptions", multiple=True, help="vaughn: only withholdings under this exemption "
              "(b6, b7c, b7 for all of 7; repeatable).")
@click.option("--all", "include_all", is_flag=True, help="vaughn: list records with no withholding too.")
@json_option
@friendly_errors
def report_command(case_dir: Path, kind: str, fmt: str | None, out: Path | None, productions: tuple[str, ...],
                   exemptions: tuple[str, ...], include_all: bool, as_json: bool) -> None:
    """withholdings: one row per document with summaries and a chart; vaughn: the Vaughn index, one
    entry per withholding with its description and justification, in Bates order."""
    from ..errors import InputError
    from ..report.vaughn import write_index
    from ..report.withholdings import withholdings_report

    fmt = fmt or ("docx" if kind == "vaughn" else "xlsx")
    if kind == "withholdings" and fmt == "pdf":
        raise InputError("The withholdings report has no PDF form; use --format xlsx, csv, docx or md, or the "
                         "Vaughn index (uncover report CASE vaughn --format pdf).")
    with open_case(case_dir) as case:
        target = out or case.exports / f"{kind}.{fmt}"
        with console.status(f"writing the {kind} report", spinner="dots") if not as_json else _null():
            if kind == "vaughn":
                paths = write_index(case, fmt, target, list(productions) or None, list(exemptions) or None,
                                    include_all)
            else:
                paths = [withholdings_report(case, fmt, target)]
    if as_json:
        emit_json({"report": str(paths[0]), "files": [str(p) for p in paths], "format": fmt})
    else:
        for path in paths:
            console.print(f"{kind} report written to {path}")


@main.command("redactions")
@case_argument
@click.option("--show-recovered", is_flag=True,
              help="Also print the text readable under each failed redaction, read now from the original (never stored).")
@json_option
@friendly_errors
def redactions_command(case_dir: Path, show_recovered: bool, as_json: bool) -> None:
    """List failed redactions: boxes with text still in the text layer beneath them."""
    from ..store import withholdings as wstore

    with open_case(case_dir) as case:
        failed = wstore.redactions(case.store.conn, failed_only=True)
        docs = {d.id: d for d in case.store.documents({r.document_id for r in failed})}
        rows = []
        for r in failed:
            doc = docs[r.document_id]
            row = {"document": doc.label, "document_id": doc.id, "page": r.page, "bbox": [round(v, 4) for v in r.bbox],
                   "recoverable_chars": r.recoverable_chars, "label": r.label}
            if show_recovered:
                row["recovered_text"] = _recovered(case, doc, r)
            rows.append(row)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        console.print("no failed redactions found (run `uncover analyze` first if you have not)")
        return
    table = Table("Document", "Page", "Box (x0, y0, x1, y1)", "Chars", "Label", *(["Recovered"] if show_recovered else []))
    for row in rows:
        table.add_row(row["document"], str(row["page"]), ", ".join(f"{v:.3f}" for v in row["bbox"]),
                      str(row["recoverable_chars"]), row["label"] or "", *([row["recovered_text"]] if show_recovered else []))
    console.print(table)


def _recovered(case, doc, redaction) -> str:  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    from ..analyze.redactions import recovered_text
    from ..custody import intact_original

    pdf = pdfium.PdfDocument(intact_original(case, doc.sha256, doc.listing))
    try:
        return recovered_text(pdf[redaction.page - 1], redaction.bbox)
    finally:
        pdf.close()


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
