"""Bates utilities beyond `model.BatesNumber`/`BatesRange`: page sequences, ranges, stamps.

A Bates number is how a legal team cites a page, so every helper here keeps the producer's prefix
and zero-padding exactly (`EFTA00000001`, `ABC-0001`, `SYM-00011001_0001_REV`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from pathlib import PurePath

from ...model import BatesNumber, BatesRange

# prefix (letters, digits, -, _), at least 3 digits, optional suffix; no spaces inside (FTC rule).
_BATES_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])([A-Z][A-Z0-9_-]{0,15}?[-_]?\d{4,12}(?:_\d{1,6})?(?:_[A-Z]{2,6})?)(?![A-Za-z0-9])")
_LOOKS_BATES = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,30}?\d{3,}(?:[_.][A-Za-z0-9]+)*$")


def looks_like_bates(value: str) -> bool:
    """A prefix and at least three digits, no spaces: `ABC0000123`, `EFTA00000001`, `Sample_0000001`."""
    return bool(_LOOKS_BATES.match(value.strip()))


def page_sequence(bates: BatesRange) -> list[str]:
    """Every page's Bates number in a range, with the producer's prefix and width."""
    begin, end = bates.begin, bates.end
    if begin.prefix != end.prefix or end.number < begin.number:
        return [str(begin)] if begin == end else [str(begin), str(end)]
    return [str(begin.offset(i)) for i in range(end.number - begin.number + 1)]


def collapse_ranges(numbers: Iterable[str | BatesNumber]) -> list[str]:
    """Collapse page numbers into ranges: ABC0000100..ABC0000187 plus ABC0000190 -> 2 entries."""
    parsed = sorted({n if isinstance(n, BatesNumber) else BatesNumber.parse(n) for n in numbers} - {None})  # type: ignore[arg-type]
    out: list[str] = []
    run: list[BatesNumber] = []
    for n in parsed:
        if run and n.prefix == run[-1].prefix and n.suffix == run[-1].suffix and n.width == run[-1].width \
                and n.number == run[-1].number + 1:
            run.append(n)
            continue
        if run:
            out.append(str(BatesRange(run[0], run[-1])))
        run = [n]
    if run:
        out.append(str(BatesRange(run[0], run[-1])))
    return out


def parse_range(value: str) -> BatesRange | None:
    """`ABC0000100-ABC0000187`, `ABC0000100 - ABC0000187` or one number."""
    value = value.strip()
    if not value:
        return None
    for sep in (" - ", "..", " to ", "–", "-"):
        if sep in value:
            left, _, right = value.partition(sep) if sep != "-" else _split_dash(value)
            if left and right:
                rng = BatesRange.parse(left.strip(), right.strip())
                if rng and rng.begin.prefix == rng.end.prefix:
                    return rng
    return BatesRange.parse(value)


def _split_dash(value: str) -> tuple[str, str, str]:
    # `ABC-0001-ABC-0009`: split at the dash whose halves both parse with the same prefix
    for i, ch in enumerate(value):
        if ch == "-":
            left, right = value[:i], value[i + 1 :]
            b, e = BatesNumber.parse(left), BatesNumber.parse(right)
            if b and e and b.prefix == e.prefix and b.prefix:
                return left, "-", right
    return value, "", ""


def bates_from_filename(name: str) -> BatesRange | None:
    """`ABC0000100.pdf` or `ABC0000100-ABC0000187.pdf` -> the range; None when the name has none."""
    stem = PurePath(name.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    rng = parse_range(stem)
    if rng and looks_like_bates(str(rng.begin)) and rng.begin.width >= 4:
        return rng
    return None


def bates_from_page_text(text: str, lines: int = 3) -> tuple[BatesNumber, float] | None:
    """A Bates stamp read from a page's text: the bottom lines first, then the top lines.

    Confidence: 0.9 for a token alone on its line in the bottom corner, 0.7 when it shares the line,
    0.6 for the top lines (headers carry other numbers more often); minus 0.2 when several differ.
    """
    all_lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not all_lines:
        return None
    for where, chunk, base in (("bottom", all_lines[-lines:][::-1], 0.9), ("top", all_lines[:lines], 0.6)):
        found: list[tuple[BatesNumber, bool]] = []
        for line in chunk:
            for token in _BATES_TOKEN.findall(line):
                number = BatesNumber.parse(token)
                if number and number.prefix:
                    found.append((number, line == token))
        if found:
            number, alone = found[0]
            confidence = base if alone or where == "top" else base - 0.2
            if len({n for n, _ in found}) > 1:
                confidence -= 0.2
            return number, round(max(confidence, 0.1), 2)
    return None


class RangeSet:
    """Bates ranges seen so far, per prefix, merged as they come: duplicate and overlap checks in
    memory proportional to the number of gaps, not the number of pages."""

    def __init__(self) -> None:
        self._by_prefix: dict[tuple[str, str], list[list[int]]] = {}

    def add(self, rng: BatesRange) -> bool:
        """Add a range; False when it overlaps one already added (a duplicate Bates number)."""
        if rng.begin.prefix != rng.end.prefix or rng.end.number < rng.begin.number:
            rng = BatesRange(rng.begin, rng.begin)
        key = (rng.begin.prefix, rng.begin.suffix)
        spans = self._by_prefix.setdefault(key, [])
        lo, hi = rng.begin.number, rng.end.number
        i = bisect.bisect_left(spans, [lo, lo])
        overlap = (i > 0 and spans[i - 1][1] >= lo) or (i < len(spans) and spans[i][0] <= hi)
        # merge with touching neighbours
        start, end = lo, hi
        j = i
        if i > 0 and spans[i - 1][1] >= lo - 1:
            i -= 1
            start = min(start, spans[i][0])
        while j < len(spans) and spans[j][0] <= hi + 1:
            end = max(end, spans[j][1])
            j += 1
        end = max(end, spans[i][1]) if i < j and i < len(spans) else end
        spans[i:j] = [[start, end]]
        return not overlap

    def spans(self) -> dict[str, list[tuple[int, int]]]:
        return {p: [(a, b) for a, b in s] for (p, _), s in self._by_prefix.items()}
