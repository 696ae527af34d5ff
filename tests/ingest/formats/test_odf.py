"""OpenDocument files are documents, never archives: text, sheets and slides from every ODF fixture."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from uncover.errors import EncryptedError, ExtractionError
from uncover.ingest.formats import identify
from uncover.ingest.formats.base import Limits, ReadContext
from uncover.model import DocumentKind, IssueCategory

FIXTURES = [  # path, kind, pages, a phrase of its text
    ("office-docs/aleph-ingest-file/Plan.odt", DocumentKind.EDOC, 1, "paint graffiti on all corners"),
    ("office-docs/aleph-ingest-file/rand-1670433101.440986000.odt", DocumentKind.EDOC, 1, "graphomaniac Talpa"),
    ("office-docs/aleph-ingest-file/rom.ods", DocumentKind.SPREADSHEET, 3, "Tip procedură\tTip document"),
    ("office-docs/freeeed/word/Gregor the Overlander.odt", DocumentKind.EDOC, 1, "Suzanne Collins"),
    ("office-docs/freeeed/presentation/plasma.odp", DocumentKind.PRESENTATION, 10, "PLASMA HAS POWER!"),
    ("email-enron-edrm-freeeed-production/native/01325_plasma.odp", DocumentKind.PRESENTATION, 10, "PLASMA HAS POWER!"),
    ("ocr-scans-and-groundtruth/ocrmypdf/tagged.odt", DocumentKind.EDOC, 1, "Cell 1\tCell 2"),
    ("pdf-robustness/pypdf-sample-files/012-libreoffice-form/libreoffice-form.odt", DocumentKind.EDOC, 1, "Example for a Form"),
]


def read(path: Path, tmp_path: Path, **limits: float):
    reader = identify(path)
    assert reader is not None and reader.name == "odf"
    return reader.read(path, ReadContext(scratch=tmp_path / "s", limits=Limits(**limits), display_name=path.name))


@pytest.mark.parametrize(("relative", "kind", "pages", "phrase"), FIXTURES)
def test_odf_fixtures(corpora: Path, tmp_path: Path, relative: str, kind: DocumentKind, pages: int, phrase: str) -> None:
    result = read(corpora / relative, tmp_path)
    assert result.kind == kind and len(result.pages) == pages
    assert phrase in "\n".join(p.text for p in result.pages)
    assert not result.children and "<" not in result.pages[0].text[:200]  # no raw XML, no parts as members


def test_odf_metadata_and_notes(corpora: Path, tmp_path: Path) -> None:
    gregor = read(corpora / "office-docs/freeeed/word/Gregor the Overlander.odt", tmp_path)
    assert gregor.metadata["author"] == "Mark Kerzner" and gregor.metadata["created"].startswith("2007-08-27")
    sheet = read(corpora / "office-docs/aleph-ingest-file/rom.ods", tmp_path / "b")
    assert sheet.pages[0].text.startswith("[Лист1]")


def test_encrypted_odf(corpora: Path, tmp_path: Path) -> None:
    with pytest.raises(EncryptedError):
        read(corpora / "office-docs/aleph-ingest-file/encypted_by_libreoffice.odt", tmp_path)


def test_odf_bomb_and_damage(tmp_path: Path) -> None:
    path = tmp_path / "bomb.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<x>" + " " * (8 * 1024 * 1024) + "</x>")
    with pytest.raises(ExtractionError) as caught:
        read(path, tmp_path, max_expanded_bytes=1024 * 1024)
    assert caught.value.category == IssueCategory.BOMB
    damaged = tmp_path / "damaged.odt"
    with zipfile.ZipFile(damaged, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content <<<")
    with pytest.raises(ExtractionError) as caught:
        read(damaged, tmp_path / "d")
    assert caught.value.category == IssueCategory.CORRUPT and "damaged.odt" in caught.value.message


def test_repeated_cells_do_not_explode(tmp_path: Path) -> None:
    path = tmp_path / "sheet.ods"
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="Opt-outs">'
        '<table:table-row><table:table-cell><text:p>Arlington</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    result = read(path, tmp_path)
    assert result.kind == DocumentKind.SPREADSHEET and result.pages[0].text == "[Opt-outs]\nArlington"
