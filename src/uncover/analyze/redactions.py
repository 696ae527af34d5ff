"""Redaction boxes on a page, and failed redactions: boxes with text still readable beneath.

A box is found two ways, and a page may carry both:

- **drawn in the PDF** (`occlusion.page_occluders`): a filled dark rectangle, a thick line, a dark
  picture, a filled Square or Redact annotation, placed through any form XObject transforms.
  A white rectangle counts only with an exemption label in it (a white table cell is otherwise
  indistinguishable), and a dark one with visible text drawn on it that is not a label (a black
  table header in white type) is decoration.
- **on the page image** (`page_boxes.find_image_boxes`): black, grey and outlined blank boxes in a
  scan, on PDF pages that carry a large image and on image files (TIFF, PNG, JPEG).

Each box carries its style and the exemption code printed in or beside it (`box_labels`).

A redaction *fails* when the text it was meant to remove is still in the file. What counts is
what a reader of the rendered page cannot see but a copy-paste can: `occlusion.hidden_text_spans`
gives the characters that paint hides (text drawn before the box, text the box's colour drawn
after it, an OCR layer under a box burned into the scan), and each box counts those under it.
Besides boxes, a Redact annotation never applied (the text in plain view, only marked) and an
invisible text layer that says something other than the visible text on top of it (text replaced
by `XXXX`, the original kept invisible) are failed redactions too. Only a count is kept:
recovered text is never stored or printed here. `recovered_text` reads it live from the original
for `uncover redactions --show-recovered`.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..model import Redaction
from . import box_labels
from .exemptions import find_exemption_marks
from .occlusion import (
    OVER_OTHER_TEXT,
    SAME_COLOUR,
    UNDER_PAINT,
    HiddenSpan,
    Occluder,
    PageRender,
    _bare,
    hidden_text_spans,
    page_occluders,
)
from .page_boxes import ImageBox, find_image_boxes

if TYPE_CHECKING:
    from PIL.Image import Image

MIN_SIDE_PT = 6.0  # thinner than this is a rule, an underline or a speck (a line of text is taller)
MIN_AREA_PT2 = 100.0
MAX_PAGE_FRACTION = 0.8  # larger is a page background
DARK_LUMA = 80
GREY_LUMA = 200  # a fill between DARK_LUMA and this is a grey box
WHITE_LUMA = 240
MAX_CHROMA = 40  # max - min of R, G, B: above it a fill is a colour, not black, grey or white
LARGE_IMAGE = 0.25  # of the page: an image this large may be a scan with boxes in it
RASTER_DPI = 150
MAX_RENDER_PIXELS = 16_000_000  # about a 26 x 26 inch page at 150 dpi

ReadText = box_labels.ReadText


def _style(color: tuple[int, int, int] | None) -> str | None:
    """black, grey or white for a neutral fill; None for a colour (a teal sidebar, a red banner:
    design, not redaction)."""
    if color is None:
        return None
    if max(color) - min(color) > MAX_CHROMA:
        return None
    luma = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]
    if luma < DARK_LUMA:
        return "black"
    if luma < GREY_LUMA:
        return "grey"
    if luma > WHITE_LUMA:
        return "white"
    return None


def _box_like(rect: tuple[float, float, float, float], page_area: float) -> bool:
    w, h = rect[2] - rect[0], rect[3] - rect[1]
    return w >= MIN_SIDE_PT and h >= MIN_SIDE_PT and w * h >= MIN_AREA_PT2 and w * h <= MAX_PAGE_FRACTION * page_area


def _drawn_boxes(occluders: list[Occluder], page_area: float) -> list[tuple[Occluder, str, str]]:
    """(occluder, source, style) for the paint that can be a redaction box (see the module doc)."""
    out = []
    for o in occluders:
        if not _box_like(o.rect, page_area):
            continue
        style = _style(o.color)
        if o.kind in ("fill", "stroke", "image") and o.solid and style in ("black", "grey"):
            out.append((o, "vector", style))
        elif o.kind == "fill" and o.solid and style == "white" and "stroked" in o.detail:
            out.append((o, "vector-white", "white"))
        elif o.kind == "annotation" and o.solid and (style in ("black", "grey") or o.color is None):
            out.append((o, "annotation", style or "black"))
        elif o.kind == "annotation" and not o.solid:
            out.append((o, "annotation-mark", style))  # ink or a highlight: a box only if it hides text
    return out


_VP, _INT = ctypes.c_void_p, ctypes.c_int
_ANNOT_COUNT = _bare(pdfium_c.FPDFPage_GetAnnotCount, _INT, _VP)
_COUNT_OBJECTS = _bare(pdfium_c.FPDFPage_CountObjects, _INT, _VP)
_GET_OBJECT = _bare(pdfium_c.FPDFPage_GetObject, _VP, _VP, _INT)
_GET_TYPE = _bare(pdfium_c.FPDFPageObj_GetType, _INT, _VP)
_RENDER_MODE = _bare(pdfium_c.FPDFTextObj_GetTextRenderMode, _INT, _VP)


def _contents(page: pdfium.PdfPage) -> tuple[bool, bool]:
    """(only visible text, invisible text over visible text possible) from a page's top-level
    objects. A page of nothing but visible text and no annotation can carry no box and no text
    hidden under other text: most pages of born-digital productions, answered in microseconds."""
    handle = ctypes.cast(page.raw, ctypes.c_void_p).value
    only_text = not _ANNOT_COUNT(handle)
    invisible = visible = False
    for i in range(_COUNT_OBJECTS(handle)):
        obj = _GET_OBJECT(handle, i)
        kind = _GET_TYPE(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            only_text, invisible, visible = False, True, True  # what the form holds is not looked at here
        elif kind != pdfium_c.FPDF_PAGEOBJ_TEXT:
            only_text = False
        elif _RENDER_MODE(obj) in (3, 7):
            only_text, invisible = False, True
        else:
            visible = True
    return only_text, invisible and visible


def _has_large_image(occluders: list[Occluder], page_area: float) -> bool:
    return any(o.kind == "image" and (o.rect[2] - o.rect[0]) * (o.rect[3] - o.rect[1]) >= LARGE_IMAGE * page_area
               for o in occluders)


def render_gray(page: pdfium.PdfPage, dpi: float = RASTER_DPI) -> tuple[PageRender, float]:
    """The page in grey levels at `dpi`, or less for an outsized page (a poster, a map): at most
    MAX_RENDER_PIXELS; with the resolution used."""
    from .occlusion import render_page

    width, height = page.get_size()
    scale = min(dpi / 72, (MAX_RENDER_PIXELS / max(width * height, 1.0)) ** 0.5)
    return render_page(page, scale), scale * 72


def _image_box_rect(render: PageRender, box: ImageBox) -> tuple[float, float, float, float]:
    left, top = render.to_page(box.x0, box.y0)
    right, bottom = render.to_page(box.x1, box.y1)
    return min(left, right), min(top, bottom), max(left, right), max(top, bottom)


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _decoration(box: Occluder, spans: list[HiddenSpan], textpage: pdfium.PdfTextPage) -> bool:
    """Visible text drawn on a dark box that is not an exemption label: a black table header or a
    banner in reverse type, not a redaction."""
    left, bottom, right, top = box.rect
    text = textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)
    shown = "".join(text.split())
    if len(shown) <= 2:
        return False
    hidden = sum(s.chars for s in spans if s.occluder is box)
    labels = sum(len(code) for code in box_labels.codes_in(text)) * 3  # `(b) (6)` prints ~3x its code
    return len(shown) - hidden - labels > 2 and hidden == 0


def find_page_boxes(page: pdfium.PdfPage, page_number: int = 1, document_id: int = 0, *,
                    textpage: pdfium.PdfTextPage | None = None, images: bool = True,
                    read_text: ReadText | None = None) -> list[Redaction]:
    """Every redaction box on a PDF page, drawn or in its scan, with failed ones flagged.

    `images` False skips the page image (no render). `read_text` (an OCR of a small image) reads
    the codes beside boxes on a page without a text layer; without it those boxes go unlabelled.
    """
    only_text, layered_text = _contents(page)
    if only_text:
        return []
    width, height = page.get_size()
    page_area = width * height
    occluders = page_occluders(page, search_images=False)
    drawn = _drawn_boxes(occluders, page_area)
    render: PageRender | None = None
    scan_boxes: list[tuple[Occluder, ImageBox]] = []
    if images and _has_large_image(occluders, page_area):
        render, dpi = render_gray(page)
        image_z = max(o.z for o in occluders if o.kind == "image")
        for box in find_image_boxes(render.pixels, dpi):
            rect = _image_box_rect(render, box)
            if any(_iou(rect, d[0].rect) > 0.5 for d in drawn):
                continue  # the drawn box, seen again on the render
            color = (0, 0, 0) if box.style == "black" else (128, 128, 128) if box.style == "grey" else (255, 255, 255)
            scan_boxes.append((Occluder(rect, "image-box", image_z, color, True, f"{box.style} box in the page image"), box))
    if not drawn and not scan_boxes and not layered_text and not _has_annotations(page):
        return []
    textpage = textpage or page.get_textpage()
    spans = hidden_text_spans(page, textpage, occluders=occluders + [o for o, _ in scan_boxes], render=render,
                              blank_areas=False) if textpage.count_chars() else []
    out: list[Redaction] = []
    kept: list[tuple[Occluder, str, str | None]] = []
    for occ, source, style in drawn:
        if style != "white" and _decoration(occ, spans, textpage):
            continue
        kept.append((occ, source, style))
    kept += [(occ, "raster", box.style) for occ, box in scan_boxes]
    labels = _labels(page, textpage, [o for o, _, _ in kept], render, scan_boxes, read_text)
    for (occ, source, style), label in zip(kept, labels, strict=True):
        if source == "vector-white" and label is None:
            continue  # a white rectangle with no code in it: a table cell as likely as a box
        hidden = _hidden_under(occ, spans, textpage)
        if source == "annotation-mark":
            if not hidden:
                continue
            source = "annotation"
        out.append(_redaction(occ.rect, width, height, document_id, page_number, source, style, hidden, label))
    out += _unapplied_and_replaced(page, textpage, spans, [o for o, _, _ in kept], width, height, document_id, page_number)
    return out


def _has_annotations(page: pdfium.PdfPage) -> bool:
    return pdfium_c.FPDFPage_GetAnnotCount(page.raw) > 0


def _hidden_under(box: Occluder, spans: list[HiddenSpan], textpage: pdfium.PdfTextPage) -> int:
    """Characters a reader cannot see because of this box (hidden by it, or hidden and lying in
    it), counted only when they say something (see `says_something`)."""
    under = []
    for s in spans:
        if s.reason not in (UNDER_PAINT, SAME_COLOUR):
            continue
        if s.occluder is box or (s.occluder is not None and s.occluder.rect == box.rect):
            under.append(s)
        elif s.occluder is None or s.occluder.kind == "image":
            cx, cy = (s.rect[0] + s.rect[2]) / 2, (s.rect[1] + s.rect[3]) / 2
            if box.rect[0] <= cx <= box.rect[2] and box.rect[1] <= cy <= box.rect[3]:
                under.append(s)
    if not under:
        return 0
    text = " ".join(textpage.get_text_range(s.start, s.end - s.start) for s in under)  # read, never kept
    return sum(s.chars for s in under) if says_something(text) else 0


# What a box may cover without a secret under it: the placeholder a redaction tool wrote
# ("REDACTED", "XXXX", an exemption label), a form's blank line, a court's filing stamp, a date
# (court forms box them), a character the box's edge clips, or glyphs of a font with no text map.
_PLACEHOLDER = re.compile(
    r"redacted(?:\s+and\s+publicly\s+filed)?|name\s+redacted|withheld|confidential|privileged?|"
    r"non[\s-]?responsive|_+\s*district\s+of\s*_+|"
    r"(?:Case\s*[\w:.-]+\s*)?(?:Doc(?:ument)?|DktEntry)\b.{0,80}?\bFiled\b.{0,80}?\bPage\b(?:\s*[\w.]+\s*of\s*\d+)?|"
    r"\b[0-3]?\d[/-][0-3]?\d[/-](?:\d{2,4})?",
    re.IGNORECASE | re.DOTALL,
)


def says_something(text: str) -> bool:
    """True when text found under a box is more than a placeholder (see _PLACEHOLDER), an
    exemption label, a lone character or one character repeated."""
    if "\ufffd" in text:
        return False
    rest = _PLACEHOLDER.sub(" ", text)
    for mark in sorted(find_exemption_marks(rest), key=lambda m: -m.start):
        rest = rest[:mark.start] + " " + rest[mark.end:]
    alnum = [ch for ch in rest if ch.isalnum()]
    return len(alnum) >= 2 and len(set(ch.lower() for ch in alnum)) > 1


def _redaction(rect: tuple[float, float, float, float], width: float, height: float, document_id: int, page: int,
               source: str, style: str | None, hidden: int, label: str | None) -> Redaction:
    left, bottom, right, top = rect
    bbox = (max(0.0, left / width), max(0.0, 1 - top / height), min(1.0, right / width), min(1.0, 1 - bottom / height))
    area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])
    return Redaction(document_id, page, bbox, area, source, failed=hidden > 0, recoverable_chars=hidden,
                     label=label, style=style)


def _labels(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, boxes: list[Occluder], render: PageRender | None,
            scan_boxes: list[tuple[Occluder, ImageBox]], read_text: ReadText | None) -> list[str | None]:
    if not boxes:
        return []
    width = page.get_size()[0]
    if textpage.count_chars() > 0:
        return box_labels.layer_labels(textpage, [b.rect for b in boxes], width)
    if read_text is None or render is None:
        return [None] * len(boxes)
    pixel = {id(o): (b.x0, b.y0, b.x1, b.y1) for o, b in scan_boxes}
    rects = [pixel.get(id(o)) or _to_pixels(render, o.rect) for o in boxes]
    inside = [o.luma is not None and o.luma < DARK_LUMA for o in boxes]
    return box_labels.ocr_labels(render.pixels, render.scale * 72, rects, read_text, inside)


def _to_pixels(render: PageRender, rect: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    return render.box(rect)


def _unapplied_and_replaced(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, spans: list[HiddenSpan],
                            boxes: list[Occluder], width: float, height: float, document_id: int,
                            page_number: int) -> list[Redaction]:
    """Failed redactions without a box: Redact annotations never applied (their text in plain
    view) and invisible text saying something other than the visible text it lies under."""
    out = []
    for rect in _redact_marks(page):
        if any(_iou(rect, b.rect) > 0.8 for b in boxes):
            continue  # a filled Redact annotation: a box, counted above
        left, bottom, right, top = rect
        text = textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)
        chars = sum(1 for ch in text if not ch.isspace())
        if chars and says_something(text):
            out.append(_redaction(rect, width, height, document_id, page_number, "annotation", None, chars, None))
    for s in spans:
        if s.reason == OVER_OTHER_TEXT and says_something(textpage.get_text_range(s.start, s.end - s.start)):
            out.append(_redaction(s.rect, width, height, document_id, page_number, "hidden-text", None, s.chars, None))
    return out


def _redact_marks(page: pdfium.PdfPage) -> list[tuple[float, float, float, float]]:
    out = []
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) != pdfium_c.FPDF_ANNOT_REDACT:
                continue
            fs = pdfium_c.FS_RECTF()
            if pdfium_c.FPDFAnnot_GetRect(annot, fs):
                out.append((min(fs.left, fs.right), min(fs.bottom, fs.top), max(fs.left, fs.right), max(fs.bottom, fs.top)))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return out


def find_vector_boxes(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None = None,
                      document_id: int = 0, page_number: int = 1) -> list[Redaction]:
    """The boxes drawn in the PDF page (no look at its image), with failed ones flagged."""
    return find_page_boxes(page, page_number, document_id, textpage=textpage, images=False)


def find_raster_boxes(image: Image | np.ndarray, document_id: int = 0, page_number: int = 1, dpi: float = RASTER_DPI,
                      read_text: ReadText | None = None) -> list[Redaction]:
    """Boxes on a page image (a PIL image in any mode, or a greyscale array) scanned at `dpi`."""
    gray = _gray_array(image)
    boxes = find_image_boxes(gray, dpi)
    height, width = gray.shape[:2]
    labels: list[str | None] = [None] * len(boxes)
    if boxes and read_text is not None:
        labels = box_labels.ocr_labels(gray, dpi, [(b.x0, b.y0, b.x1, b.y1) for b in boxes], read_text,
                                       [b.style == "black" for b in boxes])
    out = []
    for box, label in zip(boxes, labels, strict=True):
        bbox = box.fractions(width, height)
        out.append(Redaction(document_id, page_number, bbox, (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]), "raster",
                             label=label, style=box.style))
    return out


def image_dpi(image: Image) -> float:
    """The resolution a page image was scanned at: its own DPI when plausible for a page, else
    what a US Letter or A4 page of its size would have."""
    by_size = max(image.width, image.height) / 11.0
    stated = image.info.get("dpi")
    try:
        dpi = float(stated[0]) if stated else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if 50 <= dpi <= 1200 and 0.5 <= dpi / by_size <= 2.0:
        return dpi
    return max(by_size, 30.0)


def find_image_file_boxes(image: Image, page_number: int = 1, document_id: int = 0,
                          read_text: ReadText | None = None) -> list[Redaction]:
    """Boxes on one frame of an image file, analysed at about RASTER_DPI whatever it was scanned at."""
    dpi = image_dpi(image)
    gray = image.convert("L") if image.mode != "L" else image
    if dpi > RASTER_DPI * 1.2:
        scale = RASTER_DPI / dpi
        gray = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))))
        dpi = RASTER_DPI
    return find_raster_boxes(gray, document_id, page_number, dpi, read_text)


def _gray_array(image: Image | np.ndarray) -> np.ndarray:
    if isinstance(image, np.ndarray):
        return image if image.ndim == 2 else image[..., :3].mean(axis=2).astype(np.uint8)
    return np.asarray(image.convert("L") if image.mode != "L" else image)


def recovered_text(page: pdfium.PdfPage, bbox: tuple[float, float, float, float]) -> str:
    """The text-layer text under a box (page fractions, top-left origin), read live; never stored."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    x0, y0, x1, y1 = bbox
    return textpage.get_text_bounded(left=x0 * width, bottom=(1 - y1) * height, right=x1 * width,
                                     top=(1 - y0) * height).strip()


def box_collector(boxes: list[Redaction], read_text: ReadText | None = None,
                  warnings: list[str] | None = None) -> Callable[..., None]:
    """A reader's page hook collecting the boxes of each page it opens: a PDF page (pypdfium2)
    or an image frame (PIL), while the reader has it open, so nothing is parsed twice. A page
    whose boxes cannot be found is a warning, never a lost document."""

    def collect(page: object, number: int, textpage: pdfium.PdfTextPage | None = None) -> None:
        try:
            if isinstance(page, pdfium.PdfPage):
                boxes.extend(find_page_boxes(page, number, textpage=textpage, read_text=read_text))
            else:
                boxes.extend(find_image_file_boxes(page, number, read_text=read_text))  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - a damaged page image is that page's problem
            if warnings is not None:
                warnings.append(f"page {number}: not checked for redaction boxes ({type(exc).__name__}: {exc})")

    return collect
