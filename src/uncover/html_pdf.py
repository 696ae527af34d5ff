"""HTML to PDF through WeasyPrint, for the papers and the briefing guide.

One place imports WeasyPrint because its import has a side effect on the whole process: it sets
Pillow's `ImageFile.LOAD_TRUNCATED_IMAGES`, after which a truncated scan decodes as if whole (grey
where its data ends) and is no longer reported as damaged. The setting is put back here, and
nothing is fetched from disk or the network while rendering.
"""

from __future__ import annotations

from pathlib import Path


def write_html_pdf(html: str, css: str, target: Path) -> Path:
    from PIL import ImageFile

    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import CSS, HTML
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    target.parent.mkdir(parents=True, exist_ok=True)
    # No base_url: relative links stay relative and nothing is read to render the page.
    HTML(string=html, url_fetcher=_no_fetch).write_pdf(target, stylesheets=[CSS(string=css)])
    return target


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"a rendered paper fetches nothing ({url})")
