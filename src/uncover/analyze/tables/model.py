"""What a table on a released page becomes: a grid of cells that keep where they were printed.

A cell's `text` is what is printed in it (footnote marks kept apart in `marks`); `value` is the
number it states, when it states one; a redacted cell has `redacted` set and `value` None, so no
export can turn a black box into a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points of the (turned) page


@dataclass
class Cell:
    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    marks: str = ""  # footnote marks printed with the value (*, †, raised digits)
    value: float | None = None  # the number the cell states, None when it states none
    redacted: bool = False
    exemption: str | None = None  # the exemption printed on or beside the redaction, e.g. (b)(6)
    page: int = 1  # 1-based page of the document the cell is printed on
    bbox: BBox | None = None

    @property
    def display(self) -> str:
        """The cell as a reader sees it: text then its footnote marks."""
        return self.text + self.marks


@dataclass
class Table:
    """One table; `pages` lists every page it runs over when it continues across page breaks."""

    pages: list[int]
    bbox: BBox  # on the first page
    method: str  # "ruled", "stream", "ocr-ruled", "ocr-stream"
    n_rows: int = 0
    n_cols: int = 0
    cells: list[Cell] = field(default_factory=list)
    title: str = ""  # a caption printed inside the frame above the grid
    notes: str = ""  # notes printed inside the frame under the grid
    turned: int = 0  # degrees the page was turned to read the table upright
    bboxes: dict[int, BBox] = field(default_factory=dict)  # page -> bbox of the part on that page

    @property
    def page(self) -> int:
        return self.pages[0]

    def grid(self) -> list[list[str]]:
        """Display text by position; positions covered by a merged cell are empty."""
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row][c.col] = c.display
        return out

    def cell_at(self, row: int, col: int) -> Cell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None

    def words(self) -> str:
        """All cell text, for search; what a redaction box covers is left out (a failed
        redaction is reported by the withholdings analysis, not found by a table search)."""
        cells = sorted((c for c in self.cells if not c.redacted), key=lambda c: (c.row, c.col))
        parts = [self.title] + [c.display for c in cells] + [self.notes]
        return " ".join(p for p in parts if p)
