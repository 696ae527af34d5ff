"""Tables in released records as data: detection, cells, values, redactions, provenance.

`pdf_tables(path)` reads every table of a PDF with a text layer; `scanned` places OCR words into
the cells of tables found on page images. Results are `Table`s of `Cell`s (model.py).

The readers (pdfplumber, pypdfium2) load on first use of `pdf_tables`, so the store and search,
which only need the model, start without them."""

from __future__ import annotations

from typing import Any

from .model import Cell, Table

__all__ = ["Cell", "Table", "pdf_tables"]


def __getattr__(name: str) -> Any:
    if name == "pdf_tables":
        from .pdf import pdf_tables

        return pdf_tables
    raise AttributeError(name)
