"""`uncover tables CASE`: the tables printed in a case's PDFs, read and exported as data."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click
from rich.table import Table as RichTable

from .base import case_argument, console, emit_json, friendly_errors, json_option, main, open_case
from .progress import RichProgress


@main.command("tables")
@case_argument
@click.option("--export", "export_dir", type=click.Path(path_type=Path),
              help="Write a CSV and an XLSX file per table, tables.sqlite (with provenance) and provenance.csv here.")
@click.option("--refresh", is_flag=True, help="Read every document again, not only those not read yet.")
@click.option("--workers", type=int, default=0, show_default="one per core", help="Processes reading PDFs at once.")
@json_option
@friendly_errors
def tables_command(case_dir: Path, export_dir: Path | None, refresh: bool, workers: int, as_json: bool) -> None:
    """Read the tables printed in the case's PDFs (ruled and whitespace tables, redacted cells,
    tables continued over pages) and list them with their Bates number and page."""
    from ..analyze.casepasses import mark_done, pending_documents
    from ..analyze.tables.casepass import TablesSummary, read_tables
    from ..report.tables import citation, export_tables
    from ..store import tables as tstore

    with open_case(case_dir) as case:
        summary = TablesSummary()
        todo = [int(r[0]) for r in case.store.conn.execute("SELECT id FROM documents ORDER BY id")] if refresh \
            else pending_documents(case.store, "tables")
        if todo:
            with case.writing("tables"), RichProgress(console, enabled=not as_json) as bars:
                summary = read_tables(case, todo, lambda done, total: bars.set("Tables", done, total), workers)
                mark_done(case.store, "tables", max(todo))
        stored = tstore.all_tables(case.store.conn)
        documents = {d.id: d for d in case.store.documents(sorted({s.document_id for s in stored}))}
        written = export_tables(export_dir, stored, documents) if export_dir else []
    listing = [{"citation": citation(documents[s.document_id], s), "document": documents[s.document_id].listing,
                "pages": s.table.pages, "rows": s.table.n_rows, "columns": s.table.n_cols, "method": s.table.method,
                "redacted_cells": sum(c.redacted for c in s.table.cells)} for s in stored]
    if as_json:
        emit_json({"read": asdict(summary), "tables": listing, "exported": [str(p) for p in written]})
        return
    if todo:
        console.print(f"{summary.documents} PDFs read: {summary.tables} tables in {summary.with_tables} documents, "
                      f"{summary.redacted_cells} redacted cells")
    for problem in summary.problems:
        console.print(f"[yellow]warning:[/] {problem}")
    view = RichTable("table", "rows", "cols", "method", "redacted", title=f"{len(stored)} tables")
    for item in listing:
        view.add_row(item["citation"], str(item["rows"]), str(item["columns"]), item["method"], str(item["redacted_cells"]))
    console.print(view)
    if written:
        console.print(f"exported {len(stored)} tables to {export_dir} (CSV, XLSX, tables.sqlite, provenance.csv)")
