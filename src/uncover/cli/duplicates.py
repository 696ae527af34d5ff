"""`uncover dupes`, `uncover threads`, `uncover versions`: thin shells over analyze.casepasses."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from ..errors import InputError
from .base import case_argument, console, emit_json, friendly_errors, json_option, main, open_case
from .progress import RichProgress

if TYPE_CHECKING:
    from ..case import Case


def _ensure_passes(case: Case, refresh: bool, quiet: bool) -> None:
    """Run the duplicate passes where documents have no fingerprint yet, where a pass was left
    unfinished, or on --refresh (a read-only case shows what it holds)."""
    from ..analyze.casepasses import mark_done, pending_documents, run_duplicate_passes

    store = case.store
    missing = store.conn.execute(
        "SELECT COUNT(*) FROM documents WHERE id NOT IN "
        "(SELECT document_id FROM document_signatures WHERE words IS NOT NULL)").fetchone()[0]
    if not (refresh or missing or pending_documents(store, "duplicates")) or case.readonly:
        return
    with case.writing("dupes"), RichProgress(console, enabled=not quiet) as bars:
        newest = int(store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM documents").fetchone()[0])
        run_duplicate_passes(case, progress=lambda stage, done, total: bars.set(stage.capitalize(), done, total))
        mark_done(store, "duplicates", newest)


def _document_id(case: Case, ref: str) -> int:
    if ref.isdigit() and case.store.document(int(ref)):
        return int(ref)
    if ref.upper().startswith("DOC-") and ref[4:].isdigit():
        return int(ref[4:])
    found = case.store.find_by_bates(ref)
    if not found:
        raise InputError(f"No document {ref!r} in this case: give a document id, DOC-000123, or a Bates number.")
    return found[0]


def _text(case: Case, doc_id: int) -> str:
    return "\n".join(p.text for p in case.store.pages(doc_id))


SHOWN = 5  # members listed per group before the rest is summarised as a count


def summarise(items: list[str], more_hint: str, shown: int = SHOWN) -> str:
    """One line per item, the first few only: a group of 1,506 is five lines and a count."""
    lines = items[:shown]
    if len(items) > shown:
        lines.append(f"... and {len(items) - shown:,} more ({more_hint})")
    return "\n".join(lines)


@main.command("dupes")
@case_argument
@click.option("--diff", "diff", nargs=2, metavar="DOC1 DOC2", help="Show the word-level differences between two documents.")
@click.option("--group", "group_id", type=int, help="List every member of one duplicate group.")
@click.option("--refresh", is_flag=True, help="Recompute every duplicate pass from the stored signatures.")
@json_option
@friendly_errors
def dupes_command(case_dir: Path, diff: tuple[str, str] | None, group_id: int | None, refresh: bool, as_json: bool) -> None:
    """Exact duplicate groups (each with its basis) and near-duplicate clusters."""
    from ..analyze.duplicates import BASES
    from ..analyze.neardup import format_diff, word_diff
    from ..store import duplicates as dstore

    with open_case(case_dir) as case:
        if diff:
            a, b = (_document_id(case, ref) for ref in diff)
            ops = word_diff(_text(case, a), _text(case, b))
            if as_json:
                emit_json({"a": a, "b": b, "ops": [asdict(op) for op in ops]})
            else:
                console.print(format_diff(ops), markup=False)
            return
        _ensure_passes(case, refresh, as_json)
        groups = dstore.duplicate_groups(case.store)
        near = dstore.clusters(case.store)
        hidden = len(dstore.collapsed_ids(case.store))
    if group_id is not None:
        groups = [g for g in groups if g.id == group_id]
        if not groups:
            raise InputError(f"No duplicate group {group_id}; `uncover dupes CASE` lists them.")
    if as_json:
        emit_json({"duplicate_groups": [{**g.to_json(), "basis_means": BASES[g.basis]} for g in groups],
                   "hidden_by_dupe_no": hidden, "near_duplicates": [] if group_id is not None else near})
        return
    shown = 10**9 if group_id is not None else SHOWN
    table = Table(title=f"{len(groups)} exact duplicate groups ({hidden} documents hidden by dupe:no)")
    for col in ("group", "why they are copies", "kept", "copies", "custodians", "productions"):
        table.add_column(col)
    for g in groups:
        primary = next(m for m in g.members if m.is_primary)
        copies = [m.listing + (" (other family, kept)" if m.other_family else "") for m in g.members if not m.is_primary]
        table.add_row(str(g.id), BASES[g.basis], primary.listing,
                      summarise(copies, f"uncover dupes CASE --group {g.id}", shown),
                      ", ".join(g.custodians), ", ".join(g.productions))
    console.print(table)
    if group_id is not None:
        return
    table = Table(title=f"{len(near)} near-duplicate clusters")
    for col in ("cluster", "pivot", "members (similarity)"):
        table.add_column(col)
    for c in near:
        pivot = next(m for m in c["members"] if m["document_id"] == c["pivot"])
        others = [f"{m['listing']} ({m['score']:.2f})" for m in c["members"] if m["document_id"] != c["pivot"]]
        table.add_row(str(c["id"]), pivot["listing"], summarise(others, "uncover dupes CASE --json"))
    console.print(table)


@main.command("threads")
@case_argument
@click.option("--thread", "thread_id", type=int, help="Show one thread's messages.")
@click.option("--refresh", is_flag=True, help="Recompute every duplicate pass from the stored signatures.")
@json_option
@friendly_errors
def threads_command(case_dir: Path, thread_id: int | None, refresh: bool, as_json: bool) -> None:
    """E-mail threads, with the inclusive messages (those no later message contains) marked."""
    from ..store import duplicates as dstore

    with open_case(case_dir) as case:
        _ensure_passes(case, refresh, as_json)
        found = dstore.threads(case.store, thread_id)
    if as_json:
        emit_json(found)
        return
    one = thread_id is not None
    table = Table(title=f"{len(found)} threads")
    for col in ("thread", "subject", "basis", "messages", "inclusive"):
        table.add_column(col)
    for t in found:
        if one:
            listed = [("* " if m["inclusive"] else "  ") + m["listing"] for m in t["members"]]
            table.add_row(str(t["id"]), t["subject"] or "", t["basis"], "\n".join(listed), "* inclusive")
            continue
        inclusive = [m["listing"] for m in t["members"] if m["inclusive"]]
        table.add_row(str(t["id"]), t["subject"] or "", t["basis"], str(len(t["members"])),
                      summarise(inclusive, f"uncover threads CASE --thread {t['id']}"))
    console.print(table)


@main.command("versions")
@case_argument
@click.option("--production", help="Only copies in this (later) production.")
@click.option("--against", help="Only compared with copies in this (earlier) production.")
@click.option("--refresh", is_flag=True, help="Recompute every duplicate pass from the stored signatures.")
@json_option
@friendly_errors
def versions_command(case_dir: Path, production: str | None, against: str | None, refresh: bool, as_json: bool) -> None:
    """Records produced more than once: what the later copy reveals and newly withholds."""
    from ..store import duplicates as dstore

    with open_case(case_dir) as case:
        names = {p.name for p in case.store.productions()}
        for name in (production, against):
            if name and name not in names:
                raise InputError(f"No production named {name!r}; the case has: {', '.join(sorted(names)) or 'none'}.")
        _ensure_passes(case, refresh, as_json)
        pairs = [
            p for p in dstore.version_pairs(case.store)
            if (not production or p["later_production"] == production) and (not against or p["earlier_production"] == against)
        ]
    if as_json:
        emit_json(pairs)
        return
    table = Table(title=f"{len(pairs)} re-produced records")
    for col in ("earlier", "later", "basis", "revealed", "newly withheld"):
        table.add_column(col)
    for p in pairs:
        table.add_row(f"{p['earlier_listing']} ({p['earlier_production']})", f"{p['later_listing']} ({p['later_production']})",
                      p["basis"], summarise(p["revealed"], "uncover versions CASE --json"),
                      summarise(p["withheld"], "uncover versions CASE --json"))
    console.print(table)
