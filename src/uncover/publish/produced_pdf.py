"""The PDF a reader downloads: the published page pictures, one per page, and nothing else.

Never the original file: an agency's PDF can carry text under its redaction boxes, an invisible
text layer, metadata and attachments. This one is rebuilt from the pictures the site shows
(redactions as applied, personal data painted over), so it holds exactly what the pages show.

The pictures' compressed PNG data goes into the PDF as it is (FlateDecode with the PNG
predictor, as img2pdf does): no decoding or re-encoding, so a page costs a copy of its bytes. A
PNG this writer does not take as it is (interlaced, 16-bit, with alpha) is decoded once with
Pillow. A page without a published picture becomes a page that says so.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

POINTS_PER_PIXEL = 72 / 100  # pictures are rendered at 100 dpi
LETTER = (612.0, 792.0)


@dataclass(frozen=True)
class PdfImage:
    width: int
    height: int
    colorspace: bytes
    bits: int
    colors: int
    data: bytes  # zlib stream of PNG-filtered rows


def _png_image(path: Path) -> PdfImage:
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return _decoded(path)
    pos, idat, palette = 8, [], b""
    width = height = bits = ctype = interlace = 0
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, bits, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if interlace or bits > 8 or ctype not in (0, 2, 3) or not idat:
        return _decoded(path)
    if ctype == 3:
        space = b"[/Indexed /DeviceRGB %d <%s>]" % (len(palette) // 3 - 1, palette.hex().encode())
        colors = 1
    elif ctype == 0:
        space, colors = b"/DeviceGray", 1
    else:
        space, colors = b"/DeviceRGB", 3
    return PdfImage(width, height, space, bits, colors, b"".join(idat))


def _decoded(path: Path) -> PdfImage:
    from PIL import Image

    with Image.open(path) as img:
        rgb = img.convert("RGB")
    raw = rgb.tobytes()
    stride = rgb.width * 3
    rows = b"".join(b"\x00" + raw[y * stride : (y + 1) * stride] for y in range(rgb.height))
    return PdfImage(rgb.width, rgb.height, b"/DeviceRGB", 8, 3, zlib.compress(rows, 6))


def _text_string(text: str) -> bytes:
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def write_pdf(target: Path, pages: list[tuple[int, str | None]], title: str) -> Path:
    """`pages`: (page number, picture path or None) in order. Writes `target` and returns it."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for number, picture in pages:
        if picture:
            img = _png_image(Path(picture))
            params = b"<< /Predictor 15 /Colors %d /BitsPerComponent %d /Columns %d >>" % (img.colors, img.bits, img.width)
            xobject = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent %d "
                          b"/Filter /FlateDecode /DecodeParms %s /Length %d >>\nstream\n%s\nendstream"
                          % (img.width, img.height, img.colorspace, img.bits, params, len(img.data), img.data))
            w, h = img.width * POINTS_PER_PIXEL, img.height * POINTS_PER_PIXEL
            content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q" % (w, h)
            resources = b"<< /XObject << /Im0 %d 0 R >> >>" % xobject
        else:
            w, h = LETTER
            line = f"Page {number}: no picture of this page is published.".encode("cp1252")
            content = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % line.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            resources = b"<< /Font << /F1 %d 0 R >> >>" % font
        stream = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources %s /Contents %d 0 R >>"
                        % (tree, w, h, resources, stream)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    info = add(b"<< /Title %s /Producer (uncover) >>" % _text_string(title))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, info, xref)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(out))
    return target
