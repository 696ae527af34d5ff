"""The exemption code printed in or beside a redaction box.

Agencies print the code where a reader will connect it with the box: DOJ inside a black box
(`(b) (6)`), the FBI and the State Department in the right margin on the box's lines
(`b6 -1` / `b7C -1`, `B6`). So a box's label is read from the box itself first, then from its
*band*: the rows the box spans (a little taller, so a code set on the box's first or last line
counts), from the box's right edge to the page's. Codes are parsed by `exemptions.py` from the
band's text, so a code is accepted only in the contexts it accepts there. All codes of the band
are kept, sorted (`b6,b7c`): a margin lists every code of the withholding beside it.

The band's text comes from the PDF's text layer when the page has one; on an image-only page it
is read by OCR of the band alone (one small crop per band of overlapping boxes, scaled to OCR
resolution), which costs a fraction of reading the whole page again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .exemptions import CLAIM_THRESHOLD, find_exemption_marks

if TYPE_CHECKING:
    import numpy as np
    import pypdfium2 as pdfium
    from PIL.Image import Image

BAND_PAD = 0.25  # of a line (12 pt) above and below the box that still belongs to its band
LINE_PT = 12.0
OCR_DPI = 300

ReadText = Callable[["Image"], str]


def codes_in(text: str) -> list[str]:
    """The claimed codes in a piece of page text, sorted, each once."""
    return sorted({m.code for m in find_exemption_marks(text) if m.confidence >= CLAIM_THRESHOLD})


def label(codes: Sequence[str]) -> str | None:
    return ",".join(codes) if codes else None


def layer_labels(textpage: pdfium.PdfTextPage, rects: Sequence[tuple[float, float, float, float]],
                 page_width: float) -> list[str | None]:
    """Labels of boxes given in page points (left, bottom, right, top), from the text layer."""
    out = []
    pad = BAND_PAD * LINE_PT
    for left, bottom, right, top in rects:
        inside = codes_in(textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top))
        if inside:
            out.append(label(inside))
            continue
        band = textpage.get_text_bounded(left=right, bottom=bottom - pad, right=page_width, top=top + pad)
        out.append(label(codes_in(band)))
    return out


def ocr_labels(gray: np.ndarray, dpi: float, boxes: Sequence[tuple[int, int, int, int]], read_text: ReadText,
               inside: Sequence[bool] = ()) -> list[str | None]:
    """Labels of boxes given in pixels (x0, y0, x1, y1) of a greyscale page image, by OCR of each
    band of overlapping boxes (and of the box itself where `inside` says it holds print)."""
    from PIL import Image

    pad = int(BAND_PAD * LINE_PT / 72 * dpi)
    height, width = gray.shape[:2]
    scale = max(1.0, OCR_DPI / dpi)

    def read(x0: int, y0: int, x1: int, y1: int) -> list[str]:
        if x1 - x0 < 4 or y1 - y0 < 4:
            return []
        crop = Image.fromarray(gray[y0:y1, x0:x1])
        if scale > 1:
            crop = crop.resize((int(crop.width * scale), int(crop.height * scale)), Image.Resampling.LANCZOS)
        return codes_in(read_text(crop))

    out: list[str | None] = [None] * len(boxes)
    for i, holds_print in enumerate(inside):
        if holds_print:
            x0, y0, x1, y1 = boxes[i]
            found = read(x0, y0, x1, y1)
            out[i] = label(found)
    # boxes on the same line (rows overlapping by half the lower box) share one OCR of the strip
    # from the leftmost box's right edge; boxes on different lines get their own band
    order = sorted((i for i in range(len(boxes)) if out[i] is None), key=lambda i: boxes[i][1])
    bands: list[list[int]] = []
    for i in order:
        if bands and _same_line(boxes[bands[-1][0]], boxes[i]):
            bands[-1].append(i)
        else:
            bands.append([i])
    for band in bands:
        y0 = max(0, min(boxes[i][1] for i in band) - pad)
        y1 = min(height, max(boxes[i][3] for i in band) + pad)
        x0 = min(boxes[i][2] for i in band)  # the right edge of the leftmost box
        found = label(read(x0, y0, width, y1))
        for i in band:
            out[i] = found
    return out


def _same_line(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap >= 0.5 * min(a[3] - a[1], b[3] - b[1])
