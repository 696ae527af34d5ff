"""Page images, rendered from the originals and cached as PNG under derived/pages/<sha256>/<page>-<dpi>.png.

A PDF page is rendered with pypdfium2, a TIFF frame or a picture with Pillow. Rendering runs in a
child process with a time and memory limit, for the reason ingest does: a malformed PDF can crash
PDFium, and a crash must cost one missing picture, not the reviewer's session. The cache file is
written under a temporary name and renamed, so a half-written PNG is never served.

Paths are derived from the document's SHA-256 (read from case.db) and integers only; nothing a
request sends becomes part of a path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

DPIS = (72, 110, 150, 200)  # 200: the zoomed-in picture
DEFAULT_DPI = 110
RENDER_TIMEOUT = 60
RENDER_MEMORY = 2 * 1024**3
MAX_PIXELS = 40_000_000
_IMAGE_MAGIC = (b"II*\x00", b"MM\x00*", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")


class NoImage(Exception):
    """The document has no page image (an e-mail, a spreadsheet) or rendering failed."""


def source_kind(path: Path) -> str | None:
    """'pdf', 'image' or None, from the first bytes of the original (never from a file name)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        return None
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    return None


def cache_path(derived: Path, sha256: str, page: int, dpi: int) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise NoImage("not a sha256")
    return derived / "pages" / sha256 / f"{int(page)}-{int(dpi)}.png"


def page_image(original: Path, derived: Path, sha256: str, page: int, dpi: int = DEFAULT_DPI) -> Path:
    """The cached PNG of one page, rendered first if needed. Raises NoImage."""
    if dpi not in DPIS:
        dpi = DEFAULT_DPI
    target = cache_path(derived, sha256, page, dpi)
    if target.exists():
        return target
    kind = source_kind(original)
    if kind is None:
        raise NoImage("no page images for this kind of file")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".render-", suffix=".png")
    os.close(fd)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "uncover.web.pages", kind, str(original), tmp, str(page), str(dpi)],
            capture_output=True, timeout=RENDER_TIMEOUT, preexec_fn=_limit_memory if os.name == "posix" else None,
        )
        if proc.returncode != 0 or os.path.getsize(tmp) == 0:
            raise NoImage(proc.stderr.decode("utf-8", "replace")[-300:] or f"renderer exited with {proc.returncode}")
        os.replace(tmp, target)
    except subprocess.TimeoutExpired as exc:
        raise NoImage("rendering took too long") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (RENDER_MEMORY, RENDER_MEMORY))


def _render(kind: str, src: str, out: str, page: int, dpi: int) -> None:
    """Runs in the child process."""
    if kind == "pdf":
        pdf_page_picture(src, page, dpi).save(out, "PNG", optimize=False)
        return
    picture_frame(src, page, dpi).save(out, "PNG")


def pdf_page_picture(src: str, page: int, dpi: int):  # type: ignore[no-untyped-def]
    """One PDF page rendered at `dpi` (less where that would pass MAX_PIXELS), as a PIL image."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(src)
    if not 1 <= page <= len(pdf):
        raise SystemExit(f"no page {page}")
    pg = pdf[page - 1]
    width, height = pg.get_size()
    scale = dpi / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / (width * height)) ** 0.5
    return pg.render(scale=scale).to_pil()


def picture_frame(src: str, page: int, dpi: int):  # type: ignore[no-untyped-def]
    """One frame of a picture (TIFF page, JPEG...) as a PIL image, scaled to about a page at `dpi`."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS * 4
    with Image.open(src) as img:
        frames = getattr(img, "n_frames", 1)
        if not 1 <= page <= frames:
            raise SystemExit(f"no page {page}")
        img.seek(page - 1)
        frame = img.convert("RGB") if img.mode not in ("RGB", "L", "1") else img.copy()
        # Pictures are shown at their own resolution, scaled down to about a page at the asked dpi.
        longest = int(11 * dpi)
        frame.thumbnail((longest, longest))
        return frame


if __name__ == "__main__":
    _render(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
