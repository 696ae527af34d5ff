"""E-mail headers printed on the page, read back as metadata.

Agencies release e-mail printed to PDF or scanned: the metadata is on the page, not in the file.
This module finds every printed header block in a text (text layer or OCR) and reads its fields:

- Outlook: `From: / Sent: / To: / Cc: / Subject: / Attachments:`, one field a line, also below an
  `-----Original Message-----` line, in any order (BlackBerry prints `Sent:` after `Cc:`);
- the same printed as two columns, which text extraction returns as a run of labels followed by
  a run of values (`From: / Sent: / To: / Subject:` then `H <...> / Friday, March 11, 2011 ...`):
  values are placed by what they look like (a date, a list of names, file names), never by count;
- Lotus Notes: `Name/ORG@ORG` (or `"Name" <addr> on DATE`) and a date above `To: / cc: / Subject:`,
  with no `From:`;
- cover memos: `TO: / FROM: / DATE: / RE:` (only at the top of a document).

Gmail's `On <date>, <name> wrote:` line is read by `attribution` for quoted text (segments.py).

Labels survive OCR damage (`Prom:`, `Sent;`, `Subject` without its colon, `To HRC`), but a label
without a colon counts only inside a block that has proper ones, so body text starting "To be
clear" is never a header. Page furniture (State's page header, release stamps, exemption codes
in the margin) is masked first, keeping character offsets, so every block knows where it is.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .normalize import mask_furniture
from .printed_dates import PrintedDate, dateish, looks_like_date, numeric_order_cue, parse_printed_date
from .printed_values import (
    ColumnLine,
    assign_columns,
    attachment_fit,
    clean_address,
    clean_names,
    clean_subject,
    is_codes,
    recipient_fit,
    subject_key,
    subject_wraps,
)

# label as printed (lower case) -> field
_LABEL_NAMES = {
    "from": "from", "prom": "from", "frorn": "from", "fram": "from", "fiom": "from",
    "sent": "sent", "date": "sent", "to": "to", "cc": "cc", "bcc": "bcc",
    "subject": "subject", "subj": "subject", "re": "subject",
    "attachments": "attachments", "attachment": "attachments",
    "importance": "other", "sensitivity": "other", "priority": "other", "sent by": "other",
    "reply-to": "other", "reply to": "other", "follow up flag": "other", "flag status": "other",
    "categories": "other", "please respond to": "other",
}
CORE = ("from", "sent", "to", "cc", "bcc", "subject", "attachments")
_LABEL = re.compile(
    r"^(?P<label>from|prom|frorn|fram|fiom|sent by|sent|date|to|cc|bcc|subject|subj|re|attachments?|importance|"
    r"sensitivity|priority|reply[- ]to|follow up flag|flag status|categories|please respond to)"
    r"(?P<sep>[ \t]*[:;=]|(?=[ \t]{2,}\S)|[ \t]*$|(?=[ \t]\S))[ \t]*(?P<value>.*)$",
    re.IGNORECASE,
)
_SECOND_LABEL = re.compile(r"[ \t]{3,}(?=(?:From|Sent|Date|To|Cc|Subject|SUBJECT|DATE|FROM|TO)[ \t]*:)")
_LEADING_CODES = re.compile(r"^(?:\(?[Bb8][1-9](?:\([A-Fa-f]\))?\)?[ \t,]+)+(?=[A-Za-z])")
SEPARATOR = re.compile(
    r"^[ \t>]*(?:-{2,}[ \t,]*|_{2,}[ \t]*|—+[ \t]*)?(?:Original Message|Forwarded message|Forwarded by .*|Reply message|"
    r"Inline attachment follows|"
    r"Message d'origine|Ursprüngliche Nachricht|Begin forwarded message:?)[ \t]*[-—_ ]*$|^[ \t>]*_{10,}[ \t]*$|^[ \t>]*-{10,}[ \t]*$",
    re.IGNORECASE,
)
_ON_WROTE = re.compile(
    r"^(?:-{2,}[ \t]*)?(?:On|Am|Le|El|Op|Il|Em)\b(?P<body>.{0,300}?)[ \t]*(?:wrote|schrieb|a écrit|escribió|schreef|ha scritto|escreveu)[ \t]*:[ \t]*$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class TextLine:
    index: int
    start: int  # offset of the line in the text
    end: int
    raw: str
    clean: str  # furniture masked, '>' marks and leading margin codes removed, trimmed
    depth: int  # '>' quoting depth


def text_lines(text: str) -> list[TextLine]:
    masked = mask_furniture(text)
    lines: list[TextLine] = []
    pos = 0
    for i, raw in enumerate(masked.split("\n")):
        start, end = pos, pos + len(raw)
        pos = end + 1
        body = raw.lstrip(" \t")
        depth = 0
        while body.startswith(">"):
            depth += 1
            body = body[1:].lstrip(" \t")
        clean = _LEADING_CODES.sub("", body.rstrip().lstrip("•·▪●■◦*.,`").lstrip()).replace("\f", "")
        if len(clean) <= 2 and not clean.isalnum():
            clean = ""  # OCR specks beside a block: ",", "._", "•"
        lines.append(TextLine(i, start, end, text[start:end], clean, depth))
    return lines


@dataclass
class Label:
    name: str  # from, sent, to, cc, bcc, subject, attachments, other
    value: str
    strong: bool  # a colon (or layout spacing) after the label
    printed: str


_WORD_COLON = re.compile(r"^(?P<label>[A-Za-z]{3,11})(?P<sep>[ \t]*[:;]|(?=[ \t]))[ \t]*(?P<value>.*)$")
_FUZZY = {"from": "from", "sent": "sent", "subject": "subject", "attachments": "attachments", "date": "sent"}


def read_label(line: str) -> Label | None:
    """The label a line starts with (OCR damage allowed), or None."""
    m = _LABEL.match(line)
    if not m:
        return _fuzzy_label(line)
    printed = m["label"]
    name = _LABEL_NAMES[re.sub(r"[ \t]+", " ", printed.lower())]
    sep = m["sep"] or ""
    strong = bool(sep.strip()) or (m["value"] != "" and sep == "" and line[m.end("label"):].startswith(("  ", "\t")))
    if printed.lower() == "re" and not (printed == "RE" and ":" in sep):
        return None  # "Re: ..." at a line start is a subject being quoted, not a memo label
    if name == "sent" and not strong and m["value"] and not dateish(m["value"]):
        return None
    return Label(name, m["value"].strip(), strong, printed)


def _fuzzy_label(line: str) -> Label | None:
    """`Sant:`, `Subjoct FW: ...`: a label OCR damaged by a letter."""
    m = _WORD_COLON.match(line)
    if not m:
        return None
    word, colon = m["label"].lower(), bool(m["sep"].strip())
    if not colon and len(word) < 5:
        return None
    name = _fuzzy_name(word, colon)
    if name is None:
        return None
    if name == "sent" and not dateish(m["value"]) and m["value"]:
        return None
    return Label(name, m["value"].strip(), colon, m["label"])


@lru_cache(maxsize=4096)
def _fuzzy_name(word: str, colon: bool) -> str | None:
    close = difflib.get_close_matches(word, _FUZZY, n=1, cutoff=0.75 if colon else 0.8)
    return _FUZZY[close[0]] if close else None


def _unknown_label(line: str) -> bool:
    """A short word and a colon inside a block (`Tut:` for `To:`): skipped, not the block's end."""
    m = _WORD_COLON.match(line)
    return bool(m and m["sep"].strip() and len(m["label"]) <= 4)


@dataclass
class HeaderBlock:
    """One printed header: its fields as printed, where it is, and how it was read."""

    style: str  # outlook, columns, lotus, memo
    fields: dict[str, str]  # from, sent, to, cc, bcc, subject, attachments: values as printed
    first_line: int
    end_line: int  # the line after the block (its values included)
    start: int  # character offsets in the text
    end: int
    labels: list[str] = field(default_factory=list)  # the fields whose label was printed, in order
    withheld: dict[str, str] = field(default_factory=dict)  # field -> the exemption codes printed instead
    weak_labels: int = 0
    skipped: list[int] = field(default_factory=list)  # lines inside the block that are body text
    separator: str | None = None  # "-----Original Message-----" above it
    date: PrintedDate | None = None

    @property
    def sender(self) -> str | None:
        return clean_address(self.fields.get("from"))

    @property
    def subject(self) -> str | None:
        return clean_subject(self.fields.get("subject"))

    def names(self, key: str) -> str | None:
        return clean_names(self.fields.get(key))

    @property
    def confidence(self) -> float:
        base = {"outlook": 0.95, "columns": 0.85, "lotus": 0.8, "memo": 0.8}.get(self.style, 0.7)
        return round(max(0.3, base - 0.05 * self.weak_labels), 2)


_MAYBE_LABEL = re.compile(r"[A-Za-z ]{2,17}[ \t]*[:;=]|(?:from|prom|sent|to|subj|attach)\w*\b", re.IGNORECASE)


def find_blocks(text: str, lines: list[TextLine] | None = None, *, most: int | None = None) -> list[HeaderBlock]:
    """Every printed header block in the text (the first `most` of them), in order."""
    lines = lines if lines is not None else text_lines(text)
    known_subjects = _subjects(lines)
    order = numeric_order_cue([ln.clean for ln in lines if "/" in ln.clean])
    full = full_width(lines)
    blocks: list[HeaderBlock] = []
    i = 0
    while i < len(lines) and (most is None or len(blocks) < most):
        if not _MAYBE_LABEL.match(lines[i].clean):
            i += 1
            continue
        block = _block_at(lines, i, known_subjects, full)
        if block is None:
            i += 1
            continue
        sent = block.fields.get("sent")
        if sent:
            block.date = parse_printed_date(sent, order)
        _separator_above(lines, block)
        blocks.append(block)
        i = max(block.end_line, i + 1)
    return blocks


def _subjects(lines: list[TextLine]) -> dict[str, set[int]]:
    """Keys of every subject line printed in the text, with the lines printing them (a wrapped
    subject's end shows where another copy of it is printed whole)."""
    out: dict[str, set[int]] = {}
    for line in lines:
        if not _MAYBE_LABEL.match(line.clean):
            continue
        label = read_label(line.clean)
        if label and label.name == "subject" and label.value:
            out.setdefault(subject_key(label.value), set()).add(line.index)
    return out


def _elsewhere(known: dict[str, set[int]], line: int) -> set[str]:
    return {k for k, where in known.items() if where - {line}}


def _split_line(line: TextLine) -> list[str]:
    """A line holding two labels (`To: Director, FBI     Date: 04/02/2009`) as two."""
    parts = _SECOND_LABEL.split(line.clean, maxsplit=1)
    if len(parts) == 2:
        head = read_label(parts[0])
        if head is None or not head.value:
            return [line.clean]  # "Subject:      Date: of the meeting" is one label and its value
    return parts


def _block_at(lines: list[TextLine], i: int, known_subjects: dict[str, set[int]], full: float) -> HeaderBlock | None:
    first = read_label(lines[i].clean)
    if first is None or first.name == "other" or first.printed == "RE":
        return None
    entries: list[tuple[Label, int]] = []
    j, blanks, depth = i, 0, lines[i].depth
    while j < len(lines) and j - i < 40:
        line = lines[j]
        if len(line.clean) <= 2 and entries:  # blank, or an OCR speck beside the block
            blanks += 1
            if blanks > 2:
                break
            j += 1
            continue
        if line.depth != depth:
            break
        parts = [p for p in (_split_line(line) if "   " in line.clean else [line.clean]) if p]
        labels = [read_label(p) for p in parts]
        memo = any(lb.printed.isupper() for lb, _ in entries)
        if all(lb is not None and (lb.printed != "RE" or memo) for lb in labels):
            seen = {lb.name for lb, _ in entries}
            new = [lb for lb in labels if lb is not None]
            if any(lb.name in seen and lb.name != "other" for lb in new):
                break  # the next block begins
            if any(not lb.strong and lb.name == "to" and lb.value and recipient_fit(lb.value) <= 0 for lb in new):
                break
            entries.extend((lb, j) for lb in new)
            blanks = 0
            j += 1
            continue
        if entries and _continues(entries[-1][0], line.clean, _elsewhere(known_subjects, entries[-1][1]),
                                  len(lines[entries[-1][1]].clean), full):
            last = entries[-1][0]
            last.value = f"{last.value} {line.clean}".strip()
            blanks = 0
            j += 1
            continue
        if entries and blanks == 0 and any(lb.name in CORE for lb, _ in entries) and _unknown_label(line.clean):
            entries.append((Label("other", line.clean, False, ""), j))
            j += 1
            continue
        break
    core = [lb for lb, _ in entries if lb.name in CORE]
    strong = sum(lb.strong for lb in core)
    if len(core) < 2 or not (strong >= 2 or (strong >= 1 and len(core) >= 3)):
        return None
    end_line = entries[-1][1] + 1
    names = [lb.name for lb in core]
    fields = {lb.name: lb.value for lb in core}
    empty = [lb for lb in core if not lb.value]
    style, skipped = "outlook", []
    if len(core) >= 3 and len(empty) >= len(core) - 1:
        assigned = assign_columns(names, _column_lines(lines, end_line, len(names) + 4), set(known_subjects), full)
        if assigned is None:
            return None
        style = "columns"
        for name, value in assigned.values.items():
            if value and not fields.get(name):
                fields[name] = value
        skipped = assigned.skipped
        end_line = max(end_line, assigned.end_line)
    elif "from" not in names and "to" in names:
        lotus = _lotus_above(lines, i)
        if lotus is not None:
            style = "lotus"
            fields.setdefault("from", lotus[0])
            fields.setdefault("sent", lotus[1])
            i = lotus[2]
    if "from" in fields and _date_after_name(fields["from"]) and not fields.get("sent"):
        fields["from"], fields["sent"] = _date_after_name(fields["from"])  # Lotus: "From: Name   10/03/2000 11:39 AM"
        style = "lotus"
    if not _valid(fields, names, style, core):
        return None
    if style == "outlook" and _memo(core):
        style = "memo"
    withheld = {k: v for k, v in fields.items() if v and is_codes(v)}
    for k in withheld:
        fields[k] = ""
    weak = sum(not lb.strong for lb in core)
    return HeaderBlock(style, fields, i, end_line, lines[i].start, lines[end_line - 1].end, names, withheld, weak,
                       skipped)


def _continues(last: Label, text: str, known_subjects: set[str], printed: int, full: float) -> bool:
    """Whether a line that is not a label carries on the value above it (a wrapped value)."""
    if not last.value:
        return False
    if last.name in ("to", "cc", "bcc"):
        return last.value.rstrip().endswith((";", ",")) and recipient_fit(text) > 0
    if last.name == "attachments":
        return (last.value.rstrip().endswith(";") or attachment_fit(last.value) < 1) and attachment_fit(text) >= 1
    if last.name == "subject":
        return subject_wraps(last.value, text, known_subjects, full, printed)
    return False


def full_width(lines: list[TextLine]) -> float:
    """The length of a full line of the text (its 90th percentile), for telling a wrapped line."""
    lengths = sorted(len(ln.clean) for ln in lines if len(ln.clean) > 2)
    return float(lengths[int(len(lengths) * 0.9)]) if lengths else 0.0


def _column_lines(lines: list[TextLine], start: int, most: int) -> list[ColumnLine]:
    out: list[ColumnLine] = []
    for line in lines[start:]:
        if len(out) >= most:
            break
        if not line.clean:
            continue
        label = read_label(line.clean)
        if label is not None and label.strong and label.name in CORE and label.printed != "RE":
            break
        out.append(ColumnLine(line.index, line.clean))
    return out


_NAME_ON_DATE = re.compile(r"^(?P<name>.+?)(?:[ \t]+on[ \t]+|[ \t]{2,})(?P<date>\d{1,2}/\d{1,2}/\d{2,4}[ \t]+\d{1,2}:\d{2}(?::\d{2})?[ \t]*(?:[AP]M)?)[ \t]*$", re.I)


def _date_after_name(value: str) -> tuple[str, str] | None:
    m = _NAME_ON_DATE.match(value)
    return (m["name"].strip(), m["date"].strip()) if m else None


def _lotus_above(lines: list[TextLine], i: int) -> tuple[str, str, int] | None:
    """(sender, date as printed, first line) of a Lotus Notes header above a `To:` line."""
    seen: list[TextLine] = []
    k = i - 1
    while k >= 0 and len(seen) < 4 and i - k <= 6:
        line = lines[k]
        k -= 1
        if not line.clean:
            continue
        label = read_label(line.clean)
        if label is not None and label.name == "other":
            continue  # "Please respond to", "Sent by:"
        if label is not None or SEPARATOR.match(line.clean):
            break
        seen.append(line)
        both = _date_after_name(line.clean)
        if both:
            return both[0], both[1], line.index
        if looks_like_date(line.clean) and k >= 0:
            for m in range(k, max(-1, k - 3), -1):
                if lines[m].clean:
                    name = lines[m].clean
                    if 0 < len(name) <= 80 and not looks_like_date(name) and read_label(name) is None \
                            and not SEPARATOR.match(name):
                        return name, line.clean, lines[m].index
                    break
    return None


def _memo(core: list[Label]) -> bool:
    printed = [lb.printed for lb in core]
    return all(p.isupper() for p in printed) and {"from", "to"} <= {lb.name for lb in core}


def _valid(fields: dict[str, str], names: list[str], style: str, core: list[Label]) -> bool:
    """Enough of a header to be one: a sender with a date or recipients and subject."""
    has = {k for k, v in fields.items() if v}
    if style == "lotus":
        return "from" in has and "sent" in has and bool({"to", "subject"} & set(names))
    if "from" not in names:
        return False
    if _memo(core):
        return bool({"from", "to"} & has) and bool({"sent", "subject"} & has) and len(names) >= 3
    if "sent" in names:
        return True
    return {"to", "subject"} <= set(names)


def _separator_above(lines: list[TextLine], block: HeaderBlock) -> None:
    k = block.first_line - 1
    while k >= 0 and block.first_line - k <= 3:
        if lines[k].clean:
            if SEPARATOR.match(lines[k].clean):
                block.separator = lines[k].clean.strip(" -—_")
            return
        k -= 1


# -- attributions: "On <date>, <name> wrote:" ------------------------------------------------------
@dataclass
class Attribution:
    sender: str | None
    date: PrintedDate | None
    first_line: int
    end_line: int


_GROUPWISE = re.compile(r"^\s*>>>\s*(?P<sender>.+?)\s+(?P<date>\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?)\s*>>>\s*$",
                        re.IGNORECASE)


def attribution(lines: list[TextLine], i: int) -> Attribution | None:
    """An `On <date>, <name> wrote:` line (wrapped over up to three lines) starting at line i, or
    GroupWise's `>>> "Name" <addr> 11/21/01 11:45AM >>>`."""
    group = _GROUPWISE.match(lines[i].raw)
    if group:
        return Attribution(clean_address(group["sender"]), parse_printed_date(group["date"]), i, i + 1)
    first = lines[i].clean
    if not first or not re.match(r"^(?:-{2,}[ \t]*)?(?:On|Am|Le|El|Op|Il|Em)\b", first, re.IGNORECASE):
        return None
    for size in (1, 2, 3):
        chunk = " ".join(ln.clean for ln in lines[i : i + size] if ln.clean)
        m = _ON_WROTE.match(chunk)
        if m:
            sender, date = _split_attribution(m["body"].strip(" ,"))
            return Attribution(sender, date, i, i + size)
    return None


def _split_attribution(body: str) -> tuple[str | None, PrintedDate | None]:
    """`Fri, Jul 31, 2009 at 12:18 PM, H <HDR22@...>` -> (sender, date): the longest leading run
    of comma-separated parts that reads as a date is the date, the rest the sender."""
    parts = body.split(",")
    for k in range(len(parts) - 1, 0, -1):
        head, tail = ",".join(parts[:k]), ",".join(parts[k:]).strip()
        parsed = parse_printed_date(head)
        if (parsed.iso or parsed.ambiguous) and tail:
            return clean_address(tail), parsed
    return (clean_address(body) if body else None), None


# -- the top message ---------------------------------------------------------------------------------
TOP_WORDS = 12  # words allowed above a document's own header (a damaged stamp, a letterhead line)


def top_block(text: str, blocks: list[HeaderBlock] | None = None, lines: list[TextLine] | None = None,
              first_page_end: int | None = None) -> HeaderBlock | None:
    """The header of the document's own message: the first block, if it is on the first page
    and only furniture or a few words (a letterhead, "Pls print.") stand above it."""
    lines = lines if lines is not None else text_lines(text)
    blocks = blocks if blocks is not None else find_blocks(text, lines)
    if not blocks:
        return None
    first = blocks[0]
    if first_page_end is not None and first.start >= first_page_end:
        return None
    if first.separator or lines[first.first_line].depth:
        return None  # an "Original Message" or a `>` block: a quoted header, not the document's
    before = " ".join(ln.clean for ln in lines[: first.first_line])
    if len(re.findall(r"[A-Za-z]{2,}", before)) > TOP_WORDS:
        return None
    if "mailto" in first.fields.get("from", "").lower():
        return _printed_top(blocks, first, first_page_end)
    return first


def _printed_top(blocks: list[HeaderBlock], first: HeaderBlock, first_page_end: int | None) -> HeaderBlock | None:
    """Outlook prints a message's own sender as `Name <addr>` and a quoted one as `Name [mailto:addr]`.
    When text extraction put a quoted header first (a text layer out of reading order), the
    printed header is the next one on the page that is not in the quoted form and not older."""
    for block in blocks[1:4]:
        if first_page_end is not None and block.start >= first_page_end:
            return None
        if "mailto" in block.fields.get("from", "").lower() or not block.fields.get("from"):
            continue
        if first.date and block.date and first.date.iso and block.date.iso and block.date.iso[:16] >= first.date.iso[:16]:
            return block
    return None
