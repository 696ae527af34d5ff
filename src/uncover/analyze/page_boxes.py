"""Redaction boxes on a page image: filled boxes (black, grey) and outlined blank boxes.

Agencies draw three kinds of box over withheld text, and scanning turns all three into pixels:

- **black**: a solid dark rectangle (DOJ prints the code in it in light type: `(b) (6)`);
- **grey**: a solid mid-grey rectangle (halftoned by the scanner, so it is judged on the image
  averaged over a few pixels);
- **outlined**: a blank white rectangle inside a thin dark border, the State Department and FBI
  style: the text is cut out and the hole framed.

The image is reduced to about 75 dpi first (`WORK_DPI`): each work pixel is the minimum
(for borders: a thin line survives) or the mean (for fills: halftone dots average to grey) of a
block of source pixels. Boxes are then connected components:

- filled: a dark (or grey) component filling nearly all of its bounding rectangle, at least a
  short word in size. A black rectangle holding light print across most of its width is a heading
  in reverse type, not a box; one short label in it is DOJ's code.
- outlined: a component of *blank* pixels (4-connected, so a corner cannot leak) that does not
  touch the image edge and fills nearly all of its bounding rectangle, every side of which is
  dark. Text inside a frame (State's `RELEASE IN PART` stamp, a table cell) leaves holes and fails
  the test; so does the missing-image icon. Two boxes sharing a border are two boxes.

Pieces of a page that look like boxes but are not (a page border, a scanner's black edge) are
excluded by size. Cost is measured by `bench/redaction_boxes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WORK_DPI = 75.0
DARK = 90  # a black box pixel (block mean)
GREY_LOW, GREY_HIGH = 90, 215  # a grey box pixel (block mean)
BLANK = 225  # an outlined box's inside: lighter than this even in the block minimum
MIN_HEIGHT_PT = 6.0  # a box covers at least a line of small type
MIN_WIDTH_PT = 10.0  # and a short word; smaller marks are bullets, checkboxes and specks
MAX_PAGE_FRACTION = 0.7  # larger is a page border or a scanner's dark edge
FILLED_SHARE = 0.9  # of its bounding rectangle a filled box's pixels cover
BLANK_SHARE = 0.8  # of its bounding rectangle an outlined box's blank inside covers (a skewed scan: less)
SIDE_INK = 0.85  # of each side of an outlined box that must be border (not blank)
OUTLINED_MIN_ASPECT = 0.4  # width / height
SIDE_BAND = 3  # work pixels either side of the blank inside's edge in which its border may lie
TABLE_RUN = 5  # blank cells of one size in a touching column or row: a printed table


@dataclass(frozen=True)
class ImageBox:
    """A box on a page image: pixel rectangle [x0, x1) x [y0, y1) of the analysed image."""

    x0: int
    y0: int
    x1: int
    y1: int
    style: str  # "black", "grey" or "outlined"

    def fractions(self, width: int, height: int) -> tuple[float, float, float, float]:
        """The rectangle as fractions of the image, top-left origin (how uncover stores boxes)."""
        return self.x0 / width, self.y0 / height, self.x1 / width, self.y1 / height


def _reduce(gray: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """Block minimum and block mean over factor x factor blocks (edges cropped), built from
    strided views: reducing over the block axes of a reshaped array is ten times slower."""
    if factor <= 1:
        return gray, gray
    h, w = gray.shape[0] // factor, gray.shape[1] // factor
    views = [gray[dy:h * factor:factor, dx:w * factor:factor] for dy in range(factor) for dx in range(factor)]
    low = views[0].copy()
    total = views[0].astype(np.uint16 if len(views) * 255 <= 0xFFFF else np.uint32)  # half the memory to add up
    for view in views[1:]:
        np.minimum(low, view, out=low)
        total += view
    return low, (total // len(views)).astype(np.uint8)


def _components(mask: np.ndarray, connectivity: int = 8, min_size: int = 1,
                inner_only: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels, and the pixel counts and bounding boxes (top, bottom, left, right; end exclusive)
    of the components of at least `min_size` pixels (not touching the image's edge when
    `inner_only`), as arrays indexed by label - 1 (other components: count 0, empty box).

    Bounding boxes are read from the pixels of the components kept only: `ndimage.find_objects`
    costs as much as the labelling, on every component (the thousands of letter counters and
    the page's whole background)."""
    from scipy import ndimage

    structure = np.ones((3, 3), dtype=bool) if connectivity == 8 else None
    labels = np.empty(mask.shape, dtype=np.intp)  # bincount's own type: no copy of the page to count
    count = ndimage.label(mask, structure=structure, output=labels)
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    sizes[0] = 0
    if inner_only:
        sizes[np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])] = 0
    kept = sizes >= min_size
    boxes = np.zeros((count, 4), np.int64)
    if kept.any():
        ys, xs = np.nonzero(kept[labels])
        which = labels[ys, xs] - 1
        top = np.full(count, labels.shape[0], np.int64)
        left = np.full(count, labels.shape[1], np.int64)
        bottom = np.zeros(count, np.int64)
        right = np.zeros(count, np.int64)
        np.minimum.at(top, which, ys)
        np.maximum.at(bottom, which, ys + 1)
        np.minimum.at(left, which, xs)
        np.maximum.at(right, which, xs + 1)
        at = np.flatnonzero(kept[1:])
        boxes[at] = np.stack([top[at], bottom[at], left[at], right[at]], axis=1)
    return labels, np.where(kept, sizes, 0)[1:], boxes


def _size_ok(boxes: np.ndarray, shape: tuple[int, int], dpi: float) -> np.ndarray:
    h = boxes[:, 1] - boxes[:, 0]
    w = boxes[:, 3] - boxes[:, 2]
    min_h = MIN_HEIGHT_PT / 72 * dpi
    min_w = MIN_WIDTH_PT / 72 * dpi
    return (h >= min_h) & (w >= min_w) & (h * w <= MAX_PAGE_FRACTION * shape[0] * shape[1])


def _filled(mean: np.ndarray, low: int, high: int, dpi: float, style: str) -> list[tuple[int, int, int, int, str]]:
    mask = (mean >= low) & (mean < high)
    if not mask.any():
        return []
    # An opening (erode, then dilate, 3 x 3) removes the strokes of type, which are thinner
    # than three work pixels, and keeps every box: a page of text leaves a handful of
    # components to measure instead of thousands.
    core = _erode3(mask)
    if not core.any():
        return []
    opened = _dilate3(core) & mask
    rows, cols = np.flatnonzero(opened.any(axis=1)), np.flatnonzero(opened.any(axis=0))
    top, left = int(rows[0]), int(cols[0])  # label only the part of the page holding something solid
    _, _, boxes = _components(opened[top:rows[-1] + 1, left:cols[-1] + 1])
    boxes += (top, top, left, left)
    keep = _size_ok(boxes, mean.shape, dpi)
    out = []
    for k in np.flatnonzero(keep).tolist():
        t, b, left, right = (int(v) for v in boxes[k])
        if np.count_nonzero(mask[t:b, left:right]) < FILLED_SHARE * (b - t) * (right - left):
            continue
        block = mean[t:b, left:right]
        if _touches_edge(t, b, left, right, mean.shape):
            continue  # a scanner's dark edge or a band across a dark sheet, not a box on the page
        if style == "black" and not _solid_or_labelled(block < high, dpi):
            continue
        if style == "grey" and float(block.std()) > 25:
            continue  # a photograph, not a flat box
        out.append((t, b, left, right, style))
    return out


def _erode3(mask: np.ndarray) -> np.ndarray:
    """3 x 3 erosion (outside the image counts as empty), separably from shifted views: a tenth
    of scipy's binary_erosion on a page."""
    rows = mask.copy()
    rows[:, 1:] &= mask[:, :-1]
    rows[:, :-1] &= mask[:, 1:]
    rows[:, 0] = rows[:, -1] = False
    out = rows.copy()
    out[1:, :] &= rows[:-1, :]
    out[:-1, :] &= rows[1:, :]
    out[0, :] = out[-1, :] = False
    return out


def _dilate3(mask: np.ndarray) -> np.ndarray:
    rows = mask.copy()
    rows[:, 1:] |= mask[:, :-1]
    rows[:, :-1] |= mask[:, 1:]
    out = rows.copy()
    out[1:, :] |= rows[:-1, :]
    out[:-1, :] |= rows[1:, :]
    return out


def _touches_edge(t: int, b: int, left: int, right: int, shape: tuple[int, ...]) -> bool:
    return t == 0 or left == 0 or b >= shape[0] or right >= shape[1]


def _solid_or_labelled(block: np.ndarray, dpi: float) -> bool:
    """A black box is solid, or holds one short label (`(b) (6)`) in light print. Light print
    across most of its width is a heading in reverse type (a black table header), not a box."""
    inner = block[1:-1, 1:-1]
    if inner.size == 0:
        return True
    light = ~inner
    if light.mean() < 0.03:
        return True
    cols = np.flatnonzero(light.any(axis=0))
    extent = cols[-1] - cols[0] + 1
    return bool(extent < 0.4 * inner.shape[1] and extent < dpi)  # a label is under an inch wide


def _outlined(low: np.ndarray, dpi: float) -> list[tuple[int, int, int, int, str]]:
    blank = low >= BLANK
    smallest = int(BLANK_SHARE * (MIN_HEIGHT_PT / 72 * dpi) * (MIN_WIDTH_PT / 72 * dpi))  # what _size_ok and the share allow
    labels, sizes, boxes = _components(blank, connectivity=4, min_size=smallest, inner_only=True)
    if not len(sizes):
        return []
    keep = _size_ok(boxes, low.shape, dpi) & (sizes > 0)
    # a blank frame much taller than wide is a form's column or a stamp's margin, not cut-out text
    keep &= (boxes[:, 3] - boxes[:, 2]) >= OUTLINED_MIN_ASPECT * (boxes[:, 1] - boxes[:, 0])
    keep &= sizes >= BLANK_SHARE * (boxes[:, 1] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 2])
    out = []
    for k in np.flatnonzero(keep).tolist():
        t, b, left, right = (int(v) for v in boxes[k])
        # Descenders of the line above may dip into a box drawn tight under it; its middle is
        # blank all the same. Text inside a frame (a stamp, a table cell) is in the middle.
        rows = max(1, (b - t) // 4)
        cols = max(1, (right - left) // 20)
        if not (labels[t + rows:b - rows, left + cols:right - cols] == k + 1).all():
            continue
        # each side bordered along SIDE_INK of its length, within SIDE_BAND pixels: a skewed
        # scan's border wanders a pixel or two off the row or column
        band = SIDE_BAND
        ink = ~blank
        sides = (ink[max(0, t - band):t + band, left:right].any(axis=0), ink[b - band:b + band, left:right].any(axis=0),
                 ink[t:b, max(0, left - band):left + band].any(axis=1), ink[t:b, right - band:right + band].any(axis=1))
        if all(side.mean() >= SIDE_INK for side in sides):
            # the box is its border too: one pixel out on each side
            out.append((t - 1, b + 1, left - 1, right + 1, "outlined"))
    return _without_table_cells(out)


def _without_table_cells(boxes: list[tuple[int, int, int, int, str]]) -> list[tuple[int, int, int, int, str]]:
    """Drop blank cells of a printed table: TABLE_RUN or more blank rectangles of one width in a
    column (or of one height in a row), each touching the next. A form's empty rows line up that
    way; redaction boxes stacked in a passage differ in width (and rarely run to five)."""
    table: set[int] = set()
    for a, b_, along in ((2, 3, (0, 1)), (0, 1, (2, 3))):  # columns (same left, right), rows (same top, bottom)
        order = sorted(range(len(boxes)), key=lambda i: (boxes[i][a], boxes[i][b_], boxes[i][along[0]]))
        run: list[int] = []
        for i in order + [-1]:
            if run and i >= 0:
                j = run[-1]
                same = abs(boxes[i][a] - boxes[j][a]) <= 2 and abs(boxes[i][b_] - boxes[j][b_]) <= 2
                touching = -4 <= boxes[i][along[0]] - boxes[j][along[1]] <= 3  # a shared border overlaps
                if same and touching:
                    run.append(i)
                    continue
            if len(run) >= TABLE_RUN:
                table.update(run)
            run = [i] if i >= 0 else []
    return [box for i, box in enumerate(boxes) if i not in table]


def find_image_boxes(gray: np.ndarray, dpi: float) -> list[ImageBox]:
    """Redaction boxes on a greyscale page image (`gray`: 2-D uint8 array scanned or rendered at
    `dpi`), in the image's pixels, top to bottom."""
    factor = max(1, int(round(dpi / WORK_DPI)))
    low, mean = _reduce(np.asarray(gray, dtype=np.uint8), factor)
    work_dpi = dpi / factor
    found = _filled(mean, 0, DARK, work_dpi, "black") + _filled(mean, GREY_LOW, GREY_HIGH, work_dpi, "grey")
    found += _outlined(low, work_dpi)
    height, width = gray.shape[:2]
    out = [ImageBox(min(width, left * factor), min(height, t * factor), min(width, right * factor),
                    min(height, b * factor), style) for t, b, left, right, style in found]
    return sorted(out, key=lambda x: (x.y0, x.x0))
