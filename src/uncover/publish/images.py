"""Page images for a publication: rendered from the originals, redactions as the agency applied them.

PDF pages are rendered with pypdfium2 as the web app's renderer does (uncover.web.pages: same pixel
cap, same memory limit), but in a pool of long-lived worker processes instead of one process per
page: a thousand-document publication has ten thousand pages, and a Python start per page alone
would take longer than the whole build may. A page whose pixels are all grey is written as an
16-level (4-bit) greyscale PNG: text and redaction boxes stay exact, anti-aliasing and grey
photographs are posterized slightly, and it takes half the bytes and encoding time of 8-bit grey
(RGB is a further three times that); a page with any colour pixel stays RGB.
Pictures (TIFF, JPEG...) go through the web renderer unchanged.

A job whose worker crashes (PDFium on a malformed file) is rendered again by
`uncover.web.pages.page_image`, one child process per page, so a crash costs one picture, never
the build. Results are cached under derived/publish-pages/<sha256>/<page>-<dpi>.png
and written under a temporary name first, so a half-written PNG is never published.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..ingest.workers import LocalPool, WorkerLimits
from ..web import pages as web_pages

DEFAULT_DPI = 100


@dataclass(frozen=True)
class RenderJob:
    key: int  # the caller's document key
    kind: str  # "pdf" or "image"
    original: str
    sha256: str
    pages: tuple[int, ...]
    dpi: int
    cache_dir: str


@dataclass(frozen=True)
class RenderedPage:
    page: int
    path: str | None
    width: int
    height: int
    error: str | None = None


def cache_path(cache_dir: Path, sha256: str, page: int, dpi: int) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return cache_dir / sha256 / f"{int(page)}-{int(dpi)}.png"


def _size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as img:
        return img.size


GREY16 = [v for i in range(16) for v in (i * 17,) * 3]


def _save_atomic(img, target: Path, **options: object) -> None:  # type: ignore[no-untyped-def]
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".render-", suffix=".png")
    os.close(fd)
    try:
        img.save(tmp, "PNG", compress_level=1, **options)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600: a web server must be able to read the published copy
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def render_job(job: RenderJob) -> list[RenderedPage]:
    """Runs in a worker: every asked page of one original."""
    out: list[RenderedPage] = []
    cache = Path(job.cache_dir)
    pdf = None
    try:
        for number in job.pages:
            target = cache_path(cache, job.sha256, number, job.dpi)
            if target.exists():
                out.append(RenderedPage(number, str(target), *_size(target)))
                continue
            try:
                if job.kind == "pdf":
                    import numpy as np
                    import pypdfium2 as pdfium
                    from PIL import Image

                    if pdf is None:
                        pdf = pdfium.PdfDocument(job.original)
                    if not 1 <= number <= len(pdf):
                        raise ValueError(f"no page {number}")
                    page = pdf[number - 1]
                    width, height = page.get_size()
                    scale = job.dpi / 72
                    if width * height * scale * scale > web_pages.MAX_PIXELS:
                        scale = (web_pages.MAX_PIXELS / (width * height)) ** 0.5
                    arr = page.render(scale=scale, rev_byteorder=True).to_numpy()[..., :3]
                    grey = arr[..., 1]
                    if np.array_equal(arr[..., 0], grey) and np.array_equal(grey, arr[..., 2]):
                        img = Image.fromarray(np.ascontiguousarray(grey >> 4), "P")
                        img.putpalette(GREY16)
                        _save_atomic(img, target, bits=4)
                    else:
                        _save_atomic(Image.fromarray(np.ascontiguousarray(arr), "RGB"), target)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".render-", suffix=".png")
                    os.close(fd)
                    try:
                        web_pages._render(job.kind, job.original, tmp, number, job.dpi)
                        os.chmod(tmp, 0o644)
                        os.replace(tmp, target)
                    finally:
                        if os.path.exists(tmp):
                            os.unlink(tmp)
                out.append(RenderedPage(number, str(target), *_size(target)))
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - one page without a picture, reported
                out.append(RenderedPage(number, None, 0, 0, str(exc)[:200]))
    finally:
        if pdf is not None:
            pdf.close()
    return out


def _isolated(job: RenderJob) -> list[RenderedPage]:
    """The slow, crash-proof path: the web renderer, one child process per page."""
    out = []
    dpi = job.dpi if job.dpi in web_pages.DPIS else web_pages.DEFAULT_DPI
    for number in job.pages:
        try:
            path = web_pages.page_image(Path(job.original), Path(job.cache_dir).parent, job.sha256, number, dpi)
            out.append(RenderedPage(number, str(path), *_size(path)))
        except web_pages.NoImage as exc:
            out.append(RenderedPage(number, None, 0, 0, str(exc)[:200]))
    return out


def render_all(jobs: Iterable[RenderJob], workers: int | None = None,
               on_done: Callable[[RenderJob, list[RenderedPage]], None] | None = None) -> dict[int, list[RenderedPage]]:
    """Render every job in the ingest's isolated worker pool; returns {job.key: pages}.

    A job whose worker crashes, hangs or runs out of memory is rendered again the slow way
    (`_isolated`), so a hostile original costs its own pictures at most, never the build.
    """
    jobs = list(jobs)
    results: dict[int, list[RenderedPage]] = {}
    if not jobs:
        return results
    size = workers or max(1, min(len(jobs), os.cpu_count() or 1))
    limits = WorkerLimits(seconds=web_pages.RENDER_TIMEOUT * 10, memory_bytes=web_pages.RENDER_MEMORY)
    with LocalPool(render_job, size, limits) as pool:
        for job in jobs:
            pool.submit(job)
        while (outcome := pool.next_outcome()) is not None:
            job = outcome.task
            pages = outcome.result if outcome.result is not None else _isolated(job)
            results[job.key] = pages
            if on_done:
                on_done(job, pages)
    return results
