"""`uncover search` and `uncover reindex`: thin shells over uncover.search."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.padding import Padding
from rich.text import Text

from .base import (
    case_argument,
    console,
    emit_json,
    err_console,
    friendly_errors,
    json_option,
    main,
    open_case,
)
from .progress import RichProgress

if TYPE_CHECKING:
    from ..search import SearchResults, Snippet

QUERY_HELP = """Search the case's documents, best matches first (BM25).

\b
QUERY language:
  "release in part"        a phrase
  memo letter              both words (AND is the default)
  memo OR letter, NOT b6, -b6, (a OR b) AND c
  secur*                   words starting with secur
  custodian:"Marc Rapp"    kind:email  production:"VOL001"  filename:*.pdf  (whole value, any case, * globs)
  from:sullivan  to:mills  subject:benghazi                                  (words in the field)
  date:2011-01-17  date:2011-01-01..2011-01-31  date:..2011-01-31  date:2011-01-01..
"""


@main.command("search", help=QUERY_HELP)
@case_argument
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0, 10_000), help="How many hits to show.")
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many hits (paging).")
@click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance", show_default=True,
              help="Order: best match, oldest first, or newest first.")
@json_option
@friendly_errors
def search_command(case_dir: Path, query: str, limit: int, offset: int, sort: str, as_json: bool) -> None:
    from ..search import search

    with open_case(case_dir) as case:
        results = search(case, query, limit=limit, offset=offset, sort=sort)
        # Not indexed yet: an ingest still running, or one that stopped (`uncover reindex` finishes it).
        # Searching never writes the index, so it never waits on an ingest's writer lock.
        counts = case.store.counts()
        unindexed = counts["unindexed"]
        # An index of an older schema is set aside when opened (it is derived data): until a
        # reindex (or any ingest) rebuilds it, the documents it lost are not found.
        unindexed += max(0, counts["documents"] - unindexed - case.index.count())
    if as_json:
        emit_json({**results.to_dict(), "unindexed": unindexed})
        return
    print_results(results)
    if unindexed:
        err_console.print(f"[yellow]note:[/] {unindexed:,} documents are not in the index yet "
                          "(an ingest is running, or the index is from an older uncover: run `uncover reindex`).")


def print_results(results: SearchResults) -> None:
    shown = f"{results.offset + 1}-{results.offset + len(results.hits)} of " if results.hits else ""
    console.print(f"[bold]{shown}{results.total:,}[/] documents match [cyan]{Text(results.query)}[/] "
                  f"[dim]({results.elapsed_ms:.0f} ms)[/]")
    if not results.hits:
        return
    # One line of facts per hit (a row of the table), then its snippet, full width, beneath it.
    for hit in results.hits:
        who = " / ".join(x for x in (hit.custodian, hit.sender) if x)
        facts = Text.assemble(
            (hit.label, "bold cyan"), "  ",
            (f"{hit.score:.2f}" if hit.score is not None else "", "magenta"), "  ",
            hit.kind, "  ", ((hit.date or "undated")[:10], "dim"), "  ",
            (who, "blue"), "  ", (hit.subject or hit.filename, "bold"), "  ",
            (f"p. {_pages(hit.pages)}" if hit.pages else "", "green"),
        )
        facts.no_wrap, facts.overflow = True, "ellipsis"
        console.print(facts)
        if hit.snippet and hit.snippet.text:
            console.print(Padding(snippet_text(hit.snippet), (0, 0, 1, 4)))


def snippet_text(snippet: Snippet) -> Text:
    text = Text(f"p. {snippet.page}: " if snippet.page else "", style="dim")
    line = Text(snippet.text)
    for start, end in snippet.highlights:
        line.stylize("bold black on yellow", start, end)
    return text + line


def _pages(pages: list[int], most: int = 8) -> str:
    if len(pages) <= most:
        return ", ".join(map(str, pages))
    return ", ".join(map(str, pages[:most])) + f" +{len(pages) - most}"


@main.command("reindex")
@case_argument
@json_option
@friendly_errors
def reindex_command(case_dir: Path, as_json: bool) -> None:
    """Rebuild the full-text index from the case database (it is derived data)."""
    from ..search import reindex

    with open_case(case_dir) as case:
        with RichProgress(console, enabled=not as_json) as bars:
            done = reindex(case, lambda n, total: bars.set("Indexing", n, total))
        count = case.index.count()
        case.index.close()
    if as_json:
        emit_json({"indexed": done, "index_documents": count})
    else:
        console.print(f"indexed [bold]{done:,}[/] documents")
