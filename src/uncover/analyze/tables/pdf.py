"""Every table in a PDF with a text layer: ruled tables, whitespace tables, redacted cells, and
tables continued over page breaks joined.

Pages printed sideways (a wide report turned on a portrait page) are turned upright first: the
text is read where most characters stand upright, in a copy whose page rotation is changed
(pypdfium2), never in the original.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium

from .join import join_continued
from .model import Table
from .notdata import data_tables
from .precheck import may_hold_table
from .redacted import dark_boxes, mark_redactions
from .ruled import ruled_tables
from .stream import stream_tables
from .words import Word, text_layer_words

Progress = Callable[[int, int], None]


def _upright_share(page: Any) -> float:
    chars = page.chars
    if not chars:
        return 1.0
    good = sum(1 for c in chars if c.get("upright") and (c.get("matrix") or (1, 0, 0, 1))[0] > 0)
    return good / len(chars)


def _turned_page(data: bytes, index: int) -> tuple[Any, int, Any] | None:
    """The page turned so that its text stands upright: (pdfplumber page, degrees, handle to keep open)."""
    for extra in (90, 270, 180):
        doc = pdfium.PdfDocument(data)
        page = doc[index]
        page.set_rotation((page.get_rotation() + extra) % 360)
        buf = io.BytesIO()
        doc.save(buf, version=None)
        doc.close()
        pdf = pdfplumber.open(io.BytesIO(buf.getvalue()), pages=[index + 1])
        turned = pdf.pages[0]
        if _upright_share(turned) >= 0.8:
            return turned, extra, pdf
        pdf.close()
    return None


def tables_on_page(page: Any, page_no: int) -> list[Table]:
    """Ruled tables first; whitespace tables among the words no ruled table holds."""
    words = text_layer_words(page)
    found = ruled_tables(page, words, page_no)

    def in_ruled(w: Word) -> bool:
        return any(t.bbox[0] - 2 <= w.xc <= t.bbox[2] + 2 and t.bbox[1] - 2 <= w.yc <= t.bbox[3] + 2 for t in found)

    found += stream_tables([w for w in words if not in_ruled(w)], page_no)
    mark_redactions(found, dark_boxes(page))
    return data_tables(found)


OCR_DPI = 200
SCREEN_DPI = 72
TINT_DPI = 144  # the closer look: shaded cells' white gutters are a few pixels wide, a half-point rule one


SCAN_BORDER = 12.0  # points from the page's edge where dark runs are the scanner's border, not a table's rules
TABLE_RULE_ACROSS = 72.0  # points: a table's horizontal rule spans its columns; shorter dark runs are underlined words, strokes
TABLE_RULE_DOWN = 36.0  # points: a column rule spans a header and two rows; a redaction box's side spans a line or two
STACKED_RULES = 3  # horizontal rules of one width, one above the other: a table ruled only across (top, header, foot)
COLLINEAR = 3.0  # points: pieces of one rule a skewed scan breaks into stairs lie this close, end to end


def _rule_lengths(edges: list[dict[str, Any]], orientation: str) -> list[tuple[float, float, float]]:
    """(position, start, end) of each rule, its pieces joined: a scan turned a degree breaks a
    long rule into a staircase of short runs, each too short to count alone. Each piece joins
    the rule whose end it continues. pdfplumber's `merge_edges` (which the cell finder uses)
    snaps pieces to a shared line before joining them, and so missed the short column rules of
    a skewed labelled table (word365_structure) that this passes."""
    if orientation == "h":
        pieces = [(e["top"], e["x0"], e["x1"]) for e in edges if e["orientation"] == "h"]
    else:
        pieces = [(e["x0"], e["top"], e["bottom"]) for e in edges if e["orientation"] == "v"]
    rules: dict[int, list[list[float]]] = {}  # by position / COLLINEAR: a dense page has hundreds of runs
    for position, start, end in sorted(pieces, key=lambda p: (p[1], p[0])):
        key = round(position / COLLINEAR)
        near = (r for k in (key - 1, key, key + 1) for r in rules.get(k, ())
                if abs(r[0] - position) <= COLLINEAR and start <= r[2] + COLLINEAR)
        rule = next(near, None)
        if rule is None:
            rules.setdefault(key, []).append([position, start, end])
            continue
        rules[round(rule[0] / COLLINEAR)].remove(rule)
        rule[0], rule[2] = position, max(rule[2], end)
        rules.setdefault(key, []).append(rule)
    return [(r[0], r[1], r[2]) for group in rules.values() for r in group]


def _scanned_may_hold_table(page: Any) -> bool:
    """A scanned page worth OCR for tables: rules both ways, horizontal rules of one width stacked
    (a table ruled only across), or shaded cells in a grid (a table printed with tints and no
    rule). Rules are looked for at screen resolution, then again twice as closely: a half-point
    rule (Word's default) fades into the grey of the paper at 72 dpi, a short one falls under the
    length a rule needs at 144; shaded cells only show at 144.
    On real scans most dark runs are not rules: the page's border, words, stamps, and the outlines
    of redaction boxes, whose sides are a line or two high. Counting every run, the check passed
    229 of 291 image-only MuckRock pages (each then OCR'd a second time by the tables pass); runs
    away from the border and as long as a table's rules, 142; column rules spanning three lines
    (TABLE_RULE_DOWN), 111, every one of the 21 labelled scanned table pages still passing
    (`bench/scanned_page_check.py`)."""
    import numpy as np

    from .scanned import rule_edges, tint_box_edges

    def ruled(pixels: np.ndarray, dpi: int) -> bool:
        width, height = pixels.shape[1] * 72 / dpi, pixels.shape[0] * 72 / dpi
        edges = [e for e in rule_edges(pixels, dpi)
                 if min(e["x0"], e["top"], width - e["x1"], height - e["bottom"]) >= SCAN_BORDER]
        across = [r for r in _rule_lengths(edges, "h") if r[2] - r[1] >= TABLE_RULE_ACROSS]
        down = [r for r in _rule_lengths(edges, "v") if r[2] - r[1] >= TABLE_RULE_DOWN]
        if len(across) >= 2 and len(down) >= 2:
            return True
        return any(len({round(s[0] / COLLINEAR) for s in across if abs(s[1] - r[1]) <= 2 * COLLINEAR
                        and abs(s[2] - r[2]) <= 2 * COLLINEAR}) >= STACKED_RULES for r in across)

    if ruled(np.asarray(page.render(scale=SCREEN_DPI / 72).to_pil().convert("L")), SCREEN_DPI):
        return True
    closer = np.asarray(page.render(scale=TINT_DPI / 72).to_pil().convert("L"))
    return ruled(closer, TINT_DPI) or bool(tint_box_edges(closer, TINT_DPI))


def _scanned_page_tables(data: bytes, number: int) -> list[Table]:
    """A page with no text layer: rendered, and read by the OCR path when it shows rules."""
    from .scanned import image_tables

    doc = pdfium.PdfDocument(data)
    try:
        if not _scanned_may_hold_table(doc[number - 1]):
            return []
        image = doc[number - 1].render(scale=OCR_DPI / 72).to_pil()
    finally:
        doc.close()
    return image_tables(image, OCR_DPI, number)


def _page_tables(page: Any, data: bytes, number: int, heights: dict[int, float], ocr: bool) -> list[Table]:
    """One page that may hold a table: OCR'd when it has no text layer, turned upright when printed
    sideways, then read."""
    heights[number] = float(page.height)
    if not page.chars and page.images:
        return _scanned_page_tables(data, number) if ocr else []
    turned, extra, handle = page, 0, None
    if page.chars and _upright_share(page) < 0.5:
        got = _turned_page(data, number - 1)
        if got is not None:
            turned, extra, handle = got
    heights[number] = float(turned.height)
    try:
        tables = tables_on_page(turned, number)
    finally:
        if handle is not None:
            handle.close()
    for t in tables:
        t.turned = extra
    page.flush_cache()
    return tables


def pdf_tables(source: Path | bytes, pages: Iterable[int] | None = None, progress: Progress | None = None,
               join: bool = True, ocr: bool = True) -> list[Table]:
    """Every table in a PDF (pages numbered from 1), continuations joined unless `join` is False;
    pages without a text layer go through OCR unless `ocr` is False."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    found: list[Table] = []
    heights: dict[int, float] = {}
    screen = pdfium.PdfDocument(data)
    plumbed: Any = None  # pdfplumber's reading of the file, opened for the first page that may hold a table
    try:
        numbers = list(pages) if pages is not None else list(range(1, len(screen) + 1))
        for k, number in enumerate(numbers):
            screen_page = screen[number - 1]
            text = screen_page.get_textpage()
            skip = text.count_chars() > 0 and not may_hold_table(screen_page, text)
            text.close()
            if not skip:
                plumbed = plumbed or pdfplumber.open(io.BytesIO(data))
                if number <= len(plumbed.pages):  # pdfminer may find fewer pages than PDFium in a damaged file
                    found += _page_tables(plumbed.pages[number - 1], data, number, heights, ocr)
            if progress:
                progress(k + 1, len(numbers))
    finally:
        if plumbed is not None:
            plumbed.close()
        screen.close()
    return join_continued(found, heights) if join else found
