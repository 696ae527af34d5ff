"""Each published page's text and picture, made in worker processes, one document per task.

One worker opens an original once and, for each page, decides what may be published:

  * text: the stored text where nothing on the page can hide any; otherwise what a reader of
    the page picture can read (`visible.py`): for a PDF page with a text layer, its characters
    less those under an occluder; for a page whose text has no positions (a producer's text
    file, OCR of a picture) and that carries redaction boxes, no text at all (OCR of a page
    whose boxes all hold reads black pixels and is kept). Personal data is then masked
    (`personal.py`);
  * picture: the page rendered from the original, redactions as the agency applied them, and
    the masked personal data painted over in grey where the text layer places it. A page whose
    masked data cannot be placed on the picture (no character positions) is published without
    a picture rather than with the data visible.
  * a thumbnail of each first page, for the list of documents.

PDF pages are rendered with pypdfium2 as the web app's renderer does (same pixel cap and memory
limit) in a pool of long-lived workers: a thousand-document publication has ten thousand pages,
and a Python start per page would take longer than the whole build may. A page whose pixels are
all grey is written as a 16-level (4-bit) greyscale PNG: text and redaction boxes stay exact, and
it takes half the bytes and encoding time of 8-bit grey; a page with any colour stays RGB.

A task whose worker crashes (PDFium on a malformed file) is done again the careful way
(`_isolated`): pictures by the web renderer, one child process per page, and no text that would
need the original opened to be trusted. Pictures are cached under derived/publish-pages/<sha256>/,
named by page, dpi and what was painted over, and written under a temporary name first.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..ingest.workers import LocalPool, WorkerLimits
from ..model import TextSource
from ..web import pages as web_pages
from .personal import PersonalDataPolicy, find_personal_data, mask_text
from .visible import SpanCache, VisibleText, mask_rects, read_page

DEFAULT_DPI = 100
THUMB_WIDTH = 160
MASK_GREY = 0x99
GREY16 = [v for i in range(16) for v in (i * 17,) * 3]
Fractions = tuple[float, float, float, float]


@dataclass(frozen=True)
class PageTask:
    number: int
    text: str
    source: str  # a TextSource value
    boxes: tuple[Fractions, ...] = ()  # redaction boxes found at ingest
    failed: bool = False  # text survives under one of them


@dataclass(frozen=True)
class DocumentJob:
    key: int  # the caller's document key
    kind: str | None  # "pdf", "image" or None (no pictures: e-mail, office files)
    original: str
    sha256: str
    pages: tuple[PageTask, ...]
    policy: PersonalDataPolicy = field(default_factory=PersonalDataPolicy)
    dpi: int = DEFAULT_DPI
    cache_dir: str | None = None  # None: text only, no pictures
    spans_dir: str | None = None  # where hidden character ranges are kept between builds


@dataclass(frozen=True)
class PageOutcome:
    number: int
    text: str
    rule: str  # "as-stored", "rebuilt-without-redacted", "withheld"
    hidden: tuple[str, ...] = ()  # text left out (under paint): for the leak check only
    masked: tuple[tuple[str, str], ...] = ()  # (kind, value) for the publisher's list
    image: str | None = None
    width: int = 0
    height: int = 0
    thumb: str | None = None
    image_note: str | None = None  # why the page has no picture


def cache_path(cache_dir: Path, sha256: str, page: int, dpi: int, variant: str = "") -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return cache_dir / sha256 / f"{int(page)}-{int(dpi)}{variant}.png"


def _save_atomic(arr, target: Path) -> None:  # type: ignore[no-untyped-def]
    """An RGB or grey array as PNG, 4-bit grey when every pixel is grey, renamed into place when written."""
    import numpy as np
    from PIL import Image

    if arr.ndim == 2:
        grey, is_grey = arr, True
    else:
        grey = arr[..., 1]
        is_grey = bool(np.array_equal(arr[..., 0], grey) and np.array_equal(grey, arr[..., 2]))
    if is_grey:
        out = Image.fromarray(np.ascontiguousarray(grey >> 4), "P")
        out.putpalette(GREY16)
        options: dict[str, object] = {"bits": 4}
    else:
        out, options = Image.fromarray(np.ascontiguousarray(arr), "RGB"), {}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".render-", suffix=".png")
    os.close(fd)
    try:
        out.save(tmp, "PNG", compress_level=1, **options)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600: a web server must be able to read the published copy
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _paint(arr, rects_px: list[tuple[int, int, int, int]]):  # type: ignore[no-untyped-def]
    """Grey boxes with a darker edge over the masked spans (pixel rects: left, top, right, bottom)."""
    arr = arr.copy()
    h, w = arr.shape[:2]
    for left, top, right, bottom in rects_px:
        left, top, right, bottom = max(0, left), max(0, top), min(w, right), min(h, bottom)
        if right <= left or bottom <= top:
            continue
        arr[top:bottom, left:right] = 0x44
        arr[top + 1 : bottom - 1, left + 1 : right - 1] = MASK_GREY
    return arr


def _variant(rects: list[tuple[int, int, int, int]]) -> str:
    return "-m" + hashlib.sha256(repr(sorted(rects)).encode()).hexdigest()[:12] if rects else ""


def _page_text(task: PageTask, page, spans: SpanCache | None = None) -> tuple[str, str, VisibleText | None]:  # type: ignore[no-untyped-def]
    """The text a reader of the picture can read, its rule, and the character walk when one was made."""
    if task.source == TextSource.OCR and not task.failed:
        return task.text, "as-stored", None  # OCR read the pixels; the pixels under a box are black
    if page is None:
        return ("", "withheld", None) if task.boxes else (task.text, "as-stored", None)
    try:
        walked = read_page(page, task.boxes, cache=spans, number=task.number)
    except Exception:  # noqa: BLE001 - what cannot be checked is not published
        return "", "withheld", None
    if walked is None:
        return task.text, "as-stored", None
    if task.source not in (TextSource.LAYER, TextSource.OCR, TextSource.NONE):
        # A producer's text file cannot be told apart where the page hides something: none of it.
        return ("", "withheld", None) if walked.hidden or task.boxes else (task.text, "as-stored", None)
    return walked.text, ("rebuilt-without-redacted" if walked.hidden else "as-stored"), walked


def _scale(page, dpi: int) -> float:  # type: ignore[no-untyped-def]
    width, height = page.get_size()
    return min(dpi / 72, (web_pages.MAX_PIXELS / (width * height)) ** 0.5)


def _pixels(job: DocumentJob, page, number: int):  # type: ignore[no-untyped-def]
    """The page as an RGB array: PDF pages by PDFium, pictures by the web renderer's reader."""
    import numpy as np

    if page is not None:
        return page.render(scale=_scale(page, job.dpi), rev_byteorder=True).to_numpy()[..., :3]
    return np.asarray(web_pages.picture_frame(job.original, number, job.dpi).convert("RGB"))


def _located_by_ocr(job: DocumentJob, page, number: int, masks: list) -> list[tuple[int, int, int, int]] | None:  # type: ignore[no-untyped-def,type-arg]
    """Pixel rects of the published picture over each masked value, found by OCR; None if one is not found."""
    from ..ingest.formats.pdf import render_page
    from ..ingest.ocr import OCR_DPI
    from .ocr_places import ocr_words, place

    try:
        if page is not None:
            image = render_page(page, OCR_DPI)
            factor = _scale(page, job.dpi) * page.get_size()[0] / image.width
        else:
            image = web_pages.picture_frame(job.original, number, OCR_DPI)
            factor = web_pages.picture_frame(job.original, number, job.dpi).width / image.width
        boxes = place(masks, ocr_words(image))
    except Exception:  # noqa: BLE001 - no OCR, or a picture that does not read: the picture is not published
        return None
    if boxes is None:
        return None
    return [(int(a * factor), int(b * factor), int(c * factor + 0.999), int(d * factor + 0.999)) for a, b, c, d in boxes]


def _outcome_for_page(job: DocumentJob, task: PageTask, pdf, spans: SpanCache | None) -> PageOutcome:  # type: ignore[no-untyped-def]
    page = None
    if pdf is not None and job.kind == "pdf":
        if not 1 <= task.number <= len(pdf):
            return PageOutcome(task.number, "", "withheld", image_note=f"the original has no page {task.number}")
        page = pdf[task.number - 1]
    text, rule, walked = _page_text(task, page, spans)
    masks = find_personal_data(text, job.policy)
    if masks and walked is None and page is not None and task.source == TextSource.LAYER:
        walked = read_page(page, task.boxes, positions=True, cache=spans, number=task.number)  # where to paint the masks
        if walked is not None:
            text = walked.text
            masks = find_personal_data(text, job.policy)
    places = mask_rects(walked, [(m.start, m.end) for m in masks]) if masks and walked is not None else ([] if not masks else None)
    outcome = PageOutcome(task.number, mask_text(text, masks), rule, tuple(walked.hidden) if walked else (),
                          tuple((m.kind, m.value) for m in masks))
    if job.cache_dir is None or job.kind is None:
        return outcome
    if page is not None and places is not None:
        height, scale = page.get_size()[1], _scale(page, job.dpi)
        rects_px = [(int(left * scale), int((height - top) * scale), int(right * scale + 0.999), int((height - bottom) * scale + 0.999))
                    for left, bottom, right, top in places]
    elif places is not None:
        rects_px = []
    else:
        located = _located_by_ocr(job, page, task.number, masks)
        if located is None:
            return _with_image(outcome, None, "personal data masked in the text could not be located on the picture")
        rects_px = located
    cache = Path(job.cache_dir)
    target = cache_path(cache, job.sha256, task.number, job.dpi, _variant(rects_px))
    if not target.exists():
        arr = _pixels(job, page, task.number)
        _save_atomic(_paint(arr, rects_px) if rects_px else arr, target)
    return _with_image(outcome, target, None, thumb=task.number == job.pages[0].number)


def _with_image(outcome: PageOutcome, target: Path | None, note: str | None, thumb: bool = False) -> PageOutcome:
    from dataclasses import replace

    if target is None:
        return replace(outcome, image_note=note)
    from PIL import Image

    with Image.open(target) as img:
        width, height = img.size
        thumb_path = None
        if thumb:
            thumb_path = target.with_name(target.stem + f"-t{THUMB_WIDTH}.png")
            if not thumb_path.exists():
                import numpy as np

                small = img.convert("RGB")
                small.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2))
                _save_atomic(np.asarray(small), thumb_path)
    return replace(outcome, image=str(target), width=width, height=height, thumb=str(thumb_path) if thumb_path else None)


def prepare_document(job: DocumentJob) -> list[PageOutcome]:
    """Runs in a worker: every page of one document, text and picture."""
    pdf = None
    out: list[PageOutcome] = []
    spans = SpanCache(job.spans_dir, job.sha256) if job.kind == "pdf" else None
    try:
        if job.kind == "pdf":
            import pypdfium2 as pdfium

            try:
                pdf = pdfium.PdfDocument(job.original)
            except Exception as exc:  # noqa: BLE001 - an original that does not open: careful path
                return _isolated(job, f"the original did not open ({exc})"[:200])
        for task in job.pages:
            try:
                out.append(_outcome_for_page(job, task, pdf, spans))
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - one page without text or picture, reported
                out.append(PageOutcome(task.number, "", "withheld", image_note=f"rendering failed ({str(exc)[:200]})"))
        if spans is not None:
            spans.save()
    finally:
        if pdf is not None:
            pdf.close()
    return out


def _isolated(job: DocumentJob, why: str = "rendering crashed") -> list[PageOutcome]:
    """The careful path after a crash: text only where no walk is needed, pictures one process per page."""
    out = []
    dpi = job.dpi if job.dpi in web_pages.DPIS else web_pages.DEFAULT_DPI
    for task in job.pages:
        trusted = job.kind != "pdf" or (task.source == TextSource.OCR and not task.failed)
        text = task.text if trusted and not (task.boxes and task.source != TextSource.OCR) else ""
        masks = find_personal_data(text, job.policy)
        outcome = PageOutcome(task.number, mask_text(text, masks), "as-stored" if text or not task.text else "withheld",
                              masked=tuple((m.kind, m.value) for m in masks))
        if job.cache_dir is None or job.kind is None:
            out.append(outcome)
            continue
        if masks:
            out.append(_with_image(outcome, None, "personal data masked in the text could not be located on the picture"))
            continue
        try:
            path = web_pages.page_image(Path(job.original), Path(job.cache_dir).parent, job.sha256, task.number, dpi)
            out.append(_with_image(outcome, path, None, thumb=task.number == job.pages[0].number))
        except web_pages.NoImage as exc:
            out.append(_with_image(outcome, None, f"{why}; {exc}"[:200]))
    return out


def prepare_all(jobs: Iterable[DocumentJob], workers: int | None = None,
                on_done: Callable[[DocumentJob, list[PageOutcome]], None] | None = None) -> dict[int, list[PageOutcome]]:
    """Every job in the ingest's isolated worker pool; returns {job.key: pages}.

    A job whose worker crashes, hangs or runs out of memory is done again the careful way
    (`_isolated`), so a hostile original costs its own pictures at most, never the build.
    """
    jobs = list(jobs)
    results: dict[int, list[PageOutcome]] = {}
    if not jobs:
        return results
    size = workers or max(1, min(len(jobs), os.cpu_count() or 1))
    limits = WorkerLimits(seconds=web_pages.RENDER_TIMEOUT * 10, memory_bytes=web_pages.RENDER_MEMORY)
    with LocalPool(prepare_document, size, limits) as pool:
        for job in jobs:
            pool.submit(job)
        while (outcome := pool.next_outcome()) is not None:
            job = outcome.task
            pages = outcome.result if outcome.result is not None else _isolated(job)
            results[job.key] = pages
            if on_done:
                on_done(job, pages)
    return results
