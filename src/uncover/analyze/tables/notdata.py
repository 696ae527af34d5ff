"""Grids that are not tables of data, whatever their rules and gaps say.

A release is full of aligned print that a table finder takes for a table. Measured on MuckRock
responses (bench/labels/tables/muckrock-detections.json), the commonest kinds are:

- a list of exemptions: the FBI release letter's tick boxes `(b)(1)`, `(b)(7)(C)`, `(k)(2)`.
  Most cells, in several columns, cite an exemption. In a table of data redacted cells are a
  minority, or one column, so such a grid is a list of exemptions, not data;
- a numbered list: lines that begin `Page 215`, `Page 216` (the FBI's deleted-page sheet);
- a form: field labels ending in a colon beside their values;
- prose in boxes: a ruled box around a paragraph or around two addresses (a contact panel), or
  two columns of a page of prose. Most cells hold a sentence's worth of words; in a table of
  data at most a column of descriptions does.
"""

from __future__ import annotations

import re

from .model import Table

SENTENCE_WORDS = 6  # a cell of this many words reads as prose
# an exemption cited anywhere in a cell: FOIA `(b)(7)(C)`, Privacy Act `(k)(2)`, `(j)(2)`,
# `(d)(5)`, or as the deleted-page sheet and margin stamps print it: `b6`, `b7C - 2,-4;`
_CITATION = re.compile(r"\(\s*[bdjkBDJK]\s*\)\s*\(\s*\d\s*\)|(?<![\w])[bB]\d[A-Fa-f]?(?![\w])")


def _filled(table: Table) -> list[str]:
    return [c.text for c in table.cells if c.text.strip()]


def lists_exemptions(table: Table) -> bool:
    """Most filled cells cite an exemption, in more than one column: the release letter's tick
    boxes. A table of data whose one column of names is redacted `(b)(6)` cites in one column."""
    cells = [c for c in table.cells if c.text.strip()]
    citing = [c for c in cells if _CITATION.search(c.text)]
    return len(cells) >= 3 and len(citing) > 0.5 * len(cells) and len({c.col for c in citing}) >= 2


def boxed_prose(table: Table) -> bool:
    """Most filled cells are sentences: a paragraph or address panel in a box, prose in columns."""
    texts = _filled(table)
    return bool(texts) and sum(len(t.split()) >= SENTENCE_WORDS for t in texts) >= 0.5 * len(texts)


def form_fields(table: Table) -> bool:
    """A third of the filled cells are field labels (`Case ID #:`, `Submitting Office:`): a form
    or a memo's routing block, whose values stand beside their labels; a table's labels head
    its columns, in one row."""
    texts = _filled(table)
    return len(texts) >= 3 and sum(t.rstrip().endswith(":") for t in texts) >= len(texts) / 3


def numbered_lines(table: Table) -> bool:
    """Lines that begin with one word and a running number (`Page 215`, `Page 216`, ...): a
    list, such as the FBI's deleted-page sheet, whose lines a whitespace reader cut at gaps."""
    if table.n_cols < 2 or table.n_rows < 3:
        return False
    rows = [{c.col: c.text.strip() for c in table.cells if c.row == r} for r in range(table.n_rows)]
    first, second = [row.get(0, "") for row in rows], [row.get(1, "") for row in rows]
    if len(set(first)) != 1 or not first[0] or not all(v.isdigit() for v in second):
        return False
    numbers = [int(v) for v in second]
    return all(b > a for a, b in zip(numbers, numbers[1:], strict=False))


def data_tables(tables: list[Table]) -> list[Table]:
    """The tables that hold data."""
    return [t for t in tables if not (lists_exemptions(t) or boxed_prose(t) or form_fields(t) or numbered_lines(t))]
