"""Excel workbooks (XLSX, XLSM, XLTX): one page per sheet, rows as tab-separated lines.

openpyxl in read-only mode streams rows instead of building the whole workbook, and data_only
gives the values Excel last calculated rather than formulas, which is what a reader sees. Each
page starts with the sheet name, and says when a sheet is hidden: hidden sheets in a produced
native are something a FOIA reviewer wants to know about. XLSB (binary workbooks) is refused as
`unsupported` rather than unpacked as an archive.
"""

from __future__ import annotations

import warnings as py_warnings
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ...errors import ExtractionError
from ...model import DocumentKind, IssueCategory, TextSource
from .base import Extraction, PageText, ReadContext, display
from .docx import app_properties, core_properties, legacy_if_ole, library_error, open_ooxml_guard, sniff_ooxml

MAX_SHEET_CHARS = 20_000_000  # a sheet's text beyond this is cut, with a warning


def cell_text(value: Any) -> str:
    """A cell as it reads in a line of text: dates in ISO 8601, numbers without float noise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    return str(value).replace("\t", " ").replace("\r\n", " ").replace("\n", " ")


def sheet_text(ws: Any) -> tuple[str, bool]:
    """Rows of a read-only worksheet, and whether the text was cut at MAX_SHEET_CHARS."""
    try:
        ws.reset_dimensions()  # a wrong <dimension> in the file would otherwise hide rows
    except AttributeError:
        pass
    lines: list[str] = []
    size = 0
    pending_blank = 0
    for row in ws.iter_rows(values_only=True):
        cells = [cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            pending_blank += 1
            continue
        lines.extend([""] * pending_blank)
        pending_blank = 0
        line = "\t".join(cells)
        lines.append(line)
        size += len(line) + 1
        if size > MAX_SHEET_CHARS:
            return "\n".join(lines), True
    return "\n".join(lines), False


class XlsxReader:
    name = "xlsx"
    extensions = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb")

    def sniff(self, head: bytes, filename: str) -> float:
        return sniff_ooxml(head, filename, self.extensions, "xl")

    def read(self, path: Path, ctx: ReadContext) -> Extraction:
        label = display(path, ctx)
        open_ooxml_guard(path, ctx, "Excel")
        if (legacy := legacy_if_ole(path, ctx, "an Excel 2007+ file")) is not None:
            return legacy
        if label.lower().endswith(".xlsb") or path.name.lower().endswith(".xlsb"):
            raise ExtractionError(
                f"{label} is a binary Excel workbook (XLSB), which uncover cannot read: ask the "
                "producer to save it as .xlsx.",
                IssueCategory.UNSUPPORTED,
            )
        pages: list[PageText] = []
        notes: list[str] = []
        try:
            # A file object, not the path: originals are stored under their hash with no extension,
            # and openpyxl refuses a path whose extension it does not know.
            import openpyxl  # here, not with the module (see docx._open_word)

            with py_warnings.catch_warnings(), open(path, "rb") as fh:
                py_warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
                try:
                    meta = core_properties(wb.properties)
                    for ws in wb.worksheets:
                        state = getattr(ws, "sheet_state", "visible")
                        heading = f"Sheet: {ws.title}" + (f" ({state})" if state != "visible" else "")
                        body, cut = sheet_text(ws)
                        if cut:
                            notes.append(f"sheet {ws.title!r} is very large: its text was cut")
                        if state != "visible":
                            notes.append(f"sheet {ws.title!r} is {state}")
                        pages.append(PageText(f"{heading}\n{body}".rstrip(), TextSource.NATIVE))
                        if len(pages) >= ctx.limits.max_pages:
                            notes.append(f"more than {ctx.limits.max_pages} sheets; kept the first ones")
                            break
                finally:
                    wb.close()
        except ExtractionError:
            raise
        except Exception as exc:  # noqa: BLE001  (any parser failure on a damaged package is `corrupt`)
            raise library_error(path, ctx, "Excel", exc) from exc
        meta.update(app_properties(path))
        if not pages:
            pages = [PageText("", TextSource.NATIVE)]
            notes.append("the workbook has no worksheets")
        return Extraction(DocumentKind.SPREADSHEET, pages, meta, warnings=notes)


READER = XlsxReader()
