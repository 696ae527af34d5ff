"""The scan viewer's data: where a query's hits sit on a page image (word boxes, web/words.py).

The document page draws these boxes over the picture after it has loaded (static/app.js), so the
page itself never waits for a PDF to be read or a scan to be OCR'd for word positions.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, Response

from ...custody import intact_original
from ...errors import QueryError
from ...model import TextSource
from ...search.query import MatchAll, parse
from .. import pages as page_images
from .. import words as page_words
from ..app import CaseDep

router = APIRouter()


@router.get("/documents/{doc_id}/pages/{page}/hits.json")
def page_hits(doc_id: int, page: int, q: str = "", *, case: CaseDep) -> Response:
    """{"source": "layer" | "ocr", "boxes": [[x, y, w, h, word], ...]} in page fractions."""
    doc = case.store.document(doc_id)
    if doc is None or not 1 <= page <= max(doc.page_count, 1):
        raise HTTPException(404, "There is no such page.")
    try:
        tree = parse(q.strip()) if q.strip() else None
    except QueryError as exc:
        raise HTTPException(400, exc.message) from exc
    if tree is None or isinstance(tree, MatchAll):
        return JSONResponse({"source": None, "boxes": []})
    pages = case.store.pages(doc_id)
    current = pages[page - 1] if len(pages) >= page else None
    first = "ocr" if current is not None and current.text_source == TextSource.OCR else "layer"
    words: list[page_words.Word] = []
    source = first
    for source in (first, "ocr") if first == "layer" else (first,):
        # A page whose text came from a load file's text file, over a PDF with no text layer: the
        # layer has no words, so the words are read from the picture instead.
        original = case.blobs.path_for(doc.sha256)
        try:
            if not page_words.cache_path(case.derived, doc.sha256, page, source).exists():
                original = intact_original(case, doc.sha256, doc.listing)  # read only from the bytes that were hashed
            words = page_words.page_words(original, case.derived, doc.sha256, page, source)
        except page_images.NoImage:
            return JSONResponse({"source": None, "boxes": []})
        if words:
            break
    boxes = [[w.x, w.y, w.w, w.h, w.text] for w in page_words.hit_boxes(words, tree)]
    return JSONResponse({"source": source, "boxes": boxes}, headers={"Cache-Control": "private, max-age=300"})
