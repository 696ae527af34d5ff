"""DAT dialect detection and streaming on generated files: every separator, qualifier and encoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from loadfile_volgen import HEADER, rows, write_dat

from uncover.ingest.loadfiles.dat import read_dat

VARIANTS = [
    ("\x14", "\u00fe"), ("|", ""), ("|", "^"), ("^", '"'), (",", '"'), ("\t", ""), ("\u00b6", "\u00fe"), ("|", "\u00fe"),
]


@pytest.mark.parametrize(("delimiter", "qualifier"), VARIANTS)
def test_every_separator_and_qualifier_is_detected_and_gives_the_same_records(tmp_path: Path, delimiter: str, qualifier: str) -> None:
    data = rows(3)
    if not qualifier:  # unqualified files cannot carry their own separator inside a value
        data = [[v.replace(delimiter, " ") for v in r] for r in data]
    path = tmp_path / "v.dat"
    write_dat(path, HEADER, data, delimiter=delimiter, qualifier=qualifier)
    dialect, records = read_dat(path)
    got = list(records)
    assert (dialect.delimiter, dialect.qualifier, dialect.header) == (delimiter, qualifier, True)
    assert [list(r.fields.values()) for r in got] == data
    assert all(not r.warnings for r in got)


@pytest.mark.parametrize(("encoding", "bom", "expected"), [
    ("utf-8", True, "utf-8-sig"), ("utf-8", False, "utf-8"), ("utf-16", False, "utf-16"),
    ("utf-16-le", False, "utf-16-le"), ("utf-16-be", False, "utf-16-be"), ("cp1252", False, "cp1252"),
])
def test_encodings_are_detected_from_the_bytes(tmp_path: Path, encoding: str, bom: bool, expected: str) -> None:
    data = rows(2)
    data[0][5] = "Caf\u00e9 \u2013 \u201cquoted\u201d r\u00e9sum\u00e9"
    path = tmp_path / "v.dat"
    write_dat(path, HEADER, data, encoding=encoding, bom=bom)
    dialect, records = read_dat(path)
    assert dialect.encoding == expected
    assert dialect.bom == (bom or encoding == "utf-16")
    assert next(iter(records)).fields["SUBJECT"] == data[0][5]


def test_partly_qualified_fields_keep_a_separator_inside_a_value(tmp_path: Path) -> None:
    data = [["ABC|0000100", "ABC0000101", "x", "", "c", "s", "2", "t"]]
    path = tmp_path / "v.dat"
    write_dat(path, HEADER, data, delimiter="|", qualifier="^", partial=True)
    dialect, records = read_dat(path)
    assert dialect.qualifier == "^" and dialect.partial_qualifying
    assert next(iter(records)).fields["BEGBATES"] == "ABC|0000100"


def test_no_header_gives_field_numbers_and_bates_columns(tmp_path: Path) -> None:
    path = tmp_path / "v.dat"
    write_dat(path, None, rows(3))
    dialect, records = read_dat(path)
    assert not dialect.header
    assert dialect.field_names[:2] == ["FIELD1", "FIELD2"]
    assert dialect.canonical_overrides == {"FIELD1": "bates_begin", "FIELD2": "bates_end", "FIELD8": "text_path"}
    assert len(list(records)) == 3


def test_multi_line_fields_and_the_newline_marker(tmp_path: Path) -> None:
    data = rows(3)
    data[1][5] = "line one\r\nline two\nline three"  # real newlines inside a qualified field
    data[2][5] = "first\u00aesecond"  # Concordance's newline marker
    path = tmp_path / "v.dat"
    write_dat(path, HEADER, data)
    dialect, records = read_dat(path)
    got = list(records)
    assert len(got) == 3
    assert got[1].fields["SUBJECT"] == "line one\r\nline two\nline three"
    assert got[2].fields["SUBJECT"] == "first\nsecond"
    assert dialect.newline_marker == "\u00ae"
    assert got[2].line == 6  # physical line where the third record starts (the second spans 3)


def test_wrong_field_count_and_undecodable_bytes_are_warned_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "v.dat"
    write_dat(path, HEADER, rows(3))
    raw = path.read_bytes().replace(b"Venturella", b"Ven\xffturella", 1)
    raw = raw.replace("\u00feABC0000104\u00fe\x14".encode(), "\u00feABC0000104\u00fe\x14\u00feextra\u00fe\x14".encode())
    path.write_bytes(raw)
    _, records = read_dat(path)
    got = list(records)
    assert len(got) == 3
    assert any("not utf-8" in w for w in got[0].warnings)
    assert any("9 fields where the header has 8" in w for w in got[2].warnings)
