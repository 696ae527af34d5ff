"""What a reader of a PDF page picture can read: its text layer less every character no one sees.

Published text is what the page picture shows. A character of the text layer is left out when
`uncover.analyze.occlusion.hidden_text_spans` finds it hidden (under opaque paint drawn after it:
filled or stroked paths, images, annotations, form XObjects by their transforms, boxes burned
into a scan; invisible on blank paper; white on white; off the page), or when its box touches a
redaction box stored at ingest (a picture's raster box, a failed redaction). A character with no
position cannot be shown to lie outside a stored box and is left out whenever the page has one.
A removed run becomes one "█" and its text is kept apart as hidden text, for the leak check and
never for the site.

The same walk gives every published character its box, so personal data masked in the text can
be painted over on the picture at the same place (`mask_rects`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache as _once
from pathlib import Path

REDACTED_MARK = "█"
CHAR_MARGIN_PT = 0.5

Rect = tuple[float, float, float, float]  # left, bottom, right, top in PDF points (origin bottom-left)


@dataclass
class VisibleText:
    text: str
    boxes: list[Rect | None] = field(default_factory=list)  # one per character of `text`
    hidden: list[str] = field(default_factory=list)  # the text of each run left out


def fraction_rects(fractions: Sequence[tuple[float, float, float, float]], width: float, height: float) -> list[Rect]:
    """Boxes stored as page fractions (x0, y0, x1, y1, top-left origin) in PDF points, a little grown."""
    m = CHAR_MARGIN_PT
    return [(x0 * width - m, (1 - y1) * height - m, x1 * width + m, (1 - y0) * height + m) for x0, y0, x1, y1 in fractions]


def nothing_hidden(page) -> bool:  # type: ignore[no-untyped-def]
    """True when the page cannot hide text: no paint that could cover any (`page_occluders`,
    images not searched), and every text object drawn visibly (not render mode 3 or 7, not
    transparent, not near-white) inside the page. A conservative pre-filter: whatever it is
    unsure of goes through `hidden_text_spans`; most pages of vector text stop here cheaply."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    from ..analyze.occlusion import SAME_COLOUR_DELTA, page_occluders

    if page_occluders(page, search_images=False):
        return False
    width, height = page.get_size()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        raw = pdfium_c.FPDFPage_GetObject(page.raw, i)
        kind = pdfium_c.FPDFPageObj_GetType(raw)
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            return False  # nested coordinates: left to the full analysis
        if kind != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(raw)
        if mode not in (0, 2, 4, 6):  # stroke-only modes have no fill to judge; 3 and 7 are invisible
            return False
        if not pdfium_c.FPDFPageObj_GetFillColor(raw, r, g, b, a) or a.value < 10:
            return False
        if 0.299 * r.value + 0.587 * g.value + 0.114 * b.value > 255 - SAME_COLOUR_DELTA:
            return False
        pdfium_c.FPDFPageObj_GetBounds(raw, left, bottom, right, top)
        if left.value < 0 or bottom.value < 0 or right.value > width or top.value > height:
            return False
    return True


def hidden_spans(page) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """(start, end) character ranges of the page no reader sees (`occlusion.hidden_text_spans`)."""
    from ..analyze.occlusion import hidden_text_spans

    if nothing_hidden(page):
        return []
    textpage = page.get_textpage()
    try:
        return [(s.start, s.end) for s in hidden_text_spans(page, textpage)]
    finally:
        textpage.close()


@_once
def analysis_version() -> str:
    """Changes whenever the code deciding what is hidden changes: the key of cached spans."""
    from ..analyze import occlusion

    digest = hashlib.sha256(Path(occlusion.__file__).read_bytes() + Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


class SpanCache:
    """Hidden character ranges per page of one original, kept in derived/ between builds and
    checks (offsets only, never the hidden text). The original never changes (content-addressed);
    the cache is keyed by `analysis_version`, so a changed analysis starts over."""

    def __init__(self, folder: str | None, sha256: str) -> None:
        self.path = Path(folder) / sha256[:2] / f"{sha256}.json" if folder else None
        self.version = analysis_version()
        self.pages: dict[str, list[list[int]]] = {}
        self.dirty = False
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text("utf-8"))
                if data.get("version") == self.version:
                    self.pages = data["pages"]
            except (OSError, ValueError, KeyError):
                self.pages = {}

    def spans(self, number: int, page) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
        key = str(number)
        if key not in self.pages:
            self.pages[key] = [list(s) for s in hidden_spans(page)]
            self.dirty = True
        return [(a, b) for a, b in self.pages[key]]

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"version": self.version, "pages": self.pages}), "utf-8")
        os.replace(tmp, self.path)


def read_page(page, stored_boxes: Sequence[tuple[float, float, float, float]] = (),  # type: ignore[no-untyped-def]
              positions: bool = False, cache: SpanCache | None = None, number: int = 0) -> VisibleText | None:
    """The visible text of a PDF page, or None when nothing on it is hidden and `positions` is not asked."""
    import pypdfium2.raw as pdfium_c

    spans = cache.spans(number, page) if cache else hidden_spans(page)
    if not stored_boxes and not spans and not positions:
        return None
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        hidden = bytearray(count)
        for start, end in spans:
            hidden[start:end] = b"\x01" * (end - start)
        width, height = page.get_size()
        rects = fraction_rects(stored_boxes, width, height)
        out: list[str] = []
        boxes: list[Rect | None] = []
        runs: list[str] = []
        run: list[str] | None = None
        for i in range(count):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            ch = chr(code) if code else ""
            left, bottom, right, top = textpage.get_charbox(i)
            has_box = right > left or top > bottom
            covered = bool(hidden[i])
            if not covered and rects:
                if has_box:
                    covered = any(left <= r[2] and right >= r[0] and bottom <= r[3] and top >= r[1] for r in rects)
                else:
                    covered = not ch.isspace()
            if covered:
                if run is None:
                    run = []
                    out.append(REDACTED_MARK)
                    boxes.append(None)
                run.append(ch)
                continue
            if run is not None:
                runs.append("".join(run))
                run = None
            if ch:
                out.append(ch)
                boxes.append((left, bottom, right, top) if has_box else None)
        if run is not None:
            runs.append("".join(run))
    finally:
        textpage.close()
    text, boxes = _lf(out, boxes)
    return VisibleText(text, boxes, [r for r in runs if r.strip()])


def _lf(chars: list[str], boxes: list[Rect | None]) -> tuple[str, list[Rect | None]]:
    """CRLF as LF (as uncover stores page text), keeping one box per character."""
    keep_c, keep_b = [], []
    for j, (c, b) in enumerate(zip(chars, boxes, strict=True)):
        if c == "\r":
            if j + 1 < len(chars) and chars[j + 1] == "\n":
                continue
            c = "\n"
        keep_c.append(c)
        keep_b.append(b)
    return "".join(keep_c), keep_b


def mask_rects(visible: VisibleText, spans: Sequence[tuple[int, int]], pad: float = 1.0) -> list[Rect] | None:
    """One rect per line of each span, in PDF points; None when a span has a character without a box."""
    out: list[Rect] = []
    for start, end in spans:
        line: list[float] | None = None
        for i in range(start, end):
            box = visible.boxes[i]
            if visible.text[i].isspace():
                continue
            if box is None:
                return None
            left, bottom, right, top = box
            if line is not None and bottom < line[3] and top > line[1]:
                line = [min(line[0], left), min(line[1], bottom), max(line[2], right), max(line[3], top)]
                continue
            if line is not None:
                out.append((line[0] - pad, line[1] - pad, line[2] + pad, line[3] + pad))
            line = [left, bottom, right, top]
        if line is not None:
            out.append((line[0] - pad, line[1] - pad, line[2] + pad, line[3] + pad))
    return out
