"""Tables on scanned pages: rules found in the image, words from Tesseract placed in the cells.

The page image is straightened first (a scan lies a degree or two askew: the angle whose row
profile is sharpest), then dark runs much longer than any letter stroke are taken as rules and
joined into cells with pdfplumber's own edge-to-cell steps, so a scanned table is read by the
same grid code (grid.py) as a text-layer one. Without rules the OCR words go to the whitespace
reader. Solid dark boxes are redactions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image

from .grid import build_table, drop_row, finish_cell
from .model import BBox, Table
from .notdata import data_tables
from .redacted import mark_redactions
from .stream import stream_tables
from .values import parse_number
from .words import Word

DARK = 150
RULE_INCHES = 0.28  # a dark run this long is a rule, not a letter
COLUMN_RULE_INCHES = 0.15  # column rules of a one-line header row are short; a cell is made only where they meet rules


def skew_angle(gray: Image.Image, limit: float = 3.0, step: float = 0.1) -> float:
    """Degrees to turn the image (counter-clockwise) so its lines lie level."""
    small = gray.copy()
    small.thumbnail((900, 900))
    ink = Image.fromarray(((np.asarray(small) < DARK) * 255).astype(np.uint8))
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + step / 2, step):
        rows = np.asarray(ink.rotate(float(angle), resample=Image.NEAREST)).sum(axis=1, dtype=np.float64)
        score = float(np.var(rows))
        if score > best_score:
            best, best_score = float(angle), score
    return best


def _runs(mask: np.ndarray) -> list[tuple[int, int, int]]:
    """(line index, start, end) of every run of True along axis 1."""
    out = []
    padded = np.pad(mask.astype(np.int8), ((0, 0), (1, 1)))
    diff = np.diff(padded, axis=1)
    for i in np.nonzero(diff.any(axis=1))[0]:
        starts = np.nonzero(diff[i] == 1)[0]
        ends = np.nonzero(diff[i] == -1)[0]
        out += [(int(i), int(a), int(b)) for a, b in zip(starts, ends, strict=False)]
    return out


LIGHT_STEP = 12  # grey levels: a pale rule or the edge of a tint, darker than the paper beside it
FLAT_STD = 30  # grey levels: paper or tint along a line, not a line of print
SIDE = 3  # pixels to each side of a line where the paper beside it is looked at


def _along(values: np.ndarray, size: int) -> np.ndarray:
    """Mean over `size` pixels along each row: a pale rule stays pale along its length while
    the grain of a scan averages out."""
    from scipy.ndimage import uniform_filter1d

    return uniform_filter1d(values, size, axis=1, mode="nearest")


def pale_lines(gray: np.ndarray, dpi: float) -> np.ndarray:
    """Where a horizontal line runs that is not dark enough for `DARK`: a rule printed in colour
    or grey (the NICS tables' blue rules are grey 200 on a tint of 228 once scanned), or the edge
    of a tinted band (a shaded header row against white paper). A line of print is not one:
    along it the grey varies from ink to paper."""
    size = max(9, int(dpi / 10)) | 1
    values = gray.astype(np.float32)
    mean = _along(values, size)
    std = np.sqrt(np.maximum(_along(values * values, size) - mean * mean, 0.0))
    above, below = np.roll(mean, SIDE, axis=0), np.roll(mean, -SIDE, axis=0)
    flat = (std <= FLAT_STD) & (np.roll(std, SIDE, axis=0) <= FLAT_STD) & (np.roll(std, -SIDE, axis=0) <= FLAT_STD)
    paper = (above > DARK) & (below > DARK)  # not the edge of a redaction box
    rule = (above - mean >= LIGHT_STEP) & (below - mean >= LIGHT_STEP)
    step = np.abs(above - below)
    # a tint's edge: the row where the step between the two sides is largest
    edge = (step >= LIGHT_STEP) & (step >= np.roll(step, 1, axis=0)) & (step > np.roll(step, -1, axis=0))
    out = flat & paper & (rule | edge)
    out[:SIDE + 1] = out[-SIDE - 1:] = False
    return _carried(out, dpi, size)


def _carried(mask: np.ndarray, dpi: float, size: int) -> np.ndarray:
    """The pale lines at least a rule long, carried to the rules they meet: near a dark rule
    the paper beside a pale one is not flat over the `size` pixels looked at, so it stops half
    of that short of the crossing. Short pieces (the gap between two lines of print seen
    through a gap between words) are dropped, not joined."""
    out = np.zeros_like(mask)
    width = mask.shape[1]
    for y, a, b in _runs(mask):
        if b - a >= RULE_INCHES * dpi:
            out[y, max(0, a - size // 2):min(width, b + size // 2)] = True
    return out


def rule_edges(gray: np.ndarray, dpi: float, erase: np.ndarray | None = None) -> list[dict[str, Any]]:
    """pdfplumber edges (points) of the horizontal and vertical rules drawn on the image, dark
    or pale (`pale_lines`); with `erase` (a writable copy of the image), the rules are
    painted white there, so that OCR does not read a rule beside a word as `|` or `)`."""
    dark = gray < DARK
    # close one-pixel breaks that noise punches into a rule
    dark_h = dark | np.roll(dark, 1, axis=1) & np.roll(dark, -1, axis=1)
    dark_v = dark | np.roll(dark, 1, axis=0) & np.roll(dark, -1, axis=0)
    line_h = dark_h | pale_lines(gray, dpi)
    line_v = dark_v | pale_lines(gray.T, dpi).T
    length = max(12, int(RULE_INCHES * dpi))
    scale = 72.0 / dpi
    edges: list[dict[str, Any]] = []
    height, width = dark.shape

    def thin(side_a: np.ndarray, side_b: np.ndarray) -> bool:  # light on both sides: a rule, not a box's edge
        return bool(side_a.mean() < 0.5 and side_b.mean() < 0.5)

    ruled = np.zeros_like(dark)  # where horizontal rules run, widened by a few pixels
    for y, a, b in _runs(line_h):
        if b - a >= length and thin(dark[max(0, y - 4), a:b], dark[min(height - 1, y + 4), a:b]):
            ruled[max(0, y - 4):y + 5, a:b] = True
            if erase is not None:
                half = 1 if dark[y, a:b].mean() >= 0.5 else 2  # a pale rule blurs wider than a dark one
                erase[max(0, y - half):y + half + 1, a:b] = 255
            edges.append({"x0": a * scale, "x1": b * scale, "top": y * scale, "bottom": y * scale, "width": (b - a) * scale,
                          "height": 0.0, "orientation": "h", "object_type": "line"})
    short = max(10, int(COLUMN_RULE_INCHES * dpi))
    for x, a, b in _runs(line_v.T):
        if b - a < short or not thin(dark[a:b, max(0, x - 4)], dark[a:b, min(width - 1, x + 4)]):
            continue
        # a short upright run is a column rule only where it meets a rule (else it is a letter's stem)
        if b - a < length and not (ruled[a, x] or ruled[min(height - 1, b - 1), x]):
            continue
        if erase is not None:
            half = 1 if dark[a:b, x].mean() >= 0.5 else 2
            erase[a:b, max(0, x - half):x + half + 1] = 255
        edges.append({"x0": x * scale, "x1": x * scale, "top": a * scale, "bottom": b * scale, "width": 0.0,
                      "height": (b - a) * scale, "orientation": "v", "object_type": "line"})
    return edges


PAPER_STEP = 4  # grey levels under the paper's that a tint is, once the grain is averaged out
BOX_FILL = 0.8  # share of its bounding box a tinted cell covers (a word's blur covers less)
GUTTER_INCHES = 0.15  # white between two shaded cells of one table


def tint_boxes(gray: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """Shaded rectangles (x0, top, x1, bottom in pixels): cells printed as tints with white
    gutters between them and no rule at all (a textbook's or a report's shaded tables). On a
    copy at half the resolution, the grain is averaged out along each row and along each column
    separately, so that a thin white gutter between two tints stays paper in the direction it
    runs; what is a little darker than the paper both ways over a solid rectangle at least a
    tenth of an inch high and a quarter wide, with a margin of tint inside its edges, is a
    tint (a blur of dense print, a word or a line of Chinese characters, is not)."""
    from scipy.ndimage import (
        binary_fill_holes,
        binary_opening,
        find_objects,
        label,
        median_filter,
        uniform_filter1d,
    )

    h, w = (gray.shape[0] // 2) * 2, (gray.shape[1] // 2) * 2
    half = gray[:h, :w].astype(np.float32).reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
    small_dpi = dpi / 2
    along = max(5, int(small_dpi / 8)) | 1
    rows, cols = uniform_filter1d(half, along, axis=1), uniform_filter1d(half, along, axis=0)
    paper = float(np.median(half))
    mask = (rows < paper - PAPER_STEP) & (cols < paper - PAPER_STEP)
    mask = median_filter(mask.astype(np.uint8), 3).astype(bool)  # grain's pinholes filled, a gutter two pixels wide kept
    size = max(3, int(small_dpi / 20))
    mask = binary_opening(mask, np.ones((size, size), bool))
    labels, _ = label(mask)
    out = []
    for k, sl in enumerate(find_objects(labels), start=1):
        top, bottom, x0, x1 = sl[0].start, sl[0].stop, sl[1].start, sl[1].stop
        if bottom - top < small_dpi / 10 or x1 - x0 < small_dpi / 4:
            continue
        if binary_fill_holes(labels[sl] == k).mean() >= BOX_FILL and _tinted_margin(half[sl], paper):
            out.append((2 * x0, 2 * top, 2 * x1, 2 * bottom))
    return out


RING = 3  # pixels (at half resolution) along the inside of a box's edges: a cell's margin


def _tinted_margin(box: np.ndarray, paper: float) -> bool:
    """The margin inside the box's edges is tint: no ink and darker than paper. A cell pads its
    print with tint on every side; a word or a line of dense print blurred into a box has ink
    and paper along its edges (letters' tops, the gaps between them)."""
    if box.shape[0] <= 2 * RING + 2 or box.shape[1] <= 2 * RING + 2:
        return False
    ring = np.concatenate([box[1:RING + 1].ravel(), box[-RING - 1:-1].ravel(),
                           box[:, 1:RING + 1].ravel(), box[:, -RING - 1:-1].ravel()])
    return float((ring < DARK).mean()) < 0.02 and float(np.median(ring)) < paper - PAPER_STEP


def tint_box_edges(gray: np.ndarray, dpi: float) -> list[dict[str, Any]]:
    """pdfplumber edges (points) around shaded cells that stand in a grid: a box that shares its
    row (top and bottom) or its column (left and right) with another box is a cell, where four
    boxes at least share both, and the gutter between two neighbouring cells is one boundary, drawn at its middle.
    A lone tinted band (a running head, a note in a box) is no grid and draws nothing."""
    boxes = tint_boxes(gray, dpi)
    tol = max(3, int(dpi / 50))

    def same(a: tuple[int, int], b: tuple[int, int]) -> bool:
        return abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol

    in_row = [b for b in boxes if any(o is not b and same((o[1], o[3]), (b[1], b[3])) for o in boxes)]
    in_col = [b for b in boxes if any(o is not b and same((o[0], o[2]), (b[0], b[2])) for o in boxes)]
    if len(set(in_row) & set(in_col)) < 4:
        return []
    grid = sorted(set(in_row) | set(in_col))  # a cell merged over two rows lines up one way only
    gutter = GUTTER_INCHES * dpi
    scale = 72.0 / dpi
    edges: list[dict[str, Any]] = []
    for x0, top, x1, bottom in grid:
        def reach(side: float, others: list[float], sign: int) -> float:
            gaps = [sign * (o - side) for o in others if 0 <= sign * (o - side) <= gutter]
            return side + sign * min(gaps) / 2 if gaps else side

        overlapping_rows = [o for o in grid if min(o[3], bottom) > max(o[1], top)]
        overlapping_cols = [o for o in grid if min(o[2], x1) > max(o[0], x0)]
        left = reach(x0, [o[2] for o in overlapping_rows], -1)
        right = reach(x1, [o[0] for o in overlapping_rows], 1)
        up = reach(top, [o[3] for o in overlapping_cols], -1)
        down = reach(bottom, [o[1] for o in overlapping_cols], 1)
        a, b, c, d = left * scale, up * scale, right * scale, down * scale
        edges += [{"x0": a, "x1": c, "top": y, "bottom": y, "width": c - a, "height": 0.0, "orientation": "h",
                   "object_type": "line"} for y in (b, d)]
        edges += [{"x0": x, "x1": x, "top": b, "bottom": d, "width": 0.0, "height": d - b, "orientation": "v",
                   "object_type": "line"} for x in (a, c)]
    return edges


def flatten_tints(pixels: np.ndarray, dpi: float) -> np.ndarray:
    """The image divided by its paper: each pixel against the lightest grey within a tenth of an
    inch, so print on a shaded row (a totals row on grey, a header on a tint) stands on white
    for Tesseract, whose one threshold for the page otherwise takes the shading for ink."""
    from scipy.ndimage import maximum_filter

    paper = maximum_filter(pixels, size=max(9, int(dpi / 10)) | 1).astype(np.float32)
    return np.clip(pixels.astype(np.float32) * 255.0 / np.maximum(paper, 1.0), 0, 255).astype(np.uint8)


def despeckle(pixels: np.ndarray) -> np.ndarray:
    """The image with lone dark pixels made paper: a scan's specks, which Tesseract reads as a
    `'`, `.` or `,` beside a word (`‘STAFF`, `CARD.`). A stroke of print is never one pixel
    alone, so no letter loses ink."""
    from scipy.ndimage import convolve

    dark = pixels < DARK
    neighbours = convolve(dark.astype(np.uint8), np.ones((3, 3), np.uint8), mode="constant") - dark
    out = pixels.copy()
    out[dark & (neighbours == 0)] = 255
    return out


def dark_box_regions(gray: np.ndarray, dpi: float) -> list[BBox]:
    """Solid dark rectangles (redaction boxes) in points: rows of ink at least a third of an inch
    long, stacked at least a tenth of an inch high, nearly all dark inside."""
    dark = gray < 80
    scale = 72.0 / dpi
    runs = [r for r in _runs(dark) if r[2] - r[1] >= dpi / 3]
    boxes: list[list[int]] = []  # x0, y0, x1, y1 in pixels
    for y, a, b in sorted(runs):
        for box in boxes:
            if y - box[3] <= 2 and abs(a - box[0]) <= 4 and abs(b - box[2]) <= 4:
                box[3] = y
                break
        else:
            boxes.append([a, y, b, y])
    out = []
    for x0, y0, x1, y1 in boxes:
        if y1 - y0 >= dpi / 10 and dark[y0:y1 + 1, x0:x1].mean() > 0.9:
            out.append((x0 * scale, y0 * scale, x1 * scale, y1 * scale))
    return out


def ruled_cell_groups(edges: Sequence[dict[str, Any]]) -> list[list[BBox]]:
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    merged = merge_edges(list(edges), 3, 3, 3, 3)
    merged = [e for e in merged if (e["x1"] - e["x0"]) >= 8 or (e["bottom"] - e["top"]) >= 8]
    cells = intersections_to_cells(edges_to_intersections(merged, 3, 3))
    return [split_enclosing([tuple(float(v) for v in c) for c in group])  # type: ignore[misc]
            for group in cells_to_tables(cells)]


def _contains(outer: BBox, inner: BBox, tol: float = 2.0) -> bool:
    return (inner != outer and inner[0] >= outer[0] - tol and inner[1] >= outer[1] - tol
            and inner[2] <= outer[2] + tol and inner[3] <= outer[3] + tol)


def split_enclosing(cells: list[BBox], tol: float = 2.0) -> list[BBox]:
    """Boxes with no box inside them. A scan loses the tint edges that close a cell in the PDF
    (NICS: the title and the `State / Territory` cell share one tint), so the cell finder
    returns one box around the title and the whole header, with the header's own boxes inside
    it. Such a box becomes what it holds besides them: the strip above them (the title) and
    the strips left and right of them (a row label's cell, a totals column's head)."""
    out = []
    for box in cells:
        inner = [c for c in cells if _contains(box, c, tol)]
        if not inner:
            out.append(box)
            continue
        x0, top, x1, bottom = box
        in_x0, in_top, in_x1 = min(c[0] for c in inner), min(c[1] for c in inner), max(c[2] for c in inner)
        pieces = [(x0, top, x1, in_top), (x0, in_top, in_x0, bottom), (in_x1, in_top, x1, bottom)]
        out += [p for p in pieces if p[2] - p[0] > tol and p[3] - p[1] > tol]
    return out


def _inside(w: Word, box: BBox) -> bool:
    return box[0] - 1 <= w.xc <= box[2] + 1 and box[1] - 1 <= w.yc <= box[3] + 1


SPECK_HEIGHT = 0.4  # of the median word's height: a box this flat is a speck or a rule's remnant
SURE = 50  # Tesseract confidence above which even a flat word (a dash) is kept


def ocr_words(read: Sequence[tuple[str, tuple[int, int, int, int], float]], scale: float) -> list[Word]:
    """Words (points) from Tesseract's boxes (pixels), without the unsure flat ones: grain along
    a rule is read as `a`, `_` or `e` and would make a row of its own."""
    if not read:
        return []
    height = float(np.median([b[3] - b[1] for _, b, _ in read]))
    return [Word(text, b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale, max(1.0, (b[3] - b[1]) * scale))
            for text, b, conf in read if conf >= SURE or b[3] - b[1] >= SPECK_HEIGHT * height]


def image_tables(image: Image.Image, dpi: float, page_no: int, engine: Any = None) -> list[Table]:
    """Tables on one page image; `engine` is a TesseractEngine (ingest/ocr.py)."""
    if engine is None:
        from ...ingest.ocr import TesseractEngine

        engine = TesseractEngine()
    gray = image.convert("L")
    turned = engine.orientation(gray) if hasattr(engine, "orientation") else 0
    if turned:  # a table printed sideways, or a page scanned on its side
        gray = gray.rotate(turned, expand=True)
    angle = skew_angle(gray)
    if abs(angle) >= 0.05:
        gray = gray.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    pixels = np.asarray(gray)
    scale = 72.0 / dpi
    clean = pixels.copy()
    edges = rule_edges(pixels, dpi, erase=clean) + tint_box_edges(pixels, dpi)
    clean = flatten_tints(despeckle(clean), dpi)
    words = ocr_words(engine.word_boxes(Image.fromarray(clean)), scale)
    found: list[Table] = []
    for group in ruled_cell_groups(edges):
        frame = (min(c[0] for c in group), min(c[1] for c in group), max(c[2] for c in group), max(c[3] for c in group))
        if len(group) < 2:
            continue
        table = build_table(group, [w for w in words if _inside(w, frame)], page_no, "ocr-ruled")
        if table is not None and (table.n_rows >= 2 and table.n_cols >= 2):
            found.append(table)
    boxes = dark_box_regions(pixels, dpi)
    mark_redactions(found, boxes)
    for table in found:
        _reread_cells(table, clean, dpi, engine, words)
        comma_thousands(table)
        drop_speck_rows(table)
    rest = [w for w in words if not any(_inside(w, t.bbox) for t in found)]
    streams = stream_tables(rest, page_no)
    for table in streams:
        table.method = "ocr-stream"
    mark_redactions(streams, boxes)
    for table in streams:
        comma_thousands(table)
    found += streams
    found = data_tables(found)
    for table in found:
        table.turned = turned
    return found


FIGURES = "0123456789,.-()$%"  # what a cell of a column of figures can print
_SPECKS = ",.:;'‘’`_ "  # what grain beside a figure is read as
_FIGURE_LIKE = re.compile(r"^[\d,.\s'‘’`:;_-]+$")  # digits with specks read as punctuation: `1,413,` `‘697`


def _figure_columns(table: Table) -> set[int]:
    """Columns whose filled cells are mostly numbers."""
    out = set()
    for col in range(table.n_cols):
        filled = [c for c in table.cells if c.col == col and c.colspan == 1 and c.text]
        if filled and sum(c.value is not None for c in filled) >= 0.6 * len(filled):
            out.add(col)
    return out


def _read_cell(image: Image.Image, engine: Any, figures: bool) -> str:
    """One cell's line read alone; a cell among figures that does not read as a number is read
    again as figures only (Tesseract limited to figures misses a lone `0` it reads unlimited),
    then as figures at twice the size: a lone digit of a small font is too few pixels high for
    Tesseract at 200 dpi (`1` read as `4`, or nothing)."""
    text = ""
    for charset, larger in (("", False), (FIGURES, False), (FIGURES, True)) if figures else (("", False),):
        img = image.resize((image.width * 2, image.height * 2), Image.BICUBIC) if larger else image  # only when read so
        text = " ".join(t for t, _, conf in engine.word_boxes(img, line=True, charset=charset) if conf >= 30)
        if not figures:
            return text
        if parse_number(text.strip(_SPECKS)) is not None:
            return text.strip(_SPECKS)
    return text


def _reread_cells(table: Table, clean: np.ndarray, dpi: float, engine: Any, words: Sequence[Word]) -> None:
    """Read again, one at a time, the cells of a ruled table the page reading got wrong: a cell
    that got no word but holds ink (the page reading passes over a lone `0` or `-` in a narrow
    cell), and, below the header, a cell of a column of figures that reads as no number (a
    grainy `0` read as `u`, a speck as a trailing comma). A cell among figures is read as
    figures only; its new reading is kept only when it is a number. A cell as tall as several
    lines, or an empty one over words the page reading placed elsewhere, is left: its crop
    would read the neighbouring rows' words into it."""
    px = dpi / 72.0
    line_height = float(np.median([w.bottom - w.top for w in words])) if words else 0.0
    figure_cols = _figure_columns(table)
    first_data = min((c.row for c in table.cells if c.value is not None), default=table.n_rows)
    for cell in table.cells:
        if cell.redacted or cell.bbox is None:
            continue
        figures = cell.col in figure_cols and cell.row >= first_data and cell.colspan == 1
        misread = figures and bool(cell.text) and cell.value is None and (
            len(cell.text.replace(" ", "")) <= 3 or bool(_FIGURE_LIKE.match(cell.text)))
        if misread and parse_number(cell.text.strip(_SPECKS)) is not None:
            cell.text = cell.text.strip(_SPECKS)  # `1,413,`: a speck beside the figure
            finish_cell(cell)
            continue
        if cell.text and not misread:
            continue
        if cell.bbox[3] - cell.bbox[1] > 3 * line_height or not cell.text and any(_inside(w, cell.bbox) for w in words):
            continue
        x0, top, x1, bottom = (int(round(v * px)) for v in cell.bbox)
        crop = clean[max(0, top - 1):max(0, bottom + 1), max(0, x0 + 3):max(0, x1 - 3)]
        if crop.size == 0 or (crop < DARK).mean() < 0.004:
            continue
        padded = np.pad(crop, 12, constant_values=255)
        text = _read_cell(Image.fromarray(padded), engine, figures)
        if text and (not misread or parse_number(text) is not None):
            cell.text, cell.marks = text, ""
            finish_cell(cell)


_COMMA_GROUPS = re.compile(r"\d,\d{3}(?!\d)")
_FIGURE = re.compile(r"^\d{1,3}(?:[.,]\d{3})*(?:\.\d{1,2})?$")
_DOT_GROUP = re.compile(r"\.(?=\d{3}(?:[.,]|$))")


def comma_thousands(table: Table) -> None:
    """Thousands separators that a scan's grain turned from commas into points (`60.796`,
    `37.499.96`), put back where the column itself writes thousands with commas (`1,413`
    elsewhere in it) and, for a last group, where the column holds no figure with three
    decimals. In a column printed the European way no cell has a comma group, and nothing
    changes."""
    for col in range(table.n_cols):
        cells = [c for c in table.cells if c.col == col and c.colspan == 1 and not c.redacted]
        figures = [c for c in cells if _FIGURE.match(c.text)]
        if not any(_COMMA_GROUPS.search(c.text) for c in figures):
            continue
        three_decimals = any(re.search(r"\.\d{3}$", c.text) and "," in c.text for c in figures)
        for cell in figures:
            fixed = _DOT_GROUP.sub(",", cell.text)
            if three_decimals and fixed.count(",") > cell.text.count(","):
                continue
            if fixed != cell.text:
                cell.text = fixed
                finish_cell(cell)


def drop_speck_rows(table: Table) -> None:
    """Rows whose one filled cell holds no letter or digit (`—`, `'`): a rule's remnant or a
    speck the OCR read as a dash, which would shift every row below it. A row of data with a
    dash for a missing value fills its label cell too."""
    if table.n_cols < 3:
        return
    for row in range(table.n_rows - 1, -1, -1):
        filled = [c for c in table.cells if c.row == row and c.display.strip()]
        if len(filled) == 1 and filled[0].rowspan == 1 and not any(ch.isalnum() for ch in filled[0].display):
            table.cells.remove(filled[0])
            drop_row(table, row)
