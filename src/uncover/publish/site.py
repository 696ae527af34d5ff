"""The static reading room, built from a Snapshot alone (never from a Case).

    OUT/
      index.html            the documents, filters (kind, date, production) and search, client-side
      guide.html            the briefing guide, citations linked to page permalinks
      doc/<label>.html      one page per document: page images, text, public annotations; #p3 per page
      pages/<label>/p3.png  page images as produced
      static/               CSS and JavaScript
      search/docs.js        what a search result shows (label, title, page)
      search/t-<c>.js       the inverted index, sharded by a term's first character
      feed.atom, sitemap.xml
      guide.pdf             with --pdf

It works from any static host and from file://, where Chromium blocks fetch() of JSON: the search
index ships as .js files that call a global function, loaded with <script> tags on demand.
Everything is plain HTML first; the script only filters and searches.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt

from .snapshot import CitationTarget, PublishedDocument, Snapshot, rewrite_citations

STATIC = Path(__file__).parent / "static"
TOKEN_RE = re.compile(r"[^\W_]+")
MAX_TERM = 40


@dataclass
class SiteFigures:
    documents: int
    pages: int
    images: int
    files: int
    bytes: int
    index_terms: int
    manifest_sha256: str


def tokens(text: str) -> list[str]:
    """Search terms: lower-cased runs of letters and digits (search.js splits queries the same way)."""
    return [t for t in TOKEN_RE.findall(text.lower()) if len(t) <= MAX_TERM]


def shard_of(term: str) -> str:
    c = term[0]
    return c if ("a" <= c <= "z" or "0" <= c <= "9") else "_"


def page_href(target: CitationTarget, prefix: str = "") -> str:
    return f"{prefix}doc/{target.slug}.html#p{target.page}"


def _markdown() -> MarkdownIt:
    # Raw HTML in the guide is shown as text, not passed through: the site carries no author markup.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_markdown(markdown: str, snapshot: Snapshot, prefix: str = "") -> str:
    return _markdown().render(rewrite_citations(markdown, snapshot, lambda t: page_href(t, prefix)))


def _env() -> Environment:
    env = Environment(loader=PackageLoader("uncover.publish", "templates"), autoescape=select_autoescape(["html", "xml"]))
    env.filters["pct"] = lambda v: f"{float(v) * 100:.3f}%"
    return env


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _js_call(function: str, *args: object) -> str:
    # JSON is valid JavaScript; "</" is escaped so the payload can never close a script element.
    payload = ", ".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/") for a in args)
    return f"{function}({payload});\n"


def build_site(snapshot: Snapshot, out: Path, progress=None) -> SiteFigures:  # type: ignore[no-untyped-def]
    """Write the site into `out` (emptied first if it holds an earlier build of a site)."""
    out = Path(out)
    if out.exists():
        if any(out.iterdir()) and not (out / ".uncover-site").exists():
            from ..errors import InputError

            raise InputError(f"{out} is not empty and holds no earlier uncover site; choose an empty or new folder.")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / ".uncover-site").write_text(snapshot.name + "\n", "utf-8")
    env = _env()
    docs = list(snapshot.documents)
    kinds = sorted({d.kind for d in docs})
    productions = sorted({d.production for d in docs if d.production})
    common = {"site_title": snapshot.title, "built": snapshot.created_at}

    shutil.copytree(STATIC, out / "static", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    _write(out / "index.html", env.get_template("index.html").render(
        **common, prefix="", docs=docs, kinds=kinds, productions=productions, page_count=snapshot.page_count,
        introduction=render_markdown(snapshot.introduction, snapshot), has_guide=bool(snapshot.guide.strip()),
    ))
    if snapshot.guide.strip():
        _write(out / "guide.html", env.get_template("guide.html").render(
            **common, prefix="", guide=render_markdown(snapshot.guide, snapshot)))

    if progress:
        progress.start("site", len(docs))
    images = 0
    doc_template = env.get_template("document.html")
    postings: dict[str, list[int]] = defaultdict(list)
    page_refs: list[list[int]] = []
    for n, doc in enumerate(docs):
        image_names: dict[int, str] = {}
        for page in doc.pages:
            if page.image:
                rel = f"pages/{doc.slug}/p{page.number}.png"
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(page.image, target)
                except OSError:
                    shutil.copyfile(page.image, target)
                os.chmod(target, 0o644)
                image_names[page.number] = "../" + rel
                images += 1
            page_no = len(page_refs)
            page_refs.append([n, page.number])
            for term in set(tokens(page.text)):
                postings[term].append(page_no)
        annotations = defaultdict(list)
        for a in doc.annotations:
            annotations[a.page].append(a)
        _write(out / "doc" / f"{doc.slug}.html", doc_template.render(
            **common, prefix="../", doc=doc, images=image_names, annotations=annotations, has_guide=bool(snapshot.guide.strip())))
        if progress:
            progress.advance("site")

    _write(out / "search" / "docs.js", _js_call("UNCOVER_DOCS", [_doc_entry(d) for d in docs], page_refs))
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for term, pages in postings.items():
        deltas, last = [], 0
        for p in pages:  # ascending: pages were numbered in order
            deltas.append(p - last)
            last = p
        shards[shard_of(term)][term] = deltas
    for shard, terms in shards.items():
        _write(out / "search" / f"t-{shard}.js", _js_call("UNCOVER_SHARD", shard, terms))
    _write(out / "search" / "shards.js", _js_call("UNCOVER_SHARDS", sorted(shards)))

    _write(out / "feed.atom", _atom(snapshot))
    _write(out / "sitemap.xml", _sitemap(snapshot))
    return figures(out, snapshot, images, len(postings))


def _doc_entry(d: PublishedDocument) -> dict[str, object]:
    return {"l": d.label, "s": d.slug, "t": d.title, "d": d.date or "", "k": d.kind, "p": d.production,
            "b": [p.bates or "" for p in d.pages]}


def _url(snapshot: Snapshot, rel: str) -> str:
    base = snapshot.base_url
    if not base:
        return rel
    return base.rstrip("/") + "/" + rel


def _atom(snapshot: Snapshot) -> str:
    ident = _url(snapshot, "") or f"urn:uncover:publication:{snapshot.name}"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{xml_escape(snapshot.title)}</title>",
        f"  <id>{xml_escape(ident)}</id>",
        f"  <updated>{snapshot.created_at}</updated>",
        f'  <link href="{xml_escape(_url(snapshot, "index.html"), {chr(34): "&quot;"})}"/>',
        "  <author><name>" + xml_escape(snapshot.title) + "</name></author>",
    ]
    for d in snapshot.documents:
        href = _url(snapshot, f"doc/{d.slug}.html")
        entry_id = href if snapshot.base_url else f"urn:uncover:{snapshot.name}:{d.slug}"
        summary = f"{d.label}, {d.kind}, {d.page_count} page(s)" + (f", {d.date}" if d.date else "")
        lines += [
            "  <entry>",
            f"    <title>{xml_escape(d.label + ': ' + d.title)}</title>",
            f"    <id>{xml_escape(entry_id)}</id>",
            f'    <link href="{xml_escape(href, {chr(34): "&quot;"})}"/>',
            f"    <updated>{_atom_date(d.date) or snapshot.created_at}</updated>",
            f"    <summary>{xml_escape(summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _atom_date(date: str | None) -> str | None:
    if not date:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}$", date):
        return date + "T00:00:00Z"
    if re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$", date):
        return date
    if re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", date):
        return date + "Z"
    return None


def _sitemap(snapshot: Snapshot) -> str:
    urls = ["index.html"] + (["guide.html"] if snapshot.guide.strip() else []) + [f"doc/{d.slug}.html" for d in snapshot.documents]
    body = "\n".join(f"  <url><loc>{xml_escape(_url(snapshot, u))}</loc><lastmod>{snapshot.created_at[:10]}</lastmod></url>" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}\n</urlset>\n")


def figures(out: Path, snapshot: Snapshot, images: int, terms: int) -> SiteFigures:
    """File count, bytes, and a SHA-256 over the sorted (path, size) manifest of the built site."""
    manifest = hashlib.sha256()
    files = total = 0
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        size = path.stat().st_size
        manifest.update(f"{rel}\t{size}\n".encode())
        files += 1
        total += size
    return SiteFigures(len(snapshot.documents), snapshot.page_count, images, files, total, terms, manifest.hexdigest())
