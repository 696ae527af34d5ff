"""`uncover export` (a DAT+OPT volume of a case) and `uncover loadfiles` (what a volume's load files hold)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from .base import case_argument, console, emit_json, friendly_errors, json_option, main, open_case
from .progress import RichProgress

if TYPE_CHECKING:
    from ..ingest.volume import Volume


@main.command("export")
@case_argument
@click.option("--format", "fmt", default="dat-opt", show_default=True, type=click.Choice(["dat-opt"]),
              help="Volume layout: Concordance DAT + Opticon OPT with TEXT/, NATIVES/, IMAGES/.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="A new, empty folder for the volume.")
@click.option("--production", default=None, help="Export only this production (default: the whole case).")
@click.option("--prefix", default="UNC", show_default=True, help="Bates prefix for documents that have none.")
@json_option
@friendly_errors
def export_command(case_dir: Path, fmt: str, out_dir: Path, production: str | None, prefix: str, as_json: bool) -> None:
    """Export documents as a standard load-file volume (DAT, OPT, text, natives, images)."""
    from ..ingest.export import export_volume

    with open_case(case_dir) as case:
        with RichProgress(console, enabled=not as_json) as bars:
            result = export_volume(case, out_dir, fmt=fmt, production=production, prefix=prefix,
                                   progress=lambda done, total, label: bars.set("Exporting", done, total))
    data = {"out": str(result.out_dir), "documents": result.documents, "pages": result.pages, "texts": result.texts,
            "natives": result.natives, "images": result.images, "bates_assigned": result.bates_assigned}
    if as_json:
        emit_json(data)
        return
    console.print(f"Exported {result.documents} documents ({result.pages} pages) to {result.out_dir}: "
                  f"{result.texts} text files, {result.natives} natives, {result.images} images"
                  + (f"; {result.bates_assigned} Bates numbers assigned with prefix {prefix}" if result.bates_assigned else ""))


@main.command("loadfiles")
@click.argument("volume_dir", metavar="VOLUME", type=click.Path(path_type=Path))
@json_option
@friendly_errors
def loadfiles_command(volume_dir: Path, as_json: bool) -> None:
    """Show what a volume's load files hold (or each volume's, for a folder of volumes): dialect
    detected, records, warnings, load files not read (nothing is ingested)."""
    from ..ingest.volume import delivery_files, find_volumes, read_volume

    found = find_volumes(volume_dir)
    volumes = [read_volume(v) for v in found] if found else [read_volume(volume_dir)]  # no volume: the reason
    delivery = delivery_files(volume_dir, found)
    summaries = [_summary(volume) for volume in volumes]
    if as_json:
        emit_json({"volume": str(volumes[0].root) if len(volumes) == 1 else str(volume_dir),
                   "documents": sum(s["documents"] for s in summaries), "warnings": sum(s["warnings"] for s in summaries),
                   "loadfiles": [r for s in summaries for r in s["loadfiles"]],
                   "first_warnings": [w for s in summaries for w in s["first_warnings"]][:10],
                   "not_read": [n for s in summaries for n in s["not_read"]], "volumes": summaries,
                   "delivery_files": [str(p) for p in delivery]})
        return
    for summary in summaries:
        table = Table("load file", "kind", "lines/records", "detected", "unknown fields",
                      title=f"Volume {Path(summary['volume']).name}")
        for r in summary["loadfiles"]:
            d = r["dialect"]
            detected = ", ".join(f"{k}={d[k]}" for k in ("encoding", "delimiter", "qualifier", "header") if k in d)
            table.add_row(Path(str(r["path"])).name, str(r["kind"]), str(r["records"]), detected,
                          ", ".join(r["unknown_fields"]) or "-")
        console.print(table)
        console.print(f"{summary['documents']} documents, {summary['warnings']} warnings")
        for line in summary["first_warnings"]:
            console.print(f"  {line}")
        if summary["not_read"]:
            console.print(f"{len(summary['not_read'])} load file(s) not read:")
            for item in summary["not_read"]:
                console.print(f"  {item['message']}")
    if len(summaries) > 1:
        console.print(f"{len(summaries)} volumes, {sum(s['documents'] for s in summaries)} documents in all")
    if delivery:
        console.print(f"Beside the volumes, not documents: {', '.join(p.name for p in delivery)}")


def _summary(volume: Volume) -> dict[str, Any]:
    records = warnings = 0
    examples: list[str] = []
    for record in volume.records():
        records += 1
        warnings += len(record.warnings)
        examples.extend(record.warnings[: max(0, 10 - len(examples))])
    runs = [{"path": str(r.path), "kind": r.kind, "records": r.records, "warnings": r.warnings,
             "dialect": r.dialect, "unknown_fields": r.unknown_fields} for r in volume.runs]
    return {"volume": str(volume.root), "documents": records, "warnings": warnings, "loadfiles": runs,
            "first_warnings": examples, "not_read": [{"path": str(p), "message": m} for p, m in volume.not_read()]}
