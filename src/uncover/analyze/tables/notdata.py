"""Grids that are not tables of data, whatever their rules and gaps say.

A release is full of aligned print that a table finder takes for a table. Measured on MuckRock
responses (bench/labels/tables/muckrock-detections.json), the commonest kinds are:

- a list of exemptions: the FBI release letter's tick boxes `(b)(1)`, `(b)(7)(C)`, `(k)(2)`, or
  its deleted-page sheet `Page 12 - b6 - 1; b7C - 1;`. Most cells cite an exemption. In a table
  of data redacted cells are a minority, so a grid whose cells mostly cite exemptions is a list
  of them, not data;
- a form: field labels ending in a colon beside their values;
- prose in boxes: a ruled box around a paragraph or around two addresses (a contact panel), or
  two columns of a page of prose. Most cells hold a sentence's worth of words; in a table of
  data at most a column of descriptions does.
"""

from __future__ import annotations

import re

from .model import Table
from .values import exemption_codes

SENTENCE_WORDS = 6  # a cell of this many words reads as prose
# a Privacy Act exemption `(k)(2)`, `(j)(2)`, `(d)(5)`, or a FOIA one as the deleted-page sheet
# prints it: `b6 - 1;`, `b7C - 2,-4;`
_OTHER_CITATION = re.compile(r"\(\s*[djkDJK]\s*\)\s*\(\s*\d\s*\)|(?<![\w])b\s?\d[A-F]?\s*-\s*\d")


def _filled(table: Table) -> list[str]:
    return [c.text for c in table.cells if c.text.strip()]


def lists_exemptions(table: Table) -> bool:
    """Most filled cells cite an exemption: the release letter's tick boxes or deleted-page sheet."""
    texts = _filled(table)
    return len(texts) >= 3 and sum(bool(exemption_codes(t) or _OTHER_CITATION.search(t)) for t in texts) >= 0.5 * len(texts)


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


def data_tables(tables: list[Table]) -> list[Table]:
    """The tables that hold data."""
    return [t for t in tables if not lists_exemptions(t) and not boxed_prose(t) and not form_fields(t)]
