"""The tables workspace: every table read from the case's pages, and one table beside the page
it is printed on, each cell linked to its region of the page image (a click on a cell outlines
where it is printed; the region's title says which cell it is).

Files are addressed by document id and table position only; the CSV download carries the
table's citation in its first row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from ...report.tables import cell_out, citation, file_stem, rows_of
from ...store import tables as tstore
from .. import pages as page_images
from ..app import CaseDep, render

router = APIRouter()


@dataclass
class Region:
    """A cell's place on the page image, in page fractions."""

    id: str
    x: float
    y: float
    w: float
    h: float
    label: str


def _stored(case, doc_id: int, position: int) -> tstore.StoredTable:  # type: ignore[no-untyped-def]
    for stored in tstore.document_tables(case.store.conn, doc_id):
        if stored.position == position:
            return stored
    raise HTTPException(404, f"Document {doc_id} has no table {position}.")


@router.get("/tables")
def tables_list(request: Request, *, case: CaseDep) -> Response:
    stored = tstore.all_tables(case.store.conn)
    docs = {d.id: d for d in case.store.documents(sorted({s.document_id for s in stored}))}
    items = [{"stored": s, "doc": docs[s.document_id], "citation": citation(docs[s.document_id], s),
              "redacted": sum(c.redacted for c in s.table.cells)} for s in stored]
    return render(request, "tables.html", items=items)


@router.get("/documents/{doc_id}/tables/{position}")
def table_view(request: Request, doc_id: int, position: int, page: int | None = None, *, case: CaseDep) -> Response:
    doc = case.store.document(doc_id)
    if doc is None:
        raise HTTPException(404, f"There is no document {doc_id} in this case.")
    stored = _stored(case, doc_id, position)
    table = stored.table
    page = page if page in table.pages else table.pages[0]
    part = next((p for p in stored.parts if p["page"] == page), {})
    width, height = float(part.get("width") or 0), float(part.get("height") or 0)
    regions = []
    if width and height and not table.turned:
        for c in table.cells:
            if c.page == page and c.bbox and (c.display or c.redacted):
                x0, top, x1, bottom = c.bbox
                regions.append(Region(f"cell-{c.row}-{c.col}", x0 / width, top / height, (x1 - x0) / width,
                                      (bottom - top) / height, f"row {c.row + 1}, column {c.col + 1}: {cell_out(c)}"))
    pages = case.store.pages(doc_id)
    bates = next((p.bates for p in pages if p.number == page), None)
    has_image = page_images.source_kind(case.blobs.path_for(doc.sha256)) is not None and bool(pages)
    linked = {r.id for r in regions}
    return render(request, "table.html", doc=doc, stored=stored, table=table, rows=rows_of(table), page=page,
                  regions=regions, linked=linked, bates=bates, has_image=has_image, cell_out=cell_out,
                  citation=citation(doc, stored))


@router.get("/documents/{doc_id}/tables/{position}/csv")
def table_csv(doc_id: int, position: int, *, case: CaseDep) -> Response:
    doc = case.store.document(doc_id)
    if doc is None:
        raise HTTPException(404, f"There is no document {doc_id} in this case.")
    stored = _stored(case, doc_id, position)
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow([f"Source: {citation(doc, stored)}"])
    out.writerow([])
    for row in rows_of(stored.table):
        out.writerow([cell_out(c) for c in row])
    name = file_stem(doc, stored)
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
