"""The briefing guide as a PDF (WeasyPrint), its citations real links to the site's page permalinks.

Built from the Snapshot, like the site. Links are absolute (base URL + doc/<label>.html#p3) when
the publication has a base URL, and otherwise relative, so the PDF placed at the site's root
opens the right page from a file system or a static host.
"""

from __future__ import annotations

from pathlib import Path

from .site import cited_documents, render_markdown
from .snapshot import Snapshot

CSS = """
@page { size: letter; margin: 2cm 2.2cm; @bottom-center { content: counter(page); font-size: 9pt; } }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.45; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; } a { color: #0645ad; }
"""


def link_prefix(snapshot: Snapshot) -> str:
    return snapshot.base_url.rstrip("/") + "/" if snapshot.base_url else ""


def guide_html(snapshot: Snapshot) -> str:
    from html import escape

    prefix = link_prefix(snapshot)
    body = render_markdown(snapshot.guide, snapshot, prefix)
    base = f"{prefix}doc/"
    links = "".join(
        f'<li><a href="{escape(base + d.slug)}.html">{escape(d.title)}</a> ({escape(d.label)}{", " + escape(d.date) if d.date else ""}): '
        + ", ".join(f'<a href="{escape(base + d.slug)}.html#p{p}">page {p}</a>' for p in pages) + "</li>"
        for d, pages in cited_documents(snapshot)
    )
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(snapshot.title)}</title></head>'
            f"<body><h1>{escape(snapshot.title)}</h1><p>Briefing guide</p>{body}"
            + (f"<h2>Documents cited</h2><ul>{links}</ul>" if links else "") + "</body></html>")


def write_guide_pdf(snapshot: Snapshot, target: Path) -> Path:
    from ..html_pdf import write_html_pdf

    return write_html_pdf(guide_html(snapshot), CSS, target)
