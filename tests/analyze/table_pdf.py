"""A ruled statistical table drawn into a PDF for the tables tests, with what a reader sees:
thousands separators, a negative in parentheses, a raised footnote mark, a value under a black
box with the exemption printed beside it in the cell, and a box with nothing printed."""

from __future__ import annotations

from rawpdf import PAGE_HEIGHT, RawPdf

COLUMNS = (72, 200, 300, 400, 520)
TOP = 700
ROW = 20
ROWS = [
    ["County", "Detainers", "Change", "Releases"],
    ["Cook", "1,234", "(56)", "310"],
    ["Harris", "12,345", "78", "1,002"],
    ["Maricopa", "(b)(6)", "15", "98"],
    ["Dallas", "9,870", "12", "BOX"],
    ["Total", "23,449", "49", "1,410"],
]
MARKED = (2, 1)  # `12,345` carries a raised `*`
BOXED = [(4, 1), (4, 3), (3, 1)]  # black boxes: over 9,870 (left readable beneath), over an empty cell, beside (b)(6)


def _text(x: float, y: float, text: str, size: float = 10) -> bytes:
    return b"BT /F1 %g Tf %g %g Td (%s) Tj ET " % (size, x, y, text.encode())


def table_page(pdf: RawPdf) -> None:
    ops = bytearray(b"0.5 w 0 G ")
    bottom = TOP - ROW * len(ROWS)
    for k in range(len(ROWS) + 1):
        y = TOP - k * ROW
        ops += b"%g %g m %g %g l S " % (COLUMNS[0], y, COLUMNS[-1], y)
    for x in COLUMNS:
        ops += b"%g %g m %g %g l S " % (x, TOP, x, bottom)
    ops += _text(72, TOP + 30, "Detainers by county, fiscal year 2012", 12)
    for r, row in enumerate(ROWS):
        y = TOP - (r + 1) * ROW + 6
        for c, value in enumerate(row):
            if value == "BOX":
                continue
            if c == 1 and (r, c) == (3, 1):
                ops += _text(COLUMNS[c] + 40, y, value)
                continue
            ops += _text(COLUMNS[c] + 4, y, value)
            if (r, c) == MARKED:
                ops += _text(COLUMNS[c] + 4 + 6.2 * len(value), y + 4, "*", 6)
    for r, c in BOXED:
        y = TOP - (r + 1) * ROW + 3
        width = 34 if (r, c) == (3, 1) else 60
        ops += b"0 g %g %g %g 14 re f " % (COLUMNS[c] + 3, y, width)
    ops += _text(72, bottom - 20, "* includes transfers from other counties", 8)
    pdf.page(bytes(ops))


def table_pdf() -> bytes:
    pdf = RawPdf()
    table_page(pdf)
    return pdf.bytes()


assert PAGE_HEIGHT > TOP
