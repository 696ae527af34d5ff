"""Where masked personal data sits on a page picture whose text has no positions (OCR'd scans,
pictures with a producer's text file): Tesseract's word boxes on the page at the ingest's OCR
resolution, matched word for word against each masked value.

Only pages that have something to mask come here (OCR costs about a second a page). A value
whose words are not all found on the picture cannot be painted over; the caller then publishes
the page without its picture, never with the value showing.
"""

from __future__ import annotations

import re

from .personal import Mask

_WORD_RE = re.compile(r"[^\W_]+")
Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels of the OCR'd image


def ocr_words(image) -> list[tuple[str, Box]]:  # type: ignore[no-untyped-def]
    """Every word Tesseract reads on the image, with its box."""
    import tesserocr

    from ..ingest.ocr import tesseract_api

    with tesseract_api() as api:
        api.SetImage(image.convert("L") if image.mode not in ("L", "RGB", "1") else image)
        api.Recognize()
        out: list[tuple[str, Box]] = []
        iterator = api.GetIterator()
        level = tesserocr.RIL.WORD
        if iterator is None:
            return out
        while True:
            word = iterator.GetUTF8Text(level)
            box = iterator.BoundingBox(level)
            if word and box:
                out.append((word, tuple(box)))  # type: ignore[arg-type]
            if not iterator.Next(level):
                break
        return out


def place(masks: list[Mask], words: list[tuple[str, Box]], pad: int = 2) -> list[Box] | None:
    """Boxes covering every masked value (one per OCR word it spans); None when one is not found."""
    flat: list[tuple[str, int]] = [(t, i) for i, (w, _) in enumerate(words) for t in _WORD_RE.findall(w.lower())]
    tokens = [t for t, _ in flat]
    out: list[Box] = []
    for m in masks:
        want = _WORD_RE.findall(m.value.lower())
        if not want:
            continue
        hits = [k for k in range(len(tokens) - len(want) + 1) if tokens[k : k + len(want)] == want]
        if not hits:
            return None
        for k in hits:
            for _, i in flat[k : k + len(want)]:
                left, top, right, bottom = words[i][1]
                out.append((left - pad, top - pad, right + pad, bottom + pad))
    return out
