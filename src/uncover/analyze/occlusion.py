"""What paint hides on a PDF page: the occluders a reader of the rendered page sees over text, and
the character ranges of the page's text that no reader can see.

A PDF's text layer and what it shows are two different things. A redaction drawn as a black
rectangle, an 18-point black line, a black picture, a Square or Redact annotation or a box
burned into a scanned image leaves the text beneath it in the file: copy-paste, search engines
and uncover's own search read it. Text can also be invisible by itself: render mode 3 (the OCR
layer of a scan), fully transparent, white on white, black drawn on a black box after the box,
or outside the page. This module answers two questions about one page:

- `page_occluders(page)`: the opaque paint that could cover text, each with its rectangle in
  page space, its kind, its content order (`z`) and its colour when it has one. Filled and
  stroked paths (the line width counted, per segment), images, shadings, annotations with a
  fill or an appearance stream, objects inside form XObjects placed by their transforms, and
  solid dark boxes found in the page's images (a redaction burned into a scan).
- `hidden_text_spans(page)`: the character ranges of the page's text that paint hides, each
  with the reason and the occluder. Only paint drawn *after* text hides it (annotations are
  drawn after all page content); text drawn after a box is visible unless it has the box's
  colour.

The object model proposes and the rendered page decides. The walk over page objects finds
candidates cheaply (a page with nothing over its text costs one pass over its objects and no
render); each candidate character is then checked on a render of the page: where a glyph would
show ink and the render shows none, it is hidden. The render catches what the object model
cannot see (clipping paths, soft masks, winding rules, transparency groups) in both directions:
a box clipped away hides nothing, and invisible OCR text over a box burned into the scan is
hidden. Invisible text over visible ink is not hidden (it is a scan's OCR layer) unless the
visible ink is other text saying something else; invisible text over blank paper is reported
only when it holds two letters or digits (an OCR layer's period beside a faint dot is not).

Coordinates: `rect` and char boxes are PDF page space in points (origin bottom-left, y up), the
same space as pypdfium2's `PdfTextPage.get_charbox`. Span offsets index the page's text-page
characters (`PdfTextPage.get_text_range`), the text uncover stores for a page with a text layer
(`visible_page_text` gives that text with the hidden characters left out).

The stable interface is `Occluder`, `HiddenSpan`, `PageRender`, `page_occluders`,
`hidden_text_spans`, `render_page`, `image_boxes`, `hidden_char_count` and `visible_page_text`.
Nothing here stores or prints hidden text; callers decide what to do with the ranges.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Rect = tuple[float, float, float, float]  # left, bottom, right, top in page points
Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f (PDF order)

# Reasons a span is hidden (HiddenSpan.reason).
UNDER_PAINT = "under-paint"  # opaque paint drawn after it covers it
SAME_COLOUR = "same-colour"  # drawn in the colour of the paint beneath it (white on white)
INVISIBLE = "invisible"  # render mode 3 or 7, or fully transparent, over blank or solid paint
OVER_OTHER_TEXT = "over-other-text"  # invisible text over visible text that says something else
OFF_PAGE = "off-page"  # outside the page's visible area

RENDER_SCALE = 2.0  # 144 dpi: a period at 8 pt is still several pixels
MIN_PAINT_PT = 1.0  # paint thinner than this in either direction hides no glyph
COVER_FRACTION = 0.8  # of a glyph's box an occluder must cover (and its centre); less shows it
SAME_COLOUR_DELTA = 24  # luma difference under which text and the paint beneath look alike
INK_FRACTION = 0.01  # share of a region's pixels off its dominant grey class for ink to show
INK_MIN_PX = 4  # and at least this many: a speck of scanner noise is not a glyph
LARGE_IMAGE = 0.1  # of the page area: an image this large is searched for burned-in boxes
BOX_DARK = 60  # grey level under which a burned-in box pixel is dark
BOX_MIN_SIDE_PT = 5.0  # a box burned into a scan is at least this tall
BOX_MIN_WIDTH_PT = 10.0  # and this wide: smaller dark blobs are bullets and specks
BOX_FILL = 0.92  # share of a burned-in box's bounding rectangle that is dark
SAME_TEXT_RATIO = 0.7  # similarity over which invisible text repeats the visible text beneath
_ANNOT_Z = 1 << 30  # annotations are drawn after all page content

_PATH, _TEXT, _IMAGE, _SHADING, _FORM = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT,
                                        pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_SHADING,
                                        pdfium_c.FPDF_PAGEOBJ_FORM)
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_ANNOT_NAMES = {
    pdfium_c.FPDF_ANNOT_SQUARE: "Square", pdfium_c.FPDF_ANNOT_CIRCLE: "Circle", pdfium_c.FPDF_ANNOT_REDACT: "Redact",
    pdfium_c.FPDF_ANNOT_INK: "Ink", pdfium_c.FPDF_ANNOT_HIGHLIGHT: "Highlight", pdfium_c.FPDF_ANNOT_POLYGON: "Polygon",
    pdfium_c.FPDF_ANNOT_FREETEXT: "FreeText", pdfium_c.FPDF_ANNOT_STAMP: "Stamp", pdfium_c.FPDF_ANNOT_LINE: "Line",
    pdfium_c.FPDF_ANNOT_POLYLINE: "PolyLine", pdfium_c.FPDF_ANNOT_WIDGET: "Widget", pdfium_c.FPDF_ANNOT_CARET: "Caret",
}
_NO_PAINT_ANNOTS = {pdfium_c.FPDF_ANNOT_POPUP, pdfium_c.FPDF_ANNOT_LINK}
# Types PDFium draws an appearance for when the file has none.
_GENERATED_AP = {pdfium_c.FPDF_ANNOT_SQUARE, pdfium_c.FPDF_ANNOT_CIRCLE, pdfium_c.FPDF_ANNOT_HIGHLIGHT,
                 pdfium_c.FPDF_ANNOT_INK, pdfium_c.FPDF_ANNOT_POLYGON}


@dataclass(frozen=True)
class Occluder:
    """Opaque paint that may cover text.

    `kind`: fill, stroke, image, shading, annotation, or image-box (a solid dark box found in a
    page image). `z`: content order; paint with a higher z is drawn later (annotations after
    everything). `color`: RGB when the paint is one known colour, else None. `solid`: the paint
    fills `rect` with that one colour (a filled rectangle, a line's stroke, a uniform image), so
    everything under the rectangle is covered; otherwise `rect` bounds paint of some other shape.
    """

    rect: Rect
    kind: str
    z: int
    color: tuple[int, int, int] | None
    solid: bool
    detail: str = ""

    @property
    def luma(self) -> float | None:
        return None if self.color is None else _luma(self.color)


@dataclass(frozen=True)
class HiddenSpan:
    """Characters [start, end) of the page's text that no reader of the rendered page sees.

    `chars` counts the non-space characters among them. `rect` bounds their boxes (page points).
    `occluder` is the paint that hides them (None for invisible or off-page text).
    """

    start: int
    end: int
    reason: str
    chars: int
    rect: Rect
    occluder: Occluder | None = None


@dataclass
class PageRender:
    """A greyscale render of a whole page and the map from page points to its pixels.

    `pixels[y, x]` (uint8); a page point (px, py) lands on pixel (a*px + c*py + e, b*px + d*py + f)
    with `to_device` = (a, b, c, d, e, f), which folds in the page's /Rotate.
    """

    pixels: np.ndarray
    scale: float
    to_device: Matrix

    def box(self, rect: Rect, pad: float = 0.0) -> tuple[int, int, int, int]:
        """Pixel bounds (x0, y0, x1, y1), clipped to the image, of a page-space rectangle."""
        a, b, c, d, e, f = self.to_device
        xs, ys = [], []
        for px, py in ((rect[0], rect[1]), (rect[2], rect[3]), (rect[0], rect[3]), (rect[2], rect[1])):
            xs.append(a * px + c * py + e)
            ys.append(b * px + d * py + f)
        h, w = self.pixels.shape[:2]
        x0 = max(0, int(math.floor(min(xs) - pad)))
        y0 = max(0, int(math.floor(min(ys) - pad)))
        return x0, y0, min(w, int(math.ceil(max(xs) + pad))), min(h, int(math.ceil(max(ys) + pad)))

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.to_device
        det = a * d - b * c
        x, y = x - e, y - f
        return (d * x - c * y) / det, (-b * x + a * y) / det


def render_page(page: pdfium.PdfPage, scale: float = RENDER_SCALE) -> PageRender:
    """The page as a reader sees it (annotations drawn), in grey levels."""
    bitmap = page.render(scale=scale, grayscale=True, draw_annots=True)
    pixels = bitmap.to_numpy()
    if pixels.ndim == 3:  # a colour format despite the request: reduce to luma
        pixels = (pixels[..., :3].astype(np.float32) @ np.array([0.114, 0.587, 0.299], np.float32)).astype(np.uint8)
    width, height = int(bitmap.width), int(bitmap.height)
    return PageRender(np.ascontiguousarray(pixels), scale, _device_matrix(page, width, height))


def _device_matrix(page: pdfium.PdfPage, width: int, height: int) -> Matrix:
    """The affine map page points -> render pixels, read from PDFium (rotation included)."""
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def device(x: float, y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, x, y, dx, dy)
        return float(dx.value), float(dy.value)

    # Integer device coordinates: map far-apart points so rounding stays under a pixel per page.
    big = 1000.0
    x0, y0 = device(0.0, 0.0)
    x1, y1 = device(big, 0.0)
    x2, y2 = device(0.0, big)
    return ((x1 - x0) / big, (y1 - y0) / big, (x2 - x0) / big, (y2 - y0) / big, x0, y0)


# -- the walk over page objects -----------------------------------------------------------------

@dataclass
class _TextObject:
    z: int
    rect: Rect
    mode: int  # text render mode 0..7
    fill: tuple[int, int, int, int] | None
    stroke: tuple[int, int, int, int] | None


@dataclass
class _Walk:
    occluders: list[Occluder]
    texts: dict[int, _TextObject]  # by the text object's address
    large_images: list[Occluder]


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    """inner then outer: the matrix taking inner's space to outer's target space."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _transform_rect(m: Matrix, rect: Rect) -> Rect:
    if m == _IDENTITY:
        return rect
    pts = [_apply(m, x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _bounds(raw) -> Rect:  # type: ignore[no-untyped-def]
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(raw, left, bottom, right, top):
        return 0.0, 0.0, 0.0, 0.0
    return left.value, bottom.value, right.value, top.value


def _matrix(raw) -> Matrix:  # type: ignore[no-untyped-def]
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(raw, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _rgba(getter, raw) -> tuple[int, int, int, int] | None:  # type: ignore[no-untyped-def]
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(raw, r, g, b, a):
        return None
    return r.value, g.value, b.value, a.value


def _luma(rgb: Sequence[int]) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def _big_enough(rect: Rect) -> bool:
    return rect[2] - rect[0] >= MIN_PAINT_PT and rect[3] - rect[1] >= MIN_PAINT_PT


def _path_points(raw, m: Matrix) -> list[tuple[int, float, float, bool]]:  # type: ignore[no-untyped-def]
    """The path's segments as (type, x, y, closes) in page space."""
    x, y = ctypes.c_float(), ctypes.c_float()
    out = []
    for i in range(pdfium_c.FPDFPath_CountSegments(raw)):
        seg = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        px, py = _apply(m, x.value, y.value)
        out.append((pdfium_c.FPDFPathSegment_GetType(seg), px, py, bool(pdfium_c.FPDFPathSegment_GetClose(seg))))
    return out


def _is_axis_rectangle(points: list[tuple[int, float, float, bool]]) -> bool:
    if not 4 <= len(points) <= 6 or any(t == pdfium_c.FPDF_SEGMENT_BEZIERTO for t, *_ in points):
        return False
    xs = {round(p[1], 1) for p in points}
    ys = {round(p[2], 1) for p in points}
    return len(xs) == 2 and len(ys) == 2


def _stroke_occluders(points: list[tuple[int, float, float, bool]], width: float, capped: bool, z: int,
                      color: tuple[int, int, int], detail: str) -> list[Occluder]:
    """One occluder per straight segment of a stroked path: the segment widened by the line
    width (and lengthened by it when the caps are round or square). Axis-aligned segments are
    solid; a diagonal one's rectangle only bounds its paint."""
    out: list[Occluder] = []
    half = width / 2
    end = half if capped else 0.0
    start = prev = None
    for kind, x, y, closes in points:
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or prev is None:
            start = prev = (x, y)
            continue
        segs = [(prev, (x, y))]
        if closes and start is not None:
            segs.append(((x, y), start))
        for (x0, y0), (x1, y1) in segs:
            horizontal, vertical = abs(y0 - y1) < 0.01, abs(x0 - x1) < 0.01
            straight = kind != pdfium_c.FPDF_SEGMENT_BEZIERTO and (horizontal or vertical)
            dx = end if horizontal and not vertical else half
            dy = end if vertical and not horizontal else half
            rect = (min(x0, x1) - dx, min(y0, y1) - dy, max(x0, x1) + dx, max(y0, y1) + dy)
            if _big_enough(rect):
                out.append(Occluder(rect, "stroke", z, color, straight, detail))
        prev = (x, y)
    return out


def _walk(page: pdfium.PdfPage) -> _Walk:
    occluders: list[Occluder] = []
    texts: dict[int, _TextObject] = {}
    large: list[Occluder] = []
    width, height = page.get_size()
    page_area = max(width * height, 1.0)
    z = 0

    def visit(raw, to_page: Matrix) -> None:  # type: ignore[no-untyped-def]
        nonlocal z
        z += 1
        kind = pdfium_c.FPDFPageObj_GetType(raw)
        if kind == _FORM:
            inner = _compose(to_page, _matrix(raw))
            for i in range(pdfium_c.FPDFFormObj_CountObjects(raw)):
                visit(pdfium_c.FPDFFormObj_GetObject(raw, i), inner)
            return
        rect = _transform_rect(to_page, _bounds(raw))
        if kind == _TEXT:
            texts[ctypes.cast(raw, ctypes.c_void_p).value or 0] = _TextObject(
                z, rect, pdfium_c.FPDFTextObj_GetTextRenderMode(raw),
                _rgba(pdfium_c.FPDFPageObj_GetFillColor, raw), _rgba(pdfium_c.FPDFPageObj_GetStrokeColor, raw))
        elif kind == _PATH:
            occluders.extend(_path_occluders(raw, to_page, rect, z))
        elif kind == _IMAGE and _big_enough(rect):
            area = (rect[2] - rect[0]) * (rect[3] - rect[1])
            color = _uniform_image_color(raw) if area < 0.5 * page_area else None
            occluder = Occluder(rect, "image", z, color, color is not None, "image")
            occluders.append(occluder)
            if area >= LARGE_IMAGE * page_area:
                large.append(occluder)
        elif kind == _SHADING and _big_enough(rect):
            occluders.append(Occluder(rect, "shading", z, None, False, "shading"))

    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        visit(pdfium_c.FPDFPage_GetObject(page.raw, i), _IDENTITY)
    occluders.extend(_annotation_occluders(page))
    return _Walk(occluders, texts, large)


def _path_occluders(raw, to_page: Matrix, rect: Rect, z: int) -> list[Occluder]:  # type: ignore[no-untyped-def]
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(raw, fill_mode, stroke)
    out: list[Occluder] = []
    m = _compose(to_page, _matrix(raw))
    points: list[tuple[int, float, float, bool]] | None = None
    if fill_mode.value and _big_enough(rect):
        fill = _rgba(pdfium_c.FPDFPageObj_GetFillColor, raw)
        if fill is not None and fill[3] >= 250:
            points = _path_points(raw, m)
            detail = "filled and stroked path" if stroke.value else "filled path"
            out.append(Occluder(rect, "fill", z, fill[:3], _is_axis_rectangle(points), detail))
    if stroke.value:
        color = _rgba(pdfium_c.FPDFPageObj_GetStrokeColor, raw)
        width = ctypes.c_float()
        if color is not None and color[3] >= 250 and pdfium_c.FPDFPageObj_GetStrokeWidth(raw, width):
            # The width is in the path's own space; scale it as the transform scales areas.
            scaled = width.value * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
            if scaled >= MIN_PAINT_PT and pdfium_c.FPDFPageObj_GetDashCount(raw) <= 0:
                points = points if points is not None else _path_points(raw, m)
                capped = pdfium_c.FPDFPageObj_GetLineCap(raw) in (pdfium_c.FPDF_LINECAP_ROUND,
                                                                   pdfium_c.FPDF_LINECAP_PROJECTING_SQUARE)
                out.extend(_stroke_occluders(points, scaled, capped, z, color[:3], f"{scaled:.1f} pt line"))
    return out


def _uniform_image_color(raw) -> tuple[int, int, int] | None:  # type: ignore[no-untyped-def]
    """The image's one colour when all its pixels are (nearly) alike, else None."""
    w, h = ctypes.c_uint(), ctypes.c_uint()
    if not pdfium_c.FPDFImageObj_GetImagePixelSize(raw, w, h) or w.value * h.value > 4_000_000:
        return None
    bitmap = pdfium_c.FPDFImageObj_GetBitmap(raw)  # decoded pixels, ours to destroy
    if not bitmap:
        return None
    try:
        fmt = pdfium_c.FPDFBitmap_GetFormat(bitmap)
        channels = {pdfium_c.FPDFBitmap_Gray: 1, pdfium_c.FPDFBitmap_BGR: 3,
                     pdfium_c.FPDFBitmap_BGRx: 4, pdfium_c.FPDFBitmap_BGRA: 4}.get(fmt)
        bw, bh = pdfium_c.FPDFBitmap_GetWidth(bitmap), pdfium_c.FPDFBitmap_GetHeight(bitmap)
        stride = pdfium_c.FPDFBitmap_GetStride(bitmap)
        buffer = pdfium_c.FPDFBitmap_GetBuffer(bitmap)
        if channels is None or not buffer or bw * bh == 0:
            return None
        data = ctypes.string_at(buffer, stride * bh)
    finally:
        pdfium_c.FPDFBitmap_Destroy(bitmap)
    rows = np.frombuffer(data, np.uint8).reshape(bh, stride)[:, : bw * channels]
    pixels = rows.reshape(bh, bw, channels)[..., :3] if channels > 1 else rows.reshape(bh, bw, 1)
    if pixels.size == 0:
        return None
    flat = pixels.reshape(-1, pixels.shape[2])
    if int((flat.max(axis=0).astype(int) - flat.min(axis=0)).max()) > 8:
        return None
    v = flat[0].tolist()
    if len(v) == 1:
        return v[0], v[0], v[0]
    return v[2], v[1], v[0]  # BGR(x) -> RGB


def _annotation_occluders(page: pdfium.PdfPage) -> list[Occluder]:
    """Annotations that paint: a fill colour or an appearance stream, not hidden."""
    out: list[Occluder] = []
    count = pdfium_c.FPDFPage_GetAnnotCount(page.raw)
    for i in range(count):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            flags = pdfium_c.FPDFAnnot_GetFlags(annot)
            if subtype in _NO_PAINT_ANNOTS or flags & (pdfium_c.FPDF_ANNOT_FLAG_HIDDEN | pdfium_c.FPDF_ANNOT_FLAG_NOVIEW):
                continue
            fs = pdfium_c.FS_RECTF()
            if not pdfium_c.FPDFAnnot_GetRect(annot, fs):
                continue
            rect = (min(fs.left, fs.right), min(fs.bottom, fs.top), max(fs.left, fs.right), max(fs.bottom, fs.top))
            if not _big_enough(rect):
                continue
            has_ap = pdfium_c.FPDFAnnot_GetAP(annot, pdfium_c.FPDF_ANNOT_APPEARANCEMODE_NORMAL, None, 0) > 2
            filled = bool(pdfium_c.FPDFAnnot_HasKey(annot, b"IC"))
            # PDFium refuses colours once an appearance exists (rendering makes one): None then.
            interior = _annot_color(annot, pdfium_c.FPDFANNOT_COLORTYPE_InteriorColor) if filled else None
            name = _ANNOT_NAMES.get(subtype, f"type {subtype}")
            if filled and subtype in (pdfium_c.FPDF_ANNOT_SQUARE, pdfium_c.FPDF_ANNOT_REDACT):
                out.append(Occluder(rect, "annotation", _ANNOT_Z + i, interior, True, f"{name} annotation"))
            elif has_ap or filled or subtype in _GENERATED_AP:
                paint = interior
                if paint is None and subtype == pdfium_c.FPDF_ANNOT_HIGHLIGHT:
                    paint = _annot_color(annot, pdfium_c.FPDFANNOT_COLORTYPE_Color)
                out.append(Occluder(rect, "annotation", _ANNOT_Z + i, paint, False, f"{name} annotation"))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return out


def _annot_color(annot, kind: int) -> tuple[int, int, int] | None:  # type: ignore[no-untyped-def]
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not pdfium_c.FPDFAnnot_GetColor(annot, kind, r, g, b, a):
        return None
    return r.value, g.value, b.value


# -- boxes burned into page images --------------------------------------------------------------

def image_boxes(render: PageRender, images: Sequence[Occluder]) -> list[Occluder]:
    """Solid dark rectangles inside the page's large images (a redaction burned into a scan), as
    occluders at their image's place in content order."""
    from scipy import ndimage

    out: list[Occluder] = []
    min_side = max(2, int(BOX_MIN_SIDE_PT * render.scale))
    min_width = max(2, int(BOX_MIN_WIDTH_PT * render.scale))
    for image in images:
        x0, y0, x1, y1 = render.box(image.rect)
        if x1 - x0 < min_side or y1 - y0 < min_side:
            continue
        dark = render.pixels[y0:y1, x0:x1] < BOX_DARK
        if not dark.any():
            continue
        labels, count = ndimage.label(dark)
        for k, sl in enumerate(ndimage.find_objects(labels), start=1):
            if sl is None:
                continue
            h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
            if h < min_side or w < min_width or h * w > 0.8 * dark.size:
                continue
            if np.count_nonzero(labels[sl] == k) < BOX_FILL * h * w:
                continue
            left, top = render.to_page(x0 + sl[1].start, y0 + sl[0].start)
            right, bottom = render.to_page(x0 + sl[1].stop, y0 + sl[0].stop)
            rect = (min(left, right), min(top, bottom), max(left, right), max(top, bottom))
            out.append(Occluder(rect, "image-box", image.z, (0, 0, 0), True, "box in a page image"))
    return out


def page_occluders(page: pdfium.PdfPage, render: PageRender | None = None, *,
                   search_images: bool = True) -> list[Occluder]:
    """Every opaque paint on the page that could cover text, in content order.

    With `search_images`, pages with a large image are rendered (or `render` is used) and solid
    dark boxes inside the image become occluders too.
    """
    walk = _walk(page)
    return _with_image_boxes(page, walk, render, search_images)


def _with_image_boxes(page: pdfium.PdfPage, walk: _Walk, render: PageRender | None, search: bool) -> list[Occluder]:
    occluders = sorted(walk.occluders, key=lambda o: o.z)
    if not (search and walk.large_images):
        return occluders
    render = render or render_page(page)
    solid_vectors = [o for o in occluders if o.solid and o.kind != "image"]
    found = [b for b in image_boxes(render, walk.large_images)
             if not any(_overlap(b.rect, v.rect) > 0.8 * _area(b.rect) for v in solid_vectors if v.z > b.z)]
    return sorted(occluders + found, key=lambda o: o.z)


# -- hidden characters --------------------------------------------------------------------------

def _area(r: Rect) -> float:
    return max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])


def _overlap(a: Rect, b: Rect) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _bare(func, restype, *argtypes):  # type: ignore[no-untyped-def]
    """A PDFium function re-declared on plain addresses: no pointer objects built per call, which
    is most of the cost of reading thousands of characters."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(func, ctypes.c_void_p).value)


_VP, _INT, _DP = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_double)
_COUNT_CHARS = _bare(pdfium_c.FPDFText_CountChars, _INT, _VP)
_UNICODE = _bare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, _VP, _INT)
_GENERATED = _bare(pdfium_c.FPDFText_IsGenerated, _INT, _VP, _INT)
_CHAR_BOX = _bare(pdfium_c.FPDFText_GetCharBox, _INT, _VP, _INT, _DP, _DP, _DP, _DP)
_TEXT_OBJECT = _bare(pdfium_c.FPDFText_GetTextObject, _VP, _VP, _INT)
_NOT_GLYPHS = {0, 0x09, 0x0A, 0x0D, 0x20, 0xA0, 0xFFFE, 0xFFFF}


@dataclass
class _Chars:
    """The page's glyph characters (spaces and generated characters left out), as arrays."""

    index: np.ndarray  # text-page character index
    code: np.ndarray
    box: np.ndarray  # (n, 4): left, bottom, right, top
    z: np.ndarray  # content order of the character's text object (-1: unknown)
    invisible: np.ndarray  # bool: render mode 3/7 or transparent
    luma: np.ndarray  # the text colour's luma (nan: unknown)


def _read_chars(textpage: pdfium.PdfTextPage, texts: dict[int, _TextObject]) -> _Chars:
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, right, bottom, top)]
    rows: list[tuple[int, int, float, float, float, float, int]] = []
    for i in range(_COUNT_CHARS(tp)):
        code = _UNICODE(tp, i)
        if code in _NOT_GLYPHS or _GENERATED(tp, i) == 1 or not _CHAR_BOX(tp, i, *refs):
            continue
        rows.append((i, code, left.value, bottom.value, right.value, top.value, _TEXT_OBJECT(tp, i) or 0))
    n = len(rows)
    z = np.full(n, -1, dtype=np.int64)
    invisible = np.zeros(n, dtype=bool)
    luma = np.full(n, np.nan)
    for k, row in enumerate(rows):
        t = texts.get(row[6])
        if t is not None:
            z[k], invisible[k] = t.z, _invisible(t)
            tl = _text_luma(t)
            luma[k] = np.nan if tl is None else tl
    return _Chars(np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.int64),
                  np.array([r[2:6] for r in rows], dtype=np.float64).reshape(n, 4), z, invisible, luma)


def _invisible(t: _TextObject) -> bool:
    if t.mode in (3, 7):
        return True
    paints = [c for c, used in ((t.fill, t.mode in (0, 2, 4, 6)), (t.stroke, t.mode in (1, 2, 5, 6))) if used and c]
    return bool(paints) and all(c[3] < 10 for c in paints)


def _text_luma(t: _TextObject) -> float | None:
    color = t.stroke if t.mode in (1, 5) else t.fill
    return None if color is None else _luma(color)


def _coverage(boxes: np.ndarray, rect: Rect) -> np.ndarray:
    """Per box: True when `rect` holds the box's centre and COVER_FRACTION of its area, and is
    clearly larger than the box (paint the size of a glyph is that glyph's ink: a bullet)."""
    left, bottom, right, top = (boxes[:, k] for k in range(4))
    cx, cy = (left + right) / 2, (bottom + top) / 2
    inside = (cx >= rect[0]) & (cx <= rect[2]) & (cy >= rect[1]) & (cy <= rect[3])
    ix = np.clip(np.minimum(right, rect[2]) - np.maximum(left, rect[0]), 0, None)
    iy = np.clip(np.minimum(top, rect[3]) - np.maximum(bottom, rect[1]), 0, None)
    area = np.maximum((right - left) * (top - bottom), 1e-6)
    return inside & (ix * iy >= COVER_FRACTION * area) & (_area(rect) >= 2 * area)


@dataclass
class _Proposal:
    reason: np.ndarray  # object-model reason per char ("" when visible)
    occluder: list[Occluder | None]


def _propose(chars: _Chars, occluders: list[Occluder], page_rect: Rect) -> _Proposal:
    """What the object model says of each character (see the module doc)."""
    n = len(chars.index)
    reason = np.full(n, "", dtype=object)
    over: list[Occluder | None] = [None] * n  # topmost paint drawn after the char that covers it
    under: list[Occluder | None] = [None] * n  # topmost paint (any order) covering an invisible char
    ground: list[Occluder | None] = [None] * n  # topmost solid paint of known colour beneath it
    for occ in occluders:
        cover = _coverage(chars.box, occ.rect)
        if not cover.any():
            continue
        for k in np.flatnonzero(cover).tolist():
            if occ.z > chars.z[k]:
                if over[k] is None or occ.z >= over[k].z:  # type: ignore[union-attr]
                    over[k] = occ
            elif occ.solid and occ.color is not None and (ground[k] is None or occ.z >= ground[k].z):  # type: ignore[union-attr]
                ground[k] = occ
            if chars.invisible[k] and (under[k] is None or (occ.z, occ.solid) >= (under[k].z, under[k].solid)):  # type: ignore[union-attr]
                under[k] = occ
    cx, cy = (chars.box[:, 0] + chars.box[:, 2]) / 2, (chars.box[:, 1] + chars.box[:, 3]) / 2
    off = ~((cx >= page_rect[0]) & (cx <= page_rect[2]) & (cy >= page_rect[1]) & (cy <= page_rect[3]))
    occluder: list[Occluder | None] = [None] * n
    for k in range(n):
        if off[k]:
            reason[k] = OFF_PAGE
        elif over[k] is not None:
            reason[k], occluder[k] = UNDER_PAINT, over[k]
        elif chars.invisible[k]:
            reason[k], occluder[k] = INVISIBLE, under[k]
        elif not math.isnan(chars.luma[k]):
            g = ground[k]
            ground_luma = g.luma if g is not None else 255.0
            if ground_luma is not None and abs(chars.luma[k] - ground_luma) < SAME_COLOUR_DELTA:
                reason[k], occluder[k] = SAME_COLOUR, g
    return _Proposal(reason, occluder)


class _InkMap:
    """Dark and light pixel counts over any rectangle of a render, from summed-area tables kept
    for `region` only. A rectangle shows ink unless nearly all its pixels are dark, nearly all
    light, or nearly all mid-grey: a glyph on paper or on a box mixes them."""

    DARK, LIGHT = 96, 160

    def __init__(self, render: PageRender, region: tuple[int, int, int, int]) -> None:
        x0, y0, x1, y1 = region
        self.origin = (x0, y0)
        px = render.pixels[y0:y1, x0:x1]
        self.tables = []
        for mask in (px < self.DARK, px > self.LIGHT):
            table = np.zeros((px.shape[0] + 1, px.shape[1] + 1), dtype=np.int32)
            np.cumsum(mask, axis=0, dtype=np.int32, out=table[1:, 1:])
            np.cumsum(table[1:, 1:], axis=1, out=table[1:, 1:])
            self.tables.append(table)

    def shows_ink(self, px: np.ndarray) -> np.ndarray:
        x0, y0, x1, y1 = (px[:, k] - self.origin[k % 2] for k in range(4))
        total = np.maximum((x1 - x0) * (y1 - y0), 0)
        dark, light = (t[y1, x1] - t[y0, x1] - t[y1, x0] + t[y0, x0] for t in self.tables)
        mid = total - dark - light
        most = np.maximum(np.maximum(dark, light), mid)
        other = total - most
        return (total > 0) & (other >= INK_MIN_PX) & (other > INK_FRACTION * total)


def _pixel_boxes(render: PageRender, boxes: np.ndarray, pad: np.ndarray | float = 0.0) -> np.ndarray:
    """Page-space boxes (n, 4) as pixel boxes (x0, y0, x1, y1), widened by `pad` pixels, clipped."""
    a, b, c, d, e, f = render.to_device
    corners = ((0, 1), (2, 3), (0, 3), (2, 1))
    xs = np.stack([a * boxes[:, i] + c * boxes[:, j] + e for i, j in corners])
    ys = np.stack([b * boxes[:, i] + d * boxes[:, j] + f for i, j in corners])
    h, w = render.pixels.shape[:2]
    x0 = np.clip(np.floor(xs.min(axis=0) - pad), 0, w).astype(np.int64)
    y0 = np.clip(np.floor(ys.min(axis=0) - pad), 0, h).astype(np.int64)
    x1 = np.clip(np.ceil(xs.max(axis=0) + pad), 0, w).astype(np.int64)
    y1 = np.clip(np.ceil(ys.max(axis=0) + pad), 0, h).astype(np.int64)
    return np.stack([x0, y0, x1, y1], axis=1)


def _clip_to(px: np.ndarray, within: np.ndarray) -> np.ndarray:
    out = px.copy()
    out[:, 0] = np.maximum(px[:, 0], within[:, 0])
    out[:, 1] = np.maximum(px[:, 1], within[:, 1])
    out[:, 2] = np.maximum(out[:, 0], np.minimum(px[:, 2], within[:, 2]))
    out[:, 3] = np.maximum(out[:, 1], np.minimum(px[:, 3], within[:, 3]))
    return out


def _decide(chars: _Chars, prop: _Proposal, render: PageRender) -> np.ndarray:
    """The final reason per char ("" when visible): the render confirms or vetoes each proposal."""
    reason = prop.reason.copy()
    cand = np.flatnonzero((reason != "") & (reason != OFF_PAGE))
    if not len(cand):
        return reason
    boxes = chars.box[cand]
    height_px = (boxes[:, 3] - boxes[:, 1]) * render.scale
    # A glyph's own box, a pixel wider, or, for invisible text, a wider neighbourhood: an OCR
    # layer's boxes sit only roughly on the scanned glyphs (a period's box may miss its dot).
    line_px = float(np.median(height_px)) if len(height_px) else 0.0
    pad = np.where(chars.invisible[cand], max(2.0, 0.5 * line_px), 1.0)
    px = _pixel_boxes(render, boxes, pad)
    occs = [prop.occluder[k] for k in cand.tolist()]
    solid = np.array([o is not None and o.solid for o in occs])
    if solid.any():  # look only inside a solid occluder: its edge is not the glyph's ink
        rects = np.array([o.rect if o is not None else (0, 0, 0, 0) for o in occs], dtype=np.float64)
        inner = _pixel_boxes(render, rects, -1.0)
        px[solid] = _clip_to(px[solid], inner[solid])
    ink = _InkMap(render, (int(px[:, 0].min()), int(px[:, 1].min()), int(px[:, 2].max()), int(px[:, 3].max())))
    shows = ink.shows_ink(px)
    visible_idx = np.flatnonzero((reason == "") & ~chars.invisible)
    for j, k in enumerate(cand.tolist()):
        r = reason[k]
        if r == UNDER_PAINT:
            if shows[j] and not _label_on(chars, visible_idx, k, occs[j]):
                reason[k] = ""
        elif r == INVISIBLE:
            if _over_visible_text(chars, visible_idx, k):
                reason[k] = OVER_OTHER_TEXT  # kept or dropped per run, by what the text says
            elif shows[j]:
                reason[k] = ""
            elif occs[j] is not None and occs[j].solid:  # type: ignore[union-attr]
                reason[k] = UNDER_PAINT  # a reader sees the box where this text lies
        elif r == SAME_COLOUR and shows[j]:
            reason[k] = ""
    return reason


def _overlaps(chars: _Chars, idx: np.ndarray, box: np.ndarray) -> np.ndarray:
    other = chars.box[idx]
    ix = np.clip(np.minimum(other[:, 2], box[2]) - np.maximum(other[:, 0], box[0]), 0, None)
    iy = np.clip(np.minimum(other[:, 3], box[3]) - np.maximum(other[:, 1], box[1]), 0, None)
    return ix * iy


def _label_on(chars: _Chars, visible_idx: np.ndarray, k: int, occ: Occluder | None) -> bool:
    """True when visible text drawn on the occluder overlaps the char: its ink is the label's
    (DOJ prints `(b) (6)` in the box), and the box still covers the char."""
    if occ is None or occ.kind == "image-box" or not len(visible_idx):
        return False
    over = _overlaps(chars, visible_idx, chars.box[k] + np.array([-1.0, -1.0, 1.0, 1.0])) > 0  # its ink's reach
    return bool((over & (chars.z[visible_idx] > occ.z)).any())


def _over_visible_text(chars: _Chars, visible_idx: np.ndarray, k: int) -> bool:
    if not len(visible_idx):
        return False
    box = chars.box[k]
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1e-6)
    return bool((_overlaps(chars, visible_idx, box) > 0.2 * area).any())


def _spans(chars: _Chars, reason: np.ndarray, occluder: list[Occluder | None]) -> list[HiddenSpan]:
    """Runs of hidden characters with one reason and occluder; only spaces may lie between."""
    spans: list[HiddenSpan] = []
    hidden = np.flatnonzero(reason != "").tolist()
    visible_idx = np.flatnonzero((reason == "") & ~chars.invisible)
    run: list[int] = []

    def flush() -> None:
        if not run:
            return
        box = chars.box[run]
        rect = (float(box[:, 0].min()), float(box[:, 1].min()), float(box[:, 2].max()), float(box[:, 3].max()))
        why = reason[run[0]]
        if why == OVER_OTHER_TEXT and _repeats_visible_text(chars, run, visible_idx, rect):
            run.clear()
            return  # an OCR layer repeating the text it lies on
        if why == INVISIBLE and sum(chr(c).isalnum() for c in chars.code[run]) < 2:
            run.clear()
            return  # an OCR layer's period, dash or stray `I` off faint ink: nothing a reader misses
        occ = occluder[run[0]] if why in (UNDER_PAINT, SAME_COLOUR) else None
        spans.append(HiddenSpan(int(chars.index[run[0]]), int(chars.index[run[-1]]) + 1, why, len(run), rect, occ))
        run.clear()

    for k in hidden:
        if run:
            last = run[-1]
            joins = (k == last + 1 and reason[k] == reason[last] and occluder[k] is occluder[last])
            if not joins:
                flush()
        run.append(k)
    flush()
    return spans


def _repeats_visible_text(chars: _Chars, run: list[int], visible_idx: np.ndarray, rect: Rect) -> bool:
    said = "".join(chr(c) for c in chars.code[run]).lower()
    over = visible_idx[_overlaps(chars, visible_idx, np.array(rect)) > 0]
    shown = "".join(chr(c) for c in chars.code[np.sort(over)]).lower()
    return SequenceMatcher(None, said, shown).ratio() >= SAME_TEXT_RATIO


def hidden_text_spans(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None = None, *,
                      occluders: list[Occluder] | None = None, render: PageRender | None = None,
                      blank_areas: bool = True) -> list[HiddenSpan]:
    """The page's text that no reader of the rendered page sees, as character ranges.

    `occluders` (from `page_occluders`, plus any boxes the caller found itself) and `render`
    (from `render_page`) may be passed when the caller has them; otherwise the page is rendered
    only when some character is a candidate. With `blank_areas` False, invisible text that no
    solid occluder (a box; a scanned page is none) covers is taken as visible without a look,
    unless it lies on other visible text: on a scan with an OCR layer that skips checking every
    character, when only text under boxes matters (failed redactions).
    """
    walk = _walk(page)
    textpage = textpage or page.get_textpage()
    chars = _read_chars(textpage, walk.texts)
    if not len(chars.index):
        return []
    width, height = page.get_size()
    if occluders is None:
        occluders = sorted(walk.occluders, key=lambda o: o.z)
        if walk.large_images and (chars.invisible.any() or (chars.z < max(i.z for i in walk.large_images)).any()):
            render = render or render_page(page)
            occluders = _with_image_boxes(page, walk, render, True)
    prop = _propose(chars, occluders, (0.0, 0.0, width, height))
    if not blank_areas:  # invisible text under no box (a scan is no box): kept only on visible text
        alone = np.flatnonzero([r == INVISIBLE and (o is None or not o.solid)
                                for r, o in zip(prop.reason, prop.occluder, strict=True)])
        visible_idx = np.flatnonzero((prop.reason == "") & ~chars.invisible)
        for k in alone.tolist():
            if not len(visible_idx) or not _over_visible_text(chars, visible_idx, k):
                prop.reason[k] = ""
    if not (prop.reason != "").any():
        return []
    if ((prop.reason != "") & (prop.reason != OFF_PAGE)).any():
        render = render or render_page(page)
        reason = _decide(chars, prop, render)
    else:
        reason = prop.reason
    return _spans(chars, reason, prop.occluder)


def hidden_char_count(spans: Sequence[HiddenSpan], rect: Rect | None = None) -> int:
    """Characters hidden, in all spans or in those whose box lies mostly in `rect`."""
    if rect is None:
        return sum(s.chars for s in spans)
    return sum(s.chars for s in spans if _overlap(s.rect, rect) > 0.5 * max(_area(s.rect), 1e-6))


def visible_page_text(page: pdfium.PdfPage, spans: Sequence[HiddenSpan] | None = None,
                      textpage: pdfium.PdfTextPage | None = None) -> str:
    """The page's text-layer text as uncover stores it (CRLF as LF), hidden characters left out."""
    textpage = textpage or page.get_textpage()
    spans = hidden_text_spans(page, textpage) if spans is None else spans
    tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    count = _COUNT_CHARS(tp)
    keep = np.ones(count, dtype=bool)
    for s in spans:
        keep[s.start:s.end] = False
    out = [chr(code) for i in range(count) if keep[i] and (code := _UNICODE(tp, i))]
    return "".join(out).replace("\r\n", "\n")
