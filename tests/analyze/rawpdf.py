"""A tiny PDF writer for tests: every object and content operator spelled out, so a test states
exactly what is drawn, in which order, inside which form XObject, with which annotation.

    pdf = RawPdf()
    form = pdf.form(b"0 g 0 0 100 18 re f", matrix=(1, 0, 0, 1, 5, 0))
    pdf.page(b"BT /F1 12 Tf 100 700 Td (Secret) Tj ET q 1 0 0 1 95 695 cm /Fm1 Do Q", {"Fm1": form})
    data = pdf.bytes()

Pages are US Letter (612 x 792 pt) with Helvetica as /F1.
"""

from __future__ import annotations

import zlib

PAGE_WIDTH, PAGE_HEIGHT = 612, 792


def _numbers(values: tuple[float, ...]) -> bytes:
    return " ".join(f"{v:g}" for v in values).encode()


class RawPdf:
    def __init__(self) -> None:
        self.objects: list[bytes] = []
        self.pages: list[tuple[bytes, dict[str, int], list[bytes]]] = []
        self.font = self.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")

    def add(self, body: bytes) -> int:
        """Add an indirect object; returns its object number."""
        self.objects.append(body)
        return len(self.objects)

    def stream(self, data: bytes, head: bytes = b"") -> int:
        return self.add(b"<< %s /Length %d >>\nstream\n" % (head, len(data)) + data + b"\nendstream")

    def form(self, content: bytes, bbox: tuple[float, ...] = (-1000, -1000, 2000, 2000),
             matrix: tuple[float, ...] = (1, 0, 0, 1, 0, 0)) -> int:
        head = b"/Type /XObject /Subtype /Form /BBox [%s] /Matrix [%s] /Resources << /Font << /F1 %d 0 R >> >>" % (
            _numbers(bbox), _numbers(matrix), self.font)
        return self.stream(content, head)

    def image(self, width: int, height: int, gray: bytes) -> int:
        """An 8-bit greyscale image XObject (`gray`: width * height bytes, rows top first)."""
        head = (b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height))
        return self.stream(zlib.compress(gray), head)

    def page(self, content: bytes, xobjects: dict[str, int] | None = None, annots: list[bytes] | tuple[bytes, ...] = ()) -> None:
        self.pages.append((content, dict(xobjects or {}), list(annots)))

    def bytes(self) -> bytes:
        objs: list[bytes] = list(self.objects)

        def add(body: bytes) -> int:
            objs.append(body)
            return len(objs)

        pages_id = add(b"")  # filled in below, once the kids are known
        kids = []
        for content, xobjects, annots in self.pages:
            cid = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
            aids = [add(a) for a in annots]
            xo = b" ".join(b"/%s %d 0 R" % (k.encode(), v) for k, v in xobjects.items())
            an = (b" /Annots [" + b" ".join(b"%d 0 R" % a for a in aids) + b"]") if aids else b""
            kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 %d 0 R >> /XObject << %s >> >>%s >>"
                            % (pages_id, PAGE_WIDTH, PAGE_HEIGHT, cid, self.font, xo, an)))
        objs[pages_id - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
        catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
        out = bytearray(b"%PDF-1.7\n")
        offsets = []
        for number, body in enumerate(objs, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, catalog, xref)
        return bytes(out)
