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


def _line_gaps(text: Any) -> list[tuple[int, float, float]]:
    """(line, left, right) of every gap of GAP_HEIGHTS between neighbouring characters of a line.
    Thousands of characters a page: PDFium writes each box straight into one array (one bare call
    per character, no Python objects between), and the gaps are found on the array at once; this
    pre-check runs on every page of every PDF ingested."""
    import numpy as np

    from ..occlusion import _COUNT_CHARS

    handle = ctypes.cast(text.raw, ctypes.c_void_p).value
    count = _COUNT_CHARS(handle)
    if count < 2:
        return []
    boxes = np.zeros((count, 4))  # left, right, bottom, top: FPDFText_GetCharBox's order
    at = boxes.ctypes.data
    found = np.fromiter([_CHAR_BOX_AT(handle, i, a, a + 8, a + 16, a + 24)
                         for i, a in enumerate(range(at, at + 32 * count, 32))], dtype=bool, count=count)
    left, right, bottom, top = boxes[found & (boxes[:, 1] > boxes[:, 0])].T
    height = np.maximum(np.maximum(top[:-1] - bottom[:-1], top[1:] - bottom[1:]), 1.0)
    middle = bottom + top  # twice the middle, held against one height: the line test as it always was
    same_line = np.abs(middle[1:] - middle[:-1]) < height
    wide = left[1:] - right[:-1] >= GAP_HEIGHTS * height
    return [(round(float(middle[j + 1]) / 2), float(right[j]), float(left[j + 1]))
            for j in np.flatnonzero(same_line & wide).tolist()]


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
