"""Where the hits are: the pages that hold them and a highlighted snippet, from the page text.

The index is per document and keeps no text, so for the page of results shown we load each
document's pages from case.db and find the query's positive words, phrases and prefixes with
the index's own analyzer (query.tokenize). The pages are joined exactly as they were indexed
("\n" between pages), so a phrase that runs over a page break is found here as it was there,
and reported on both pages.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..model import Page
from .query import MAX_TOKEN_BYTES, Node, Phrase, Prefix, Term, analyzer, positive_leaves

SNIPPET_CHARS = 240
LEAD_CHARS = 60


@dataclass
class Snippet:
    text: str
    page: int | None  # the page the snippet comes from
    highlights: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in `text`

    def html(self) -> str:
        """The snippet as HTML with hits in <mark>, everything else escaped."""
        out, pos = [], 0
        for start, end in self.highlights:
            out.append(html.escape(self.text[pos:start]))
            out.append(f"<mark>{html.escape(self.text[start:end])}</mark>")
            pos = end
        out.append(html.escape(self.text[pos:]))
        return "".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "page": self.page, "highlights": [list(h) for h in self.highlights], "html": self.html()}


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the joined text
    end: int
    leaf: int  # which query leaf matched


@dataclass
class HitLocations:
    pages: list[int]  # page numbers holding at least one hit, ascending
    snippet: Snippet
    hits: int  # how many matches in all


def text_matchers(node: Node) -> list[tuple[tuple[str, ...], bool]]:
    """(tokens, last-is-prefix) for each positive full-text leaf of the query."""
    out = []
    for leaf in positive_leaves(node):
        if isinstance(leaf, (Term, Phrase)):
            out.append((leaf.tokens, False))
        elif isinstance(leaf, Prefix):
            out.append((leaf.tokens, True))
    return out


def find_spans(text: str, matchers: list[tuple[tuple[str, ...], bool]]) -> list[Span]:
    if text.isascii() and all(tokens for tokens, _ in matchers):
        return _find_spans_ascii(text.lower(), matchers)
    # Words as plain strings (cheap); offsets are read only for the tokens that match.
    words = analyzer().analyze(text)
    toks = analyzer().pre_tokenize(text).tokens
    # Positions of the first word of each matcher only: one C-speed pass per distinct word.
    starts = {first: [i for i, w in enumerate(words) if w == first] for first in {t[0] for t, _ in matchers if t}}
    spans: list[Span] = []
    for leaf, (tokens, prefix) in enumerate(matchers):
        n = len(tokens)
        if n == 1 and prefix:
            candidates = [i for i, w in enumerate(words) if w.startswith(tokens[0])]
        elif n == 1:
            candidates = starts.get(tokens[0], [])
        else:
            candidates = [i for i in starts.get(tokens[0], []) if i + n <= len(words)]
        for i in candidates:
            if n > 1:
                if words[i + 1 : i + n - 1] != list(tokens[1:-1]):
                    continue
                last = words[i + n - 1]
                if not (last.startswith(tokens[-1]) if prefix else last == tokens[-1]):
                    continue
            spans.append(Span(toks[i].char_offset_from, toks[i + n - 1].char_offset_to, leaf))
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
# Between two tokens of ASCII text: non-alphanumerics, and any words the analyzer drops (40 bytes or more).
_SEP = f"[^a-z0-9]+(?:[a-z0-9]{{{MAX_TOKEN_BYTES},}}[^a-z0-9]+)*"


@lru_cache(maxsize=256)
def _matcher_pattern(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    parts = [re.escape(t) for t in tokens]
    if prefix:  # the last word starts with the prefix and is short enough to be kept
        parts[-1] += f"[a-z0-9]{{0,{max(MAX_TOKEN_BYTES - 1 - len(tokens[-1].encode()), 0)}}}"
    return re.compile(_SEP.join(parts) + "(?![a-z0-9])")


def _find_spans_ascii(low: str, matchers: list[tuple[tuple[str, ...], bool]]) -> list[Span]:
    """find_spans for lower-cased ASCII text, where the analyzer is exactly: runs of [a-z0-9],
    those of 40 bytes or more dropped. A regex per matcher finds the matches at C speed; every
    token start is tried (overlapping matches count, as they do word by word)."""
    spans: list[Span] = []
    for leaf, (tokens, prefix) in enumerate(matchers):
        if prefix and len(tokens[-1].encode()) >= MAX_TOKEN_BYTES:
            continue
        search = _matcher_pattern(tokens, prefix).search
        m = search(low)
        while m is not None:
            start = m.start()
            if start == 0 or low[start - 1] not in _ALNUM:  # a whole word, not the tail of one
                spans.append(Span(start, m.end(), leaf))
            m = search(low, start + 1)
    spans.sort(key=lambda s: (s.start, s.end))
    return spans


def locate(node: Node, pages: list[Page]) -> HitLocations:
    """Pages with hits and the best snippet for one document."""
    texts = [p.text for p in pages]
    offsets, pos = [], 0
    for t in texts:
        offsets.append(pos)
        pos += len(t) + 1  # the "\n" the indexer joins pages with
    joined = "\n".join(texts)
    matchers = text_matchers(node)
    spans = find_spans(_blank_pages_without_hits(texts, matchers), matchers)

    def page_index(offset: int) -> int:
        return max(bisect_right(offsets, offset) - 1, 0)

    hit_pages: set[int] = set()
    for s in spans:
        for i in range(page_index(s.start), page_index(max(s.end - 1, s.start)) + 1):
            hit_pages.add(pages[i].number)
    if spans:
        snippet = _best_snippet(joined, spans, offsets, texts, [p.number for p in pages], page_index)
    else:
        snippet = _opening(texts, [p.number for p in pages])
    return HitLocations(sorted(hit_pages), snippet, len(spans))


def _blank_pages_without_hits(texts: list[str], matchers: list[tuple[tuple[str, ...], bool]]) -> str:
    """The joined text with every page that cannot hold a hit blanked out (same length, so offsets
    hold): a page holds a hit only if a matcher's first word is in it as a substring, or, for a
    phrase that may run over the page break, if the page before does. Tokenizing is the cost of a
    search, and most pages of a long hit hold no hit."""
    firsts = {tokens[0] for tokens, _ in matchers if tokens}
    has_first = [any(f in t.lower() for f in firsts) for t in texts]
    spans_pages = any(len(tokens) > 1 for tokens, _ in matchers)
    keep = [k or (spans_pages and i > 0 and has_first[i - 1]) for i, k in enumerate(has_first)]
    return "\n".join(t if k else " " * len(t) for t, k in zip(texts, keep, strict=True))


def _best_snippet(joined: str, spans: list[Span], offsets: list[int], texts: list[str], numbers: list[int], page_index: Any) -> Snippet:
    best, best_score = 0, (-1, -1)
    for a, anchor in enumerate(spans):  # a window starting a little before each hit
        limit = anchor.start + SNIPPET_CHARS - LEAD_CHARS
        inside = []
        for s in spans[a:]:  # sorted by start: none after the window's end can fit in it
            if s.start > limit:
                break
            if s.end <= limit:
                inside.append(s)
        score = (len({s.leaf for s in inside}), len(inside))
        if score > best_score:
            best, best_score = a, score
    anchor = spans[best]
    pi = page_index(anchor.start)
    page_lo, page_hi = offsets[pi], offsets[pi] + len(texts[pi])
    lo = max(page_lo, anchor.start - LEAD_CHARS)
    hi = min(page_hi, lo + SNIPPET_CHARS)
    hi = max(hi, min(anchor.end, len(joined)))  # a phrase over a page break stays whole
    lo, hi = _word_bounds(joined, lo, hi, page_lo, page_hi)
    marks = [(max(s.start, lo), min(s.end, hi)) for s in spans if s.start < hi and s.end > lo]
    return _collapse(joined[lo:hi], [(s - lo, e - lo) for s, e in _merge(marks)], numbers[pi], lo > page_lo, hi < page_hi)


def _opening(texts: list[str], numbers: list[int]) -> Snippet:
    for text, number in zip(texts, numbers, strict=True):
        if text.strip():
            hi = min(len(text), SNIPPET_CHARS)
            _, hi = _word_bounds(text, 0, hi, 0, len(text))
            return _collapse(text[:hi], [], number, False, hi < len(text))
    return Snippet("", numbers[0] if numbers else None)


def _word_bounds(text: str, lo: int, hi: int, floor: int, ceiling: int) -> tuple[int, int]:
    """Move the cut points out of the middle of words (within the page)."""
    while floor < lo < len(text) and text[lo - 1].isalnum() and text[lo].isalnum():
        lo -= 1
        if hi - lo > SNIPPET_CHARS + 30:
            break
    while hi < ceiling and hi > 0 and text[hi - 1].isalnum() and text[hi].isalnum():
        hi += 1
        if hi - lo > SNIPPET_CHARS + 30:
            break
    return lo, hi


def _merge(marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(marks):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


_SPACE = re.compile(r"\s+")


def _collapse(text: str, marks: list[tuple[int, int]], page: int | None, cut_left: bool, cut_right: bool) -> Snippet:
    """Runs of whitespace become one space (one line on screen); the marks follow the text."""
    out: list[str] = []
    mapping: list[int] = []  # old offset -> new offset
    pos = 0
    new = 0
    for m in _SPACE.finditer(text):
        chunk = text[pos : m.start()]
        mapping.extend(range(new, new + len(chunk)))
        out.append(chunk)
        new += len(chunk)
        mapping.extend([new] * (m.end() - m.start()))
        out.append(" ")
        new += 1
        pos = m.end()
    chunk = text[pos:]
    mapping.extend(range(new, new + len(chunk)))
    out.append(chunk)
    new += len(chunk)
    mapping.append(new)
    body = "".join(out)
    stripped = body.lstrip()
    shift = len(body) - len(stripped)
    body = stripped.rstrip()
    prefix = "…" if cut_left else ""
    suffix = "…" if cut_right else ""
    highlights = []
    for s, e in marks:
        ns, ne = mapping[s] - shift + len(prefix), mapping[e] - shift + len(prefix)
        if ne > ns:
            highlights.append((ns, ne))
    return Snippet(prefix + body + suffix, page, highlights)
