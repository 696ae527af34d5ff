"""A message split into the author's own text and the earlier messages it quotes.

Every quoted message becomes a segment with its own sender, date and subject (read from its
printed header block, an `On <date>, <name> wrote:` line or the attribution above a `>` block),
so threads can line a printed chain up with native replies, and search can look only at what an
author wrote (`own:`). Spans are character offsets into the document's text (its pages joined by
a line break), the same text the search index and the reading view show.

Rules, in the order a reader applies them:
- the document's own header block (a native e-mail's fields, a printed e-mail's top header) is
  neither own nor quoted text; lines printed between its labels and values (`Pls print.`) are own;
- a `>` block is quoted, with the attribution line above it; text after it that is not quoted is
  a reply written inline and is own again;
- a printed header block, an `-----Original Message-----` / `Forwarded by` line, or an attribution
  with no `>` block after it starts the quoted part: everything from there to the end is quoted,
  cut into one segment per message at each further header, separator or attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .printed_headers import (
    SEPARATOR,
    HeaderBlock,
    TextLine,
    attribution,
    find_blocks,
    text_lines,
    top_block,
)
from .printed_values import EMAIL, clean_address


@dataclass
class Segment:
    position: int
    kind: str  # "own" or "quoted"
    start: int  # character offsets in the document text
    end: int
    depth: int = 0  # 0: the author's own text; n: the n-th earlier message quoted
    style: str | None = None  # how the quoted message was recognised: outlook, columns, lotus, memo,
    # attribution ("On ... wrote:"), quote-marks (a bare `>` block), separator
    sender: str | None = None
    recipients: str | None = None
    cc: str | None = None
    subject: str | None = None
    date: str | None = None  # ISO 8601, None when unreadable or ambiguous
    date_printed: str | None = None
    page: int = 1  # the page it starts on (set by the caller, which knows the page breaks)

    def text(self, document_text: str) -> str:
        return document_text[self.start : self.end]


@dataclass
class _Cut:
    line: int  # first line of the quoted message (separator or attribution included)
    header_end: int  # line after its header (block or attribution)
    style: str
    block: HeaderBlock | None = None
    sender: str | None = None
    date: str | None = None
    date_printed: str | None = None


def split_segments(text: str, lines: list[TextLine] | None = None, blocks: list[HeaderBlock] | None = None,
                   top: HeaderBlock | None = None, first_page_end: int | None = None, *,
                   headed: bool = True) -> list[Segment]:
    """The document's own text and each quoted message, in text order.

    `headed`: the text may open with the message's own header (a document's text); False for a
    bare e-mail body, where any header block is a quoted one.
    """
    lines = lines if lines is not None else text_lines(text)
    if blocks is None:
        blocks = find_blocks(text, lines)
        top = top_block(text, blocks, lines, first_page_end) if headed else None
    n = len(lines)
    own_from = top.end_line if top is not None else 0
    state = ["none"] * n  # none (header/furniture before the message), own, quoted
    for k in range(own_from, n):
        state[k] = "own"
    if top is not None:
        for k in top.skipped:
            state[k] = "own"
    cuts: list[_Cut] = []
    by_line = {b.first_line: b for b in blocks if b is not top}
    sep_line = {}
    for b in blocks:
        if b is not top and b.separator:
            for k in range(max(0, b.first_line - 3), b.first_line):
                if SEPARATOR.match(lines[k].clean):
                    sep_line[b.first_line] = k
    i = own_from
    quoted_rest = False
    while i < n:
        line = lines[i]
        block = by_line.get(i)
        if block is not None:
            start = sep_line.get(i, i)
            cuts.append(_Cut(start, block.end_line, block.style, block))
            _quote(state, start, n)
            quoted_rest = True
            i = block.end_line
            continue
        attr = attribution(lines, i)
        if attr is not None:
            follows_quote = _next_is_quote(lines, attr.end_line - 1)
            cuts.append(_Cut(i, attr.end_line, "attribution", sender=attr.sender,
                             date=attr.date.iso if attr.date else None, date_printed=_printed(attr.date)))
            if follows_quote and not quoted_rest:
                end = _quote_end(lines, attr.end_line)
                _quote(state, i, end)
                i = end
                continue
            _quote(state, i, n)
            quoted_rest = True
            i = attr.end_line
            continue
        if line.clean and SEPARATOR.match(line.clean) and i + 1 not in by_line and not _block_soon(by_line, i):
            cuts.append(_Cut(i, i + 1, "separator"))
            _quote(state, i, n)
            quoted_rest = True
            i += 1
            continue
        if line.depth > 0 and not quoted_rest:
            end = _quote_end(lines, i)
            above = _attribution_above(lines, i, state)
            start = above[0] if above else i
            sender = _attribution_sender(lines, above)
            cuts.append(_Cut(start, i, "quote-marks", sender=sender))
            _quote(state, start, end)
            i = end
            continue
        i += 1
    return _segments(text, lines, state, cuts)


def _printed(date: object) -> str | None:
    return getattr(date, "printed", None)


def _quote(state: list[str], start: int, end: int) -> None:
    for k in range(start, min(end, len(state))):
        state[k] = "quoted"


def _block_soon(by_line: dict[int, HeaderBlock], i: int) -> bool:
    return any(k in by_line for k in range(i + 1, i + 4))


def _next_is_quote(lines: list[TextLine], i: int) -> bool:
    """Whether the next non-blank line after index i is a `>` line."""
    for k in range(i + 1, min(len(lines), i + 4)):
        if lines[k].raw.strip():
            return lines[k].depth > 0
    return False


def _quote_end(lines: list[TextLine], i: int) -> int:
    """The line after a `>` block starting at (or after blanks from) line i."""
    end = i
    while end < len(lines) and (lines[end].depth > 0 or (not lines[end].raw.strip() and _next_is_quote(lines, end))):
        end += 1
    return end


def _attribution_above(lines: list[TextLine], quote_start: int, state: list[str]) -> list[int]:
    """Lines of the attribution right above a `>` block ("... wrote:", "02.04.2012 ... написал:")."""
    j = quote_start - 1
    while j >= 0 and not lines[j].raw.strip():
        j -= 1
    if j < 0 or state[j] != "own" or not lines[j].raw.rstrip().endswith(":"):
        return []
    start = j
    while start - 1 >= 0 and start > j - 2 and lines[start - 1].raw.strip() and re.search(r"\d|@", lines[start - 1].raw):
        start -= 1
    chunk = " ".join(ln.raw.strip() for ln in lines[start : j + 1])
    if not (re.search(r"\d|@", chunk) or re.search(r"wrote|schrieb|écrit", chunk, re.IGNORECASE)):
        return []
    return list(range(start, quote_start))


def _attribution_sender(lines: list[TextLine], above: list[int]) -> str | None:
    """The address in an attribution line of any language ("02.04.2012 ... <bob@x.org> написал:")."""
    found = EMAIL.search(" ".join(lines[k].raw.strip() for k in above)) if above else None
    return found.group(0) if found else None


def _segments(text: str, lines: list[TextLine], state: list[str], cuts: list[_Cut]) -> list[Segment]:
    """Runs of own lines and one segment per quoted message."""
    out: list[Segment] = []
    cut_at = {c.line: c for c in cuts}
    depth = 0
    k, n = 0, len(lines)
    while k < n:
        if state[k] == "none":
            k += 1
            continue
        kind = state[k]
        cut = cut_at.get(k) if kind == "quoted" else None
        if kind == "quoted" and cut is not None:
            depth += 1
        end = k + 1
        while end < n and state[end] == kind and not (kind == "quoted" and end in cut_at):
            end += 1
        last = end - 1
        while last > k and not lines[last].raw.strip():
            last -= 1
        if any(lines[x].raw.strip() for x in range(k, end)):
            seg = Segment(len(out), kind, lines[k].start, lines[last].end, depth if kind == "quoted" else 0)
            if cut is not None:
                _describe(seg, cut)
            elif kind == "quoted" and out and out[-1].kind == "quoted":
                prev = out[-1]  # the same quoted message, after a `>` run ended
                seg.depth, seg.style = prev.depth, prev.style
            out.append(seg)
        k = end
    return _merge(out)


def _describe(seg: Segment, cut: _Cut) -> None:
    seg.style = cut.style
    if cut.block is not None:
        b = cut.block
        seg.sender, seg.subject = b.sender, b.subject
        seg.recipients, seg.cc = b.names("to"), b.names("cc")
        if b.date is not None:
            seg.date, seg.date_printed = b.date.iso, b.date.printed
        elif b.fields.get("sent"):
            seg.date_printed = b.fields["sent"]
    else:
        seg.sender = clean_address(cut.sender) if cut.sender else None
        seg.date, seg.date_printed = cut.date, cut.date_printed


def _merge(segments: list[Segment]) -> list[Segment]:
    """Adjacent own runs (split by blank-only stretches) as one; positions renumbered."""
    out: list[Segment] = []
    for seg in segments:
        if out and seg.kind == "own" and out[-1].kind == "own":
            out[-1].end = seg.end
            continue
        out.append(seg)
    for pos, seg in enumerate(out):
        seg.position = pos
    return out


def own_text(text: str, segments: list[Segment]) -> str:
    """The author's own words: every own segment, in order."""
    return "\n".join(text[s.start : s.end] for s in segments if s.kind == "own").strip()


def quoted_text(text: str, segments: list[Segment]) -> str:
    return "\n".join(text[s.start : s.end] for s in segments if s.kind == "quoted").strip()
