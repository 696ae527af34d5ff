"""Where a withholding sits and what surrounds it: the words a Vaughn index uses to describe it.

A description says what kind of material was withheld, from what is visible around it, never from
what is under it: "the e-mail address in the From line of a message from Sullivan, Jacob J dated
October 12, 2012", "about 14 lines of the body of a message from ... to ... dated ...". On a PDF
page the visible text lines carry their positions (pypdfium2), so a box is placed against the
printed header block above it; a header line the box touches is never quoted (a failed redaction
leaves the withheld words in the text layer). On a page image with no positions, the description
falls back to the box's place on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..analyze.printed_headers import HeaderBlock, find_blocks, text_lines
from ..analyze.printed_values import clean_address, clean_names

LINE_HEIGHT = 0.0165  # one line of 11-12 pt text as a fraction of a letter page's height
FIELD_WORDS = {"from": "the sender's name or e-mail address in the From line",
               "to": "recipient names or e-mail addresses in the To line",
               "cc": "recipient names or e-mail addresses in the Cc line",
               "bcc": "recipient names or e-mail addresses in the Bcc line",
               "subject": "part of the subject line", "sent": "the date line",
               "attachments": "attachment names in the Attachments line"}


@dataclass
class PositionedLine:
    index: int  # the line's number in the page text (text_lines of that text)
    y0: float  # top and bottom as fractions of the page height (top-left origin)
    y1: float
    x0: float
    x1: float


@dataclass
class PageLayout:
    text: str  # the text layer, one line per printed line
    lines: dict[int, PositionedLine]  # by line index; lines with no printable character are absent


def pdf_layouts(path: Path, pages: set[int]) -> dict[int, PageLayout]:
    """Text lines with their positions for the chosen pages of a PDF (1-based); {} when not a PDF."""
    try:
        with open(path, "rb") as fh:
            if fh.read(5) != b"%PDF-":
                return {}
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - no layout: descriptions fall back to the box's place
        return {}
    out: dict[int, PageLayout] = {}
    try:
        for number in sorted(pages):
            if not 1 <= number <= len(pdf):
                continue
            page = pdf[number - 1]
            width, height = page.get_size()
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            text = raw.replace("\r\n", "\n").replace("\r", "\n")
            lines: dict[int, PositionedLine] = {}
            offset = 0  # position in `raw`
            for index, line in enumerate(raw.replace("\r\n", "\n").split("\n")):
                boxes = []
                for k, ch in enumerate(line):
                    if not ch.isspace():
                        try:
                            boxes.append(textpage.get_charbox(offset + k))
                        except Exception:  # noqa: BLE001 - a char without a box is skipped
                            continue
                if boxes:
                    left = min(b[0] for b in boxes)
                    right = max(b[2] for b in boxes)
                    bottom = min(b[1] for b in boxes)
                    top = max(b[3] for b in boxes)
                    lines[index] = PositionedLine(index, 1 - top / height, 1 - bottom / height, left / width,
                                                  right / width)
                offset += len(line) + (2 if raw[offset + len(line):offset + len(line) + 2] == "\r\n" else 1)
            out[number] = PageLayout(text, lines)
    finally:
        pdf.close()
    return out


def place(bbox: tuple[float, float, float, float]) -> str:
    """`upper third`, `middle`, `lower third`, `whole page` from a box's vertical extent."""
    y0, y1 = bbox[1], bbox[3]
    if y1 - y0 > 0.75:
        return "most of the page"
    middle = (y0 + y1) / 2
    where = "upper third" if middle < 1 / 3 else "middle third" if middle < 2 / 3 else "lower third"
    return f"{where} ({round(100 * y0)}-{round(100 * y1)}% down the page)"


def lines_covered(bbox: tuple[float, float, float, float]) -> int:
    return max(1, round((bbox[3] - bbox[1]) / LINE_HEIGHT))


def _touches(line: PositionedLine, boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(line.y0 < b[3] and line.y1 > b[1] and line.x1 > b[0] for b in boxes)


@dataclass
class Message:
    """The visible parts of the header block a withholding falls under."""

    sender: str | None
    recipients: str | None
    sent: str | None


def _message(block: HeaderBlock, layout: PageLayout | None, boxes: list[tuple[float, float, float, float]],
             lines: dict[str, int]) -> Message:
    def visible(key: str) -> bool:
        if layout is None or key not in lines:
            return key not in block.withheld
        line = layout.lines.get(lines[key])
        return line is None or not _touches(line, boxes)

    sender = clean_address(block.fields.get("from")) if visible("from") else None
    recipients = clean_names(block.fields.get("to")) if visible("to") else None
    sent = None
    if visible("sent"):
        sent = long_day(block.date.iso) if block.date is not None and block.date.iso else block.fields.get("sent")
    return Message(sender, recipients, sent)


def long_day(iso: str | None) -> str:
    """`2012-10-12T01:51:00` -> `October 12, 2012` (what a court reads); '' when there is none."""
    from datetime import date

    if not iso:
        return ""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day:%B} {day.day}, {day.year}"


def _field_lines(block: HeaderBlock, text: str) -> dict[str, int]:
    """field -> the line its label is printed on."""
    from ..analyze.printed_headers import read_label

    out: dict[str, int] = {}
    for line in text_lines(text)[block.first_line:block.end_line]:
        label = read_label(line.clean) if line.clean else None
        if label is not None and label.name not in out:
            out[label.name] = line.index
    return out


def describe(bbox: tuple[float, float, float, float], page_boxes: list[tuple[float, float, float, float]],
             page_text: str, layout: PageLayout | None, fallback: Message | None) -> tuple[str, str]:
    """(location, description) of one withholding: a group of boxes whose extent is `bbox`."""
    location = place(bbox)
    text = layout.text if layout is not None else page_text
    blocks = find_blocks(text) if text.strip() else []
    if layout is not None and blocks:
        above: HeaderBlock | None = None
        for block in blocks:
            fields = _field_lines(block, text)
            positioned = [layout.lines[i] for i in fields.values() if i in layout.lines]
            if not positioned:
                continue
            top, bottom = min(p.y0 for p in positioned), max(p.y1 for p in positioned)
            if bbox[1] < bottom and bbox[3] > top:  # the box sits inside the header block
                hit = [name for name, i in fields.items() if i in layout.lines and
                       _touches(layout.lines[i], [bbox])]
                message = _message(block, layout, page_boxes, fields)
                what = " and ".join(FIELD_WORDS.get(h, f"the {h} line") for h in hit) or "part of the message header"
                return location, f"{what} of {_about(message)}"
            if top <= bbox[1] + 0.005:
                above = block
        if above is not None:
            message = _message(above, layout, page_boxes, _field_lines(above, text))
            return location, f"{_amount(bbox)} of the body of {_about(message)}"
    if fallback is not None:
        return location, f"{_amount(bbox)} of {_about(fallback)}"
    return location, f"{_amount(bbox)} of text"


def _amount(bbox: tuple[float, float, float, float]) -> str:
    n = lines_covered(bbox)
    if n == 1:
        width = bbox[2] - bbox[0]
        return "part of one line" if width < 0.6 else "one line"
    return f"about {n} lines"


def _about(message: Message) -> str:
    words = "a message"
    if message.sender:
        words += f" from {message.sender}"
    if message.recipients:
        words += f" to {message.recipients}"
    if message.sent:
        words += f" dated {message.sent}"
    return words
