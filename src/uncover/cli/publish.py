"""`uncover publication ...`, `uncover publish`, `uncover publish-check`: the public reading room.

    uncover publication create CASE NAME --title T [--search Q] [--doc LABEL ...] [--guide F] [--intro F] [--base-url U]
    uncover publication add CASE NAME [--search Q] [--doc LABEL ...]
    uncover publication show CASE NAME
    uncover publication list CASE
    uncover publication privacy CASE NAME [--show KIND] [--mask KIND] [--keep VALUE]
    uncover publish CASE NAME --out DIR [--pdf] [--no-check]
    uncover publish-check CASE NAME DIR [--accept ID --reason TEXT]

`publish` runs the leak check on what it built and exits 1 if anything unpublished is in it;
`publish-check` runs the same check on any folder (a site copied elsewhere, edited by hand), and
records a finding the publisher judged a false alarm (`--accept ID --reason ...`): later checks
show it with its reason and no longer fail on it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError
from .base import case_argument, console, emit_json, friendly_errors, json_option, main, open_case
from .progress import RichProgress

LEAK_EXIT = 1


def _read(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"Cannot read {path} ({exc.strerror}); check the path.", path=str(path)) from exc


def _summary(pub, policy=None) -> dict:  # type: ignore[no-untyped-def]
    data = {"name": pub.name, "title": pub.title, "documents": len(pub.document_ids), "base_url": pub.base_url,
            "searches": [{"query": s.query, "frozen_at": s.frozen_at, "matched": s.matched} for s in pub.searches],
            "guide_chars": len(pub.guide), "introduction_chars": len(pub.introduction)}
    if policy is not None:
        data["personal_data"] = _policy(policy)
    return data


def _policy(policy) -> dict:  # type: ignore[no-untyped-def]
    from ..publish.personal import KINDS

    return {"masked": [k for k in KINDS if policy.masks(k)], "shown": [k for k in KINDS if not policy.masks(k)],
            "keep": list(policy.keep)}


@main.group("publication")
def publication_group() -> None:
    """Choose what to publish: documents, frozen searches, an introduction and a briefing guide."""


@publication_group.command("create")
@case_argument
@click.argument("name")
@click.option("--title", required=True, help="The site's title.")
@click.option("--search", "searches", multiple=True, help="A search to freeze now into the list of documents (repeatable).")
@click.option("--doc", "docs", multiple=True, help="A document by Bates number or DOC-000123 (repeatable).")
@click.option("--guide", type=click.Path(path_type=Path), help="The briefing guide, a Markdown file; [[BATES p3]] cites a page.")
@click.option("--intro", type=click.Path(path_type=Path), help="The introduction, a Markdown file.")
@click.option("--base-url", default="", help="Where the site will be served, e.g. https://example.org/room/ (feed, sitemap, PDF links).")
@json_option
@friendly_errors
def create_command(case_dir: Path, name: str, title: str, searches: tuple[str, ...], docs: tuple[str, ...],
                   guide: Path | None, intro: Path | None, base_url: str, as_json: bool) -> None:
    """Create a publication."""
    from ..publish import add_documents, create_publication, freeze_search, get_publication, set_base_url

    with open_case(case_dir) as case:
        pub = create_publication(case, name, title, introduction=_read(intro), guide=_read(guide))
        if base_url:
            set_base_url(case, pub, base_url)
        if docs:
            add_documents(case, pub, list(docs))
        for query in searches:
            freeze_search(case, pub, query)
        pub = get_publication(case, pub.name)
    _report(pub, as_json, "created")


@publication_group.command("add")
@case_argument
@click.argument("name")
@click.option("--search", "searches", multiple=True, help="A search to freeze now into the list of documents.")
@click.option("--doc", "docs", multiple=True, help="A document by Bates number or DOC-000123.")
@click.option("--guide", type=click.Path(path_type=Path), help="Replace the briefing guide with this Markdown file.")
@click.option("--intro", type=click.Path(path_type=Path), help="Replace the introduction with this Markdown file.")
@json_option
@friendly_errors
def add_command(case_dir: Path, name: str, searches: tuple[str, ...], docs: tuple[str, ...], guide: Path | None,
                intro: Path | None, as_json: bool) -> None:
    """Add documents (or a new guide) to a publication."""
    from ..publish import add_documents, freeze_search, get_publication, set_guide, set_introduction

    with open_case(case_dir) as case:
        pub = get_publication(case, name)
        if docs:
            add_documents(case, pub, list(docs))
        for query in searches:
            freeze_search(case, pub, query)
        if guide:
            set_guide(case, pub, _read(guide))
        if intro:
            set_introduction(case, pub, _read(intro))
        pub = get_publication(case, name)
    _report(pub, as_json, "updated")


@publication_group.command("show")
@case_argument
@click.argument("name")
@json_option
@friendly_errors
def show_command(case_dir: Path, name: str, as_json: bool) -> None:
    """What a publication holds, and whether each citation of its guide resolves."""
    from ..publish import citations, get_publication, personal_data_policy
    from ..store import publish as publish_sql

    with open_case(case_dir) as case:
        pub = get_publication(case, name)
        cites = citations(case, pub.guide + "\n" + pub.introduction)
        labels = {d.id: d.label for d in case.store.documents(pub.document_ids)}
        policy = personal_data_policy(case, pub)
        accepted = publish_sql.accepted_findings(case.store.conn, pub.id)
    data = _summary(pub, policy) | {
        "accepted_findings": [{"id": a.fingerprint, "source": a.source, "evidence": a.evidence, "reason": a.reason,
                               "accepted_at": a.accepted_at} for a in accepted],
        "labels": [labels[i] for i in pub.document_ids if i in labels],
        "citations": [{"text": c.text, "document": labels.get(c.document_id or -1), "page": c.resolved_page,
                       "published": c.document_id in labels} for c in cites],
    }
    if as_json:
        emit_json(data)
        return
    _report(pub, False, "")
    for c in data["citations"]:
        mark = "[green]ok[/]" if c["published"] else "[red]not in the publication[/]"
        console.print(f"  {c['text']} -> {c['document'] or '?'} p{c['page'] or '?'}  {mark}")
    _print_policy(data["personal_data"])
    for a in data["accepted_findings"]:
        console.print(f"  accepted finding [{a['id']}] {a['source']} ({a['evidence']}): {a['reason']}")


def _print_policy(policy: dict) -> None:  # type: ignore[type-arg]
    console.print("personal data masked: " + (", ".join(policy["masked"]) or "nothing")
                  + ("; shown as written: " + ", ".join(policy["shown"]) if policy["shown"] else ""))
    for value in policy["keep"]:
        console.print(f"  always shown: {value}")


@publication_group.command("privacy")
@case_argument
@click.argument("name")
@click.option("--show", "show", multiple=True, metavar="KIND",
              help="Publish this kind as written: emails, phones, cc, bcc or custodians (repeatable).")
@click.option("--mask", "mask", multiple=True, metavar="KIND", help="Mask this kind again (repeatable).")
@click.option("--keep", "keep", multiple=True, metavar="VALUE",
              help="A value always published as written, e.g. a press office's address (repeatable).")
@json_option
@friendly_errors
def privacy_command(case_dir: Path, name: str, show: tuple[str, ...], mask: tuple[str, ...], keep: tuple[str, ...],
                    as_json: bool) -> None:
    """What personal data a publication masks (by default: e-mail addresses, phones, Cc, Bcc, custodians)."""
    from ..publish import get_publication, personal_data_policy, set_personal_data

    with open_case(case_dir) as case:
        pub = get_publication(case, name)
        if show or mask or keep:
            policy = set_personal_data(case, pub, show=list(show), mask=list(mask), keep=list(keep))
        else:
            policy = personal_data_policy(case, pub)
    if as_json:
        emit_json(_policy(policy))
    else:
        _print_policy(_policy(policy))


@publication_group.command("list")
@case_argument
@json_option
@friendly_errors
def list_command(case_dir: Path, as_json: bool) -> None:
    """Every publication of the case."""
    from ..publish import list_publications

    with open_case(case_dir) as case:
        pubs = list_publications(case)
    if as_json:
        emit_json([_summary(p) for p in pubs])
        return
    for p in pubs:
        console.print(f"{p.name}: {p.title} ({len(p.document_ids)} documents)")


def _report(pub, as_json: bool, verb: str) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        emit_json(_summary(pub))
        return
    console.print(f"publication [bold]{pub.name}[/] {verb}: {pub.title}, {len(pub.document_ids)} documents")
    for s in pub.searches:
        console.print(f"  search {s.query!r} frozen {s.frozen_at}: {s.matched} documents")


@main.command("publish")
@case_argument
@click.argument("name")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The folder to write the site into.")
@click.option("--pdf", is_flag=True, help="Also write the briefing guide as guide.pdf, citations linked.")
@click.option("--no-check", is_flag=True, help="Skip the leak check (run `uncover publish-check` before uploading).")
@click.option("--workers", type=int, default=0, help="Processes rendering page images (default: one per core).")
@json_option
@friendly_errors
def publish_command(case_dir: Path, name: str, out: Path, pdf: bool, no_check: bool, workers: int, as_json: bool) -> None:
    """Build the static reading room of a publication; exits 1 if the leak check finds anything."""
    from ..publish import get_publication, publish

    with open_case(case_dir) as case:
        pub = get_publication(case, name)
        with RichProgress(console, enabled=not as_json) as progress:
            result = publish(case, pub, out, pdf=pdf, check=not no_check, workers=workers or None, progress=progress)
    if as_json:
        emit_json(result.as_dict())
    else:
        f = result.figures
        console.print(f"site written to {result.out}: {f.documents} documents, {f.pages} pages, {f.images} page images, "
                      f"{f.files} files, {f.bytes / 1e6:.1f} MB in {result.seconds['total']:.1f} s")
        if result.text_rebuilt_pages or result.text_withheld_pages:
            console.print(f"redacted pages: text rebuilt without the redacted passages on {result.text_rebuilt_pages}, "
                          f"text withheld on {result.text_withheld_pages}")
        if result.pages_without_image:
            console.print(f"[yellow]warning:[/] {result.pages_without_image} page(s) have no page image "
                          "(not a PDF or picture, or rendering failed); their text is still published")
        if result.pdf:
            console.print(f"briefing guide PDF: {result.pdf}")
        _print_masked(result.masked, result.masked_report)
        _print_leaks(result.leaks, result.checked, result.accepted)
    if result.leaks:
        sys.exit(LEAK_EXIT)


@main.command("publish-check")
@case_argument
@click.argument("name")
@click.argument("site_dir", metavar="DIR", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--accept", "accept", multiple=True, metavar="ID",
              help="Accept the finding with this id (shown in brackets) as a false alarm; needs --reason.")
@click.option("--reason", default="", help="Why the accepted finding is not a leak (kept with the publication).")
@click.option("--by", "accepted_by", default="", help="Who accepts the finding (kept with the reason).")
@json_option
@friendly_errors
def publish_check_command(case_dir: Path, name: str, site_dir: Path, accept: tuple[str, ...], reason: str,
                          accepted_by: str, as_json: bool) -> None:
    """Scan every file of a built site for text of anything not published; exits 1 on a leak."""
    from ..publish import accept_findings, blocking, check_site, get_publication

    with open_case(case_dir) as case:
        pub = get_publication(case, name)
        with console.status("checking every file of the site", spinner="dots") if not as_json else _Quiet():
            findings = check_site(case, pub, site_dir)
        if accept:
            findings = accept_findings(case, pub, findings, list(accept), reason, accepted_by)
    leaks = blocking(findings)
    if as_json:
        emit_json({"site": str(site_dir), "leaks": [x.as_dict() for x in leaks],
                   "accepted": [x.as_dict() for x in findings if x.accepted is not None]})
    else:
        _print_leaks(leaks, True, [x for x in findings if x.accepted is not None])
    if leaks:
        sys.exit(LEAK_EXIT)


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _print_masked(rows: list[dict[str, str]], report: str | None) -> None:
    if not rows:
        console.print("personal data: nothing masked")
        return
    from collections import Counter

    kinds = Counter(r["kind"] for r in rows)
    console.print("personal data masked: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
                  + f" (the list: {report})")
    for r in rows[:20]:
        console.print(f"  {r['document']} {r['where']}: {r['kind']} {r['value']!r}", markup=False, soft_wrap=True)
    if len(rows) > 20:
        console.print(f"  ... and {len(rows) - 20} more in the list")


def _print_leaks(leaks: list, checked: bool, accepted: list | None = None) -> None:  # type: ignore[type-arg]
    for leak in accepted or []:
        console.print(f"  accepted: {leak}", markup=False, soft_wrap=True)
    if not checked:
        console.print("[yellow]leak check skipped[/]: run `uncover publish-check` before uploading the site")
    elif not leaks:
        console.print("[green]leak check: nothing unpublished found in any file[/]"
                      + (f" ({len(accepted)} accepted finding(s) above)" if accepted else ""))
    else:
        console.print(f"[bold red]leak check: {len(leaks)} finding(s); do not upload this site[/]")
        for leak in leaks[:50]:
            console.print(f"  {leak}", markup=False, soft_wrap=True)
        console.print("A false alarm can be accepted: uncover publish-check CASE NAME DIR --accept ID --reason \"...\"",
                      soft_wrap=True)
