"""The deficiency letter (Markdown and DOCX read back), deadlines, spec validation and the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from check_volgen import clean_records, write_volume
from click.testing import CliRunner

from uncover.check.checker import check_production
from uncover.check.deadlines import deadlines
from uncover.check.letter import docx_letter, markdown_letter
from uncover.check.spec import load_spec
from uncover.errors import InputError
from uncover.ingest.volume import ingest_volume

SETTINGS = '''name = "ndlon"
caption = "National Day Laborer Organizing Network v. ICE, No. 10 Civ. 3488 (S.D.N.Y.)"
requesting_party = "National Day Laborer Organizing Network"
producing_party = "U.S. Immigration and Customs Enforcement"
spec = "generic-esi"

[[schedule]]
production = "PROD001"
due = "2011-01-17"

[[schedule]]
production = "second set"
due = "2011-02-25"
'''


@pytest.fixture
def defective(case, tmp_path: Path):
    """A production with a gap (ABC0000105-106 never produced) and blank custodians on ABC0000108-109."""
    (case.root / "uncover.toml").write_text(SETTINGS, "utf-8")
    from uncover import Case

    records = [r for r in clean_records() if r["BEGBATES"] != "ABC0000105"]
    records[-1]["CUSTODIAN"] = ""
    write_volume(tmp_path / "VOL001", records)
    opened = Case.open(case.root)
    ingest_volume(opened, tmp_path / "VOL001", production="PROD001", ocr="never")
    yield opened
    opened.close()


def test_markdown_letter_lists_each_deficiency(defective) -> None:
    report = check_production(defective, "generic-esi", "PROD001")
    text = markdown_letter(defective, report)
    assert "National Day Laborer Organizing Network v. ICE, No. 10 Civ. 3488 (S.D.N.Y.)" in text
    assert "U.S. Immigration and Customs Enforcement" in text and "$" not in text
    assert "| 1 | Gaps in the Bates numbering | bates.gaps | 2 pages | ABC0000105-ABC0000106 |" in text
    assert "**Affected:** ABC0000108-ABC0000109, 1 document" in text


def test_docx_letter_reads_back(defective, tmp_path: Path) -> None:
    from docx import Document

    report = check_production(defective, "generic-esi", "PROD001")
    path = docx_letter(defective, report, tmp_path / "letter.docx")
    doc = Document(str(path))
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["No.", "Deficiency", "Rule", "Count", "Bates numbers"]
    assert {r[2]: (r[3], r[4]) for r in rows[1:]} == {"bates.gaps": ("2 pages", "ABC0000105-ABC0000106"),
                                                      "fields.empty": ("1 document", "ABC0000108-ABC0000109")}
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Affected: ABC0000105-ABC0000106, 2 pages" in paragraphs
    assert any(p.startswith("Re: National Day Laborer") for p in paragraphs)


def test_deadlines_due_received_overdue(defective) -> None:
    rows = deadlines(defective, today=date(2011, 3, 1))
    by_name = {r.production: r for r in rows}
    assert by_name["second set"].status == "overdue" and by_name["second set"].days_late == 4
    received = by_name["PROD001"]
    assert received.received is not None and received.status == "late"  # received today, due in 2011


def test_spec_errors_name_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('name = "mine"\n[fields.required]\nemail = ["form"]\n', "utf-8")
    with pytest.raises(InputError, match=r"mine.toml: fields.required.email: 'form' is not a canonical field"):
        load_spec(bad)
    bad.write_text('name = "mine"\n[images]\nformat = ["tiff"]\n', "utf-8")
    with pytest.raises(InputError, match=r"unknown key images.format"):
        load_spec(bad)
    with pytest.raises(InputError, match="No spec named 'ndlon-2012'"):
        load_spec("ndlon-2012")
    example = load_spec(Path(__file__).parents[2] / "src" / "uncover" / "check" / "specs" / "example.toml")
    assert example.bates.prefix_pattern == "[A-Z]{2,6}-?" and example.loadfile.delimiters == ["\x14"]


def test_user_spec_prefix_rule(case, tmp_path: Path) -> None:
    spec = tmp_path / "ftc-like.toml"
    spec.write_text('name = "ftc-like"\n[bates]\nprefix_pattern = "ICE-"\n[loadfile]\nrequired = true\n', "utf-8")
    write_volume(tmp_path / "VOL001", clean_records())
    ingest_volume(case, tmp_path / "VOL001", production="PROD001", ocr="never")
    report = check_production(case, str(spec), "PROD001")
    assert report.rule_ids() == {"bates.prefix"} and report.finding("bates.prefix").count == 5


def test_cli_check_and_deadlines(defective, tmp_path: Path) -> None:
    from uncover.cli import main

    runner = CliRunner()
    out = tmp_path / "letter.docx"
    result = runner.invoke(main, ["check", str(defective.root), "--production", "PROD001", "--format", "docx",
                                  "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {f["rule"] for f in data["findings"] if f["severity"] == "deficiency"} == {"bates.gaps", "fields.empty"}
    assert out.is_file() and data["written"] == str(out)
    result = runner.invoke(main, ["deadlines", str(defective.root), "--json"])
    assert result.exit_code == 0 and [r["production"] for r in json.loads(result.output)] == ["PROD001", "second set"]
    result = runner.invoke(main, ["check", str(defective.root), "--spec", "no-such-spec"])
    assert result.exit_code == 3 and "No spec named" in result.output
