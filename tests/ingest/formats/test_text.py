"""Text, CSV and HTML readers: encodings as productions deliver them, form-feed pages, fallback."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from uncover.errors import ExtractionError
from uncover.ingest.formats import html, text
from uncover.ingest.formats.base import ReadContext
from uncover.model import DocumentKind, IssueCategory, TextSource

SENTENCE = "Señor Müller’s déjà-vu: opt-out memo §5 — “final”"


def read(path: Path, tmp_path: Path, reader=text.READER):
    return reader.read(path, ReadContext(scratch=tmp_path, display_name=path.name))


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (codecs.BOM_UTF8 + SENTENCE.encode("utf-8"), "utf-8"),
        (SENTENCE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + SENTENCE.encode("utf-16-le"), "utf-16-le"),
        (SENTENCE.encode("utf-16-le"), "utf-16-le"),  # no BOM: found from the NUL pattern
        (SENTENCE.encode("utf-16-be"), "utf-16-be"),
        (SENTENCE.encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path: Path, encoded: bytes, encoding: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(encoded)
    result = read(path, tmp_path)
    assert result.pages[0].text == SENTENCE
    assert result.metadata["encoding"] == encoding
    assert result.pages[0].source == TextSource.NATIVE
    assert result.kind == DocumentKind.EDOC


def test_form_feeds_split_pages_and_crlf_is_normalized(tmp_path: Path) -> None:
    path = tmp_path / "EFTA00000001.txt"
    path.write_bytes(b"page one\r\nline two\r\n\fpage two\r\n\fpage three\r\n\f")
    result = read(path, tmp_path)
    assert [p.text for p in result.pages] == ["page one\nline two\n", "page two\n", "page three\n"]
    no_ff = tmp_path / "one.txt"
    no_ff.write_text("a\n" * 10_000)
    assert len(read(no_ff, tmp_path).pages) == 1


def test_csv_is_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "detainers.csv"
    path.write_text("county,detainers\nLos Angeles,1234\n")
    result = read(path, tmp_path)
    assert result.kind == DocumentKind.SPREADSHEET
    assert "Los Angeles,1234" in result.pages[0].text


def test_fallback_sniff_only_for_text_that_looks_like_text() -> None:
    assert text.READER.sniff(b"To: counsel\nRe: production volume 3\n", "DOC000123") == 0.05
    assert text.READER.sniff("Grüße aus Köln\n".encode("utf-16-le"), "DOC000124") == 0.05
    assert text.READER.sniff(bytes(range(256)) * 4, "DOC000125") == 0.0
    assert text.READER.sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image") == 0.0
    assert text.READER.sniff(b"anything", "notes.txt") == 0.5


def test_zero_byte_files_are_empty(tmp_path: Path) -> None:
    for name, reader in (("a.txt", text.READER), ("a.csv", text.READER), ("a.html", html.READER)):
        path = tmp_path / name
        path.write_bytes(b"")
        with pytest.raises(ExtractionError) as err:
            read(path, tmp_path, reader)
        assert err.value.category == IssueCategory.EMPTY
        assert name in err.value.message


def test_real_text_files_in_their_encodings(corpora: Path, tmp_path: Path) -> None:
    folder = corpora / "office-docs" / "aleph-ingest-file"
    cp1252 = read(folder / "non_utf.txt", tmp_path)
    assert cp1252.metadata["encoding"] == "cp1252"
    assert cp1252.pages[0].text.startswith("Der Chef von Großbritanniens größter Partei")
    bom = read(folder / "udhr_ger.txt", tmp_path)
    assert bom.metadata["encoding"] == "utf-8"
    assert "Allgemeine Erklärung der Menschenrechte" in bom.pages[0].text
    assert not bom.pages[0].text.startswith("\ufeff")
    assert read(folder / "utf.txt", tmp_path).pages[0].text == "Îș unî©ođ€.\n"
    csv = read(folder / "countries_nonutf.csv", tmp_path)
    assert csv.kind == DocumentKind.SPREADSHEET
    assert '"01","010010000000","Flensburg, Stadt",88771,82258,-7.34' in csv.pages[0].text.splitlines()


def test_html_drops_script_and_style_keeps_title_and_visible_text(corpora: Path, tmp_path: Path) -> None:
    result = read(corpora / "office-docs/aleph-ingest-file/doc.html", tmp_path, html.READER)
    body = result.pages[0].text
    assert result.kind == DocumentKind.EDOC
    assert result.html_body is None
    assert result.metadata["title"] == "Ingestors Title"
    assert result.metadata["subject"] == "Ingestors description"
    assert "Test web page. The GitHub page." in body
    assert "GoogleAnalyticsObject" not in body and "font-family" not in body


def test_generated_html_tables_breaks_and_entities(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(
        b"<html><head><meta charset='windows-1252'><title>Opt-out</title></head><body>"
        b"<h1>Secure Communities</h1><p>Line one<br>Line two &amp; more</p>"
        b"<table><tr><td>County</td><td>Activated</td></tr></table>"
        b"<script>alert('x')</script><p>Caf\xe9</p></body></html>"
    )
    assert html.READER.sniff(path.read_bytes()[:8192], "DOC0001") > text.READER.sniff(path.read_bytes()[:8192], "DOC0001")
    lines = read(path, tmp_path, html.READER).pages[0].text.splitlines()
    assert "Secure Communities" in lines
    assert "Line one" in lines and "Line two & more" in lines
    assert "County\tActivated" in lines
    assert "Café" in lines
    assert not any("alert" in line for line in lines)
