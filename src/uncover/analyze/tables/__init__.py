"""Tables in released records as data: detection, cells, values, redactions, provenance.

`pdf_tables(path)` reads every table of a PDF with a text layer; `scanned` places OCR words into
the cells of tables found on page images. Results are `Table`s of `Cell`s (model.py)."""

from __future__ import annotations

from .model import Cell, Table
from .pdf import pdf_tables

__all__ = ["Cell", "Table", "pdf_tables"]
