"""A production that is only a folder of Bates-stamped PDFs: Bates from names, else from stamps."""

from __future__ import annotations

import io
from pathlib import Path

from uncover import Case
from uncover.ingest.bates_stamps import find_bates
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.search.engine import search


def stamped_pdf(pages: list[tuple[str, str | None]]) -> bytes:
    """Pages of (body, bottom-right stamp) drawn with reportlab."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for body, stamp in pages:
        pdf.drawString(72, 700, body)
        if stamp:
            pdf.drawString(460, 30, stamp)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_bates_from_file_names_and_page_stamps(tmp_path: Path) -> None:
    folder = tmp_path / "production"
    folder.mkdir()
    (folder / "ICE0000100-ICE0000102.pdf").write_bytes(stamped_pdf([(f"Memo page {i} about detainers", None) for i in range(3)]))
    (folder / "letter.pdf").write_bytes(stamped_pdf([
        ("Letter to the county sheriff, page one", "ICE0000200"),
        ("Letter to the county sheriff, page two", "ICE0000201"),
    ]))
    (folder / "report.pdf").write_bytes(stamped_pdf([("Report page one of the field office", "Doc C05739545"),
                                                      ("Report page two of the field office", "Doc C05739545")]))
    case = Case.init(tmp_path / "case")
    ingest(case, [folder], IngestOptions(ocr="never", workers=1))
    docs = {d.filename: d for d in case.store.iter_documents()}
    memo, letter, report = docs["ICE0000100-ICE0000102.pdf"], docs["letter.pdf"], docs["report.pdf"]
    assert (memo.bates_begin, memo.bates_end, memo.metadata["bates_source"]) == ("ICE0000100", "ICE0000102", "filename")
    assert [p.bates for p in case.store.pages(letter.id)] == ["ICE0000200", "ICE0000201"]
    assert letter.metadata["bates_source"] == "page-stamp" and letter.metadata["bates_confidence"] >= 0.7
    assert report.bates_begin is None  # the same document number on every page is not a Bates range
    assert case.store.find_by_bates("ICE0000201") == (letter.id, 2)
    assert [h.filename for h in search(case, "bates:ICE0000101").hits] == ["ICE0000100-ICE0000102.pdf"]


def test_name_and_page_count_disagreeing_is_a_warning() -> None:
    stamps = find_bates("ABC0000010-ABC0000019.pdf", ["page one text here", "page two text here"])
    assert stamps is not None and stamps.pages == ["ABC0000010", "ABC0000011"]
    assert stamps.warning and "spans 10 Bates pages" in stamps.warning
