"""Where each word of a page sits on its picture, so search hits can be drawn on the page image.

Two sources, by where the page's text came from:
- **the PDF text layer** (pypdfium2): each character's box, grouped into words at white space
  and line breaks;
- **OCR** (Tesseract through tesserocr, as ingest reads pages): the words Tesseract reads on the
  page rendered at 300 dpi, with their boxes. Ingest keeps only the text, so the boxes are
  computed once, when a reviewer first looks for hits on that page, and cached.

Boxes are page fractions (x, y from the top left, w, h), independent of the zoom and dpi of the
picture shown. Like rendering (pages.py), reading words runs in a child process with a time and
memory limit, because a malformed PDF can crash PDFium; the result is cached as JSON under
derived/pages/<sha256>/<page>-words-<source>.json, written under a temporary name and renamed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import pages as page_images

WORDS_TIMEOUT = 90  # OCR of one page at 300 dpi takes a few seconds on one core
OCR_DPI = 300


@dataclass(frozen=True)
class Word:
    text: str
    x: float
    y: float
    w: float
    h: float


def cache_path(derived: Path, sha256: str, page: int, source: str) -> Path:
    folder = page_images.cache_path(derived, sha256, page, page_images.DEFAULT_DPI).parent
    return folder / f"{int(page)}-words-{'ocr' if source == 'ocr' else 'layer'}.json"


def page_words(original: Path, derived: Path, sha256: str, page: int, source: str) -> list[Word]:
    """The words of one page with their boxes; `source` is 'layer' or 'ocr'. Raises NoImage."""
    target = cache_path(derived, sha256, page, source)
    if not target.exists():
        kind = page_images.source_kind(original)
        if kind is None or (source != "ocr" and kind != "pdf"):
            raise page_images.NoImage("no word positions for this kind of file")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".words-", suffix=".json")
        os.close(fd)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "uncover.web.words", kind, str(original), tmp, str(page), source],
                capture_output=True, timeout=WORDS_TIMEOUT, env=env,
                preexec_fn=page_images._limit_memory if os.name == "posix" else None,
            )
            if proc.returncode != 0 or os.path.getsize(tmp) == 0:
                raise page_images.NoImage(proc.stderr.decode("utf-8", "replace")[-300:] or f"exited with {proc.returncode}")
            os.replace(tmp, target)
        except subprocess.TimeoutExpired as exc:
            raise page_images.NoImage("reading the page's words took too long") from exc
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return [Word(*row) for row in json.loads(target.read_text())]


def hit_boxes(words: list[Word], tree: Any) -> list[Word]:
    """The words a query's hits fall on, in reading order (a phrase gives one box per word)."""
    from ..search.snippets import find_spans, text_matchers

    if tree is None or not words:
        return []
    joined, starts = [], []
    pos = 0
    for word in words:
        starts.append(pos)
        joined.append(word.text)
        pos += len(word.text) + 1
    text = " ".join(joined)
    hit: set[int] = set()
    import bisect

    for span in find_spans(text, text_matchers(tree)):
        first = bisect.bisect_right(starts, span.start) - 1
        last = bisect.bisect_right(starts, max(span.end - 1, span.start)) - 1
        hit.update(range(max(first, 0), last + 1))
    return [words[i] for i in sorted(hit)]


# -- the child process ------------------------------------------------------------------------------

def _layer_words(src: str, page: int) -> list[tuple[str, float, float, float, float]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(src)
    if not 1 <= page <= len(pdf):
        raise SystemExit(f"no page {page}")
    pg = pdf[page - 1]
    if pg.get_rotation() % 360:
        return []  # a turned page's character boxes would need turning too: no boxes rather than wrong ones
    left, bottom, right, top = pg.get_cropbox()
    width, height = right - left, top - bottom
    textpage = pg.get_textpage()
    words: list[tuple[str, float, float, float, float]] = []
    chars: list[str] = []
    box: list[float] = []

    def flush() -> None:
        if chars and box:
            x0, y0, x1, y1 = box
            words.append(("".join(chars), (x0 - left) / width, (top - y1) / height, (x1 - x0) / width, (y1 - y0) / height))
        chars.clear()
        box.clear()

    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        ch = chr(code) if code else " "
        if ch.isspace() or code in (0xFFFE, 0xFFFF):
            flush()
            continue
        x0, y0, x1, y1 = textpage.get_charbox(i)
        if x1 <= x0 or y1 <= y0:
            chars.append(ch)
            continue
        if box and (y0 > box[3] or y1 < box[1]):  # no vertical overlap: a new line without a break
            flush()
        chars.append(ch)
        if box:
            box[:] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
        else:
            box[:] = [x0, y0, x1, y1]
    flush()
    return words


def _ocr_words(kind: str, src: str, page: int) -> list[tuple[str, float, float, float, float]]:
    import tesserocr

    from ..ingest.ocr import tesseract_api

    if kind == "pdf":
        image = page_images.pdf_page_picture(src, page, OCR_DPI)
    else:
        image = page_images.picture_frame(src, page, OCR_DPI)
    image = image.convert("L")
    width, height = image.size
    words: list[tuple[str, float, float, float, float]] = []
    with tesseract_api() as api:
        api.SetImage(image)
        api.Recognize()
        level = tesserocr.RIL.WORD
        iterator = api.GetIterator()
        if iterator is not None:
            for item in tesserocr.iterate_level(iterator, level):
                text = item.GetUTF8Text(level)
                bbox = item.BoundingBox(level)
                if not text or not text.strip() or bbox is None:
                    continue
                x0, y0, x1, y1 = bbox
                words.append((text.strip(), x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height))
    return words


def _main(kind: str, src: str, out: str, page: int, source: str) -> None:
    words = _ocr_words(kind, src, page) if source == "ocr" else _layer_words(src, page)
    Path(out).write_text(json.dumps([[t, round(x, 5), round(y, 5), round(w, 5), round(h, 5)] for t, x, y, w, h in words]))


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
