"""Bates numbers for a production that is only a folder of Bates-stamped PDFs (no load file).

The file name is the producer's own label (`ABC0000100.pdf`, `ABC0000100-ABC0000187.pdf`); without
one, the stamp printed in a page corner is read from each page's text. A stamp is accepted only
when the pages agree with one another (consecutive numbers), or, for a single page, when it sits
alone in the bottom corner: a document number repeated in every page header is not a Bates range.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import BatesNumber, BatesRange
from .loadfiles.bates import bates_from_filename, bates_from_page_text, page_sequence

MIN_SINGLE_PAGE_CONFIDENCE = 0.7


@dataclass
class BatesStamps:
    range: BatesRange
    pages: list[str]  # one Bates number per page ("" where a page has none)
    source: str  # "filename" or "page-stamp"
    confidence: float
    warning: str | None = None


def find_bates(filename: str, page_texts: list[str]) -> BatesStamps | None:
    if not page_texts:
        return None
    from_name = bates_from_filename(filename)
    stamped = _from_stamps(page_texts)
    if from_name is None:
        return stamped
    n = len(page_texts)
    if from_name.begin != from_name.end:  # a range in the name: the producer numbered the pages
        pages = _sequence(from_name.begin, n)
        warning = None if from_name.pages == n else (
            f"{filename}: the file name spans {from_name.pages} Bates pages but the file has {n}; "
            "page numbers follow the first Bates number")
        return BatesStamps(BatesRange(from_name.begin, BatesNumber.parse(pages[-1]) or from_name.end), pages,
                           "filename", 1.0 if warning is None else 0.7, warning)
    if n == 1 or (stamped is not None and stamped.range.begin == from_name.begin):
        return BatesStamps(BatesRange(from_name.begin, from_name.begin.offset(n - 1)), _sequence(from_name.begin, n),
                           "filename", 1.0)
    # One number for several pages and no stamps running from it: a document number (State's
    # C05739554 names a 4-page record whose pages are not C05739555..), not a page range.
    return BatesStamps(BatesRange(from_name.begin, from_name.begin), [str(from_name.begin)] + [""] * (n - 1),
                       "filename", 0.5, f"{filename}: one number for {n} pages; used as the document's number, "
                       "not as page Bates numbers")


def _from_stamps(page_texts: list[str]) -> BatesStamps | None:
    stamps = [bates_from_page_text(text) for text in page_texts]
    found = [(i, s) for i, s in enumerate(stamps) if s is not None]
    if not found:
        return None
    first_index, (first, _) = found[0]
    start = first.offset(-first_index)
    if start.number < 0:
        return None
    agreeing = [s for i, s in found if s[0] == start.offset(i)]
    if len(page_texts) == 1:
        if found[0][1][1] < MIN_SINGLE_PAGE_CONFIDENCE:
            return None
    elif len(agreeing) < max(2, len(found) // 2 + 1):
        return None  # the same number on every page, or numbers that do not run in sequence
    pages = _sequence(start, len(page_texts))
    confidence = round(min(c for _, c in agreeing) * len(agreeing) / len(page_texts), 2)
    warning = None
    if len(agreeing) < len(page_texts):
        warning = f"Bates stamps read on {len(agreeing)} of {len(page_texts)} pages; the others follow the sequence"
    return BatesStamps(BatesRange(start, start.offset(len(page_texts) - 1)), pages, "page-stamp", confidence, warning)


def _sequence(begin: BatesNumber, count: int) -> list[str]:
    return page_sequence(BatesRange(begin, begin.offset(count - 1)))
