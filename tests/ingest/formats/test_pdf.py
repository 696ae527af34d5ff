"""The PDF reader on real productions: State Department releases, malformed and encrypted PDFs, scans."""

from __future__ import annotations

import multiprocessing
import os
import re
from pathlib import Path

import pytest

from uncover.errors import EncryptedError, ExtractionError
from uncover.ingest.formats import ReadContext, identify
from uncover.ingest.formats.image import MAX_OCR_PIXELS, MAX_OCR_SIDE
from uncover.ingest.formats.pdf import READER, parse_pdf_date
from uncover.ingest.ocr import OcrResult, TesseractEngine
from uncover.model import DocumentKind, IssueCategory, TextSource

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class RecordingEngine:
    """An OCR engine that returns fixed text and records the size of every image it is given."""

    name = "recording"

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []

    def recognize(self, image) -> OcrResult:  # type: ignore[no-untyped-def]
        self.sizes.append(image.size)
        return OcrResult("text read by the recording engine", 50.0)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def state_pdfs(corpora: Path) -> list[Path]:
    files = sorted((corpora / "foia-clinton-state-pdfs").glob("*.pdf"))
    assert len(files) == 168
    return files


def test_state_department_pages_all_come_from_the_text_layer(state_pdfs: list[Path], tmp_path: Path) -> None:
    ctx = ReadContext(tmp_path, ocr_mode="never")
    stamps = {"RELEASE IN FULL": 0, "RELEASE IN PART": 0}
    for path in state_pdfs:
        extraction = READER.read(path, ctx)
        # State's own pdftotext output beside each PDF has one form feed per page.
        reference = path.with_suffix(".txt").read_text(encoding="utf-8", errors="replace")
        assert len(extraction.pages) == reference.count("\f"), path.name
        assert extraction.kind == DocumentKind.EDOC
        for number, page in enumerate(extraction.pages, 1):
            assert page.source == TextSource.LAYER and not page.needed_ocr, f"{path.name} page {number}"
        text = flat(" ".join(page.text for page in extraction.pages))
        for stamp in stamps:
            assert (stamp in text) == (stamp in flat(reference)), f"{path.name}: {stamp}"
            stamps[stamp] += stamp in text
    assert stamps == {"RELEASE IN FULL": 68, "RELEASE IN PART": 100}


def test_state_department_metadata(state_pdfs: list[Path], tmp_path: Path) -> None:
    extraction = READER.read(state_pdfs[0], ReadContext(tmp_path))
    assert state_pdfs[0].name == "C05739547.pdf"
    assert extraction.metadata["created"] == "2015-05-14T15:56:16-05:00"  # D:20150514155616-05'00'
    assert extraction.metadata["producer"] == "OmniPage 18"
    assert extraction.metadata["mime"] == "application/pdf"
    assert "Doc No. C05739547" in extraction.pages[0].text
    assert "\r" not in extraction.pages[0].text


def test_auto_mode_renders_no_page_that_has_text(state_pdfs: list[Path], tmp_path: Path) -> None:
    engine = RecordingEngine()
    for path in state_pdfs[:20]:
        READER.read(path, ReadContext(tmp_path, ocr=engine, ocr_mode="auto"))
    assert engine.sizes == []


def test_always_mode_ocrs_every_page_and_keeps_the_kind(state_pdfs: list[Path], tmp_path: Path) -> None:
    engine = RecordingEngine()
    extraction = READER.read(state_pdfs[1], ReadContext(tmp_path, ocr=engine, ocr_mode="always"))
    assert len(engine.sizes) == len(extraction.pages) > 1
    assert all(page.source == TextSource.OCR and not page.needed_ocr for page in extraction.pages)
    assert extraction.kind == DocumentKind.EDOC
    assert engine.sizes[0][0] == 2550  # 8.5 inches wide at 300 dpi


def _read_category(path: str) -> tuple[str, str | None, int]:
    """Read one file in a pool worker: ('ok', None, pages) or ('error', category, 0)."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        try:
            extraction = READER.read(Path(path), ReadContext(Path(scratch), ocr_mode="never"))
        except ExtractionError as exc:
            assert exc.message and Path(path).name in exc.message
            return "error", str(exc.category), 0
    return "ok", None, len(extraction.pages)


def _expected_encrypted(root: Path) -> set[str]:
    """Files that need a password, from each suite's own records."""
    expected = {
        p.name for p in (root / "pdfminer" / "encryption").glob("*.pdf") if re.match(r"(aes|rc4)-", p.name)
    }
    for out in (root / "qpdf").glob("*.out"):  # qpdf --check prints the user password it found
        match = re.search(r"^User password = (.+)$", out.read_text(errors="replace"), re.M)
        if match:
            expected.add(out.with_suffix(".pdf").name)
    expected.add("libreoffice-writer-password.pdf")  # "encrypted": true in pypdf's files.json
    return expected


@pytest.mark.slow
def test_malformed_and_encrypted_pdfs_read_or_fail_with_a_category(corpora: Path) -> None:
    root = corpora / "pdf-robustness"
    files = sorted(root.rglob("*.pdf"))
    assert len(files) > 180
    outcomes: dict[Path, tuple[str, str | None, int]] = {}
    # Each read runs in a worker process, as in the real pipeline: a crash or a hang in PDFium
    # shows up as a failed file here, not as a dead test run.
    with multiprocessing.get_context("spawn").Pool(2, maxtasksperchild=50) as pool:
        pending = {path: pool.apply_async(_read_category, (str(path),)) for path in files}
        for path, result in pending.items():
            try:
                outcomes[path] = result.get(timeout=60)
            except multiprocessing.TimeoutError:
                outcomes[path] = ("crash or hang", None, 0)
    categories = {str(c) for c in IssueCategory}
    bad = {p.name: o for p, o in outcomes.items() if not (o[0] == "ok" and o[2] > 0 or o[1] in categories)}
    assert not bad
    encrypted = {p.name for p, o in outcomes.items() if o[1] == IssueCategory.ENCRYPTED}
    assert _expected_encrypted(root) <= encrypted
    assert len(_expected_encrypted(root)) == 9
    # encrypted with an empty user password: readable without asking anyone
    for name in ("base.pdf", "encrypted_doc_no_id.pdf"):
        assert outcomes[root / "pdfminer" / "encryption" / name][0] == "ok"
    # real documents from many producers all read (PDFium rejects 017's file outright)
    samples = [p for p in files if "pypdf-sample-files" in p.parts and "password" not in p.name]
    unread = [p.name for p in samples if outcomes[p][0] != "ok" and p.name != "unreadablemetadata.pdf"]
    assert not unread
    assert sum(o[0] == "ok" for o in outcomes.values()) > 140


def test_government_password_and_empty_pdfs(corpora: Path, tmp_path: Path) -> None:
    folder = corpora / "pdf-tables-gov" / "pdfplumber"
    ctx = ReadContext(tmp_path, display_name="")
    with pytest.raises(EncryptedError) as caught:
        READER.read(folder / "password-example.pdf", ctx)
    assert caught.value.category == IssueCategory.ENCRYPTED
    assert "password-example.pdf" in caught.value.message and "password" in caught.value.message
    with pytest.raises(ExtractionError) as caught:
        READER.read(folder / "empty.pdf", ReadContext(tmp_path, display_name="VOL001/empty.pdf"))
    assert caught.value.category == IssueCategory.EMPTY
    assert "VOL001/empty.pdf" in caught.value.message


def test_pdf_without_pages_is_empty_and_garbage_is_corrupt(corpora: Path, tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:  # qpdf: "unable to find page tree"
        READER.read(corpora / "pdf-robustness" / "qpdf" / "issue-120.pdf", ReadContext(tmp_path))
    assert caught.value.category == IssueCategory.EMPTY
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    with pytest.raises(ExtractionError) as caught:
        READER.read(junk, ReadContext(tmp_path))
    assert caught.value.category == IssueCategory.CORRUPT
    assert "junk.pdf" in caught.value.message and "new copy" in caught.value.message


@pytest.mark.slow
def test_scanned_pdf_is_ocrd_in_auto_mode(corpora: Path, tmp_path: Path) -> None:
    path = corpora / "ocr-scans-and-groundtruth" / "ocrmypdf" / "linn.pdf"
    extraction = READER.read(path, ReadContext(tmp_path, ocr=TesseractEngine(), ocr_mode="auto"))
    assert extraction.kind == DocumentKind.SCAN
    [page] = extraction.pages
    assert page.source == TextSource.OCR and page.needed_ocr
    assert page.ocr_confidence is not None and page.ocr_confidence > 80
    words = set(re.findall(r"\w+", page.text))
    reference = set(re.findall(r"\w+", (path.with_suffix(".txt")).read_text()))
    assert {"LinnSequencer", "MIDI", "polyphonic", "synthesizers"} <= words
    assert len(words & reference) / len(reference) > 0.9


def test_never_mode_leaves_image_only_pages_without_text(corpora: Path, tmp_path: Path) -> None:
    path = corpora / "ocr-scans-and-groundtruth" / "ocrmypdf" / "linn.pdf"
    engine = RecordingEngine()
    extraction = READER.read(path, ReadContext(tmp_path, ocr=engine, ocr_mode="never"))
    assert engine.sizes == []
    assert [(p.source, p.needed_ocr) for p in extraction.pages] == [(TextSource.NONE, True)]
    assert extraction.kind == DocumentKind.SCAN


def test_huge_page_is_scaled_down_before_ocr(corpora: Path, tmp_path: Path) -> None:
    # 8400 x 8400 pt: 35,000 px a side at 300 dpi, 1.2 GB of gray pixels if rendered as is
    engine = RecordingEngine()
    READER.read(
        corpora / "ocr-scans-and-groundtruth" / "ocrmypdf" / "hugemono.pdf", ReadContext(tmp_path, ocr=engine)
    )
    [(width, height)] = engine.sizes
    assert max(width, height) <= MAX_OCR_SIDE and width * height <= MAX_OCR_PIXELS * 1.001
    assert width > 5000


def test_embedded_file_becomes_a_child(corpora: Path, tmp_path: Path) -> None:
    folder = corpora / "pdf-robustness" / "pypdf-sample-files" / "025-attachment"
    extraction = READER.read(folder / "with-attachment.pdf", ReadContext(tmp_path / "scratch"))
    [child] = extraction.children
    assert child.name == "image.png"
    assert child.path.parent == tmp_path / "scratch"
    assert child.path.read_bytes() == (folder / "image.png").read_bytes()


def test_sniff_finds_a_pdf_header_after_leading_junk(state_pdfs: list[Path], tmp_path: Path) -> None:
    shifted = tmp_path / "export.bin"
    shifted.write_bytes(b"\r\n" * 100 + state_pdfs[0].read_bytes())
    assert READER.sniff(shifted.read_bytes()[:8192], "export.bin") == 1.0
    assert identify(shifted) is READER
    assert identify(state_pdfs[0]) is READER
    assert READER.sniff(b"", "letter.PDF") == 0.5
    assert READER.sniff(b"PK\x03\x04", "archive.zip") == 0.0


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("D:20150514155616-05'00'", "2015-05-14T15:56:16-05:00"),
        ("D:20150514155616Z", "2015-05-14T15:56:16+00:00"),
        ("D:20230410074654Z07'46''", "2023-04-10T07:46:54+00:00"),  # as PyMuPDF once wrote it
        ("D:20150514155616+0530", "2015-05-14T15:56:16+05:30"),
        ("D:20150514", "2015-05-14"),
        ("D:2015", "2015"),
        ("D:00000101000000Z", None),
        ("D:20151340", None),
        ("Thu May 14 2015", None),
    ],
)
def test_pdf_dates(raw: str, iso: str | None) -> None:
    assert parse_pdf_date(raw) == iso
