"""Office readers (DOCX, XLSX, PPTX, DOC, XLS, PPT, RTF) on real files and on files we generate.

The sweep reads every file of the office-docs corpus in a worker process with a timeout, as the
pipeline does: each one must read or raise ExtractionError with a category, nothing else.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from uncover.errors import EncryptedError, ExtractionError
from uncover.ingest.formats import docx, html, legacy_office, pptx, rtf, text, xlsx
from uncover.ingest.formats import zip as zipreader
from uncover.ingest.formats.base import ReadContext
from uncover.model import DocumentKind, IssueCategory, TextSource

MY_READERS = (docx.READER, xlsx.READER, pptx.READER, legacy_office.READER, rtf.READER, html.READER,
              zipreader.READER, text.READER)
SWEEP_TIMEOUT_S = 30
# Files whose outcome is known and asserted: every password-protected Office file of the corpus.
ENCRYPTED = {
    "aleph-ingest-file/password_protected.xls",
    "aleph-ingest-file/password_protected.xlsx",
    "poi/spreadsheet/password.xls",
    "poi/spreadsheet/xor-encryption-abc.xls",
    "poi/slideshow/Password_Protected-56-hello.ppt",
    "tika-microsoft/testWORD_protected_passtika.doc",
    "tika-microsoft/testPPT_protected_passtika.ppt",
    "tika-microsoft/testPPT_protected_passtika.pptx",
    "tika-microsoft/testEXCEL_protected_passtika.xls",
}


def pick_reader(path: Path):
    """The best of this area's readers for a file, as `formats.identify` would choose among them."""
    head = path.read_bytes()[:8192]
    best, best_score = None, 0.0
    for reader in MY_READERS:
        score = reader.sniff(head, path.name)
        if score > best_score:
            best, best_score = reader, score
    return best


def read_one(path_str: str) -> tuple[str, str, str]:
    """Runs in a worker: (outcome, reader, detail) where outcome is ok, category or 'exception'."""
    path = Path(path_str)
    reader = pick_reader(path)
    if reader is None:
        return "unclaimed", "", ""
    with tempfile.TemporaryDirectory() as scratch:
        try:
            result = reader.read(path, ReadContext(scratch=Path(scratch), display_name=path.name))
        except ExtractionError as exc:
            return str(exc.category), reader.name, exc.message
        except BaseException as exc:  # noqa: BLE001  (the failure this test exists to catch)
            return "exception", reader.name, f"{type(exc).__name__}: {exc}"
    chars = sum(len(p.text) for p in result.pages)
    return "ok", reader.name, f"{len(result.pages)} pages, {chars} chars"


def ctx_for(tmp_path: Path, **kw) -> ReadContext:
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    return ReadContext(scratch=scratch, **kw)


def full_text(result) -> str:
    return "\n".join(page.text for page in result.pages)


@pytest.fixture(scope="module")
def office(corpora: Path) -> Path:
    root = corpora / "office-docs"
    if not root.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"office-docs corpus missing at {root}")
        pytest.skip(f"office-docs corpus missing at {root}")
    return root


# ---------------------------------------------------------------------------------------- sweep

def test_every_corpus_file_reads_or_fails_with_a_category(office: Path) -> None:
    files = sorted(p for p in office.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")
    assert len(files) >= 600
    outcomes: dict[str, tuple[str, str, str]] = {}
    with multiprocessing.get_context("fork").Pool(2, maxtasksperchild=200) as pool:
        pending = {p: pool.apply_async(read_one, (str(p),)) for p in files}
        for path, job in pending.items():
            rel = path.relative_to(office).as_posix()
            try:
                outcomes[rel] = job.get(timeout=SWEEP_TIMEOUT_S)
            except multiprocessing.TimeoutError:
                outcomes[rel] = ("timeout", "", f"no answer in {SWEEP_TIMEOUT_S} s")
    counts = Counter(outcome for outcome, _reader, _detail in outcomes.values())
    by_reader = Counter(f"{reader}:{outcome}" for outcome, reader, _d in outcomes.values() if reader)
    print(f"\noffice-docs sweep over {len(files)} files: {dict(sorted(counts.items()))}")
    print(f"by reader: {dict(sorted(by_reader.items()))}")
    bad = {rel: o for rel, o in outcomes.items() if o[0] in ("exception", "timeout")}
    assert not bad, f"files that crashed or hung a reader: {bad}"
    for rel in ENCRYPTED:
        assert outcomes[rel][0] == "encrypted", (rel, outcomes[rel])
    # the bulk of the corpus is real documents: nearly all of them must read
    office_files = [o for rel, o in outcomes.items() if o[1] in ("docx", "xlsx", "pptx", "legacy_office", "rtf")]
    ok = sum(o[0] == "ok" for o in office_files)
    assert ok / len(office_files) > 0.9, Counter(o[0] for o in office_files)


# ---------------------------------------------------------------------------------------- generated files

def test_generated_docx_reads_back_paragraphs_tables_headers_and_properties(tmp_path: Path) -> None:
    import docx as python_docx

    doc = python_docx.Document()
    doc.add_paragraph("The opt-out memo was circulated on January 17, 2011.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Custodian"
    table.cell(0, 1).text = "Venturella"
    doc.sections[0].header.paragraphs[0].text = "DRAFT - DELIBERATIVE"
    doc.core_properties.author = "ICE Office of Policy"
    doc.core_properties.title = "Secure Communities opt-out"
    path = tmp_path / "memo.docx"
    doc.save(path)

    assert docx.READER.sniff(path.read_bytes()[:8192], path.name) > zipreader.READER.sniff(path.read_bytes()[:8192], path.name)
    result = docx.READER.read(path, ctx_for(tmp_path))
    body = full_text(result)
    assert result.kind == DocumentKind.EDOC
    assert "The opt-out memo was circulated on January 17, 2011." in body
    assert "Custodian\tVenturella" in body
    assert "DRAFT - DELIBERATIVE" in body
    assert result.metadata["author"] == "ICE Office of Policy"
    assert result.metadata["title"] == "Secure Communities opt-out"
    assert result.metadata["created"].startswith("20")
    assert all(p.source == TextSource.NATIVE for p in result.pages)


def test_generated_xlsx_one_page_per_sheet(tmp_path: Path) -> None:
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Detainers"
    ws.append(["County", "Detainers", "Date"])
    ws.append(["Los Angeles", 1234, datetime.date(2011, 1, 17)])
    hidden = wb.create_sheet("Withheld")
    hidden.append(["b(6) names"])
    hidden.sheet_state = "hidden"
    wb.properties.creator = "DHS"
    path = tmp_path / "detainers.xlsx"
    wb.save(path)

    result = xlsx.READER.read(path, ctx_for(tmp_path))
    assert result.kind == DocumentKind.SPREADSHEET
    assert len(result.pages) == 2
    assert result.pages[0].text.splitlines() == ["Sheet: Detainers", "County\tDetainers\tDate", "Los Angeles\t1234\t2011-01-17"]
    assert result.pages[1].text.startswith("Sheet: Withheld (hidden)")
    assert any("hidden" in w for w in result.warnings)
    assert result.metadata["author"] == "DHS"


def test_generated_pptx_one_page_per_slide_with_notes(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    for title, body in (("Secure Communities", "Opt-out is not available"), ("Next steps", "Brief the counties")):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    prs.slides[0].notes_slide.notes_text_frame.text = "Do not distribute"
    table = prs.slides[1].shapes.add_table(2, 2, Inches(1), Inches(4), Inches(4), Inches(1)).table
    table.cell(0, 0).text = "State"
    table.cell(0, 1).text = "Activated"
    path = tmp_path / "briefing.pptx"
    prs.save(path)

    result = pptx.READER.read(path, ctx_for(tmp_path))
    assert result.kind == DocumentKind.PRESENTATION
    assert [p.text.splitlines()[0] for p in result.pages] == ["Secure Communities", "Next steps"]
    assert "Opt-out is not available" in result.pages[0].text
    assert "Do not distribute" in result.pages[0].text
    assert "State\tActivated" in result.pages[1].text


def test_zero_byte_office_files_are_empty(tmp_path: Path) -> None:
    for reader, name in ((docx.READER, "a.docx"), (xlsx.READER, "a.xlsx"), (pptx.READER, "a.pptx"),
                         (legacy_office.READER, "a.doc"), (rtf.READER, "a.rtf")):
        path = tmp_path / name
        path.write_bytes(b"")
        with pytest.raises(ExtractionError) as err:
            reader.read(path, ctx_for(tmp_path))
        assert err.value.category == IssueCategory.EMPTY
        assert name in err.value.message


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    import docx as python_docx

    good = tmp_path / "good.docx"
    python_docx.Document().save(good)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(good.read_bytes()[:3000])
    with pytest.raises(ExtractionError) as err:
        docx.READER.read(bad, ctx_for(tmp_path))
    assert err.value.category == IssueCategory.CORRUPT
    assert "bad.docx" in err.value.message


def test_docx_that_expands_past_the_limit_is_a_bomb(tmp_path: Path) -> None:
    import docx as python_docx

    path = tmp_path / "big.docx"
    python_docx.Document().save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/padding.bin", b"\0" * 5_000_000)
    limits = ReadContext(scratch=tmp_path).limits
    limits.max_expanded_bytes = 2_000_000
    with pytest.raises(ExtractionError) as err:
        docx.READER.read(path, ctx_for(tmp_path, limits=limits))
    assert err.value.category == IssueCategory.BOMB


# ---------------------------------------------------------------------------------------- real files

def test_known_docx_text_nested_tables_and_header_table(office: Path, tmp_path: Path) -> None:
    result = docx.READER.read(office / "python-docx/features/blk-paras-and-tables.docx", ctx_for(tmp_path))
    lines = full_text(result).splitlines()
    assert lines[0] == "Lorem ipsum dolor sit amet, consectetur adipiscing elit."
    # an outer table cell holding text, a nested table, more text: all of it, in order
    assert "Text before Table Between Text after" in lines
    assert "Donec semper facilisis metus finibus malesuada." in lines
    assert "Copyright\tPage-number" in lines  # a table in the page header
    assert result.metadata["author"] == "Steve Canny"
    assert result.metadata["company"] == "Cisco Systems, Inc."
    hello = docx.READER.read(office / "aleph-ingest-file/hello world word.docx", ctx_for(tmp_path))
    assert full_text(hello) == "Hello world, Word!"


def test_known_xlsx_sheets(office: Path, tmp_path: Path) -> None:
    result = xlsx.READER.read(office / "aleph-ingest-file/staff_list.xlsx", ctx_for(tmp_path))
    assert [p.text.splitlines()[0] for p in result.pages] == ["Sheet: list_01", "Sheet: list_02", "Sheet: list_03"]
    assert "Karina\tShedrofsky\tOCCRP" in result.pages[0].text.splitlines()
    assert result.metadata["title"] == "Lists of Company Employees"


def test_known_pptx_slides_tables_and_properties(office: Path, tmp_path: Path) -> None:
    result = pptx.READER.read(office / "tika-microsoft/testPPT.pptx", ctx_for(tmp_path))
    assert len(result.pages) == 3
    assert result.pages[0].text.startswith("Attachment Test")
    assert result.metadata["company"] == "Pegasystems"
    various = pptx.READER.read(office / "tika-microsoft/testPPT_various.pptx", ctx_for(tmp_path))
    assert "Row 1 Col 1\tRow 1 Col 2\tRow 1 Col 3" in various.pages[0].text.splitlines()


def test_known_legacy_doc_text_and_metadata(office: Path, tmp_path: Path) -> None:
    result = legacy_office.READER.read(office / "tika-microsoft/testWORD.doc", ctx_for(tmp_path))
    body = full_text(result)
    assert result.kind == DocumentKind.EDOC
    assert body.startswith("Sample Word Document")
    assert "This is a sample Microsoft Word Document" in body
    assert result.metadata["title"] == "Sample Word Document"
    comment = legacy_office.READER.read(office / "tika-microsoft/testComment.doc", ctx_for(tmp_path))
    assert "Here is a comment" in full_text(comment)


def test_known_legacy_xls_values(office: Path, tmp_path: Path) -> None:
    result = legacy_office.READER.read(office / "tika-microsoft/testEXCEL.xls", ctx_for(tmp_path))
    assert result.kind == DocumentKind.SPREADSHEET
    first = result.pages[0].text.splitlines()
    assert first[0] == "Sheet: Feuil1"
    assert "Sample Excel Worksheet - Numbers and their Squares" in first
    assert "\t10\t100" in first
    assert result.metadata["title"] == "Simple Excel document"


def test_known_legacy_ppt_slides_in_order(office: Path, tmp_path: Path) -> None:
    result = legacy_office.READER.read(office / "poi/slideshow/incorrect_slide_order.ppt", ctx_for(tmp_path))
    assert result.kind == DocumentKind.PRESENTATION
    assert [p.text.splitlines()[0] for p in result.pages] == ["Slide 1", "Slide 2", "Slide 3"]
    basic = legacy_office.READER.read(office / "poi/slideshow/basic_test_ppt_file.ppt", ctx_for(tmp_path))
    assert basic.pages[0].text.startswith("This is a test title")
    assert "These are the notes for page 1" in basic.pages[0].text


def test_encrypted_ooxml_is_reported_encrypted(office: Path, tmp_path: Path) -> None:
    path = office / "aleph-ingest-file/password_protected.xlsx"
    assert xlsx.READER.sniff(path.read_bytes()[:8192], path.name) > legacy_office.READER.sniff(path.read_bytes()[:8192], path.name)
    with pytest.raises(EncryptedError) as err:
        xlsx.READER.read(path, ctx_for(tmp_path))
    assert "password" in err.value.message


def test_known_rtf_text_header_and_code_page(office: Path, tmp_path: Path) -> None:
    result = rtf.READER.read(office / "tika-microsoft/testRTF.rtf", ctx_for(tmp_path))
    assert result.kind == DocumentKind.EDOC
    assert full_text(result) == "Test d\u2019indexation Word"
    assert result.metadata["author"] == "Bibliotheque"
    assert result.metadata["created"] == "2006-05-18T12:19:00"
    # the page header's text is kept (striprtf alone drops it)
    plain = rtf.READER.read(office / "tika-microsoft/testRTFBoldPlain.rtf", ctx_for(tmp_path))
    assert full_text(plain).startswith("Animal Hospital")
    # the info group is in the document's ANSI code page (932 here)
    japanese = rtf.READER.read(office / "tika-microsoft/testRTF-ms932.rtf", ctx_for(tmp_path))
    assert japanese.metadata["title"] == "\u30bf\u30a4\u30c8\u30eb"
    assert "\u3053\u3093\u306b\u3061\u306f" in full_text(japanese)


def test_rtf_named_doc_goes_to_the_rtf_reader(tmp_path: Path) -> None:
    head = b"{\\rtf1\\ansi Hello from Word}"
    assert rtf.READER.sniff(head, "memo.doc") > legacy_office.READER.sniff(head, "memo.doc")


def _rewrite_member(path: Path, member: str, transform) -> None:
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info, transform(data) if info.filename == member else data)


def test_xml_external_entities_are_not_resolved(tmp_path: Path) -> None:
    """An XXE canary: a package that references a local file must not pull its content in."""
    import docx as python_docx
    import openpyxl

    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-7f3a-SECRET")
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{canary}">]>'.encode()

    def inject(data: bytes, marker: bytes, replacement: bytes) -> bytes:
        assert marker in data
        data = data.replace(marker, replacement, 1)
        if data.startswith(b"<?xml"):
            head, sep, rest = data.partition(b"?>")
            return head + sep + doctype + rest
        return doctype + data

    doc_path = tmp_path / "xxe.docx"
    doc = python_docx.Document()
    doc.add_paragraph("MARKER")
    doc.save(doc_path)
    _rewrite_member(doc_path, "word/document.xml", lambda d: inject(d, b"MARKER", b"&xxe;"))
    book_path = tmp_path / "xxe.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "MARKER"
    wb.save(book_path)
    _rewrite_member(book_path, "xl/worksheets/sheet1.xml", lambda d: inject(d, b"MARKER", b"&xxe;"))
    for reader, path in ((docx.READER, doc_path), (xlsx.READER, book_path)):
        try:
            result = reader.read(path, ctx_for(tmp_path))
        except ExtractionError as exc:
            assert "CANARY" not in exc.message  # refusing the file is fine too
            continue
        assert "CANARY-7f3a-SECRET" not in full_text(result), reader.name
