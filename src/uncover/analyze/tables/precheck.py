"""The tables pre-check: a fast look with PDFium at a page before the slow reading (pdfplumber
parses a page in a third of a second). A page that draws no rules and shows no column holds no
table; most released pages (letters, e-mails, OCR'd scans) stop here.

The ingest's workers run it on each page while they read it (`page_check`, a reader's page hook,
sharing the reader's text page), and keep the pages that may hold a table, so the tables pass
opens only those. Kept apart from the reading (pdf.py) so workers load no pdfplumber.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MIN_RULES = 6  # drawn paths on a page before it is worth reading for ruled tables


def may_hold_table(page: Any, text: Any) -> bool:
    """False for a page that draws no rules and shows no column (a gap in the same place on three
    lines or more). `text`: the page's text page, which the caller owns."""
    if sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3)) >= MIN_RULES:
        return True
    return _has_column(_line_gaps(text))


COLUMN_LINES = 3  # lines sharing a gap: a column
# FPDFText_GetCharBox declared on plain addresses, so a box is written into a numpy array.
_CHAR_BOX_AT = ctypes.CFUNCTYPE(ctypes.c_int, *[ctypes.c_void_p, ctypes.c_int] + [ctypes.c_void_p] * 4)(
    ctypes.cast(pdfium_c.FPDFText_GetCharBox, ctypes.c_void_p).value)
GAP_HEIGHTS = 1.5  # a gap this many character heights wide separates two cells, not two words


def _line_gaps(text: Any, every: bool = False) -> list[tuple[int, float, float]]:
    """(line, left, right) of every gap of GAP_HEIGHTS between neighbouring characters of a line.
    This pre-check runs on every page of every PDF ingested, and asking PDFium for a character's
    box is what costs (a call per character). A gap lies beside a space or a punctuation mark (the
    spaces PDFium puts between words and cells are characters of the text too), so only those and
    the characters either side of them are asked for, each box written straight into one array;
    gaps are then found on the array at once. Same gaps, and the same decision on every page, as
    asking for every box, on 2,417 pages of nine corpora; dense prose asks for about half its
    characters. Where the text does not map one to one onto the characters (or with `every`), every
    box is asked for."""
    import numpy as np

    from ..occlusion import _COUNT_CHARS

    handle = ctypes.cast(text.raw, ctypes.c_void_p).value
    count = _COUNT_CHARS(handle)
    if count < 2:
        return []
    chars = "" if every else text.get_text_range(0, count)
    if len(chars) == count:
        marks = np.zeros(count + 2, dtype=bool)  # shifted by one: a mark's neighbours need no bounds checks
        marks[1:-1] = _not_alnum(np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32))
        asked = np.flatnonzero(marks[:-2] | marks[1:-1] | marks[2:])
    else:
        asked = np.arange(count)
    boxes = np.zeros((len(asked), 4))  # left, right, bottom, top: FPDFText_GetCharBox's order
    at = boxes.ctypes.data
    found = np.fromiter([_CHAR_BOX_AT(handle, i, a, a + 8, a + 16, a + 24)
                         for i, a in zip(asked.tolist(), range(at, at + 32 * len(asked), 32), strict=True)],
                        dtype=bool, count=len(asked))
    kept = found & (boxes[:, 1] > boxes[:, 0])
    run = np.cumsum(np.diff(asked, prepend=-2) != 1)[kept]  # neighbours only within a run of asked characters
    left, right, bottom, top = boxes[kept].T
    height = np.maximum(np.maximum(top[:-1] - bottom[:-1], top[1:] - bottom[1:]), 1.0)
    middle = bottom + top  # twice the middle, held against one height: the line test as it always was
    same_line = (np.abs(middle[1:] - middle[:-1]) < height) & (run[1:] == run[:-1])
    wide = left[1:] - right[:-1] >= GAP_HEIGHTS * height
    return [(round(float(middle[j + 1]) / 2), float(right[j]), float(left[j + 1]))
            for j in np.flatnonzero(same_line & wide).tolist()]


_ASCII_NOT_ALNUM = tuple(not chr(c).isalnum() for c in range(128))


def _not_alnum(codes: Any) -> Any:
    """True where a code point is not a letter or digit (str.isalnum), for a whole page at once."""
    import numpy as np

    table = np.array(_ASCII_NOT_ALNUM)
    wide = codes >= 128
    if not wide.any():
        return table[codes]
    out = table[np.where(wide, 0, codes)]
    distinct = np.unique(codes[wide])
    out[wide] = np.isin(codes[wide], [c for c in distinct.tolist() if not chr(c).isalnum()])
    return out


def _has_column(gaps: list[tuple[int, float, float]]) -> bool:
    """True when some x lies inside a gap on COLUMN_LINES different lines: a channel of white
    running down the page, which is what separates a table's columns. Gaps that do not line up
    (a date pushed right in a letter's header, an OCR layer's stray spaces) are not columns."""
    events = sorted([(x0, 1, y) for y, x0, _ in gaps] + [(x1, -1, y) for y, _, x1 in gaps])
    open_on: dict[int, int] = {}
    for _, step, line in events:
        if step > 0:
            open_on[line] = open_on.get(line, 0) + 1
            if len(open_on) >= COLUMN_LINES:
                return True
        else:
            open_on[line] -= 1
            if not open_on[line]:
                del open_on[line]
    return False


def page_check(found: list[int]) -> Callable[..., None]:
    """A reader's page hook: appends to `found` the number of each PDF page that may hold a table
    (a page without a text layer always may: the pass looks at its image). A page the check
    cannot look at counts as one that may, so the pass reads it rather than miss a table."""

    def check(page: object, number: int, textpage: Any = None) -> None:
        if not isinstance(page, pdfium.PdfPage):
            return  # an image file's frame: not read for tables
        try:
            text = textpage if textpage is not None else page.get_textpage()
            try:
                if text.count_chars() == 0 or may_hold_table(page, text):
                    found.append(number)
            finally:
                if textpage is None:
                    text.close()
        except Exception:  # noqa: BLE001 - a damaged page is the pass's to report, with its reading
            found.append(number)

    return check
