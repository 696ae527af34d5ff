"""A published document's tables, for the reading room: each as rows of text a reader may
download as CSV, with its citation.

Only what the room already publishes crosses: a cell's text is kept when the published (visible,
masked) text of its page shows it; a cell whose text the page does not publish (text hidden under
a box, masked personal data) becomes `[not published]`, and a redacted cell `[REDACTED (b)(6)]`,
never a number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from ..store.tables import StoredTable

NOT_PUBLISHED = "[not published]"


@dataclass(frozen=True)
class PublishedTable:
    position: int
    pages: tuple[int, ...]
    title: str
    citation: str
    rows: tuple[tuple[str, ...], ...]
    redacted: int

    @property
    def csv_name(self) -> str:
        return f"t{self.position}.csv"


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def published_table(stored: StoredTable, label: str, title: str, day: str | None,
                    page_texts: Mapping[int, str]) -> PublishedTable:
    from ..report.tables import redacted_text, rows_of

    squashed = {n: _squash(t) for n, t in page_texts.items()}
    t = stored.table

    def shown(text: str, page: int) -> bool:
        return not text.strip() or _squash(text) in squashed.get(page, "")

    rows = []
    for row in rows_of(t):
        out = []
        for cell in row:
            if cell is None:
                out.append("")
            elif cell.redacted:
                out.append(redacted_text(cell))
            else:
                out.append(cell.display if shown(cell.display, cell.page) else NOT_PUBLISHED)
        rows.append(tuple(out))
    table_title = t.title if shown(t.title, t.pages[0]) else ""
    pages = f"page {t.pages[0]}" if len(t.pages) == 1 else f"pages {t.pages[0]}-{t.pages[-1]}"
    cite = " · ".join(p for p in (f"{label}, {pages}, table {stored.position}", table_title, title, day or "") if p)
    return PublishedTable(stored.position, tuple(t.pages), table_title, cite, tuple(rows),
                          sum(c.redacted for c in t.cells))
