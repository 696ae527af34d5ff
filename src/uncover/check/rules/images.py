"""Page images: missing, unreadable, of a format the spec excludes, or with the wrong page count.

Each distinct image file is opened once (its header only: Pillow reads no pixels to count frames),
and the verdict is cached by content hash, so a slip sheet reused 10,000 times costs one open.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import DEFICIENCY, BatesList, Finding, finding_from, not_checked
from ..spec import ProductionSpec
from ..view import ProductionView
from ._common import plural

_PIL_FORMATS = {"TIFF": "tiff", "JPEG": "jpeg", "PNG": "png", "GIF": "gif", "BMP": "bmp", "MPO": "jpeg"}
CACHE = 4096


@dataclass
class ImageFacts:
    readable: bool
    format: str = ""
    frames: int = 0
    error: str = ""


def inspect_image(path: Path) -> ImageFacts:
    """Format and frame count of an image file, or why it cannot be read."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(5)
    except OSError as exc:
        return ImageFacts(False, error=f"cannot be opened ({exc.strerror})")
    if head == b"%PDF-":
        try:
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(path))
            try:
                return ImageFacts(True, "pdf", len(pdf))
            finally:
                pdf.close()
        except Exception as exc:  # a damaged PDF is a finding, not a crash
            return ImageFacts(False, "pdf", error=f"PDF cannot be read ({type(exc).__name__})")
    try:
        from PIL import Image

        with Image.open(path) as img:
            fmt = _PIL_FORMATS.get(img.format or "", (img.format or "unknown").lower())
            frames = int(getattr(img, "n_frames", 1) or 1)
            return ImageFacts(True, fmt, frames)
    except Exception as exc:
        return ImageFacts(False, error=f"not a readable image ({type(exc).__name__})")


def page_images(view: ProductionView, spec: ProductionSpec) -> list[Finding]:
    if not view.has_loadfile:
        return [not_checked("images.missing", "Page images",
                            "Not checked: with no load file there are no page images to account for.")]
    rules = spec.images
    allowed = {f.lower() for f in rules.formats}
    natives = _native_docs(view)
    cache: OrderedDict[str, ImageFacts] = OrderedDict()
    missing, unreadable, wrong_format, wrong_count = BatesList(), BatesList(), BatesList(), BatesList()
    details: dict[str, list[str]] = {"missing": [], "unreadable": [], "format": [], "count": []}
    formats_seen: dict[str, int] = {}
    current: list[tuple[Any, ...]] = []
    current_doc = None

    def finish(doc_id: int, pages: list[tuple[Any, ...]]) -> None:
        if not pages:
            return
        label = _label(view, doc_id, pages)
        begin, end = pages[0][2], pages[-1][2]
        no_image = [p[2] or f"page {p[1]}" for p in pages if not p[3]]
        if no_image and rules.required and doc_id not in natives:
            missing.add(begin, end, label)
            if len(details["missing"]) < 50:
                details["missing"].append(f"{label}: {len(no_image)} of {plural(len(pages), 'page image')} missing")
        uses: dict[str, list[int]] = {}
        for p in pages:
            if p[3]:
                sha, _, frame = str(p[3]).partition("#")
                uses.setdefault(sha, []).append(int(frame) if frame.isdigit() else 0)
        bad_read = bad_format = bad_count = False
        for sha, frames in uses.items():
            facts = _facts(view, sha, cache)
            if not facts.readable:
                bad_read = True
                if len(details["unreadable"]) < 50:
                    details["unreadable"].append(f"{label}: {facts.error}")
                continue
            formats_seen[facts.format] = formats_seen.get(facts.format, 0) + 1
            if facts.format not in allowed or (rules.single_page and facts.frames > 1):
                bad_format = True
                if len(details["format"]) < 50:
                    what = f"{facts.frames}-page {facts.format}" if rules.single_page and facts.frames > 1 \
                        else facts.format
                    details["format"].append(f"{label}: {what}")
            # unframed: each page its own single-page file (identical files share one blob);
            # framed: one multi-page file, every frame of it a page of the document
            framed = {f for f in frames if f}
            if (framed and facts.frames != len(framed)) or (len(framed) < len(frames) and facts.frames != 1):
                bad_count = True
                if len(details["count"]) < 50:
                    details["count"].append(f"{label}: image file has {plural(facts.frames, 'page')}, the load file "
                                            f"assigns it {max(len(framed), 1)}")
        if bad_read:
            unreadable.add(begin, end, label)
        elif bad_format:
            wrong_format.add(begin, end, label)
        elif bad_count:
            wrong_count.add(begin, end, label)

    for row in view.pages("p.bates, p.image_ref"):
        doc_id = row[0]
        if doc_id != current_doc:
            if current_doc is not None:
                finish(current_doc, current)
            current_doc, current = doc_id, []
        current.append(row)
    if current_doc is not None:
        finish(current_doc, current)

    findings: list[Finding] = []
    if missing.count:
        findings.append(finding_from("images.missing", DEFICIENCY, "Page images missing",
                                     "The image load file names page images that are not in the volume, or these "
                                     "records have no page images at all.", missing, details=details["missing"]))
    if unreadable.count:
        findings.append(finding_from("images.unreadable", DEFICIENCY, "Page images that cannot be opened",
                                     "These page images are damaged or not images at all.", unreadable,
                                     details=details["unreadable"]))
    if wrong_format.count:
        findings.append(finding_from("images.format", DEFICIENCY, "Page images in a format not agreed",
                                     f"Images were to be produced as {', '.join(sorted(allowed)).upper()}"
                                     + (" single-page files" if rules.single_page else "") + "; these are not.",
                                     wrong_format, details=details["format"]))
    if wrong_count.count:
        findings.append(finding_from("images.page-count", DEFICIENCY, "Image files with the wrong number of pages",
                                     "The number of pages inside these image files differs from the number of "
                                     "pages the image load file assigns to them.", wrong_count,
                                     details=details["count"]))
    return findings


def _facts(view: ProductionView, sha: str, cache: OrderedDict[str, ImageFacts]) -> ImageFacts:
    if sha in cache:
        cache.move_to_end(sha)
        return cache[sha]
    path = view.case.blobs.path_for(sha)
    facts = inspect_image(path) if path.is_file() else ImageFacts(False, error="image file absent from the case")
    cache[sha] = facts
    if len(cache) > CACHE:
        cache.popitem(last=False)
    return facts


def _native_docs(view: ProductionView) -> set[int]:
    """Documents produced as natives: a page without an image is expected there (no slip sheet needed)."""
    rows = view.conn.execute(
        f"SELECT id FROM documents WHERE production_id IN {view._in} AND metadata LIKE '%\"original\": \"native\"%'")
    return {int(r[0]) for r in rows}


def _label(view: ProductionView, doc_id: int, pages: list[tuple[Any, ...]]) -> str:
    first, last = pages[0][2], pages[-1][2]
    if first and "#" not in str(last or ""):  # `C05739674#20`: a page the producer gave no key of its own
        return first if first == last or not last else f"{first}-{last}"
    doc = view.document(doc_id)
    return doc.label if doc else "a document with no Bates number"


RULES = [page_images]
