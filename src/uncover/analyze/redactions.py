"""Redaction boxes on a page (vector and raster) and failed redactions.

Vector boxes: filled, axis-aligned rectangles among a PDF page's path objects (pypdfium2 page
objects). Dark fill is a redaction box; a white fill with an outline is kept only when an
exemption label sits in it (a white table cell is otherwise indistinguishable). Full-page
backgrounds and slivers (rules, underlines) are skipped.

Content order decides what is hidden. Text drawn *before* a box lies under it: if that text is
still in the text layer the redaction failed and anyone can copy it out. Text drawn *after* the
box sits on top and is visible: an exemption label (DOJ prints `(b) (6)` inside the box) names the
box; other visible text on a dark box (a black table header with white text, a banner) means the
box is decoration, not a redaction, and it is skipped. A logo is not a rectangle (curves, many
segments) and is never a candidate.

Raster boxes: on a grayscale render (150 dpi), connected components of near-black pixels whose
bounding box is over 90% filled and above a minimum size. Components are found on a 2x
downsampled mask with scipy's labelling, which keeps a page well under 50 ms.

Recovered text is never stored or printed here: only its count. `recovered_text` reads it live
from the original, for `uncover redactions --show-recovered`.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import Redaction
from .exemptions import find_exemption_marks

MIN_SIDE_PT = 6.0  # thinner than this is a rule, an underline or a speck (a line of text is taller)
MIN_AREA_PT2 = 100.0
MAX_PAGE_FRACTION = 0.8  # larger is a page background
DARK_LUMA = 80
RASTER_DPI = 150
RASTER_DARK = 60
RASTER_MIN_SIDE_PX = 12
RASTER_FILL = 0.9


@dataclass
class VectorBox:
    left: float
    bottom: float
    right: float
    top: float
    index: int  # position in content order
    dark: bool


@dataclass
class _TextObj:
    left: float
    bottom: float
    right: float
    top: float
    index: int
    text: str


def _fill_color(raw) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetFillColor(raw, r, g, b, a):
        return 0, 0, 0, 0
    return r.value, g.value, b.value, a.value


def _draw_mode(raw) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(raw, fill, stroke)
    return fill.value, bool(stroke.value)


def _bounds(raw) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(raw, left, bottom, right, top)
    return left.value, bottom.value, right.value, top.value


def _is_rectangle(raw) -> bool:  # type: ignore[no-untyped-def]
    count = pdfium_c.FPDFPath_CountSegments(raw)
    if count < 2 or count > 6:
        return False
    for i in range(count):
        seg = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            return False
    return True


def _bare(func, restype, *argtypes):  # type: ignore[no-untyped-def]
    """`func` (a pypdfium2 raw binding) re-declared on plain addresses: no pointer objects to
    build per call, which is most of the cost of walking a page's objects."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(func, ctypes.c_void_p).value)


_COUNT_OBJECTS = _bare(pdfium_c.FPDFPage_CountObjects, ctypes.c_int, ctypes.c_void_p)
_GET_OBJECT = _bare(pdfium_c.FPDFPage_GetObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_GET_TYPE = _bare(pdfium_c.FPDFPageObj_GetType, ctypes.c_int, ctypes.c_void_p)


def _raw_objects(page: pdfium.PdfPage) -> list:  # type: ignore[type-arg]
    """Page objects in content order as raw handles, or [] when the page holds no path object
    (most pages: text and a scan image), since only paths can be boxes. The ctypes calls cost a
    fraction of building wrapper objects; form XObjects (rare in productions) go through
    pypdfium2's walker, which resolves their nested coordinates."""
    handle = page.raw
    address = ctypes.cast(handle, ctypes.c_void_p).value
    get_object, get_type = _GET_OBJECT, _GET_TYPE
    kinds = [get_type(get_object(address, i)) for i in range(_COUNT_OBJECTS(address))]
    if pdfium_c.FPDF_PAGEOBJ_FORM in kinds:
        return [(obj.raw, obj.type) for obj in page.get_objects(max_depth=2)]
    if pdfium_c.FPDF_PAGEOBJ_PATH not in kinds:
        return []
    return [(pdfium_c.FPDFPage_GetObject(handle, i), kind) for i, kind in enumerate(kinds)]


def _objects(page: pdfium.PdfPage) -> tuple[list[VectorBox], list[_TextObj], dict]:
    raws = _raw_objects(page)
    width, height = page.get_size()
    page_area = width * height
    boxes: list[VectorBox] = []
    white_outlined: list[VectorBox] = []
    path_type, text_type = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT
    for index, (raw, kind) in enumerate(raws):
        if kind != path_type:
            continue
        fill_mode, stroke = _draw_mode(raw)
        if not fill_mode:
            continue
        left, bottom, right, top = _bounds(raw)
        w, h = right - left, top - bottom
        if w < MIN_SIDE_PT or h < MIN_SIDE_PT or w * h < MIN_AREA_PT2 or w * h > MAX_PAGE_FRACTION * page_area:
            continue
        if not _is_rectangle(raw):
            continue
        r, g, b, a = _fill_color(raw)
        if a == 0:
            continue
        luma = 0.299 * r + 0.587 * g + 0.114 * b
        if luma < DARK_LUMA:
            boxes.append(VectorBox(left, bottom, right, top, index, True))
        elif luma > 240 and stroke:
            white_outlined.append(VectorBox(left, bottom, right, top, index, False))
    texts: list[_TextObj] = []
    if boxes or white_outlined:  # text objects matter only around a candidate box
        for index, (raw, kind) in enumerate(raws):
            if kind == text_type:
                texts.append(_TextObj(*_bounds(raw), index, ""))
    return boxes, texts, {"white": white_outlined, "size": (width, height)}


def _inside_fraction(t: _TextObj, b: VectorBox) -> float:
    ix = max(0.0, min(t.right, b.right) - max(t.left, b.left))
    iy = max(0.0, min(t.top, b.top) - max(t.bottom, b.bottom))
    area = max((t.right - t.left) * (t.top - t.bottom), 1e-6)
    return ix * iy / area


def _text_in(textpage: pdfium.PdfTextPage, left: float, bottom: float, right: float, top: float) -> str:
    return textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)


def _count_chars_under(textpage: pdfium.PdfTextPage, box: VectorBox) -> int:
    """Characters of the text layer whose centre lies inside the box."""
    count = 0
    for i in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(i)
        cx, cy = (left + right) / 2, (bottom + top) / 2
        if box.left <= cx <= box.right and box.bottom <= cy <= box.top:
            ch = textpage.get_text_range(i, 1)
            if ch.strip():
                count += 1
    return count


def _label_near(textpage: pdfium.PdfTextPage, box: VectorBox, width: float) -> str | None:
    """The exemption code printed in the box, or just beside it (within 2% of the page width)."""
    pad = 0.02 * width
    inside = find_exemption_marks(_text_in(textpage, box.left, box.bottom, box.right, box.top))
    if inside:
        return inside[0].code
    near = find_exemption_marks(_text_in(textpage, box.left - pad * 3, box.bottom - pad, box.right + pad * 3, box.top + pad))
    return near[0].code if near else None


def find_vector_boxes(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None = None,
                      document_id: int = 0, page_number: int = 1) -> list[Redaction]:
    """Redaction boxes drawn as filled rectangles, with failed ones flagged (see the module doc)."""
    boxes, texts, extra = _objects(page)
    white: list[VectorBox] = extra["white"]
    if not boxes and not white:
        return []
    textpage = textpage or page.get_textpage()
    width, height = extra["size"]
    out: list[Redaction] = []
    for box in boxes + white:
        label = _label_near(textpage, box, width)
        if not box.dark and label is None:
            continue
        over = [t for t in texts if t.index > box.index and _inside_fraction(t, box) > 0.5]
        under = [t for t in texts if t.index < box.index and _inside_fraction(t, box) > 0.0]
        hidden = _count_chars_under(textpage, box) if under else 0
        if over:
            visible = _text_in(textpage, box.left, box.bottom, box.right, box.top)
            label_chars = sum(len(m.text.replace(" ", "")) for m in find_exemption_marks(visible))
            non_label = len("".join(visible.split())) - label_chars
            if non_label > 2 and not under:
                continue  # white text on a black header: visible, not a redaction
            hidden = max(0, hidden - len("".join(visible.split())) if not under else hidden - label_chars)
        bbox = (box.left / width, 1 - box.top / height, box.right / width, 1 - box.bottom / height)
        area = (box.right - box.left) * (box.top - box.bottom) / (width * height)
        out.append(Redaction(document_id, page_number, bbox, area, "vector" if box.dark else "vector-white",
                             failed=hidden > 0, recoverable_chars=hidden, label=label))
    return out


def recovered_text(page: pdfium.PdfPage, bbox: tuple[float, float, float, float]) -> str:
    """The text-layer text under a box (page fractions, top-left origin), read live; never stored."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    x0, y0, x1, y1 = bbox
    return _text_in(textpage, x0 * width, (1 - y1) * height, x1 * width, (1 - y0) * height).strip()


def find_raster_boxes(image, document_id: int = 0, page_number: int = 1, dpi: int = RASTER_DPI) -> list[Redaction]:  # type: ignore[no-untyped-def]
    """Solid dark rectangles on a page image (PIL image, any mode; rendered at `dpi`)."""
    from scipy import ndimage

    gray = np.asarray(image.convert("L") if image.mode != "L" else image)
    height, width = gray.shape
    dark = gray[::2, ::2] < RASTER_DARK
    if not dark.any():
        return []
    labels, count = ndimage.label(dark)
    if count == 0:
        return []
    # Bounding boxes of all components at once (a page of speckle or halftone has thousands of
    # components, and a Python loop over find_objects' slices dominated such pages).
    small_h, small_w = dark.shape
    flat = labels.ravel()
    pixels = np.flatnonzero(flat)
    order = np.argsort(flat[pixels], kind="stable")
    pixels = pixels[order]
    sizes = np.bincount(flat[pixels], minlength=count + 1)[1:]
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rows, cols = pixels // small_w, pixels % small_w
    top = np.minimum.reduceat(rows, starts)
    bottom = np.maximum.reduceat(rows, starts) + 1
    left = np.minimum.reduceat(cols, starts)
    right = np.maximum.reduceat(cols, starts) + 1
    h, w = bottom - top, right - left
    min_side = RASTER_MIN_SIDE_PX // 2
    keep = ~((h < min_side) | ((w < min_side * 2) & (h < min_side * 2)))
    keep &= ~(h * w > MAX_PAGE_FRACTION * small_h * small_w)  # a black page or scanner border
    keep &= ~(sizes < RASTER_FILL * h * w)
    out: list[Redaction] = []
    for k in np.flatnonzero(keep).tolist():
        t, b, lft, rgt = int(top[k]), int(bottom[k]), int(left[k]), int(right[k])
        if not _solid_or_labelled(dark[t:b, lft:rgt], dpi / 2):
            continue
        bbox = (lft / small_w, t / small_h, rgt / small_w, b / small_h)
        out.append(Redaction(document_id, page_number, bbox, ((b - t) * (rgt - lft)) / (small_h * small_w), "raster"))
    return out


def _solid_or_labelled(block: np.ndarray, dpi: float) -> bool:
    """A redaction is solid, or holds one short label (`(b) (6)`) in light print. Light print
    across most of its width is a heading in reverse type (a black table header), not a box."""
    inner = block[1:-1, 1:-1]
    if inner.size == 0:
        return True
    light = ~inner
    if light.mean() < 0.03:
        return True
    cols = np.flatnonzero(light.any(axis=0))
    extent = cols[-1] - cols[0] + 1
    return extent < 0.4 * inner.shape[1] and extent < dpi  # a label is under an inch wide


def link_labels(redactions: list[Redaction], marks_bboxes: list[tuple[str, tuple[float, float, float, float]]]) -> None:
    """Give each unlabelled box the code of the nearest mark whose position is known."""
    for red in redactions:
        if red.label or not marks_bboxes:
            continue
        cx, cy = (red.bbox[0] + red.bbox[2]) / 2, (red.bbox[1] + red.bbox[3]) / 2
        code, box = min(marks_bboxes, key=lambda mb: abs((mb[1][0] + mb[1][2]) / 2 - cx) + abs((mb[1][1] + mb[1][3]) / 2 - cy))
        if abs((box[1] + box[3]) / 2 - cy) < 0.05:
            red.label = code
