"""Versions: the same record produced more than once, and what the later copy reveals.

After in-camera review a court may order records re-produced with fewer redactions (NDLON v. ICE,
July 2011); agencies also re-release the same e-mail in a later monthly batch. Copies are paired
by the same Bates number, the same agency document number (State's `Doc No. C05739545` in the
page header), or near-duplicate text, across productions. The word-level comparison then reports
what the later copy *reveals* (words present in the later copy where the earlier one had a
redaction marker or code, or nothing) and what it *newly withholds* (words of the earlier copy
replaced by a marker, or gone), apart from other changes such as OCR differences.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .normalize import strip_furniture

# Redaction markers as they appear in released text: labels in brackets or boxes, DOJ/FBI
# exemption labels `(b)(6)`, `(b) (7)(C)`, State margin codes `B6`, FBI stamps `b6 b7C`, block glyphs.
MARKER = re.compile(
    r"\[[^\[\]\n]{0,40}?(?:REDACTED|WITHHELD|EXEMPT|\(b\)|B\d)[^\[\]\n]{0,40}?\]"
    r"|<\s*redacted\s*>|\bREDACTED\b|\bredacted\b|[█■▇▆]+|X{4,}"
    r"|\(b\)\s?\(\d\)(?:\s?\([A-Fa-f]\))?(?:\s*,\s*\(b\)\s?\(\d\)(?:\s?\([A-Fa-f]\))?)*"
    r"|\bB[1-9](?:\s?\([A-F]\))?(?=[\s,]|$)(?:,\s*B[1-9](?:\s?\([A-F]\))?(?=[\s,]|$))*"
    r"|\bb[1-9][A-Fa-f]?\b(?:\s+b[1-9][A-Fa-f]?\b)*",
)
_TOKEN = re.compile(MARKER.pattern + r"|(?P<word>\S+)")
_MARK = "\x00"


@dataclass
class VersionDiff:
    revealed: list[str] = field(default_factory=list)  # passages visible only in the later copy
    withheld: list[str] = field(default_factory=list)  # passages visible only in the earlier copy
    changed: list[tuple[str, str]] = field(default_factory=list)  # (earlier, later) other differences


def tokens(text: str) -> list[str]:
    """Words and redaction markers (each marker one token), page furniture removed."""
    text = strip_furniture(text, keep_codes=True)
    return [m.group(0) for m in _TOKEN.finditer(text)]


def _key(token: str) -> str:
    if MARKER.fullmatch(token):
        return _MARK
    return re.sub(r"[^\w]", "", token.casefold()) or token


def compare_versions(earlier: str, later: str) -> VersionDiff:
    """What `later` reveals and newly withholds relative to `earlier`."""
    a, b = tokens(earlier), tokens(later)
    ka, kb = [_key(t) for t in a], [_key(t) for t in b]
    diff = VersionDiff()
    matcher = difflib.SequenceMatcher(None, ka, kb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        ta, tb = a[i1:i2], b[j1:j2]
        words_a = [t for t, k in zip(ta, ka[i1:i2], strict=True) if k != _MARK]
        words_b = [t for t, k in zip(tb, kb[j1:j2], strict=True) if k != _MARK]
        marked_a = len(words_a) < len(ta)
        marked_b = len(words_b) < len(tb)
        if words_b and (marked_a or not ta):
            diff.revealed.append(" ".join(words_b))
        if words_a and (marked_b or not tb):
            diff.withheld.append(" ".join(words_a))
        if words_a and words_b and not marked_a and not marked_b:
            diff.changed.append((" ".join(words_a), " ".join(words_b)))
    return diff


@dataclass(frozen=True)
class VersionCandidate:
    id: int
    production_order: tuple[str, int]  # (received date or "", production id): earlier sorts first
    bates_begin: str | None
    doc_number: str | None
    text_hash: str | None


@dataclass(frozen=True)
class VersionMatch:
    earlier_id: int
    later_id: int
    basis: str  # "bates", "doc-number", "near-duplicate"
    similarity: float | None = None


def match_versions(docs: Iterable[VersionCandidate], near_pairs: Iterable[tuple[int, int, float]] = ()) -> list[VersionMatch]:
    """Pairs of copies of one record in different productions, earlier production first.

    Where a record was produced three times, each copy is paired with the one produced just
    before it. Byte- or text-identical copies are still paired (they reveal nothing, which is
    itself an answer to "did the re-production change anything?").
    """
    by_id = {d.id: d for d in docs}
    found: dict[tuple[int, int], VersionMatch] = {}
    for basis, attr in (("bates", "bates_begin"), ("doc-number", "doc_number")):
        groups: dict[str, list[VersionCandidate]] = defaultdict(list)
        for d in by_id.values():
            value = getattr(d, attr)
            if value:
                groups[value.strip().upper()].append(d)
        for members in groups.values():
            for earlier, later in _consecutive(members):
                found.setdefault((earlier.id, later.id), VersionMatch(earlier.id, later.id, basis))
    for x, y, score in near_pairs:
        if x not in by_id or y not in by_id:
            continue
        dx, dy = by_id[x], by_id[y]
        if dx.production_order == dy.production_order:
            continue
        earlier, later = (dx, dy) if dx.production_order < dy.production_order else (dy, dx)
        found.setdefault((earlier.id, later.id), VersionMatch(earlier.id, later.id, "near-duplicate", score))
    return sorted(found.values(), key=lambda m: (m.earlier_id, m.later_id))


def _consecutive(members: list[VersionCandidate]) -> list[tuple[VersionCandidate, VersionCandidate]]:
    by_production: dict[tuple[str, int], VersionCandidate] = {}
    for d in sorted(members, key=lambda d: d.id):
        by_production.setdefault(d.production_order, d)
    ordered = [by_production[k] for k in sorted(by_production)]
    return list(zip(ordered, ordered[1:], strict=False))


__all__ = ["MARKER", "VersionDiff", "compare_versions", "match_versions", "tokens"]
