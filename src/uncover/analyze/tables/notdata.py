"""Grids that are not tables of data, whatever their rules and gaps say.

A release is full of aligned print that a table finder takes for a table. Measured on MuckRock
responses (bench/labels/tables/muckrock/detections.json), the commonest kinds are:

- a list of exemptions: the FBI release letter's tick boxes `(b)(1)`, `(b)(7)(C)`, `(k)(2)`.
  Most cells, in several columns, cite an exemption. In a table of data redacted cells are a
  minority, or one column, so such a grid is a list of exemptions, not data;
- a numbered list: lines that begin `Page 215`, `Page 216` (the FBI's deleted-page sheet);
- a form: field labels ending in a colon beside their values, or before them in one cell
  (`To: John`, an e-mail header), a memo's `To` / `From` / `Subject` down one column, tick
  boxes (`[X] Airtel`, or as OCR reads an empty box: `0 Albany`, `u} Omaha`), a ruled form
  whose boxes are of every size, the file room's stamp (`SEARCHED INDEXED SERIALIZED FILED`);
- prose: a ruled box around a paragraph or around two addresses (a contact panel), two columns
  of a page of prose, lines of a sentence cut at a gap (`copies will be forwarded to`), an
  address block beside a letterhead. Most cells hold a sentence's worth of words, or most of a
  column's begin in lower case; in a table of data at most a column of descriptions does;
- a few words side by side: a grid OCR'd words make by their gaps alone in which fewer than
  three lines hold two cells or more (a signature block, a form's footer).

A grid is judged without the exemptions the FBI prints in the margin beside a withheld passage
(`b6 -1`, `b7C -1,-2 Per FBI`), which OCR reads as a column at its edge: they are the release's
marks, not the grid's. Measured on the FBI e-mail files of the MuckRock set, they hid memo
headers and signature blocks from every rule here.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..exemptions import CLAIM_THRESHOLD, find_exemption_marks
from .model import Table
from .values import parse_number

SENTENCE_WORDS = 6  # a cell of this many words reads as prose
# an exemption cited anywhere in a cell: FOIA `(b)(7)(C)`, Privacy Act `(k)(2)`, `(j)(2)`,
# `(d)(5)`, or as the deleted-page sheet and margin stamps print it: `b6`, `b7C - 2,-4;`
_CITATION = re.compile(r"\(\s*[bdjkBDJK]\s*\)\s*\(\s*\d\s*\)|(?<![\w])[bB]\d[A-Fa-f]?(?![\w])")


def _filled(table: Table) -> list[str]:
    return [c.text for c in table.cells if c.text.strip()]


_RATIO = re.compile(r"^\d[\d,.]*\s*/\s*\d[\d,.]*$")  # `25/30`: a count out of a count


def _figure(text: str) -> bool:
    return parse_number(text) is not None or bool(_RATIO.match(text.strip()))


def has_figure_column(table: Table) -> bool:
    """Some column is mostly figures (two at least): counts, amounts, percentages, ratios. A
    table whose labels wrap over lines, or whose rules merge its cells, still states them."""
    for col in range(table.n_cols):
        texts = [c.text for c in table.cells if c.col == col and c.text.strip()]
        figures = sum(_figure(t) for t in texts)
        if figures >= 2 and figures >= 0.5 * len(texts):
            return True
    return False


def lists_exemptions(table: Table) -> bool:
    """Most filled cells cite an exemption, in more than one column: the release letter's tick
    boxes (a box of two ticked ones holds nothing else). A table of data whose one column of
    names is redacted `(b)(6)` cites in one column."""
    cells = [c for c in table.cells if c.text.strip()]
    citing = [c for c in cells if _CITATION.search(c.text)]
    if len({c.col for c in citing}) < 2:
        return False
    return len(cells) >= 3 and len(citing) > 0.5 * len(cells) or len(citing) == len(cells)


def boxed_prose(table: Table) -> bool:
    """Most filled cells are sentences: a paragraph or address panel in a box, prose in columns."""
    texts = _filled(table)
    return bool(texts) and sum(len(t.split()) >= SENTENCE_WORDS for t in texts) >= 0.5 * len(texts)


_FIELD_LABEL = re.compile(r"^[A-Za-z][\w#./ ]{0,24}:\s")  # `Case ID #: 282A-...`, `To: John ...`
_TICK_BOX = re.compile(r"^(?:\[.?\]?|[A-Z]{0,2}\]|[☐☑☒□■])\s")  # `[] Teletype`, `[X] AIRTEL`, OCR'd `KX] `, `CL] `


def form_fields(table: Table) -> bool:
    """A third of the filled cells are field labels (`Case ID #:`, `Submitting Office:`), alone
    or with the value that follows them in the same cell (`To: John Ohare`), or tick boxes
    (`[X] Airtel`): a form, a memo's routing block, an e-mail header, whose values stand beside
    their labels; a table's labels head its columns, in one row."""
    texts = [t.strip() for t in _filled(table)]
    fields = sum(t.endswith(":") or bool(_FIELD_LABEL.match(t)) or bool(_TICK_BOX.match(t)) for t in texts)
    return len(texts) >= 3 and fields >= len(texts) / 3


PHRASE_WORDS, PHRASE_LETTERS = 3, 12  # a phrase of running text, not OCR's noise (`mie Ss`) nor a unit
_LOWER_START = re.compile(r"^[^A-Za-z0-9\[(]*[a-z]")  # after quotes and dashes, not inside brackets


def running_prose(table: Table) -> bool:
    """A column in which most cells are phrases that begin in lower case (`copies will be
    forwarded to`, `that the group's report was an`), each line its own: lines of running text
    cut at a gap (prose in newspaper columns, a sentence around a redaction box). A cell of a
    table starts its own phrase, and may repeat (`[date of the Agreement]`); a unit (`mg`) or the
    letters OCR makes of a script it cannot read (`mie Ss`) are no phrase. Exemption codes are
    left out. A column of figures beside them makes them a table's wrapped labels."""
    if has_figure_column(table):
        return False
    for col in range(table.n_cols):
        texts = [c.text.strip() for c in table.cells if c.col == col and c.colspan == 1
                 and any(ch.isalpha() for ch in c.text) and not _CITATION.search(c.text)]
        lower = [t for t in texts if _LOWER_START.match(t) and len(t.split()) >= PHRASE_WORDS
                 and sum(ch.isalpha() for ch in t) >= PHRASE_LETTERS]
        if len(set(lower)) >= 2 and len(lower) > 0.5 * len(texts):
            return True
    return False


_FILE_STAMP = {"SEARCHED", "INDEXED", "SERIALIZED", "FILED"}


def file_stamp(table: Table) -> bool:
    """The FBI file room's stamp (`SEARCHED INDEXED / SERIALIZED FILED`), whose boxes and
    words read as a small grid."""
    words = {w.strip(".,_-—=&").upper() for t in _filled(table) for w in re.split(r"[\s_\-—=&.]+", t)}
    return len(words & _FILE_STAMP) >= 3


def form_boxes(table: Table) -> bool:
    """Most filled boxes of a ruled grid span several columns or rows, and no column states
    figures: a form's boxes of all sizes (a return of service, a receipt), not a table, whose
    body is a regular grid of cells (or, when its rules do not line up, of merged cells holding
    figures)."""
    if not table.method.endswith("ruled") or has_figure_column(table):
        return False
    filled = [c for c in table.cells if c.text.strip()]
    merged = [c for c in filled if c.rowspan > 1 or c.colspan > 1]
    return len(filled) >= 4 and len(merged) > 0.5 * len(filled)


_FIELD_NAME = re.compile(r"\b(?:date|name|title|signature|address|place|telephone|phone)\W*$", re.IGNORECASE)
FIELD_ROWS = 3


def field_names(table: Table) -> bool:
    """Boxes that end in a field's name (`DATE`, `SERVED ON (PRINT NAME)`, `ADDRESS OF SERVER`)
    with a blank after them, on FIELD_ROWS lines or more and in more than one column, and no
    column of figures: a form's labels beside blanks (a return of service), whose values were
    written by hand or withheld. A table names its fields once, in its header row; a list of
    fields (a data dictionary) names one a line, its type and meaning filled in beside it."""
    if has_figure_column(table):
        return False
    filled = {(c.row, c.col) for c in table.cells if c.text.strip()}
    named = [c for c in table.cells if len(c.text.split()) <= 5 and _FIELD_NAME.search(c.text)
             and (c.row, c.col + c.colspan) not in filled]
    return len({c.row for c in named}) >= FIELD_ROWS and len({c.col for c in named}) >= 2


_MARK = re.compile(r"^[\W_]*\w?[\W_]*$")  # `x`, `X`, `✓`, `/`, a rule's remnant: a tick, not a value
CHECKLIST_ROWS = 4
TICK_WIDTH = 28.0  # points: a column of tick boxes is a box wide; an empty column of notes is wider


def checklist(table: Table) -> bool:
    """A ruled grid with a narrow column of tick boxes, blank or ticked (`x`), beside columns of
    labels, and no column of figures: a routing slip (`Action`, `For Clearance`, `See Me`), a
    form's checklist. A table of data fills its columns with values; one printed empty under
    its head beside figures, or a roster's wide column left blank for notes, stays a table."""
    if not table.method.endswith("ruled") or table.n_rows < CHECKLIST_ROWS or has_figure_column(table):
        return False
    texts: dict[int, list[str]] = {}
    narrow: dict[int, bool] = {}
    for c in table.cells:
        if c.colspan == 1:
            texts.setdefault(c.col, []).append(c.text.strip())
            narrow[c.col] = narrow.get(c.col, True) and c.bbox is not None and c.bbox[2] - c.bbox[0] <= TICK_WIDTH
    ticks = [col for col, column in texts.items() if narrow[col] and len(column) >= CHECKLIST_ROWS
             and all(_MARK.match(t) for t in column)]
    labels = [col for col, column in texts.items() if col not in ticks
              and sum(any(ch.isalpha() for ch in t) for t in column) >= 0.5 * table.n_rows]
    return bool(ticks) and len(labels) >= 2


_CITY_LINE = re.compile(r"[A-Za-z.],?\s+[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?$")  # `Chicago, IL 60675-1515`
ADDRESS_LINES = 5


def address_block(table: Table) -> bool:
    """A few lines side by side, one of them a city, state and ZIP code: an address block (a
    letterhead beside a remit-to address, an inside address beside a sender's), which a
    whitespace reader cuts at the gap between the two. A list of sites with their addresses runs
    longer, one site a row, or states a figure for them (beds, cases)."""
    texts = _filled(table)
    return (table.n_rows <= ADDRESS_LINES and any(_CITY_LINE.search(t.strip()) for t in texts)
            and not any(parse_number(t) is not None for t in texts))


def numbered_lines(table: Table) -> bool:
    """Lines that begin with one word and a running number (`Page 215`, `Page 216`, ...): a
    list, such as the FBI's deleted-page sheet, whose lines a whitespace reader cut at gaps."""
    if table.n_cols < 2 or table.n_rows < 3:
        return False
    rows = [{c.col: c.text.strip() for c in table.cells if c.row == r} for r in range(table.n_rows)]
    rows = [row for row in rows if row.get(0) or row.get(1)]  # a line's overflow below it starts no entry
    if len(rows) < 3:
        return False
    first, second = [row.get(0, "") for row in rows], [row.get(1, "") for row in rows]
    if len(set(first)) != 1 or not first[0] or not all(v.isdigit() for v in second):
        return False
    numbers = [int(v) for v in second]
    return all(b > a for a, b in zip(numbers, numbers[1:], strict=False))


_AGENCY_NOTE = re.compile(r"\bPer\s+[A-Z]{2,5}\b")  # `Per FBI`, `Per DOJ`: whose exemption it is


def _margin_code(text: str) -> bool:
    """Nothing but FBI-style codes, as the exemption detector reads them (`b6 -1`, `b7C -1,-2`,
    OCR's `bIC -1`), and agencies' notes (`Per FBI`). `(b)(6)` is a citation in brackets: what a
    redacted cell of a table prints, not the margin."""
    marks = [m for m in find_exemption_marks(text) if m.confidence >= CLAIM_THRESHOLD and not m.text.startswith("(")]
    rest = text
    for mark in sorted(marks, key=lambda m: -m.start):
        rest = rest[:mark.start] + " " + rest[mark.end:]
    left = _AGENCY_NOTE.sub(" ", rest)
    return (bool(marks) or left != rest) and not any(ch.isalnum() for ch in left)


def without_margin_codes(table: Table) -> Table:
    """The grid without the columns at its edges that hold nothing but the FBI's margin codes
    (`b6 -1`, `Per FBI`; see the module doc). A table of data whose column of names is redacted
    prints `(b)(6)` in each cell: a citation in brackets, kept."""
    filled = [c for c in table.cells if c.text.strip()]
    cols = sorted({c.col for c in filled})
    dropped: set[int] = set()
    for order in (cols, cols[::-1]):
        for col in order[:-1]:
            if not all(_margin_code(c.text) for c in filled if c.col == col):
                break
            dropped.add(col)
    if not dropped or len(dropped) == len(cols):
        return table
    return replace(table, cells=[c for c in table.cells if c.col not in dropped])


_MEMO_FIELDS = {"to", "from", "subject", "date", "re", "cc", "bcc", "attn", "contact", "approved by", "sent",
                "drafted by", "prepared by", "through", "thru", "via"}


def memo_header(table: Table) -> bool:
    """Two of a memo's field names (`To`, `From`, `Subject`, `Contact`) down one column, with or
    without the colon OCR often loses: a memo's or teletype's header. A table that lists
    messages names them once, in its header row."""
    for col in range(table.n_cols):
        names = {c.text.strip().rstrip(":;.").strip().lower() for c in table.cells if c.col == col}
        if len(names & _MEMO_FIELDS) >= 2:
            return True
    return False


_OCR_TICK = re.compile(r"^(?=\S{0,2}[^\w\s$%€£#.,-]|[0OoQ]\s|[a-zA-Z]{1,2}\s)\S{1,3}\s+[A-Z]")  # `u} Omaha`, `0 Albany`
TICKED_CELLS = 8


def ticked_list(table: Table) -> bool:
    """Most filled cells begin with what OCR makes of an empty tick box (`0`, `Q`, `u}`, `(3`,
    `tJ`) before a name: a form's checklist of offices or document types, many to a line. A
    table's cells begin with their value. Only OCR reads a box so; a text layer's `= ` is print."""
    texts = [t.strip() for t in _filled(table)]
    return table.method.startswith("ocr") and len(texts) >= TICKED_CELLS and sum(bool(_OCR_TICK.match(t)) for t in texts) >= 0.6 * len(texts)


STREAM_LINES = 3


def few_lines(table: Table) -> bool:
    """A grid OCR'd words make by their gaps alone (no rules) in which fewer than STREAM_LINES
    lines hold two cells or more: a signature block (`CLERK  DATE`), a form's footer, words
    beside a redaction. Three lines (a header and two rows) is the least such a table shows; a
    text layer's exact positions make a two-line schedule a table, and rules a grid of any size."""
    if table.method != "ocr-stream":
        return False
    lines = sum(sum(1 for c in table.cells if c.row == row and c.text.strip()) >= 2 for row in range(table.n_rows))
    return lines < STREAM_LINES


def holds_no_data(table: Table) -> bool:
    """Whether any rule here says the grid is not a table of data."""
    core = without_margin_codes(table)  # a list of exemptions is judged on its codes, margin or not
    return (lists_exemptions(table) or boxed_prose(core) or form_fields(core) or numbered_lines(core)
            or running_prose(core) or file_stamp(core) or form_boxes(core) or address_block(core)
            or memo_header(core) or ticked_list(core) or few_lines(core) or field_names(core) or checklist(core))


def data_tables(tables: list[Table]) -> list[Table]:
    """The tables that hold data."""
    return [t for t in tables if not holds_no_data(t)]
