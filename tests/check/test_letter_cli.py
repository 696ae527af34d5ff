"""The deficiency letter (Markdown and DOCX read back), deadlines, spec validation and the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from check_volgen import clean_records, record, write_volume
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

[letter]
signer = "Jane Doe"
signer_title = "Counsel for Plaintiffs"
firm = "Center for Constitutional Rights"
address = ["666 Broadway, 7th Floor", "New York, NY 10012"]
addressee = ["John Roe, Assistant United States Attorney", "86 Chambers Street", "New York, NY 10007"]
meet_confer = ["2011-03-07", "2011-03-08"]

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
    text = markdown_letter(defective, report, today=date(2011, 3, 1))
    assert "National Day Laborer Organizing Network v. ICE, No. 10 Civ. 3488 (S.D.N.Y.)" in text
    assert "$" not in text and "bates.gaps" not in text and "DOC-" not in text
    # one numbered item per deficiency, citing its records by Bates number
    assert "1. **Gaps in the Bates numbering.**" in text and "Affected (2 pages): ABC0000105-ABC0000106." in text
    assert "2. **Required metadata fields left empty.**" in text and "Affected (1 document): ABC0000108-ABC0000109." \
        in text
    # cure deadline (14 days by default), the proposed dates, reservation of rights, signature block
    assert "by March 15, 2011" in text and "propose March 7, 2011 and March 8, 2011" in text
    assert "reserves all rights" in text and "Jane Doe  \nCounsel for Plaintiffs" in text
    # no day of receipt recorded: the letter does not invent one
    assert "received on" not in text


def test_letter_counts_from_the_recorded_receipt(defective) -> None:
    with defective.store.transaction():
        defective.store.set_received("PROD001", "2011-01-19")
    report = check_production(defective, "generic-esi", "PROD001")
    assert 'production "PROD001", received on January 19, 2011, comprising 4 documents' in markdown_letter(
        defective, report, today=date(2011, 3, 1))
    rows = {r.production: r for r in deadlines(defective, today=date(2011, 3, 1))}
    assert (rows["PROD001"].status, rows["PROD001"].days_late) == ("late", 2)


def test_ndlon_letter_cites_the_order_and_its_withdrawal(defective) -> None:
    report = check_production(defective, "ndlon-2011", "PROD001")
    text = markdown_letter(defective, report, today=date(2011, 3, 1))
    assert "Opinion and Order of February 7, 2011 (ECF No. 41)" in text
    assert "withdrew both orders on June 17, 2011" in text and "no precedential value" in text
    assert "See ECF No. 41 (\"metadata maintained by the agency" in text


def test_docx_letter_reads_back(defective, tmp_path: Path) -> None:
    from docx import Document

    report = check_production(defective, "generic-esi", "PROD001")
    path = docx_letter(defective, report, tmp_path / "letter.docx", today=date(2011, 3, 1))
    doc = Document(str(path))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["Item", "Bates numbers", "Subject or file name", "Date", "Particulars"]
    assert [r[:3] for r in rows[1:]] == [["1", "ABC0000105-ABC0000106", ""], ["2", "ABC0000108-ABC0000109",
                                                                              "memo-108.docx"]]
    paragraphs = [p.text for p in doc.paragraphs]
    assert any(p.startswith("Re: National Day Laborer") for p in paragraphs)
    assert any(p.startswith("1.\tGaps in the Bates numbering.") for p in paragraphs)


def test_long_appendix_is_enclosed_complete(case, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from uncover.check.letter import ENCLOSE_ROWS, write_letter

    (case.root / "uncover.toml").write_text(SETTINGS, "utf-8")
    from uncover import Case

    records = [record(100 + 2 * i, 2, CUSTODIAN="") for i in range(ENCLOSE_ROWS + 5)]
    write_volume(tmp_path / "VOL001", records)
    opened = Case.open(case.root)
    ingest_volume(opened, tmp_path / "VOL001", production="PROD001", ocr="never")
    report = check_production(opened, "generic-esi", "PROD001")
    written = write_letter(opened, report, "md", tmp_path / "letter.md", today=date(2011, 3, 1))
    assert [p.name for p in written] == ["letter.md", "letter-appendix.csv", "letter-appendix.xlsx"]
    text = written[0].read_text("utf-8")
    assert "more" not in text and f"Affected: {ENCLOSE_ROWS + 5:,} documents, each listed in Appendix A" in text
    sheet = load_workbook(written[2]).active
    assert sheet.max_row == ENCLOSE_ROWS + 6 and sheet["C2"].value == "ABC0000100-ABC0000101"
    assert sheet["A2"].value == 1 and sheet.freeze_panes == "A2"
    opened.close()


def test_deadlines_due_received_overdue(defective) -> None:
    rows = deadlines(defective, today=date(2011, 3, 1))
    by_name = {r.production: r for r in rows}
    assert by_name["second set"].status == "overdue" and by_name["second set"].days_late == 4
    received = by_name["PROD001"]
    # ingested, day of receipt never recorded: not "late by years" counted from the ingest day
    assert received.received is None and received.days_late == 0 and "not recorded" in received.note


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
    assert out.is_file() and data["written"] == [str(out)]
    result = runner.invoke(main, ["deadlines", str(defective.root), "--json"])
    assert result.exit_code == 0 and [r["production"] for r in json.loads(result.output)] == ["PROD001", "second set"]
    result = runner.invoke(main, ["received", str(defective.root), "PROD001", "2011-01-19", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["received"] == "2011-01-19"
    result = runner.invoke(main, ["received", str(defective.root), "PROD001", "19 Jan"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output
    result = runner.invoke(main, ["check", str(defective.root), "--spec", "no-such-spec"])
    assert result.exit_code == 3 and "No spec named" in result.output


def test_cli_ingest_records_receipt(tmp_path: Path) -> None:
    from uncover import Case
    from uncover.cli import main

    write_volume(tmp_path / "VOL001", clean_records())
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(tmp_path / "case"), str(tmp_path / "VOL001"), "--production",
                                  "PROD001", "--received", "2011-01-19", "--ocr", "never", "--no-analyze", "--json"])
    assert result.exit_code == 0, result.output
    with Case.open(tmp_path / "case") as case:
        assert [(p.name, p.received_at) for p in case.store.productions()] == [("PROD001", "2011-01-19")]
        assert check_production(case, "generic-esi", "PROD001").received_at == "2011-01-19"
    result = runner.invoke(main, ["ingest", str(tmp_path / "case"), str(tmp_path / "VOL001"), "--received", "soon"])
    assert result.exit_code != 0 and "--received 'soon' is not a date" in result.output
