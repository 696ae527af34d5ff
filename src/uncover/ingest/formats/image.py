"""Image files through Pillow: TIFF (each frame a page), PNG, JPEG, BMP, GIF; text only by OCR.

A multi-page TIFF is how productions carry scanned records (`IMAGES/` folders), so each of its
frames is a page. Other formats hold one picture: an animated GIF or a multi-picture JPEG is read
as its first frame, with the frame count kept in the metadata.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast

from PIL import Image, ImageOps, UnidentifiedImageError

from ...errors import ExtractionError
from ...model import DocumentKind, IssueCategory, TextSource
from .base import Extraction, PageText, ReadContext, extension_score, has_usable_text, require_content

# The largest image handed to OCR: bigger renders and scans are scaled down to fit, which keeps a
# poster-sized page from taking gigabytes of memory and minutes of Tesseract time.
MAX_OCR_SIDE = 10_000
MAX_OCR_PIXELS = 50_000_000

_MAGIC = (
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),  # BigTIFF
    (b"MM\x00+", "TIFF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}
_EXIF_IFD = 0x8769
_EXIF_TAGS = {0x010E: "title", 0x013B: "author", 0x0131: "creator"}  # ImageDescription, Artist, Software
_EXIF_DATES = {0x9003: "created", 0x0132: "modified"}  # DateTimeOriginal (Exif IFD), DateTime
_ORIENTATION = 0x0112


class ImageReader:
    name = "image"
    extensions = (".tif", ".tiff", ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".dib", ".gif")

    def sniff(self, head: bytes, filename: str) -> float:
        if any(head.startswith(magic) for magic, _ in _MAGIC):
            return 1.0
        if head[:2] == b"BM" and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
            return 1.0
        return extension_score(filename, self.extensions)

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        require_content(path, ctx)
        display = ctx.display_name or path.name
        try:
            image = Image.open(path)
        except Image.DecompressionBombError as exc:
            raise ExtractionError(
                f"{display} is too large to open as an image ({exc}).", IssueCategory.TOO_LARGE
            ) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ExtractionError(
                f"{display} is not a readable image ({exc}); it may be damaged or truncated. "
                "Ask the producing party for a new copy.",
                IssueCategory.CORRUPT,
            ) from exc
        with image:
            return self._read_open(image, ctx, display)

    def _read_open(self, image: Image.Image, ctx: ReadContext, display: str) -> Extraction:
        extraction = Extraction(DocumentKind.IMAGE)
        try:
            frames = getattr(image, "n_frames", 1)
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            frames = 1
            extraction.warnings.append(f"the frames of {display} after the first cannot be counted ({exc})")
        pages = frames if image.format == "TIFF" else 1
        if pages > ctx.limits.max_pages:
            raise ExtractionError(
                f"{display} has {pages:,} pages, more than the limit of {ctx.limits.max_pages:,}; "
                "split it or raise the page limit.",
                IssueCategory.TOO_LARGE,
            )
        extraction.metadata = _metadata(image, frames, extraction.warnings)
        unreadable = 0
        for index in range(pages):
            try:
                image.seek(index)
                if ctx.page_hook is not None:
                    ctx.page_hook(image, index + 1)
                page = ctx.page_from_text_or_ocr("", lambda: prepare_for_ocr(image), TextSource.NONE)
            except (OSError, SyntaxError, ValueError, EOFError) as exc:  # truncated or damaged image data
                unreadable += 1
                extraction.warnings.append(
                    f"page {index + 1} of {display} cannot be decoded ({exc}); it has no text"
                )
                page = PageText("", TextSource.NONE, needed_ocr=True)
            extraction.pages.append(page)
        if unreadable == pages:
            raise ExtractionError(
                f"{display} is damaged: its image data cannot be decoded; ask the producing party for a new copy.",
                IssueCategory.CORRUPT,
            )
        if image.format == "TIFF" or any(has_usable_text(page.text) for page in extraction.pages):
            extraction.kind = DocumentKind.SCAN
        return extraction


def prepare_for_ocr(image: Image.Image) -> Image.Image:
    """The current frame upright, in a mode Tesseract reads well (1, L or RGB), at most OCR size."""
    orientation = image.getexif().get(_ORIENTATION, 1)
    if orientation not in (1, None):
        image = ImageOps.exif_transpose(image)
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        image = _stretch_to_8bit(image)
    elif image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, "white")
        background.alpha_composite(image.convert("RGBA"))
        image = background.convert("RGB")
    elif image.mode not in ("1", "L", "RGB"):
        image = image.convert("RGB")
    scale = ocr_scale(*image.size)
    if scale < 1:
        if image.mode == "1":
            image = image.convert("L")
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def ocr_scale(width: float, height: float) -> float:
    """The factor (at most 1) that brings an image of this many pixels within the OCR size caps."""
    scale = min(1.0, MAX_OCR_SIDE / max(width, height, 1))
    area = width * height * scale * scale
    if area > MAX_OCR_PIXELS:
        scale *= (MAX_OCR_PIXELS / area) ** 0.5
    return scale


def _stretch_to_8bit(image: Image.Image) -> Image.Image:
    """16-bit and float grayscale to 8 bits, stretched over the range the image uses."""
    image = image.convert("F") if image.mode == "F" else image.convert("I")
    low, high = cast("tuple[float, float]", image.getextrema())
    span = (high - low) or 1
    return image.point(lambda value: (value - low) * (255 / span)).convert("L")


def _metadata(image: Image.Image, frames: int, warnings: list[str]) -> dict[str, str]:
    metadata = {"width": str(image.width), "height": str(image.height), "frames": str(frames)}
    if image.format:
        metadata["format"] = image.format
        metadata["mime"] = Image.MIME.get(image.format, f"image/{image.format.lower()}")
    dpi = image.info.get("dpi")
    if dpi:
        x, y = (round(float(v)) for v in dpi)
        metadata["dpi"] = str(x) if x == y else f"{x}x{y}"
    try:
        exif = image.getexif()
        tags = dict(exif) | dict(exif.get_ifd(_EXIF_IFD))
    except Exception as exc:  # Pillow raises a variety of errors on damaged EXIF blocks
        warnings.append(f"the image's EXIF block cannot be read ({exc}); its dates and author are left out")
        return metadata
    for tag, key in _EXIF_TAGS.items():
        value = tags.get(tag)
        if isinstance(value, str) and value.strip("\x00 "):
            metadata[key] = value.strip("\x00 ")
    for tag, key in _EXIF_DATES.items():
        value = tags.get(tag)
        if not isinstance(value, str) or not value.strip("\x00 "):
            continue
        value = value.strip("\x00 ")
        try:
            metadata[key] = datetime.strptime(value, "%Y:%m:%d %H:%M:%S").isoformat()
        except ValueError:
            warnings.append(
                f"the image's EXIF date '{value}' is not a date; kept as written under 'exif_{key}'"
            )
            metadata[f"exif_{key}"] = value
    return metadata


READER = ImageReader()
