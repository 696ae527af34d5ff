"""Tables on released pages become data: cells, numbers, note marks, redactions, provenance,
exports; and on real government PDFs, what a reader would check (totals add up, a table
continued over fifteen pages is one table)."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from table_pdf import table_pdf

from uncover.analyze.tables import pdf_tables
from uncover.analyze.tables.values import exemption_codes, parse_number, split_marks
from uncover.ingest.pipeline import IngestOptions, ingest


def _ingest_table(case, tmp_path: Path) -> None:
    production = tmp_path / "PROD001"
    production.mkdir()
    (production / "detainers.pdf").write_bytes(table_pdf())
    ingest(case, [production], IngestOptions(production="ICE detainers", workers=1))


def test_generated_table_reads_values_marks_and_redactions() -> None:
    (table,) = pdf_tables(table_pdf())
    grid = table.grid()
    assert grid[0] == ["County", "Detainers", "Change", "Releases"]
    assert (table.n_rows, table.n_cols) == (6, 4)
    cell = table.cell_at(2, 1)
    assert (cell.text, cell.marks, cell.value) == ("12,345", "*", 12345.0)
    assert table.cell_at(1, 2).value == -56.0
    withheld = table.cell_at(3, 1)
    assert withheld.redacted and withheld.exemption == "(b)(6)" and withheld.value is None
    under_box = table.cell_at(4, 1)  # 9,870 is still in the text layer under the box
    assert under_box.redacted and under_box.value is None
    assert table.cell_at(4, 3).redacted and table.cell_at(4, 3).text == ""
    assert table.cell_at(5, 1).value == 23449.0


def test_numbers_and_codes() -> None:
    assert parse_number("1,234") == 1234 and parse_number("(1,234)") == -1234 and parse_number("-7.5") == -7.5
    assert parse_number("$ 0.61") == 0.61 and parse_number("12.5%") == 12.5
    assert parse_number("1,23") is None and parse_number("03/25/2016") is None and parse_number("20-30") is None
    assert split_marks("1,234*") == ("1,234", "*") and split_marks("Uncommon*") == ("Uncommon*", "")
    assert exemption_codes("(b)(6), (b)(7)(C)") == "(b)(6), (b)(7)(C)"
    assert exemption_codes("b6 b7C") == "(b)(6), (b)(7)(C)"
    assert exemption_codes("Cook County (b)(6)") is None


def test_redacted_cell_never_exports_as_a_number(case, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from uncover.analyze.tables.casepass import read_tables
    from uncover.report.tables import export_tables
    from uncover.store import tables as tstore

    _ingest_table(case, tmp_path)  # the ingest's case pass reads the tables
    stored = tstore.all_tables(case.store.conn)
    assert len(stored) == 1 and stored[0].table.pages == [1]
    summary = read_tables(case)  # re-runnable: replaces, never duplicates
    assert summary.tables == 1 and len(tstore.all_tables(case.store.conn)) == 1
    stored = tstore.all_tables(case.store.conn)
    docs = {d.id: d for d in case.store.documents([stored[0].document_id])}
    out = tmp_path / "export"
    export_tables(out, stored, docs)

    (csv_path,) = out.glob("*.csv") if False else [p for p in out.glob("*.csv") if p.name != "provenance.csv"]
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    assert rows[3][1] == "[REDACTED (b)(6)]" and rows[4][1] == "[REDACTED]" and rows[4][3] == "[REDACTED]"
    assert rows[2][1] == "12,345*" and rows[1][2] == "(56)"
    for text in (rows[3][1], rows[4][1], rows[4][3]):
        assert parse_number(text) is None

    sheet = load_workbook(csv_path.with_suffix(".xlsx"))["Table"]
    assert sheet.cell(row=2, column=2).value == 1234  # a plain number stays a number
    for r, c in ((4, 2), (5, 2), (5, 4)):
        value = sheet.cell(row=r, column=c).value
        assert isinstance(value, str) and value.startswith("[REDACTED")

    db = sqlite3.connect(out / "tables.sqlite")
    name, citation = db.execute("SELECT table_name, citation FROM provenance").fetchone()
    assert citation.startswith("detainers.pdf, page 1, table 1")
    redacted = db.execute("SELECT text, value FROM cells WHERE redacted = 1 ORDER BY row, col").fetchall()
    assert redacted == [("[REDACTED (b)(6)]", None), ("[REDACTED]", None), ("[REDACTED]", None)]
    assert db.execute(f'SELECT c2, c2_value FROM "{name}" WHERE row = 4').fetchone() == ("[REDACTED]", None)
    assert db.execute(f'SELECT SUM(c2_value) FROM "{name}" WHERE row BETWEEN 1 AND 4').fetchone()[0] == 1234 + 12345
    db.close()


def test_search_finds_documents_by_their_tables(case, tmp_path: Path) -> None:
    from uncover.errors import QueryError
    from uncover.search.engine import search

    _ingest_table(case, tmp_path)
    (blank := tmp_path / "PROD002").mkdir()
    (blank / "letter.txt").write_text("Dear requester, Maricopa records are enclosed.")
    ingest(case, [blank], IngestOptions(production="letter", workers=1))
    assert [h.filename for h in search(case, "has:table").hits] == ["detainers.pdf"]
    assert [h.filename for h in search(case, "table:maricopa").hits] == ["detainers.pdf"]
    assert search(case, "maricopa").total == 2 and search(case, "table:phoenix").total == 0
    with pytest.raises(QueryError, match="has:table"):
        search(case, "has:chart")


def test_nics_report_rows_add_up_to_their_totals(corpora: Path) -> None:
    """The FBI's NICS report, printed sideways on its page: each state's counts add up to its
    printed total, and the column totals to the Totals row."""
    pdf = corpora / "pdf-tables-gov/pdfplumber/nics-background-checks-2015-11-rotated.pdf"
    (table,) = [t for t in pdf_tables(pdf) if t.n_cols >= 20]
    assert table.turned
    grid = table.grid()
    states = [r for r in grid if r[0] and r[-1] and parse_number(r[-1]) is not None and r[0] != "Totals"]
    assert len(states) == 55 and states[0][0] == "Alabama" and states[-1][0] == "Wyoming"
    for row in states:
        assert sum(parse_number(v) or 0 for v in row[1:-1]) == parse_number(row[-1]), row[0]
    totals = next(r for r in grid if r[0] == "Totals")
    assert parse_number(totals[-1]) == sum(parse_number(r[-1]) for r in states) == 2236457


def test_warn_report_tables_continue_over_page_breaks(corpora: Path) -> None:
    """California's WARN report: the notices run from page 1 over fifteen pages and the summary
    by month from page 15 to 16 (pages 1, 2, 15 and 16 read here, to keep the test short)."""
    pdf = corpora / "pdf-tables-gov/pdfplumber/WARN-Report-for-7-1-2015-to-03-25-2016.pdf"
    first, tail, summary = pdf_tables(pdf, pages=[1, 2, 15, 16])
    assert first.pages == [1, 2] and tail.pages == [15] and summary.pages == [15, 16]
    grid = first.grid()
    assert grid[0][0] == "Notice Date" and sum(r[0] == "Notice Date" for r in grid) == 1
    assert grid[1][3] == "Maxim Integrated Product" and len(grid) == 1 + 36 + 43
    assert tail.grid()[-1][3] == "Rockwell Collins, Inc." and tail.grid()[-1][5] == "2"
    months = summary.grid()
    assert months[0][0] == "Summary by Month" and months[-1][0] == "Total"
    assert parse_number(months[-1][1]) == sum(parse_number(r[1]) for r in months[1:-1]) == 632


def test_workspace_shows_the_table_beside_its_page(case, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from uncover.web.app import WebSettings, create_app

    _ingest_table(case, tmp_path)
    doc_id = case.store.conn.execute("SELECT id FROM documents WHERE filename = 'detainers.pdf'").fetchone()[0]
    client = TestClient(create_app(case.root, WebSettings(allowed_hosts=("127.0.0.1",))), base_url="http://127.0.0.1")
    listing = client.get("/tables")
    assert listing.status_code == 200 and "detainers.pdf, page 1, table 1" in listing.text
    view = client.get(f"/documents/{doc_id}/tables/1")
    assert view.status_code == 200
    assert f'src="/documents/{doc_id}/pages/1/image"' in view.text
    # the cell 1,234 links to its region of the page, and the region back to the cell
    assert '<a href="#cell-1-1">1,234</a>' in view.text and 'id="cell-1-1"' in view.text
    region = view.text.split('id="cell-1-1"')[1].split(">")[0]
    x = float(region.split('data-x="')[1].split('"')[0])
    assert abs(x - 203 / 612) < 0.02  # printed 4 pt right of the rule at x=200 on a 612 pt page
    assert "[REDACTED (b)(6)]" in view.text
    got = client.get(f"/documents/{doc_id}/tables/1/csv")
    rows = list(csv.reader(got.text.splitlines()))
    assert rows[0] == ["Source: detainers.pdf, page 1, table 1"] and rows[5][1] == "[REDACTED (b)(6)]"
    assert client.get(f"/documents/{doc_id}/tables/9").status_code == 404


def test_reading_room_offers_a_published_documents_tables_as_csv(case, tmp_path: Path) -> None:
    from uncover.publish.build import publish
    from uncover.publish.publication import add_documents, create_publication

    _ingest_table(case, tmp_path)
    publication = create_publication(case, "detainers", "ICE detainer records")
    doc_id = case.store.conn.execute("SELECT id FROM documents WHERE filename = 'detainers.pdf'").fetchone()[0]
    add_documents(case, publication, [f"DOC-{doc_id:06d}"])
    result = publish(case, publication, tmp_path / "site")
    assert not result.leaks
    csv_file = tmp_path / "site" / "tables" / "detainers" / "t1.csv"
    rows = list(csv.reader(csv_file.open(encoding="utf-8")))
    assert rows[0][0].startswith("Source: detainers.pdf, page 1, table 1")
    grid = rows[2:]
    assert grid[0] == ["County", "Detainers", "Change", "Releases"] and grid[1][1] == "1,234"
    assert grid[3][1] == "[REDACTED (b)(6)]" and grid[4][1] == "[REDACTED]"
    assert "9,870" not in csv_file.read_text(encoding="utf-8")  # still in the text layer, under the box
    page = (tmp_path / "site" / "doc" / "detainers.html").read_text(encoding="utf-8")
    assert 'href="../tables/detainers/t1.csv"' in page and "detainers.pdf, page 1, table 1" in page


def test_scanned_table_is_read_through_ocr(tmp_path: Path) -> None:
    """The generated table printed and scanned: an image-only PDF, turned a degree, with grain."""
    import io

    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(table_pdf())
    image = doc[0].render(scale=200 / 72).to_pil().convert("L").rotate(1.0, resample=Image.BICUBIC, fillcolor=255)
    pixels = np.asarray(image).astype(np.float32) + np.random.default_rng(7).normal(0, 10, (image.height, image.width))
    buf = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buf, format="PDF", resolution=200)
    (table,) = pdf_tables(buf.getvalue())
    assert table.method == "ocr-ruled" and (table.n_rows, table.n_cols) == (6, 4)
    grid = table.grid()
    assert grid[0] == ["County", "Detainers", "Change", "Releases"]
    assert [r[0] for r in grid] == ["County", "Cook", "Harris", "Maricopa", "Dallas", "Total"]
    assert table.cell_at(1, 1).value == 1234 and table.cell_at(5, 1).value == 23449
    assert table.cell_at(4, 1).redacted and table.cell_at(4, 1).value is None  # the box hides 9,870 on paper
    assert table.cell_at(3, 1).redacted


def test_a_pdf_the_reader_cannot_read_is_its_own_exception(case, tmp_path: Path) -> None:
    """A stored PDF the table reader cannot open (its copy damaged on disk since the ingest) is that
    document's exception, named by file, and the pass goes on: the other document's table is stored."""
    from uncover.analyze.tables.casepass import read_tables
    from uncover.store import tables as tstore

    production = tmp_path / "PROD001"
    production.mkdir()
    (production / "detainers.pdf").write_bytes(table_pdf())
    (production / "detainers-2012.pdf").write_bytes(table_pdf().replace(b"Maricopa", b"Yavapai "))
    ingest(case, [production], IngestOptions(production="ICE detainers", workers=1))
    docs = {d.filename: d for d in case.store.iter_documents()}
    damaged = case.blobs.path_for(docs["detainers-2012.pdf"].sha256)
    damaged.chmod(0o644)
    damaged.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)

    summary = read_tables(case, sorted(d.id for d in docs.values()), workers=2)
    assert (summary.documents, summary.tables) == (1, 1)
    assert len(summary.problems) == 1 and summary.problems[0].startswith("tables could not be read from detainers-2012.pdf")
    assert "it may be damaged" in summary.problems[0]
    issues = case.store.conn.execute("SELECT category, message FROM processing_issues WHERE stage = 'tables'").fetchall()
    assert [tuple(row) for row in issues] == [("corrupt", summary.problems[0])]
    stored = sorted(s.document_id for s in tstore.all_tables(case.store.conn))
    assert stored == sorted(d.id for d in docs.values())  # what the ingest read before the damage is kept, once


def test_the_ingest_opens_only_what_its_workers_found_may_hold_a_table(case, corpora: Path, tmp_path: Path) -> None:
    """The ingest's workers pre-check each PDF page as they read it; the tables pass then reads only
    those pages. What it stores equals a reading of every page (`uncover tables CASE`), and a
    letter's PDF is never opened by the pass."""
    import shutil

    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    from uncover.analyze.tables.casepass import read_tables
    from uncover.store import tables as tstore

    production = tmp_path / "PROD001"
    production.mkdir()
    names = ["nics-background-checks-2015-11.pdf", "senate-expenditures.pdf", "scotus-transcript-p1.pdf",
             "2023-06-20-PV.pdf", "issue-33-lorem-ipsum.pdf"]
    for name in names:
        shutil.copy(corpora / "pdf-tables-gov/pdfplumber" / name, production / name)
    pdf = canvas.Canvas(str(production / "letter.pdf"), pagesize=letter)
    for page in range(2):
        y = 720
        for line in range(30):
            pdf.drawString(72, y, f"Dear requester, page {page + 1} line {line}: the records you asked for are enclosed.")
            y -= 16
        pdf.showPage()
    pdf.save()

    ingest(case, [production], IngestOptions(production="Tables", workers=2))
    docs = {d.filename: d for d in case.store.iter_documents()}
    checks = tstore.table_checks(case.store.conn, sorted(d.id for d in docs.values()))
    assert set(checks) == {d.id for d in docs.values()}, "every PDF was pre-checked by its worker"
    assert checks[docs["letter.pdf"].id] == [] and checks[docs["nics-background-checks-2015-11.pdf"].id] == [1]

    def stored() -> list[tuple[str, list[int], list[list[str]]]]:
        by_id = {d.id: d.filename for d in docs.values()}
        return sorted((by_id[s.document_id], s.table.pages, s.table.grid()) for s in tstore.all_tables(case.store.conn))

    at_ingest = stored()
    assert {name for name, _, _ in at_ingest} >= {"nics-background-checks-2015-11.pdf", "senate-expenditures.pdf"}
    read_tables(case)  # every page of every document looked at again
    assert stored() == at_ingest


def test_the_pre_check_asks_for_fewer_boxes_and_finds_the_same_columns(corpora: Path) -> None:
    """The pre-check asks PDFium only for the boxes beside spaces and punctuation: on real released
    and tabular pages it finds the columns asking for every box finds, and the same gaps."""
    import pypdfium2 as pdfium

    from uncover.analyze.tables.precheck import _has_column, _line_gaps

    files = sorted((corpora / "pdf-tables-gov").rglob("*.pdf")) + sorted((corpora / "foia-clinton-state-pdfs").rglob("*.pdf"))[:40]
    pages = same_gaps = columns = 0
    for path in files:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError:  # the corpus keeps a few damaged files on purpose
            continue
        for number in range(len(pdf)):
            text = pdf[number].get_textpage()
            if text.count_chars() == 0:
                continue
            every, asked = _line_gaps(text, every=True), _line_gaps(text)
            assert _has_column(asked) == _has_column(every), f"{path.name} page {number + 1}"
            pages += 1
            same_gaps += set(asked) == set(every)
            columns += _has_column(every)
    assert pages > 150 and columns > 20
    assert same_gaps >= pages - 2
