"""Bates numbering: one width per prefix, no spaces, Beg <= End, End - Beg + 1 = page count = image
lines, no duplicates or overlaps, and every gap listed.

Duplicates, overlaps and gaps are found with merged ranges (`RangeSet`), so memory grows with the
number of gaps, not of pages. A gap inside a family's BegAttach..EndAttach is left to the family rule
(it is a missing family member, and is reported once, there).
"""

from __future__ import annotations

import re
from collections import Counter

from ...ingest.loadfiles.bates import RangeSet, parse_range
from ...model import BatesNumber, BatesRange
from ..findings import DEFICIENCY, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import ProductionView

MAX_GAPS_LISTED = 2000


def bates_numbers(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    if not view.has_loadfile and not _any_bates(view):
        return [not_checked("bates.gaps", "Bates numbering", "Not checked: no document carries a Bates number.")]
    rules = spec.bates
    pattern = re.compile(rules.prefix_pattern) if rules.prefix_pattern else None
    widths: dict[str, Counter[int]] = {}
    by_width: dict[tuple[str, int], BatesList] = {}
    spaces, prefix_bad, order, counts, overlaps, duplicates, unnumbered = (BatesList() for _ in range(7))
    count_details: list[str] = []
    seen: dict[tuple[str, str], RangeSet] = {}
    families: dict[tuple[str, str], RangeSet] = {}
    dup_begins = _duplicate_begins(view)
    identifiers: set[str] = set()  # prefixes used for document numbers: their skips are not page gaps
    for doc in view.documents(("page_count", "attach_begin", "attach_end", "attach_range"), raw=False):
        raw_begin, raw_end = doc.bates_begin or "", doc.bates_end or doc.bates_begin or ""
        # `ABC 0000105` is cited as written but numbered as ABC0000105 (no second prefix, no false gap)
        begin, end = re.sub(r"\s+", "", raw_begin), re.sub(r"\s+", "", raw_end)
        rng = BatesRange.parse(begin, end) if begin else None
        if rng is None or not rng.begin.prefix and not view.has_loadfile:
            if view.has_loadfile:
                unnumbered.add(None, None, doc.label)
            continue
        if any(ch.isspace() for ch in raw_begin.strip() + raw_end.strip()):
            spaces.add(None, None, doc.label)
        elif pattern and not pattern.fullmatch(rng.begin.prefix):
            prefix_bad.add(begin, end, doc.label)
        for number in {rng.begin, rng.end}:
            widths.setdefault(number.prefix, Counter())[number.width] += 1
            by_width.setdefault((number.prefix, number.width), BatesList())
        by_width[(rng.begin.prefix, rng.begin.width)].add(begin, end, doc.label, rng)
        if rng.end.width != rng.begin.width:
            by_width[(rng.end.prefix, rng.end.width)].add(begin, end, doc.label, rng)
        if rng.begin.prefix != rng.end.prefix or rng.end.number < rng.begin.number:
            order.add(None, None, doc.label)
            # its pages are still numbered from the beginning: no false gap or overlap after it
            imaged = BatesRange(rng.begin, rng.begin.offset(max(doc.page_count, 1) - 1))
            seen.setdefault((rng.begin.prefix, rng.begin.suffix), RangeSet()).add(imaged)
            continue
        declared = str(doc.metadata.get("page_count", "")).strip()
        sizes = {"pages (image lines)": doc.page_count}
        numbered = _page_range(view, doc.id, rng, doc.page_count)
        if numbered is rng and rng.begin.suffix == rng.end.suffix:
            sizes["Bates range"] = rng.pages
        if declared.isdigit():
            sizes["PGCOUNT"] = int(declared)
        if len(set(sizes.values())) > 1:
            counts.add(begin, end, doc.label)
            if len(count_details) < 50:
                count_details.append(f"{doc.label}: " + ", ".join(f"{k} {v}" for k, v in sizes.items()))
        if numbered is None:
            identifiers.add(rng.begin.prefix)  # this producer's Beg is a document number, not a page
            continue
        rng = numbered  # gaps and overlaps are between pages: the page keys when Beg..End numbers none
        key = (rng.begin.prefix, rng.begin.suffix)
        if not seen.setdefault(key, RangeSet()).add(rng):
            (duplicates if begin in dup_begins else overlaps).add(begin, end, doc.label)
        elif begin in dup_begins:
            duplicates.add(begin, end, doc.label)
        family = _family_range(doc.metadata)
        if family is not None and family.begin.prefix == rng.begin.prefix:
            families.setdefault((family.begin.prefix, family.begin.suffix), RangeSet()).add(family)

    findings: list[Finding] = []
    if spaces.count:
        findings.append(finding_from("bates.spaces", DEFICIENCY, "Bates numbers containing spaces",
                                     "Bates numbers must be a prefix and a number with no spaces (ABC-0001 or ABC0001, "
                                     "never ABC 0001); these documents carry spaces.", spaces))
    if prefix_bad.count:
        findings.append(finding_from("bates.prefix", DEFICIENCY, "Bates prefix not in the agreed form",
                                     f"The Bates prefix of these documents does not match the agreed pattern "
                                     f"{rules.prefix_pattern!r}.", prefix_bad))
    findings.extend(_width_findings(widths, by_width, rules.width))
    if order.count:
        findings.append(finding_from("bates.order", DEFICIENCY, "Ending Bates number before the beginning",
                                     "For these documents the ending Bates number is lower than the beginning one "
                                     "(or has another prefix), so the range cannot be right.", order))
    if counts.count:
        findings.append(finding_from("bates.page-count", DEFICIENCY, "Page counts that disagree",
                                     "For these documents the Bates range (End - Beg + 1), the number of page images "
                                     "in the image load file and the PGCOUNT field do not agree.", counts,
                                     details=count_details))
    if duplicates.count:
        findings.append(finding_from("bates.duplicates", DEFICIENCY, "Duplicate Bates numbers",
                                     "More than one document begins at the same Bates number; every occurrence is "
                                     "listed.", duplicates))
    if overlaps.count:
        findings.append(finding_from("bates.overlaps", DEFICIENCY, "Overlapping Bates ranges",
                                     "These documents use Bates numbers already used by a document listed before "
                                     "them in the load file.", overlaps))
    if unnumbered.count:
        findings.append(finding_from("bates.unnumbered", DEFICIENCY, "Documents without a Bates number",
                                     "These records carry no usable Bates number.", unnumbered))
    gap = _gaps({k: v for k, v in seen.items() if k[0] not in identifiers}, families, widths)
    if gap is not None:
        gap.severity = rules.gaps
        findings.append(gap)
    return findings


def _page_range(view: ProductionView, doc_id: int, rng: BatesRange, pages: int) -> BatesRange | None:
    """The range of page numbers a document occupies: Beg..End itself when it numbers pages (`rng` is
    returned, the same object), or None when Beg is a document number and not a page number (State's
    C05739563 on a five-page e-mail, Beg = End, its later pages keyed `C05739563#2` or not at all).
    When a multi-page document's last page is keyed in Beg's own series, Beg..End numbers pages and
    End is simply wrong; when its pages are keyed in another series, that is its page range."""
    if rng.begin != rng.end or pages <= 1:
        return rng
    rows = view.conn.execute("SELECT bates FROM pages WHERE document_id = ? ORDER BY number", (doc_id,)).fetchall()
    first = BatesNumber.parse(rows[0][0]) if rows and rows[0][0] else None
    last = BatesNumber.parse(rows[-1][0]) if rows and rows[-1][0] else None
    if last is not None and (last.prefix, last.suffix) == (rng.begin.prefix, rng.begin.suffix) \
            and last.number > rng.begin.number:
        return rng
    if first is not None and last is not None and (first.prefix, first.suffix) == (last.prefix, last.suffix) \
            and first != rng.begin and last.number - first.number + 1 == pages:
        return BatesRange(first, last)
    return None


def _any_bates(view: ProductionView) -> bool:
    row = view.conn.execute(f"SELECT 1 FROM documents WHERE production_id IN {view._in} AND bates_begin IS NOT NULL "
                            "AND bates_begin != '' LIMIT 1").fetchone()
    return row is not None


def _duplicate_begins(view: ProductionView) -> set[str]:
    rows = view.conn.execute(f"SELECT bates_begin FROM documents WHERE production_id IN {view._in} AND "
                             "bates_begin IS NOT NULL GROUP BY bates_begin HAVING COUNT(*) > 1")
    return {r[0].strip() for r in rows}


def _family_range(meta: dict[str, object]) -> BatesRange | None:
    begin = str(meta.get("attach_begin", "") or "")
    if begin:
        rng = BatesRange.parse(begin, str(meta.get("attach_end", "") or begin))
    elif meta.get("attach_range"):
        rng = parse_range(str(meta["attach_range"]))
    else:
        return None
    if rng is None or rng.begin.prefix != rng.end.prefix or rng.end.number < rng.begin.number:
        return None
    return rng


def _width_findings(widths: dict[str, Counter[int]], by_width: dict[tuple[str, int], BatesList],
                    required: int | None) -> list[Finding]:
    findings = []
    for prefix, seen in sorted(widths.items()):
        expected = required if required else seen.most_common(1)[0][0]
        wrong = [w for w in seen if w != expected]
        if not wrong:
            continue
        docs = BatesList()
        for w in sorted(wrong):
            docs.merge(by_width[(prefix, w)])
        shown = prefix or "(no prefix)"
        findings.append(finding_from(
            "bates.width", DEFICIENCY, f"Bates numbers of more than one width (prefix {shown})",
            f"Bates numbers with prefix {shown} should all have {expected} digits; these documents use "
            + ", ".join(f"{w} digits" for w in sorted(wrong)) + ".", docs,
            details=[f"{w} digits: {n} numbers" for w, n in sorted(seen.items())]))
    return findings


def _gaps(seen: dict[tuple[str, str], RangeSet], families: dict[tuple[str, str], RangeSet],
          widths: dict[str, Counter[int]]) -> Finding | None:
    missing: list[str] = []
    every: list[str] = []
    pages = gaps = 0
    for (prefix, suffix), ranges in sorted(seen.items()):
        spans = next(iter(ranges.spans().values()), [])
        width = widths[prefix].most_common(1)[0][0] if widths.get(prefix) else 1
        covered = next(iter(families[(prefix, suffix)].spans().values()), []) if (prefix, suffix) in families else []
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            for lo, hi in _subtract(end + 1, start - 1, covered):
                pages += hi - lo + 1
                gaps += 1
                first = BatesNumber(prefix, lo, width, suffix)
                last = BatesNumber(prefix, hi, width, suffix)
                every.append(str(BatesRange(first, last)))
                if len(missing) < MAX_GAPS_LISTED:
                    missing.append(every[-1])
    if not pages:
        return None
    return Finding("bates.gaps", DEFICIENCY, "Gaps in the Bates numbering",
                   "These Bates numbers fall between produced documents but belong to no document, and no gap was "
                   "disclosed. Please state for each gap whether pages were withheld (and under which exemption) or "
                   "the numbers were skipped.", count=pages, unit="pages", bates=missing,
                   bates_truncated=gaps - len(missing), documents=every)


def _subtract(lo: int, hi: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """lo..hi minus the covered spans (sorted, disjoint)."""
    out = []
    for a, b in covered:
        if b < lo or a > hi:
            continue
        if a > lo:
            out.append((lo, a - 1))
        lo = max(lo, b + 1)
        if lo > hi:
            return out
    if lo <= hi:
        out.append((lo, hi))
    return out


RULES = [bates_numbers]
