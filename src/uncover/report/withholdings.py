"""The withholdings report: a Vaughn-style index of what was withheld, where, and under what.

One row per document (Bates or DOC id, date, author, recipients, kind, pages, pages withheld in
full, pages with redactions, exemptions with counts, release status), then summary tables
(exemptions by custodian, by month, by production) and a chart of exemptions over time. It is
built from the stored analysis (`uncover analyze`), never from the originals, so it is fast and
contains no recovered text.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..store import withholdings as wstore

if TYPE_CHECKING:
    from ..case import Case

FORMATS = ("xlsx", "csv", "docx", "md")
COLUMNS = ["Document", "Date", "From / author", "Recipients", "Kind", "Pages", "Pages withheld in full",
           "Pages with redactions", "Exemptions (marks)", "Release status", "Production", "Custodian"]


@dataclass
class ReportData:
    rows: list[list[object]]
    by_custodian: dict[str, Counter[str]]
    by_month: dict[str, Counter[str]]
    by_production: dict[str, Counter[str]]


def collect(case: Case) -> ReportData:
    conn = case.store.conn
    releases = wstore.releases(conn)
    productions = {p.id: p.name for p in case.store.productions()}
    rows: list[list[object]] = []
    by_custodian: dict[str, Counter[str]] = defaultdict(Counter)
    by_month: dict[str, Counter[str]] = defaultdict(Counter)
    by_production: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in case.store.iter_documents():
        rel = releases.get(doc.id)
        counts = wstore.code_counts(conn, doc.id)
        exemptions = ", ".join(f"{c} ({n})" for c, n in counts.items())
        rows.append([doc.label if doc.bates_begin else doc.filename or doc.label, (doc.date or "")[:10], doc.sender or doc.author or "", doc.recipients or "", str(doc.kind),
                     doc.page_count, rel.pages_withheld if rel else "", rel.pages_redacted if rel else "", exemptions,
                     rel.status if rel else "not analyzed", productions.get(doc.production_id, ""), doc.custodian or ""])
        for code in counts:  # one per document and code: "documents withholding under b6"
            by_custodian[doc.custodian or "(none)"][code] += 1
            by_month[(doc.date or "")[:7] or "(undated)"][code] += 1
            by_production[productions.get(doc.production_id, "")][code] += 1
    rows.sort(key=lambda r: _bates_key(str(r[0])))  # Bates order, as a court reads an index
    return ReportData(rows, dict(by_custodian), dict(by_month), dict(by_production))


def _bates_key(value: str) -> tuple[str, int, str]:
    from ..model import BatesNumber

    number = BatesNumber.parse(value)
    return (number.prefix, number.number, number.suffix) if number else (value, 0, "")


def _summary_table(title: str, data: dict[str, Counter[str]]) -> tuple[str, list[str], list[list[object]]]:
    codes = sorted({c for counter in data.values() for c in counter}, key=_code_key)
    header = [title, *codes, "Total"]
    rows = [[key, *(data[key][c] for c in codes), sum(data[key].values())] for key in sorted(data)]
    return title, header, rows


def _code_key(code: str) -> tuple[str, int, str]:
    return code[0], int(code[1]) if code[1:2].isdigit() else 0, code[2:]


def summaries(data: ReportData) -> list[tuple[str, list[str], list[list[object]]]]:
    return [_summary_table("Custodian", data.by_custodian), _summary_table("Month", data.by_month),
            _summary_table("Production", data.by_production)]


def chart(data: ReportData, out: Path) -> Path | None:
    """A PNG of documents per exemption per month (stacked bars); None when nothing is dated."""
    months = sorted(m for m in data.by_month if m != "(undated)")
    if not months:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    codes = sorted({c for m in months for c in data.by_month[m]}, key=_code_key)
    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    bottom = [0] * len(months)
    for code in codes:
        values = [data.by_month[m][code] for m in months]
        ax.bar(months, values, bottom=bottom, label=code)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title("Documents withholding under each exemption, by document month")
    ax.set_ylabel("documents")
    ax.tick_params(axis="x", rotation=60, labelsize=7)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def withholdings_report(case: Case, fmt: str, out: Path) -> Path:
    """Write the report to `out` in `fmt` (xlsx, csv, docx, md); the chart beside it as PNG."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    out.parent.mkdir(parents=True, exist_ok=True)
    data = collect(case)
    png = chart(data, out.with_suffix(".png"))
    {"xlsx": _xlsx, "csv": _csv, "docx": _docx, "md": _md}[fmt](case, data, out, png)
    return out


def _csv(case: Case, data: ReportData, out: Path, png: Path | None) -> None:
    """One table per file, as spreadsheet tools and scripts read CSV: the documents in `out`, each
    summary beside it (`NAME-by-custodian.csv`, ...)."""
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(data.rows)
    for title, header, rows in summaries(data):
        with open(out.with_name(f"{out.stem}-by-{title.lower()}.csv"), "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md(case: Case, data: ReportData, out: Path, png: Path | None) -> None:
    lines = [f"# Withholdings: {case.name}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in data.rows]
    for title, header, rows in summaries(data):
        lines += ["", f"## Exemptions by {title.lower()}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    if png:
        lines += ["", f"![Exemptions over time]({png.name})"]
    out.write_text("\n".join(lines) + "\n", "utf-8")


def _xlsx(case: Case, data: ReportData, out: Path, png: Path | None) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XlImage
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Documents"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    from datetime import date

    for row in data.rows:
        values = list(row)
        try:
            values[1] = date.fromisoformat(str(values[1])) if values[1] else None  # a date, not text
        except ValueError:
            pass
        ws.append(values)
        if isinstance(values[1], date):
            ws.cell(ws.max_row, 2).number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEFGHIJKL", (22, 12, 30, 30, 10, 7, 10, 10, 24, 12, 16, 20), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for title, header, rows in summaries(data):
        sheet = wb.create_sheet(f"By {title.lower()}")
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
    if png:
        chart_sheet = wb.create_sheet("Chart")
        chart_sheet.add_image(XlImage(str(png)), "A1")
    wb.save(out)


def _docx(case: Case, data: ReportData, out: Path, png: Path | None) -> None:
    from docx import Document as DocxDocument
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches, Pt

    doc = DocxDocument()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_heading(f"Withholdings index: {case.name}", level=1)

    def table(header: list[str], rows: list[list[object]]) -> None:
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = str(text)
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)
        for r in t.rows:
            for cell in r.cells:
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(7)

    table(COLUMNS, data.rows)
    for title, header, rows in summaries(data):
        doc.add_heading(f"Exemptions by {title.lower()}", level=2)
        table(header, rows)
    if png:
        doc.add_heading("Exemptions over time", level=2)
        doc.add_picture(str(png), width=Inches(8))
    doc.save(out)
