"""The deficiency letter: Markdown, Word and PDF from one template counsel may edit.

The template (`check/templates/deficiency_letter.md`, or the case's own `deficiency_letter.md` in
the case folder) is Markdown with `$placeholders` filled from uncover.toml (caption, parties, the
`[letter]` table: signer, firm, address, addressee, cure days, meet-and-confer dates), from the spec
(the order's citation, its status, the part of it each deficiency rests on) and from the check
report. Placeholders alone on their line expand to blocks: `$deficiencies` (one numbered item per
deficiency), `$appendix` (every affected document, one row each), `$signature`, `$addressee`,
`$letterhead`. A letter never shows a rule name, an internal id, a placeholder or a shortened list:
when the appendix is long it is also written as CSV and XLSX beside the letter, and says so.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from ..errors import InputError
from ..report.paper import md_cell, write_docx, write_pdf
from .checker import CheckReport
from .findings import DEFICIENCY, WARNING, Finding
from .spec import OrderCitations, load_spec

TEMPLATE = "deficiency_letter.md"
INLINE_LIMIT = 10  # an item names its documents itself up to this many; beyond, the appendix does
ENCLOSE_ROWS = 300  # an appendix this long is also enclosed as CSV and XLSX
APPENDIX_COLUMNS = ("Item", "Bates numbers", "Subject or file name", "Date", "Particulars")
SHEET_COLUMNS = ("Item", "Deficiency", "Bates numbers", "Subject or file name", "Date", "Particulars")


@dataclass
class AppendixRow:
    item: int
    deficiency: str
    bates: str
    heading: str  # the record's subject or title, else its file name ("" for a gap)
    day: str  # ISO date of the record, "" when it has none
    particulars: str


@dataclass
class LetterSettings:
    signer: str = ""
    signer_title: str = ""
    firm: str = ""
    address: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    addressee: list[str] = field(default_factory=list)
    cure_days: int = 14
    meet_confer: list[str] = field(default_factory=list)

    @classmethod
    def from_case(cls, case: Any) -> LetterSettings:
        raw = case.settings.raw.get("letter") or {}
        if not isinstance(raw, dict):
            raise InputError(f"{case.root / 'uncover.toml'}: [letter] must be a table (signer = \"...\", ...).")
        out = cls()
        for key, value in raw.items():
            if not hasattr(out, key):
                raise InputError(f"{case.root / 'uncover.toml'}: unknown key letter.{key}; known keys: "
                                 f"{', '.join(out.__dataclass_fields__)}.")
            current = getattr(out, key)
            if isinstance(current, list):
                value = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            elif isinstance(current, int):
                if not isinstance(value, int) or value < 1:
                    raise InputError(f"{case.root / 'uncover.toml'}: letter.{key} must be a whole number of days.")
            else:
                value = str(value)
            setattr(out, key, value)
        return out


def letter_findings(report: CheckReport) -> list[Finding]:
    """What a letter lists: deficiencies, then warnings (info and not-checked stay in the report)."""
    return [f for f in report.findings if f.severity == DEFICIENCY] + \
        [f for f in report.findings if f.severity == WARNING]


def template_text(case: Any) -> str:
    own = Path(case.root) / TEMPLATE
    if own.is_file():
        return own.read_text("utf-8")
    return resources.files("uncover.check.templates").joinpath(TEMPLATE).read_text("utf-8")


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def meet_dates(settings: LetterSettings, today: date) -> list[str]:
    """The proposed dates: the settings' own, else the first three weekdays from a week after the letter."""
    if settings.meet_confer:
        out = []
        for value in settings.meet_confer:
            try:
                out.append(long_date(date.fromisoformat(value[:10])))
            except ValueError as exc:
                raise InputError(f"uncover.toml: letter.meet_confer {value!r} is not a date (YYYY-MM-DD).") from exc
        return out
    day, out = today + timedelta(days=7), []
    while len(out) < 3:
        if day.weekday() < 5:
            out.append(long_date(day))
        day += timedelta(days=1)
    return out


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _noun(n: int, unit: str) -> str:
    one = unit.rstrip("s")
    return f"{n:,} {one if n == 1 else unit}"


_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _words(n: int, unit: str) -> str:
    """`one respect`, `three respects`, `12 respects`: small counts in words, as a letter writes them."""
    return f"{_SMALL[n] if n < len(_SMALL) else f'{n:,}'} {unit.rstrip('s') if n == 1 else unit}"


@dataclass
class LetterParts:
    """The letter's content, built once and rendered to each format."""

    markdown: str
    appendix: list[AppendixRow]
    enclosed: bool


def _particulars(f: Finding) -> dict[str, str]:
    """Each document's own detail line (`ABC0000105-ABC0000106: PGCOUNT 3, ...`) keyed by its label."""
    out: dict[str, str] = {}
    for line in f.details:
        label, sep, rest = line.partition(": ")
        if sep and label not in out:
            out[label] = rest
    return out


def _appendix_rows(case: Any, findings: list[Finding]) -> list[AppendixRow]:
    rows = []
    for i, f in enumerate(findings, 1):
        details = _particulars(f)
        entries = f.documents or list(f.bates)
        for entry in entries:
            heading, day = _record(case, entry)
            rows.append(AppendixRow(i, f.title, entry, heading, day, details.get(entry, "")))
    return rows


def _record(case: Any, entry: str) -> tuple[str, str]:
    """Subject (or file name) and date of the document an appendix entry names, when it names one.

    An entry is `BEGIN` or `BEGIN-END`, and prefixes may hold hyphens themselves (STATE-SCB0045631-
    STATE-SCB0045650), so each cut at a hyphen is tried as the beginning, longest first."""
    begin = entry.split(" (of ", 1)[0].strip()
    candidates = [begin] + [begin[:i] for i in range(len(begin) - 1, 0, -1) if begin[i] == "-"]
    for candidate in candidates:
        row = case.store.conn.execute("SELECT id FROM documents WHERE bates_begin = ? LIMIT 1",
                                      (candidate,)).fetchone()
        if row:
            doc = case.store.document(int(row[0]))
            if doc is None:
                break
            heading = doc.heading if doc.heading != doc.label else (doc.filename or "")
            return heading, doc.day
    return "", ""


def _item(i: int, f: Finding, order: OrderCitations, enclosed: bool) -> str:
    entries = f.documents or list(f.bates)
    unit = f.unit
    text = f"**{f.title}.** {f.explanation}"
    cite = order.cite(f.rule)
    if cite:
        text += f" See {cite}."
    if not entries:
        text += " This concerns the production as a whole."
    elif len(entries) <= INLINE_LIMIT:
        text += f" Affected ({_noun(f.count, unit)}): {'; '.join(entries)}."
    else:
        where = "Appendix A and the enclosed spreadsheet" if enclosed else "Appendix A"
        text += f" Affected: {_noun(f.count, unit)}, each listed in {where} under item {i}."
    if f.per_field:
        fields = [f"{v.get('field', k)} ({v.get('missing', 0) or v.get('empty', 0):,} of {v.get('applicable', 0):,} "
                  "records)" for k, v in f.per_field.items()]
        text += " Fields: " + "; ".join(fields) + "."
    return f"{i}. {text}"


def build_letter(case: Any, report: CheckReport, today: date | None = None,
                 settings: LetterSettings | None = None) -> LetterParts:
    today = today or date.today()
    settings = settings or LetterSettings.from_case(case)
    s = case.settings
    spec = report.spec_used or load_spec(report.spec)
    findings = letter_findings(report)
    rows = _appendix_rows(case, findings)
    enclosed = len(rows) > ENCLOSE_ROWS
    requesting = s.requesting_party or settings.firm
    if not requesting:
        raise InputError(f"{case.root / 'uncover.toml'}: set requesting_party (whom the letter is written for) "
                         "before drafting a letter.")
    if not (settings.signer or settings.firm):
        raise InputError(f"{case.root / 'uncover.toml'}: add a [letter] table with signer = \"...\" (and firm, "
                         "address, phone, email) so the letter carries a signature block.")
    received = f", received on {long_date(date.fromisoformat(report.received_at[:10]))}" if report.received_at else ""
    order = spec.order
    if order.citation:
        reviewed = f"the form of production set out in {order.citation}"
    else:
        reviewed = f"the {spec.title or spec.name}"
    values = {
        "date": long_date(today), "caption": s.caption or s.name, "requesting_party": requesting,
        "producing_party": s.producing_party or "", "production": report.production, "received": received,
        "documents": f"{report.documents:,}", "reviewed_against": reviewed, "order_status": order.status,
        "conformity": (f"The production does not conform to that form of production in the "
                       f"{_words(len(findings), 'respects')} set out below. Each item states the deficiency, the "
                       "records it affects by Bates number, and what we ask you to do; Appendix A lists every "
                       "affected record.") if findings else
        "We found no respect in which the production departs from that form of production.",
        "cure_deadline": long_date(today + timedelta(days=settings.cure_days)),
        "meet_dates": _join(meet_dates(settings, today)),
    }
    blocks = {
        "$deficiencies": [_item(i, f, order, enclosed) for i, f in enumerate(findings, 1)] or
        ["We found no deficiency in this production."],
        "$appendix": _appendix_table(rows, enclosed),
        "$signature": _lines([settings.signer, settings.signer_title, settings.firm, *settings.address,
                              settings.phone, settings.email]),
        "$addressee": _lines(settings.addressee or ([f"Counsel for {s.producing_party}"] if s.producing_party
                                                   else ["Counsel for the producing party"])),
        "$letterhead": _lines([f"**{settings.firm}**" if settings.firm else "", *settings.address]),
    }
    out: list[str] = []
    for line in template_text(case).splitlines():
        key = line.strip()
        if key in blocks:
            out.extend(blocks[key])
            continue
        filled = Template(line).safe_substitute(values)
        out.append(filled)
    text = "\n".join(out).rstrip() + "\n"
    left = re.findall(r"\$[A-Za-z_]+", text)
    if left:
        raise InputError(f"The letter template uses {', '.join(sorted(set(left)))}, which uncover does not fill; "
                         f"known: {', '.join('$' + k for k in values)} and the blocks {', '.join(blocks)}.")
    return LetterParts(text, rows, enclosed)


def _lines(values: list[str]) -> list[str]:
    """An address or signature block: one line each, held together as one paragraph."""
    kept = [v for v in values if v and v.strip()]
    return [line + ("  " if k < len(kept) - 1 else "") for k, line in enumerate(kept)]


def _appendix_table(rows: list[AppendixRow], enclosed: bool) -> list[str]:
    if not rows:
        return ["No document is affected."]
    lines = []
    if enclosed:
        lines += [f"The {len(rows):,} entries below are also enclosed as a spreadsheet (CSV and XLSX) for sorting "
                  "and filtering.", ""]
    lines.append("| " + " | ".join(APPENDIX_COLUMNS) + " |")
    lines.append("|" + "---|" * len(APPENDIX_COLUMNS))
    lines += [f"| {r.item} | {md_cell(r.bates)} | {md_cell(r.heading)} | "
              f"{md_cell(long_date(date.fromisoformat(r.day)) if r.day else '')} | {md_cell(r.particulars)} |"
              for r in rows]
    return lines


def markdown_letter(case: Any, report: CheckReport, today: date | None = None) -> str:
    return build_letter(case, report, today).markdown


def write_appendix(rows: list[AppendixRow], csv_path: Path, xlsx_path: Path) -> list[Path]:
    """The appendix as CSV and as a typed XLSX (item numbers as numbers, columns sized, header frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SHEET_COLUMNS)
        writer.writerows([r.item, r.deficiency, r.bates, r.heading, r.day, r.particulars] for r in rows)
    book = Workbook()
    sheet = book.active
    sheet.title = "Appendix A"
    sheet.append(list(SHEET_COLUMNS))
    for r in rows:
        sheet.append([r.item, r.deficiency, r.bates, r.heading, date.fromisoformat(r.day) if r.day else None,
                      r.particulars])
        if r.day:
            sheet.cell(sheet.max_row, 5).number_format = "yyyy-mm-dd"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip("ABCDEF", (6, 40, 36, 40, 12, 70), strict=True):
        sheet.column_dimensions[column].width = width
    book.save(str(xlsx_path))
    return [csv_path, xlsx_path]


def write_letter(case: Any, report: CheckReport, fmt: str, path: Path, today: date | None = None) -> list[Path]:
    """The letter in one format (md, docx, pdf); with a long appendix, the CSV and XLSX beside it."""
    parts = build_letter(case, report, today)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        write_docx(parts.markdown, path, widths=[0.45, 1.75, 1.6, 0.9, 1.8])
    elif fmt == "pdf":
        write_pdf(parts.markdown, path, title=f"Deficiencies in the production {report.production}")
    else:
        path.write_text(parts.markdown, "utf-8")
    written = [path]
    if parts.enclosed:
        stem = path.with_suffix("")
        written += write_appendix(parts.appendix, Path(f"{stem}-appendix.csv"), Path(f"{stem}-appendix.xlsx"))
    return written


def docx_letter(case: Any, report: CheckReport, path: Path, today: date | None = None) -> Path:
    return write_letter(case, report, "docx", path, today)[0]
