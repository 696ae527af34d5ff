"""The Vaughn index: one entry per withholding, in Bates order, in the layout courts receive.

Each entry is one redaction (adjacent boxes under the same exemption count as one, with their box
count) or one page withheld in full (a deleted-page sheet's entry, or a page boxed over entirely):
its document (subject, sender, recipients, date), Bates number and page, place on the page, the
exemption with its statute or category qualifier (`(b)(3) CIA PERS/ORG`, `(b)(1) 1.4(b)`), whether
the record was withheld in part or in full, a description drafted from what is visible around the
withholding (never the withheld words: see vaughn_context.py), and a pointer to the justification.
The justification paragraphs (one per exemption, with its governing standard) and the segregability
statement come from an editable template (`report/templates/vaughn.toml`, or the case's own
`vaughn.toml`). Built from the stored analysis plus the visible text layer of PDF originals.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analyze.exemptions import CLAIM_THRESHOLD
from ..errors import InputError
from ..model import BatesNumber, Document, Redaction
from ..store import withholdings as wstore
from .paper import md_cell, write_docx, write_pdf
from .vaughn_context import Message, describe, long_day, pdf_layouts

if TYPE_CHECKING:
    from ..case import Case

FORMATS = ("docx", "pdf", "xlsx", "csv", "md")
TEMPLATE = "vaughn.toml"
COLUMNS = ["No.", "Bates / page", "Document", "Date", "Location on the page", "Boxes", "Exemption", "Withheld",
           "Description of the material withheld", "Justification"]
SHEET_COLUMNS = ["No.", "Bates number", "Page", "Document", "From", "To", "Date", "Location on the page", "Boxes",
                 "Exemption", "Withheld", "Description of the material withheld", "Justification", "Production"]
GROUP_GAP = 0.012  # boxes closer than this (page fraction) on the same lines form one withholding
FULL_PAGE = 0.75  # a box this tall and wide withholds the page in full


@dataclass
class VaughnRow:
    document: str  # subject, title or file name
    bates: str  # the page's Bates number (or the document's, with the page)
    page: int
    day: str  # ISO date of the record ("" if none)
    sender: str
    recipients: str
    location: str
    boxes: int
    codes: list[str]  # b6, b7c, ...
    qualifiers: dict[str, list[str]]  # code -> statute or category marks printed with it
    extent: str  # "in part" or "in full"
    description: str
    production: str
    sort_key: tuple[Any, ...] = field(default=(), repr=False)
    number: int = 0

    @property
    def exemption(self) -> str:
        return "; ".join(exemption_label(c, self.qualifiers.get(c, [])) for c in self.codes) or "not marked"

    @property
    def justification(self) -> str:
        names = [exemption_label(c, []) for c in self.codes]
        if not names:
            return "No exemption is marked for this withholding."
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"See the justification for {joined} below."


def code_key(code: str) -> tuple[str, int, str]:
    """b1 < b3 < b5 < b6 < b7a < b7c: the order exemptions are cited in."""
    return code[:1], int(code[1]) if code[1:2].isdigit() else 0, code[2:]


def _qualifier_list(values: list[str]) -> list[str]:
    """Qualifiers with those a longer one contains dropped (`CIA` beside `CIA PERS/ORG`)."""
    return [q for q in values if not any(o != q and o.startswith(q) for o in values)]


def exemption_label(code: str, qualifiers: list[str]) -> str:
    """`b7c` -> `(b)(7)(C)`; `b3` with CIA -> `(b)(3) CIA`; `b1` with 1.4(d) -> `(b)(1) 1.4(d)`."""
    m = re.fullmatch(r"([bc])(\d)([a-f]?)", code)
    if not m:
        return code
    text = f"({m[1]})({m[2]})" + (f"({m[3].upper()})" if m[3] else "")
    return text + (" " + ", ".join(qualifiers) if qualifiers else "")


@dataclass
class VaughnTemplate:
    title: str
    introduction: str
    segregability: str
    exemptions: dict[str, dict[str, str]]
    qualifiers: dict[str, str]


def load_template(case: Case) -> VaughnTemplate:
    own = Path(case.root) / TEMPLATE
    text = own.read_text("utf-8") if own.is_file() else \
        resources.files("uncover.report.templates").joinpath(TEMPLATE).read_text("utf-8")
    where = str(own) if own.is_file() else TEMPLATE
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where} is not valid TOML ({exc}); fix the line it names.", path=where) from exc
    return VaughnTemplate(str(data.get("title", "Vaughn Index")), str(data.get("introduction", "")),
                          str(data.get("segregability", "")), dict(data.get("exemptions", {})),
                          {str(k): str(v) for k, v in dict(data.get("qualifiers", {})).items()})


def _bates_key(value: str) -> tuple[Any, ...]:
    number = BatesNumber.parse(value) if value else None
    return (number.prefix, number.number, number.suffix) if number else (value, 0, "")


def _groups(boxes: list[Redaction]) -> list[list[Redaction]]:
    """Boxes on one page merged into withholdings: touching or on the same lines, same label."""
    groups: list[list[Redaction]] = []
    for box in sorted(boxes, key=lambda b: (b.bbox[1], b.bbox[0])):
        last = groups[-1] if groups else None
        if last is not None and box.bbox[1] - max(b.bbox[3] for b in last) <= GROUP_GAP \
                and (box.label or "") in {b.label or "" for b in last} | {""}:
            last.append(box)
        else:
            groups.append([box])
    return groups


def _extent(group: list[Redaction]) -> tuple[float, float, float, float]:
    return (min(b.bbox[0] for b in group), min(b.bbox[1] for b in group), max(b.bbox[2] for b in group),
            max(b.bbox[3] for b in group))


def _split(label: str | None) -> list[str]:
    return [c.strip() for c in (label or "").split(",") if c.strip()]


def collect(case: Case, productions: list[str] | None = None, exemptions: list[str] | None = None,
            include_all: bool = False) -> list[VaughnRow]:
    """Every withholding of the chosen productions (all by default), in Bates order."""
    conn = case.store.conn
    names = {p.id: p.name for p in case.store.productions()}
    if productions:
        unknown = [p for p in productions if p not in names.values()]
        if unknown:
            raise InputError(f"No production named {', '.join(map(repr, unknown))} in {case.root}; productions: "
                             f"{', '.join(names.values()) or 'none yet'}.")
    wanted = [e.lower().replace("(", "").replace(")", "") for e in exemptions or []]
    rows: list[VaughnRow] = []
    for doc in case.store.iter_documents():
        if productions and names.get(doc.production_id) not in productions:
            continue
        doc_rows = _document_rows(case, conn, doc, names.get(doc.production_id, ""))
        if not doc_rows and include_all:
            doc_rows = [VaughnRow(_heading(doc), _cite(doc), 1, doc.day, doc.sender or doc.author or "",
                                  doc.recipients or "", "", 0, [], {}, "released in full",
                                  "No withholding found in this record.", names.get(doc.production_id, ""),
                                  (*_bates_key(doc.bates_begin or doc.filename), 0, 0.0))]
        if wanted:
            doc_rows = [r for r in doc_rows if any(c == w or c.startswith(w) for c in r.codes for w in wanted)]
        rows.extend(doc_rows)
    rows.sort(key=lambda r: r.sort_key)
    for i, row in enumerate(rows, 1):
        row.number = i
    return rows


def _document_rows(case: Case, conn: Any, doc: Document, production: str) -> list[VaughnRow]:
    boxes = wstore.redactions(conn, doc.id)
    withheld = wstore.withheld_pages(conn, doc.id)
    release = wstore.release(conn, doc.id)
    if not boxes and not withheld and not (release and release.status in ("part", "withheld")):
        return []
    marks = [m for m in wstore.marks(conn, doc.id) if m.confidence >= CLAIM_THRESHOLD]
    pages = {p.number: p for p in case.store.pages(doc.id)}
    failed = any(b.failed for b in boxes)
    # names and dates for descriptions come from the visible page; a failed redaction may have put
    # withheld words into the document's recovered metadata, so they are not used then
    fallback = Message(None if failed else doc.sender, None if failed else doc.recipients, long_day(doc.date))
    layouts = pdf_layouts(case.blobs.path_for(doc.sha256), {b.page for b in boxes}) if boxes else {}
    codes_by_page: dict[int, list[str]] = {}
    qualifiers: dict[str, list[str]] = {}
    for m in marks:
        codes_by_page.setdefault(m.page, [])
        if m.code not in codes_by_page[m.page]:
            codes_by_page[m.page].append(m.code)
        if m.qualifier and m.qualifier not in qualifiers.setdefault(m.code, []):
            qualifiers[m.code].append(m.qualifier)
    doc_codes = list(release.codes) if release and release.codes else sorted({m.code for m in marks})

    def row(page: int, location: str, count: int, codes: list[str], extent: str, description: str,
            y: float) -> VaughnRow:
        codes = sorted(set(codes), key=code_key)
        page_bates = pages[page].bates if page in pages and pages[page].bates else \
            f"{_cite(doc)}, p. {page}"
        return VaughnRow(_heading(doc), page_bates, page, doc.day, doc.sender or doc.author or "", doc.recipients or "",
                         location, count, codes, {c: _qualifier_list(qualifiers.get(c, [])) for c in codes}, extent,
                         description,
                         production, (*_bates_key(doc.bates_begin or doc.filename), page, y))

    out: list[VaughnRow] = []
    by_page: dict[int, list[Redaction]] = {}
    for box in boxes:
        by_page.setdefault(box.page, []).append(box)
    for page, page_boxes in sorted(by_page.items()):
        text = pages[page].text if page in pages else ""
        extents = [b.bbox for b in page_boxes]
        carried = _carried(pages, page, failed) or fallback
        for group in _groups(page_boxes):
            bbox = _extent(group)
            codes = sorted({c for b in group for c in _split(b.label)}) or _page_codes(codes_by_page.get(page),
                                                                                       doc_codes)
            full = bbox[3] - bbox[1] >= FULL_PAGE and bbox[2] - bbox[0] >= FULL_PAGE
            location, description = describe(bbox, extents, text, layouts.get(page), carried)
            if full:
                location, description = "entire page", f"the whole page of {description.split(' of ', 1)[-1]}"
            out.append(row(page, location, len(group), codes, "in full" if full else "in part", description,
                           bbox[1]))
    for entry in withheld:
        codes = sorted({c for c in entry.codes if c} or set(doc_codes), key=code_key)
        what = "a page withheld in full" + (" as a duplicate of a page produced elsewhere" if entry.duplicate else "")
        if entry.referral:
            what += f", referred to {entry.referral}"
        out.append(VaughnRow(_heading(doc), f"page {entry.label} (listed at {_cite(doc)}, p. {entry.sheet_page})",
                             entry.sheet_page, doc.day, doc.sender or doc.author or "", doc.recipients or "",
                             "entire page", 0, codes, {c: _qualifier_list(qualifiers.get(c, [])) for c in codes},
                             "in full",
                             what + ", listed on a deleted page information sheet", production,
                             (*_bates_key(doc.bates_begin or doc.filename), entry.sheet_page, 2.0)))
    if not out and release is not None:
        marked = sorted(p for p, c in codes_by_page.items() if c) or [1]
        extent = "in full" if release.status == "withheld" else "in part"
        description = "the record withheld in full" if extent == "in full" else \
            "material marked as withheld; no redaction box was found on the page image"
        out.append(row(marked[0], "not located", 0, doc_codes, extent, description, 0.0))
    return out


def _carried(pages: dict[int, Any], page: int, failed: bool) -> Message | None:
    """The message a page continues: the last header block printed on an earlier page, its fields
    that were marked withheld left out (with a failed redaction, only its date)."""
    from ..analyze.printed_headers import find_blocks

    for earlier in range(page - 1, 0, -1):
        text = pages[earlier].text if earlier in pages else ""
        blocks = find_blocks(text) if text and text.strip() else []
        if blocks:
            block = blocks[-1]
            sent = long_day(block.date.iso) if block.date is not None and block.date.iso else None
            if failed:
                return Message(None, None, sent)
            return Message(block.sender if "from" not in block.withheld else None,
                           block.names("to") if "to" not in block.withheld else None, sent)
    return None


def _cite(doc: Document) -> str:
    """How the index cites a record: its Bates number, else its file name (never an internal id)."""
    return doc.label if doc.bates_begin else (doc.filename or "a record with no Bates number")


def _heading(doc: Document) -> str:
    return doc.heading if doc.heading != doc.label or doc.bates_begin else _cite(doc)


def _page_codes(page_codes: list[str] | None, doc_codes: list[str]) -> list[str]:
    """A box with no code printed in it takes its page's margin code when the page has one code, else
    the codes the document's release stamp claims."""
    if page_codes and len(page_codes) == 1:
        return list(page_codes)
    return list(page_codes or doc_codes)


# -- rendering --------------------------------------------------------------------------------------
def _plural(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else word + 's'}"


def justifications(rows: list[VaughnRow], template: VaughnTemplate) -> list[tuple[str, str]]:
    """(exemption, paragraph) for every exemption the index cites, in code order."""
    used: dict[str, tuple[int, set[str]]] = {}
    for r in rows:
        for code in r.codes:
            n, docs = used.get(code, (0, set()))
            docs.add(r.document + r.bates.split(",")[0])
            used[code] = (n + 1, docs)
    out = []
    for code in sorted(used, key=code_key):
        n, docs = used[code]
        entry = template.exemptions.get(code) or template.exemptions.get(code[:2]) or {}
        text = str(entry.get("justification", ""))
        if not text:
            raise InputError(f"{TEMPLATE}: no justification for {exemption_label(code, [])}; add "
                             f"[exemptions.{code}] with justification = \"...\" to the case's {TEMPLATE}.")
        paragraph = text.replace("{withholdings}", _plural(n, "withholding")).replace(
            "{documents}", _plural(len(docs), "document"))
        quals = sorted({q for r in rows for q in r.qualifiers.get(code, [])})
        known = [f"{q}: {template.qualifiers[q]}" for q in quals if q in template.qualifiers]
        if known:
            paragraph += " Statutes and categories marked: " + "; ".join(known) + "."
        out.append((str(entry.get("name") or exemption_label(code, [])), paragraph))
    return out


def markdown_index(case: Case, rows: list[VaughnRow], template: VaughnTemplate) -> str:
    s = case.settings
    lines = [f"# {template.title}", ""]
    if s.caption:
        lines += [f"**{s.caption}**", ""]
    lines += [template.introduction, ""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "---|" * len(COLUMNS))
    for r in rows:
        document = r.document + (f" (from {r.sender})" if r.sender and r.sender not in r.document else "")
        cells = [str(r.number), r.bates if r.page <= 1 or "p." in r.bates else f"{r.bates} (p. {r.page})", document,
                 long_day(r.day), r.location, str(r.boxes) if r.boxes else "-", r.exemption, r.extent,
                 r.description[:1].upper() + r.description[1:] + ".", r.justification]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    if not rows:
        lines.append("| | No withholding found | | | | | | | | |")
    paragraphs = justifications(rows, template)
    if paragraphs:
        lines += ["", "## Justifications", ""]
        for name, text in paragraphs:
            lines += [f"**{name}.** {text}", ""]
    lines += ["## Segregability", "", template.segregability, ""]
    return "\n".join(lines)


def write_index(case: Case, fmt: str, out: Path, productions: list[str] | None = None,
                exemptions: list[str] | None = None, include_all: bool = False) -> list[Path]:
    """The index in one format; CSV writes one table per file (the index, then the justifications)."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    template = load_template(case)
    rows = collect(case, productions, exemptions, include_all)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("md", "docx", "pdf"):
        text = markdown_index(case, rows, template)
        if fmt == "md":
            out.write_text(text, "utf-8")
        elif fmt == "docx":
            write_docx(text, out, landscape=True, widths=[0.4, 1.3, 1.5, 0.9, 1.1, 0.45, 0.8, 0.6, 2.0, 1.1])
        else:
            write_pdf(text, out, title=template.title, landscape=True)
        return [out]
    if fmt == "xlsx":
        return [_xlsx(rows, template, out)]
    return _csv(rows, template, out)


def _sheet_values(r: VaughnRow) -> list[Any]:
    return [r.number, r.bates, r.page, r.document, r.sender, r.recipients,
            date.fromisoformat(r.day) if r.day else None, r.location, r.boxes, r.exemption, r.extent,
            r.description, r.justification, r.production]


def _csv(rows: list[VaughnRow], template: VaughnTemplate, out: Path) -> list[Path]:
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SHEET_COLUMNS)
        for r in rows:
            values = _sheet_values(r)
            values[6] = r.day
            writer.writerow(values)
    second = out.with_name(out.stem + "-justifications.csv")
    with open(second, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Exemption", "Justification"])
        writer.writerows(justifications(rows, template))
        writer.writerow(["Segregability", template.segregability])
    return [out, second]


def _xlsx(rows: list[VaughnRow], template: VaughnTemplate, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Vaughn index"
    sheet.append(SHEET_COLUMNS)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in rows:
        sheet.append(_sheet_values(r))
        sheet.cell(sheet.max_row, 7).number_format = "yyyy-mm-dd"
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = wrap
    widths = [6, 22, 6, 36, 28, 28, 12, 28, 7, 18, 10, 60, 36, 16]
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    notes = book.create_sheet("Justifications")
    notes.append(["Exemption", "Justification"])
    for name, text in justifications(rows, template):
        notes.append([name, text])
    notes.append(["Segregability", template.segregability])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 120
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = wrap
    book.save(str(out))
    return out
