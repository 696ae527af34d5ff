"""The Vaughn index on real State Department releases: one entry per withholding, in Bates order,
with the exemption's statute or category, the record's real date, a description drawn from the
visible page, and files a court or a spreadsheet user can open (DOCX landscape, typed XLSX, CSV)."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from uncover.errors import InputError
from uncover.report.vaughn import collect, write_index

# RELEASE IN PART B1,B7(D),B7(E),1.4(D),B7(A); B3 CIA PERS/ORG,B6; B5,B3 INA,B6; B7(C),B7(A); RELEASE IN FULL
RELEASES = ["C05739808", "C05739634", "C05739783", "C05739758", "C05739668"]


@pytest.fixture(scope="module")
def state_case(corpora: Path, tmp_path_factory: pytest.TempPathFactory):
    from uncover import Case
    from uncover.ingest.pipeline import IngestOptions, ingest

    root = tmp_path_factory.mktemp("vaughn")
    drop = root / "drop"
    drop.mkdir()
    for name in RELEASES:
        shutil.copy(corpora / "foia-clinton-state-pdfs" / f"{name}.pdf", drop)
    with Case.init(root / "case") as case:
        (case.root / "uncover.toml").write_text(
            (case.root / "uncover.toml").read_text("utf-8").replace(
                'caption = ""', 'caption = "Leopold v. U.S. Department of State, No. 15-cv-123 (D.D.C.)"'), "utf-8")
    case = Case.open(root / "case")
    ingest(case, [drop], IngestOptions(production="F-2015-04841", ocr="never", workers=1, index=False))
    yield case
    case.close()


def test_one_entry_per_withholding_in_bates_order(state_case) -> None:
    rows = collect(state_case)
    # only records with withholdings: the release in full is not listed unless asked for
    assert {r.bates.split(",")[0] for r in rows} == {"C05739634", "C05739758", "C05739783", "C05739808"}
    assert [r.number for r in rows] == list(range(1, len(rows) + 1))
    assert [r.sort_key for r in rows] == sorted(r.sort_key for r in rows)
    released = [r for r in collect(state_case, include_all=True) if r.bates == "C05739668"]
    assert len(released) == 1 and released[0].extent == "released in full"
    # every entry says where it is, how many boxes, in part or in full, and why
    assert all(r.location and r.extent in ("in part", "in full") and r.boxes >= 1 for r in rows)
    assert all(r.justification.startswith("See the justification for (b)(") for r in rows)


def test_exemptions_keep_statute_and_category(state_case) -> None:
    exemptions = {r.exemption for r in collect(state_case)}
    assert any("(b)(3) CIA PERS/ORG" in e for e in exemptions)
    assert any("(b)(3) INA" in e for e in exemptions)
    assert any("(b)(1) 1.4(d)" in e.lower() for e in exemptions)
    assert any("(b)(7)(C)" in e for e in exemptions)


def test_dates_are_the_records_own(state_case) -> None:
    days = {r.bates.split(",")[0]: r.day for r in collect(state_case)}
    assert days["C05739634"] == "2012-09-14" and days["C05739758"] == "2012-10-18"


def test_descriptions_name_what_surrounds_the_withholding(state_case) -> None:
    rows = collect(state_case)
    assert any(" line of a message" in r.description for r in rows)  # a header field: From, To, Cc, date
    assert any("of the body of a message from " in r.description for r in rows)
    assert not any("DOC-" in r.description or "None" in r.description for r in rows)


def test_filters_by_exemption_and_production(state_case) -> None:
    only_b6 = collect(state_case, exemptions=["b6"])
    assert only_b6 and all("b6" in r.codes for r in only_b6)
    all_seven = collect(state_case, exemptions=["b7"])
    assert {c for r in all_seven for c in r.codes if c.startswith("b7")} >= {"b7a", "b7c"}
    assert len(collect(state_case, productions=["F-2015-04841"])) == len(collect(state_case))
    with pytest.raises(InputError, match="No production named 'F-2016'"):
        collect(state_case, productions=["F-2016"])


def test_xlsx_is_typed_and_sized(state_case, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    (path,) = write_index(state_case, "xlsx", tmp_path / "vaughn.xlsx")
    book = load_workbook(path)
    sheet = book["Vaughn index"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["No.", "Bates number", "Page", "Document"]
    date_col = header.index("Date") + 1
    assert isinstance(sheet.cell(2, 1).value, int) and isinstance(sheet.cell(2, 3).value, int)
    assert isinstance(sheet.cell(2, date_col).value, datetime)
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["L"].width >= 40
    assert [c.value for c in book["Justifications"]["A"]][-1] == "Segregability"


def test_csv_is_one_table_per_file(state_case, tmp_path: Path) -> None:
    index, justifications = write_index(state_case, "csv", tmp_path / "vaughn.csv")
    rows = list(csv.reader(index.open(encoding="utf-8")))
    assert len({len(r) for r in rows}) == 1 and len(rows) == len(collect(state_case)) + 1
    assert rows[1][1] == "C05739634" and rows[1][6] == "2012-09-14"  # the date as a date, not text
    notes = list(csv.reader(justifications.open(encoding="utf-8")))
    assert notes[0] == ["Exemption", "Justification"] and notes[-1][0] == "Segregability"


def test_docx_is_landscape_with_a_repeating_header(state_case, tmp_path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT

    (path,) = write_index(state_case, "docx", tmp_path / "vaughn.docx")
    doc = Document(str(path))
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["No.", "Bates / page", "Document"]
    assert table.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    texts = [p.text for p in doc.paragraphs]
    assert any(t.startswith("Exemption 6.") for t in texts) and "Segregability" in texts


def test_cli_mirrors_the_library(state_case, tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from uncover.cli import main

    result = CliRunner().invoke(main, ["report", str(state_case.root), "vaughn", "--format", "csv", "--exemption",
                                       "b6", "--out", str(tmp_path / "v.csv"), "--json"])
    assert result.exit_code == 0, result.output
    files = json.loads(result.output)["files"]
    assert [Path(f).name for f in files] == ["v.csv", "v-justifications.csv"]
    assert len(list(csv.reader(open(files[0], encoding="utf-8")))) == len(collect(state_case, exemptions=["b6"])) + 1
