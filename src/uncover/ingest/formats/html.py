"""Standalone HTML files (saved web pages, exported reports): their visible text.

The standard library's tolerant parser is enough: we want the words a reader sees, not a DOM.
Script, style and template content is dropped; block elements end lines. The raw HTML is not kept
(`html_body` is for e-mail bodies, which are shown sanitized; a standalone page is shown as text).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from ...model import DocumentKind
from .base import Extraction, ReadContext, display, require_content
from .text import decode_text, split_pages

_SKIP = {"script", "style", "template", "noscript"}
_BLOCK = {
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dt", "dd", "dl",
    "form", "address", "caption", "tbody", "thead", "nav", "aside", "main", "figure",
}
_CELL = {"td", "th"}
_META_KEYS = {"author": "author", "description": "subject", "keywords": "keywords", "generator": "generator"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip_depth = 0
        self._in_title = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {k.lower(): v or "" for k, v in attrs}
            key = _META_KEYS.get(values.get("name", "").lower())
            if key and values.get("content"):
                self.meta[key] = values["content"].strip()
        if tag in _SKIP:
            self._skip_depth += 1
        if tag == "pre":
            self._pre += 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <script/> opens nothing; only line-breaking void tags matter here
        if tag in ("br", "hr"):
            self.parts.append("\n")
        elif tag == "meta":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")  # after the cell: trailing tabs are stripped with the line

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._skip_depth:
            return
        self.parts.append(data if self._pre else re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """Visible text of an HTML document and its title/author/description metadata."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    lines = [line.lstrip(" ").rstrip(" \t") for line in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    meta = dict(parser.meta)
    title = " ".join("".join(parser.title_parts).split())
    if title:
        meta["title"] = title
    return text, meta


def _decode_html(data: bytes) -> tuple[str, str]:
    match = _CHARSET.search(data[:4096])
    if match and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        charset = match.group(1).decode("ascii").lower()
        try:
            return data.decode(charset, errors="replace"), charset
        except LookupError:
            pass
    return decode_text(data)


class HtmlReader:
    name = "html"
    extensions = (".html", ".htm", ".xhtml", ".shtml")

    def sniff(self, head: bytes, filename: str) -> float:
        start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if start.startswith((b"<!doctype html", b"<html")):
            return 0.8
        if filename.lower().endswith(self.extensions):
            return 0.6
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        require_content(path, ctx)
        markup, encoding = _decode_html(path.read_bytes())
        text, meta = html_to_text(markup)
        meta["encoding"] = encoding
        pages, warnings = split_pages(text, ctx.limits.max_pages)
        if not text:
            warnings.append(f"{display(path, ctx)} has no visible text")
        return Extraction(DocumentKind.EDOC, pages, meta, html_body=None, warnings=warnings)


READER = HtmlReader()
