"""The static reading room, built from a Snapshot alone (never from a Case).

    OUT/
      index.html            the documents (thumbnail, title, date, Bates), filters and search
      guide.html            the briefing guide: cited passages quoted, citations linked to pages
      doc/<label>.html      one page per document: page pictures, text, public annotations;
                            #p3 is page 3's permalink
      pdf/<label>.pdf       the document to download, rebuilt from the published pictures
      pages/<label>/p3.png  page pictures as produced (redactions as applied, personal data masked)
      thumbs/<label>.png    the first page, small, for the list
      static/               CSS and JavaScript
      search/docs.js        what a search result shows (label, title, date, Bates per page)
      search/t-<c>.js       the inverted index, sharded by a term's first character
      search/text/<n>.js    the published text of document n, for phrases and snippets
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

from .produced_pdf import write_pdf
from .snapshot import CitationTarget, PublishedDocument, Snapshot, rewrite_citations
from .tables import PublishedTable

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


def cited_documents(snapshot: Snapshot) -> list[tuple[PublishedDocument, list[int]]]:
    """The documents the guide cites, in order of label, each with the pages cited."""
    pages: dict[str, set[int]] = defaultdict(set)
    for t in snapshot.citations.values():
        pages[t.slug].add(t.page)
    return [(d, sorted(pages[d.slug])) for d in snapshot.documents if d.slug in pages]


def _env() -> Environment:
    env = Environment(loader=PackageLoader("uncover.publish", "templates"), autoescape=select_autoescape(["html", "xml"]))
    env.filters["pct"] = lambda v: f"{float(v) * 100:.3f}%"
    env.filters["mb"] = lambda n: f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{max(1, round(n / 1e3))} kB"
    return env


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _js_call(function: str, *args: object) -> str:
    # JSON is valid JavaScript; "</" is escaped so the payload can never close a script element.
    payload = ", ".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/") for a in args)
    return f"{function}({payload});\n"


def _place(source: str, target: Path) -> None:
    """A rendered file into the site: a hard link where the file system allows, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    os.chmod(target, 0o644)


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
    has_guide = bool(snapshot.guide.strip())
    masked_pictures = any(p.masked and p.image for d in docs for p in d.pages)
    common = {"site_title": snapshot.title, "built": snapshot.created_at, "has_guide": has_guide,
              "masked_pictures": masked_pictures, "base_url": snapshot.base_url.rstrip("/") + "/" if snapshot.base_url else ""}
    shutil.copytree(STATIC, out / "static", ignore=shutil.ignore_patterns("__pycache__", "*.py"))

    if progress:
        progress.start("site", len(docs))
    images = 0
    doc_template = env.get_template("document.html")
    postings: dict[str, list[int]] = defaultdict(list)
    page_refs: list[list[int]] = []
    pdf_sizes: dict[str, int] = {}
    for n, doc in enumerate(docs):
        image_names: dict[int, str] = {}
        for page in doc.pages:
            if page.image:
                rel = f"pages/{doc.slug}/p{page.number}.png"
                _place(page.image, out / rel)
                image_names[page.number] = "../" + rel
                images += 1
            page_no = len(page_refs)
            page_refs.append([n, page.number])
            for term in set(tokens(page.text)):
                postings[term].append(page_no)
        if doc.thumb:
            _place(doc.thumb, out / "thumbs" / f"{doc.slug}.png")
        if image_names:
            pdf = write_pdf(out / "pdf" / f"{doc.slug}.pdf", [(p.number, p.image) for p in doc.pages], f"{doc.label}: {doc.title}")
            pdf_sizes[doc.slug] = pdf.stat().st_size
        _write(out / "search" / "text" / f"{n}.js", _js_call("UNCOVER_TEXT", n, [p.text for p in doc.pages]))
        annotations = defaultdict(list)
        for a in doc.annotations:
            annotations[a.page].append(a)
        for table in doc.tables:
            _write(out / "tables" / doc.slug / table.csv_name, _table_csv(table))
        _write(out / "doc" / f"{doc.slug}.html", doc_template.render(
            **common, prefix="../", doc=doc, images=image_names, annotations=annotations, pdf_size=pdf_sizes.get(doc.slug)))
        if progress:
            progress.advance("site")

    _write(out / "index.html", env.get_template("index.html").render(
        **common, prefix="", docs=docs, kinds=sorted({d.kind for d in docs}),
        productions=sorted({d.production for d in docs if d.production}), page_count=snapshot.page_count,
        introduction=render_markdown(snapshot.introduction, snapshot), pdf_sizes=pdf_sizes,
    ))
    if has_guide:
        _write(out / "guide.html", env.get_template("guide.html").render(
            **common, prefix="", guide=render_markdown(snapshot.guide, snapshot), cited=cited_documents(snapshot)))

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


def _table_csv(table: PublishedTable) -> str:
    """A published table as CSV: its citation on the first row, a blank row, then the grid."""
    import csv
    import io

    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow([f"Source: {table.citation}"])
    out.writerow([])
    out.writerows(table.rows)
    return buf.getvalue()


def _doc_entry(d: PublishedDocument) -> dict[str, object]:
    return {"l": d.label, "s": d.slug, "t": d.title, "d": d.date or "", "k": d.kind, "p": d.production,
            "b": [p.bates or "" for p in d.pages], "i": bool(d.thumb)}


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
            f"    <title>{xml_escape(d.title)}</title>",
            f"    <id>{xml_escape(entry_id)}</id>",
            f'    <link href="{xml_escape(href, {chr(34): "&quot;"})}"/>',
            f"    <updated>{_atom_date(d.date) or snapshot.created_at}</updated>",
            f"    <summary>{xml_escape(summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _atom_date(date: str | None) -> str | None:
    if date and re.match(r"^\d{4}-\d{2}-\d{2}$", date):
        return date + "T00:00:00Z"
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
