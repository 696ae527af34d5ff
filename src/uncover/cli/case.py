"""`uncover init`, `status`, `exceptions`, `show` and `verify`: the case and what is in it."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click
from rich.table import Table

from ..errors import CustodyError, InputError
from .base import case_argument, console, emit_json, friendly_errors, json_option, main, open_case


@main.command("init")
@case_argument
@click.option("--name", help="The case's name (default: the folder's name).")
@click.option("--database", metavar="DSN", default=None,
              help="Keep the case on a PostgreSQL server (a team), e.g. postgresql://db.example.org/uncover; "
                   "default: $UNCOVER_DATABASE, else SQLite in the case folder. Needs `pip install 'uncover[team]'`.")
@click.option("--schema", "pg_schema", metavar="NAME", help="The PostgreSQL schema for the case (default: from its name).")
@click.option("--from", "source", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Copy an existing case (settings, originals, index, every row): e.g. a laptop case onto the team server.")
@json_option
@friendly_errors
def init_command(case_dir: Path, name: str | None, database: str | None, pg_schema: str | None, source: Path | None,
                 as_json: bool) -> None:
    """Create a case folder: uncover.toml, case.db (or a PostgreSQL schema), originals/, derived/."""
    from ..case import Case

    if source is not None:
        case = Case.copy(source, case_dir, database=database, schema=pg_schema)
    else:
        case = Case.init(case_dir, name, database=database, schema=pg_schema)
    storage = case.settings.storage
    where = f"PostgreSQL schema {storage['schema']}" if case.backend == "postgresql" else "case.db"
    if as_json:
        emit_json({"case": str(case.root), "name": case.name, "schema": case.store.schema_version(),
                   "backend": case.backend, "pg_schema": storage["schema"] or None,
                   "documents": case.store.counts()["documents"]})
    else:
        copied = f" with {case.store.counts()['documents']:,} documents from {source}" if source else ""
        console.print(f"Created case [bold]{case.name}[/] in {case.root} ({where}){copied}. "
                      f"Next: [bold]uncover ingest {case_dir} PATH...[/]")


@main.command("status")
@case_argument
@json_option
@friendly_errors
def status_command(case_dir: Path, as_json: bool) -> None:
    """Productions, documents, pages, OCR and the reconciliation of inputs."""
    from ..analyze.casepasses import pending_counts
    from ..ingest.pipeline import reconcile
    from ..store import withholdings as wstore

    case = open_case(case_dir)
    counts = case.store.counts()
    rec = reconcile(case)
    productions = case.store.production_counts()
    pending = pending_counts(case.store)
    withheld = wstore.withheld_page_counts(case.store.conn)
    sheets = wstore.deleted_page_sheets(case.store.conn)
    if as_json:
        emit_json({"case": case.name, "counts": counts, "reconciliation": rec, "productions": productions,
                   "passes_pending": pending, "readonly": case.readonly,
                   "withheld_in_full": {"pages": len(wstore.withheld_pages(case.store.conn)), "by_reason": withheld,
                                        "sheets": len(sheets), "sheets_total_differs": sum(s.total_agrees is False for s in sheets)}})
        return
    table = Table(title=f"Case {case.name}")
    for col in ("production", "documents", "pages", "received"):
        table.add_column(col)
    for p in productions:
        table.add_row(p["name"], str(p["documents"]), str(p["pages"]), p["received_at"] or "")
    console.print(table)
    console.print(
        f"{counts['documents']} documents, {counts['pages']} pages, {counts['pages_ocr']} pages OCR'd"
        + (f", [yellow]{counts['pages_needing_ocr_without']} pages need OCR but did not get it[/]" if counts["pages_needing_ocr_without"] else "")
    )
    flagged = [f"{counts[key]} {what}" for key, what in (("pages_ocr_low_confidence", "with low confidence"),
               ("pages_ocr_nearly_empty", "nearly empty (little read from a printed page)"),
               ("pages_ocr_rotated", "read after turning them")) if counts[key]]
    if flagged:
        console.print("OCR: " + ", ".join(flagged) + " (uncover exceptions --all lists them)")
    if withheld:
        listed = len(wstore.withheld_pages(case.store.conn))
        console.print(f"Withheld in full (deleted page sheets): {listed} pages; "
                      + ", ".join(f"{reason} {n}" for reason, n in withheld.items()))
        for s in sheets:
            doc = case.store.document(s.document_id) if s.total_agrees is False else None
            if doc is not None:
                console.print(f"[yellow]{doc.listing}, page {s.first_page}: the deleted page sheet prints a total of "
                              f"{s.printed_total} but {s.listed} pages could be read from it.[/]", markup=True)
    colour = "green" if rec["difference"] == 0 else "red"
    console.print(
        f"Reconciliation: {rec['inputs']} inputs (files and container members) = {rec['documents']} documents + "
        f"{rec['exceptions']} exceptions" + (f" + {rec['pending']} pending (run the ingest again to finish)" if rec["pending"] else "")
        + f"; [{colour}]difference {rec['difference']}[/]"
    )
    if counts["unindexed"]:
        console.print(f"[yellow]{counts['unindexed']} documents are not in the search index yet: run uncover reindex.[/]")
    if pending:
        console.print("[yellow]Case passes not finished for " + ", ".join(f"{n} ({k} documents)" for n, k in pending.items())
                      + ": run the ingest again (any ingest into this case finishes them).[/]")


@main.command("exceptions")
@case_argument
@click.option("--all", "include_warnings", is_flag=True, help="Include warnings on documents that were ingested.")
@json_option
@friendly_errors
def exceptions_command(case_dir: Path, include_warnings: bool, as_json: bool) -> None:
    """The exception report: every input that did not become a document, and why."""
    case = open_case(case_dir)
    issues = case.store.issues(exceptions_only=not include_warnings)
    if as_json:
        emit_json([asdict(i) for i in issues])
        return
    # load files not read are about the delivery, not inputs: listed apart, so the count of
    # exceptions here is the one `ingest` and `status` report (inputs = documents + exceptions)
    not_read = [i for i in issues if i.stage == "loadfile" and i.input_id is None and i.bates is None]
    issues = [i for i in issues if i not in not_read]
    if not_read:
        table = Table(title=f"{len(not_read)} load file(s) not read")
        for col in ("load file", "why"):
            table.add_column(col, overflow="fold")
        for i in not_read:
            table.add_row(Path(i.path).name, i.message)
        console.print(table)
    if not issues:
        console.print("No exceptions: every input became a document.")
        return
    by_category: dict[str, int] = {}
    for i in issues:
        by_category[str(i.category)] = by_category.get(str(i.category), 0) + 1
    summary = ", ".join(f"{n} {c}" for c, n in sorted(by_category.items(), key=lambda kv: -kv[1]))
    table = Table(title=f"{len(issues)} {'issues' if include_warnings else 'exceptions'} ({summary})")
    for col in ("Bates or file", "member", "stage", "category", "message"):
        table.add_column(col, overflow="fold")
    for i in issues:
        table.add_row(i.bates or Path(i.path).name, i.member or "", i.stage, str(i.category), i.message)
    console.print(table)


@main.command("show")
@case_argument
@click.argument("docid")
@click.option("--no-text", is_flag=True, help="Metadata only.")
@click.option("--segments", "show_segments", is_flag=True,
              help="The text split into the author's own words and each quoted earlier message.")
@json_option
@friendly_errors
def show_command(case_dir: Path, docid: str, no_text: bool, show_segments: bool, as_json: bool) -> None:
    """A document's metadata, hashes, family and pages. DOCID: 42, DOC-000042 or any page's Bates number."""
    from ..document_view import document_view, resolve_document

    case = open_case(case_dir)
    found = resolve_document(case, docid)
    if found is None:
        raise InputError(f"No document {docid} in {case.name}; give a number, DOC-000123 or a Bates number.")
    view = document_view(case, *found, segments=show_segments)
    if as_json:
        emit_json(view)
        return
    doc = view["document"]
    console.print(f"[bold]{view['label']}[/]  {doc['filename']}  ({doc['kind']}, {doc['page_count']} pages)")
    table = Table(show_header=False, box=None)
    for key in ("path", "production", "custodian", "date", "sender", "recipients", "cc", "subject", "title", "author",
                "sha256", "md5", "size", "message_id"):
        value = view["production"] if key == "production" else doc.get(key)
        if value:
            table.add_row(key, str(value))
    console.print(table)
    if view["derived"]:
        console.print("[bold]Read from the page[/]")
        for d in view["derived"]:
            state = "" if d["applied"] else " [dim](not applied)[/]"
            value = d["value"] or "—"
            console.print(f"  {d['field']}: {value}  [dim]{d['source']}, page {d['page']}, confidence {d['confidence']:.2f}"
                          f"{'; ' + d['note'] if d['note'] else ''}[/]{state}", highlight=False)
    if view["family"]:
        console.print("[bold]Family[/]")
        for member in view["family"]:
            marker = "→" if member["id"] == doc["id"] else " "
            console.print(f" {marker} {member['label']}  {member['filename']}  ({member['kind']})")
    for warning in doc["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")
    if no_text:
        return
    if show_segments:
        _print_segments(view)
        return
    for page in view["pages"]:
        marker = " (requested)" if page["number"] == view["page"] else ""
        bates = f" {page['bates']}" if page["bates"] else ""
        conf = f", confidence {page['ocr_confidence']:.0f}" if page["ocr_confidence"] is not None else ""
        console.rule(f"page {page['number']}{bates} · text from {page['text_source']}{conf}{marker}")
        for finding in page.get("findings", []):
            console.print(f"[magenta]{finding}[/]")
        console.print(page["text"], markup=False)


def _print_segments(view: dict) -> None:
    """The text as the author's own words and each quoted message, each under its own rule."""
    for seg in view["segments"]:
        if seg["kind"] == "own":
            console.rule(f"own text · page {seg['page']}")
        else:
            who = seg["sender"] or "unknown sender"
            when = seg["date"] or seg["date_printed"] or "undated"
            about = f" · {seg['subject']}" if seg["subject"] else ""
            console.rule(f"quoted message {seg['depth']} · {who} · {when}{about} · page {seg['page']}")
        console.print(seg["text"], markup=False, highlight=False)


@main.command("verify")
@case_argument
@click.argument("documents", nargs=-1)
@click.option("--production", help="Only the originals of this production.")
@json_option
@friendly_errors
def verify_command(case_dir: Path, documents: tuple[str, ...], production: str | None, as_json: bool) -> None:
    """Re-hash the stored originals (all, some DOCUMENTS, or one production) against the hashes taken at
    ingest; lists every altered or missing original with its Bates number and exits 8 if there is one."""
    from ..custody import verify_originals
    from .progress import RichProgress

    case = open_case(case_dir)
    with RichProgress(console, enabled=not as_json) as bars:
        report = verify_originals(case, documents, production, lambda done, total: bars.set("Verifying", done, total))
    if as_json:
        emit_json(report.to_dict())
    else:
        colour = "green" if report.ok else "red"
        console.print(f"[{colour}]{report.intact:,} of {report.checked:,} originals intact[/] ({report.bytes / 1e6:,.1f} MB "
                      f"re-hashed, {report.scope}); database: {report.database}; checked {report.at}"
                      + ("" if report.recorded else " (read-only case: not written to the audit log)"))
        if report.problems:
            table = Table(title=f"{len(report.problems)} originals altered or missing")
            for col in ("status", "documents (Bates or file name)", "sha256 recorded at ingest"):
                table.add_column(col, overflow="fold")
            for p in report.problems:
                table.add_row(p.status, "\n".join(p.documents or [f"{i} (exception)" for i in p.inputs]), p.sha256)
            console.print(table)
    if not report.ok:
        raise CustodyError(f"{len(report.problems)} originals are altered or missing"
                           + ("" if report.database == "ok" else f" and the database is {report.database}")
                           + "; restore them from the production (the hashes above say which bytes are expected).")
