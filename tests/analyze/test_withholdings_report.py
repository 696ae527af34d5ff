"""From stored documents to the withholdings index: analyze, re-analyze, report, search filters, CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import pypdfium2 as pdfium
from click.testing import CliRunner
from test_redactions import SECRET, make_pdf

from uncover.analyze.withholdings import analyze_documents, page_findings
from uncover.model import Document, DocumentKind, Page, TextSource
from uncover.report.withholdings import withholdings_report
from uncover.store import withholdings as wstore

STATE_DOCS = ["C05739547", "C05739559", "C05739634"]


def add_pdf(case, path: Path, production: str, **meta) -> int:
    prod = case.store.production(production)
    fp = case.blobs.put_file(path)
    pdf = pdfium.PdfDocument(path)
    pages = [Page(0, i + 1, pdf[i].get_textpage().get_text_range(), TextSource.LAYER) for i in range(len(pdf))]
    with case.store.transaction():
        return case.store.insert_document(
            Document(id=0, production_id=prod.id, kind=DocumentKind.EDOC, filename=path.name, path=path.name,
                     sha256=fp.sha256, md5=fp.md5, size=fp.size, page_count=len(pages), **meta), None, pages)


def build(case, corpora, tmp_path) -> dict[str, int]:
    ids = {}
    for i, name in enumerate(STATE_DOCS):
        ids[name] = add_pdf(case, corpora / "foia-clinton-state-pdfs" / f"{name}.pdf", "State 2015-05",
                            custodian="Mills" if i else "Sullivan", date=f"2012-0{i + 7}-12", bates_begin=name, bates_end=name)
    ids["failed"] = add_pdf(case, make_pdf(tmp_path / "failed.pdf", failed=True), "FBI 1")
    ids["proper"] = add_pdf(case, make_pdf(tmp_path / "proper.pdf", failed=False), "FBI 1")
    return ids


def test_analyze_is_rerunnable_and_feeds_filters(case, corpora, tmp_path) -> None:
    ids = build(case, corpora, tmp_path)
    first = analyze_documents(case)
    second = analyze_documents(case)
    assert (first.marks, first.redactions) == (second.marks, second.redactions)
    conn = case.store.conn
    assert conn.execute("SELECT COUNT(*) FROM document_release").fetchone()[0] == len(ids)
    assert wstore.release(conn, ids["C05739634"]).codes == ["b3", "b6"]
    assert wstore.failed_redaction_ids(conn, "yes") == {ids["failed"]}
    assert ids["proper"] in wstore.redacted_ids(conn, "yes")
    assert wstore.exemption_ids(conn, "b3") == {ids["C05739634"]}
    assert wstore.release_ids(conn, "part") == set(ids.values())
    # nothing of the hidden text is stored anywhere in the case database
    dump = "\n".join(str(tuple(r)) for t in ("exemption_marks", "redactions", "page_notices", "document_release")
                     for r in conn.execute(f"SELECT * FROM {t}"))
    assert "Secretperson" not in dump
    lines = page_findings(case, ids["failed"])[1]
    assert any(line.startswith("FAILED redaction") for line in lines)
    assert not any("Secretperson" in line for line in lines)


def test_report_in_every_format(case, corpora, tmp_path) -> None:
    ids = build(case, corpora, tmp_path)
    analyze_documents(case)
    out = tmp_path / "out"
    with open(withholdings_report(case, "csv", out / "w.csv"), newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    by_label = {r[0]: r for r in rows[1 : len(ids) + 1]}
    assert by_label["C05739634"][8].startswith("b3 (") and ", b6 (" in by_label["C05739634"][8]
    assert by_label["C05739634"][9] == "part"
    assert len({len(r) for r in rows}) == 1  # one table per file; each summary in its own file
    assert rows[1][0] == "C05739547"  # Bates order
    with open(out / "w-by-custodian.csv", newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh))[0] == "Custodian"
    assert (out / "w.png").stat().st_size > 1000  # the chart of exemptions over time

    from docx import Document as Docx
    from openpyxl import load_workbook

    wb = load_workbook(withholdings_report(case, "xlsx", out / "w.xlsx"))
    assert wb.sheetnames == ["Documents", "By custodian", "By month", "By production", "Chart"]
    assert wb["Documents"].max_row == len(ids) + 1
    assert len(wb["Chart"]._images) == 1
    docx = Docx(str(withholdings_report(case, "docx", out / "w.docx")))
    assert docx.tables[0].rows[1].cells[0].text == "C05739547"  # Bates order
    assert len(docx.inline_shapes) == 1
    md = withholdings_report(case, "md", out / "w.md").read_text("utf-8")
    assert "| C05739634 |" in md and "## Exemptions by month" in md


def test_cli_analyze_report_redactions(case, corpora, tmp_path) -> None:
    from uncover.cli import main

    build(case, corpora, tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["analyze", str(case.root), "--json"])
    assert result.exit_code == 0, result.output
    assert '"failed_redactions": 2' in result.output
    result = runner.invoke(main, ["report", str(case.root), "withholdings", "--format", "md", "--out", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output and (tmp_path / "r.md").exists()
    result = runner.invoke(main, ["redactions", str(case.root), "--json"])
    assert result.exit_code == 0 and SECRET not in result.output and '"recoverable_chars": 18' in result.output
    result = runner.invoke(main, ["redactions", str(case.root), "--json", "--show-recovered"])
    assert SECRET in result.output
