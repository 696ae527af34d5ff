"""Each rule on a generated production seeded with exactly one defect: flagged by that rule, with the
right Bates numbers, and by no other rule. The clean production has no findings at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from check_volgen import clean_records, record, variant, write_volume

from uncover.check.checker import CheckReport, check_production
from uncover.ingest.volume import ingest_volume


def run(case: Any, tmp_path: Path, records: list[dict[str, Any]], spec: str = "generic-esi",
        **volume: Any) -> CheckReport:
    write_volume(tmp_path / "VOL001", records, **volume)
    ingest_volume(case, tmp_path / "VOL001", production="PROD001", ocr="never")
    return check_production(case, spec, "PROD001")


def only(report: CheckReport, rule: str) -> Any:
    assert report.rule_ids() == {rule}, [(f.rule, f.bates_summary, f.details[:3]) for f in report.flagged]
    return report.finding(rule)


def test_clean_production_has_no_findings(case, tmp_path: Path) -> None:
    report = run(case, tmp_path, clean_records())
    assert report.documents == 5
    assert report.flagged == []
    # the withholdings analysis has not run: said so, not passed as clean
    assert report.finding("withholdings.unmarked").severity == "not-checked"


def test_required_field_missing_is_reported_per_field(case, tmp_path: Path) -> None:
    header = [h for h in clean_records()[0] if not h.startswith("_") and h != "SUBJECT"]
    finding = only(run(case, tmp_path, clean_records(), header=header), "fields.missing")
    assert finding.bates == ["ABC0000100-ABC0000101"] and finding.count == 1  # only the e-mail needs SUBJECT
    assert finding.per_field["subject"]["missing"] == 1 and finding.per_field["subject"]["missing_pct"] == 100.0
    assert finding.per_custodian == {"Venturella, David": {"documents": 5, "missing": 1, "pct": 20.0}}


def test_required_field_empty(case, tmp_path: Path) -> None:
    records = variant(ABC0000105={"CUSTODIAN": ""}, ABC0000108={"CUSTODIAN": ""})
    finding = only(run(case, tmp_path, records), "fields.empty")
    assert finding.bates == ["ABC0000105-ABC0000106", "ABC0000108-ABC0000109"]
    assert finding.per_field["custodian"]["empty"] == 2
    assert finding.per_custodian["(no custodian)"]["pct"] == 100.0


def test_bates_width(case, tmp_path: Path) -> None:
    records = variant(ABC0000108={"BEGBATES": "ABC00108", "ENDBATES": "ABC00109"})
    finding = only(run(case, tmp_path, records), "bates.width")
    assert finding.bates == ["ABC00108-ABC00109"] and "7 digits" in finding.explanation


def test_bates_end_before_begin(case, tmp_path: Path) -> None:
    records = variant(ABC0000105={"ENDBATES": "ABC0000104", "_keys": ["ABC0000105", "ABC0000106"]})
    finding = only(run(case, tmp_path, records), "bates.order")
    assert finding.bates == ["ABC0000105-ABC0000104"]


def test_page_count_disagrees(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000105={"PGCOUNT": "3"})), "bates.page-count")
    assert finding.bates == ["ABC0000105-ABC0000106"] and "PGCOUNT 3" in finding.details[0]


def test_bates_gap_is_listed(case, tmp_path: Path) -> None:
    records = [r for r in clean_records() if r["BEGBATES"] != "ABC0000105"]
    finding = only(run(case, tmp_path, records), "bates.gaps")
    assert (finding.bates, finding.count, finding.unit) == (["ABC0000105-ABC0000106"], 2, "pages")


def test_bates_spaces(case, tmp_path: Path) -> None:
    records = variant(ABC0000108={"BEGBATES": "ABC 0000108", "ENDBATES": "ABC 0000109",
                                  "_keys": ["ABC 0000108", "ABC 0000109"]})
    finding = only(run(case, tmp_path, records), "bates.spaces")
    assert finding.count == 1 and "ABC 0000108" in finding.bates_summary


def test_duplicate_bates(case, tmp_path: Path) -> None:
    records = clean_records() + [record(108, 2)]
    report = run(case, tmp_path, records)
    finding = only(report, "bates.duplicates")
    assert finding.count == 2 and finding.bates == ["ABC0000108-ABC0000109"]


def test_overlapping_ranges(case, tmp_path: Path) -> None:
    records = clean_records() + [record(109, 2)]
    finding = only(run(case, tmp_path, records), "bates.overlaps")
    assert finding.bates == ["ABC0000109-ABC0000110"]


def test_orphan_attachment(case, tmp_path: Path) -> None:
    records = clean_records() + [record(110, 1, BEGATTACH="ABC0000095", ENDATTACH="ABC0000110",
                                        PARENT_BATES="ABC0000095")]
    finding = only(run(case, tmp_path, records), "families.orphans")
    assert finding.bates == ["ABC0000110"]


def test_email_attachments_missing(case, tmp_path: Path) -> None:
    records = clean_records() + [record(110, 1, BEGATTACH="ABC0000110", ENDATTACH="ABC0000113",
                                        FROM="a@ice.dhs.gov", TO="b@ice.dhs.gov", SUBJECT="see attached",
                                        DATESENT="01/18/2011", FILENAME="see attached.msg")]
    finding = only(run(case, tmp_path, records), "families.missing")
    assert finding.bates == ["ABC0000110"] and "3 of 3 attachment pages not produced" in finding.details[0]


def test_attachments_produced_apart(case, tmp_path: Path) -> None:
    email = record(110, 1, BEGATTACH="ABC0000110", ENDATTACH="ABC0000111", FROM="a@ice.dhs.gov",
                   TO="b@ice.dhs.gov", SUBJECT="see attached", DATESENT="01/18/2011", FILENAME="x.msg")
    write_volume(tmp_path / "VOL002", [record(111, 1, BEGATTACH="ABC0000110", ENDATTACH="ABC0000111",
                                              PARENT_BATES="ABC0000110")])
    report = run(case, tmp_path, clean_records() + [email])
    ingest_volume(case, tmp_path / "VOL002", production="PROD002", ocr="never")
    finding = only(check_production(case, "generic-esi", "PROD001"), "families.apart")
    assert finding.bates == ["ABC0000110"]
    assert report.flagged  # before the second production arrived, the attachment was simply missing
    later = check_production(case, "generic-esi", "PROD002")
    assert only(later, "families.apart").bates == ["ABC0000111"]


def test_child_outside_parent_range(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000108={"PARENT_BATES": "ABC0000100"})), "families.outside")
    assert finding.bates == ["ABC0000108-ABC0000109"]


@pytest.mark.parametrize(("image", "rule"), [("none", "images.missing"), ("garbage", "images.unreadable"),
                                             ("png", "images.format"), ("multi3", "images.page-count")])
def test_page_image_defects(case, tmp_path: Path, image: str, rule: str) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000105={"_image": image})), rule)
    assert finding.bates == ["ABC0000105-ABC0000106"]


def test_text_file_missing(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000102={"_texts": None})), "text.missing")
    assert finding.bates == ["ABC0000102-ABC0000104"]


def test_text_not_page_aligned(case, tmp_path: Path) -> None:
    records = variant(ABC0000102={"_texts": ["all three pages of text with no page breaks"]})
    assert only(run(case, tmp_path, records), "text.not-aligned").bates == ["ABC0000102-ABC0000104"]


def test_pages_without_searchable_text(case, tmp_path: Path) -> None:
    records = variant(ABC0000102={"_texts": ["page one", "  ", ""]})
    finding = only(run(case, tmp_path, records), "text.unsearchable")
    assert (finding.bates, finding.count, finding.unit) == (["ABC0000103-ABC0000104"], 2, "pages")


def test_spreadsheet_produced_as_images(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000108={"FILENAME": "budget.xlsx"})), "natives.imaged")
    assert finding.bates == ["ABC0000108-ABC0000109"]


def test_native_named_but_absent(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000107={"_native_absent": True})), "natives.missing")
    assert finding.bates == ["ABC0000107"]


def test_unreadable_date(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000100={"DATESENT": "Monday-ish"})), "dates.unreadable")
    assert finding.bates == ["ABC0000100-ABC0000101"]


def test_mixed_date_formats(case, tmp_path: Path) -> None:
    records = variant(ABC0000105={"DATESENT": "01/18/2011"}, ABC0000108={"DATESENT": "2011-01-19"})
    finding = only(run(case, tmp_path, records), "dates.mixed")
    assert finding.bates == ["ABC0000108-ABC0000109"] and "MM/DD/YYYY 2, YYYY-MM-DD 1" in finding.details[0]


def test_delimiter_other_than_agreed(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, clean_records(), delimiter="|", qualifier="^"), "loadfile.format")
    assert "pipe |" in finding.explanation and "caret ^" in finding.explanation


def test_encoding_damage(case, tmp_path: Path) -> None:
    records = variant(ABC0000105={"FILENAME": "d\u00e9cision.docx"}, ABC0000108={"FILENAME": "rQQsum\u00e9.docx"})
    write_volume(tmp_path / "VOL001", records)
    dat = tmp_path / "VOL001" / "DATA" / "VOL001.dat"
    dat.write_bytes(dat.read_bytes().replace(b"rQQsum", b"r\xe9sum"))
    ingest_volume(case, tmp_path / "VOL001", production="PROD001", ocr="never")
    finding = only(check_production(case, "generic-esi", "PROD001"), "loadfile.encoding")
    assert finding.bates == ["ABC0000108"]


def test_short_row(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000105={"_fields": 13})), "loadfile.errors")
    assert finding.bates == ["ABC0000105"] and "13 fields where the header has 14" in finding.details[0]


def test_images_without_a_data_row(case, tmp_path: Path) -> None:
    (tmp_path / "VOL001" / "TEXT").mkdir(parents=True)
    (tmp_path / "VOL001" / "TEXT" / "ABC0000110.txt").write_text("an extra page", "utf-8")
    from check_volgen import _write_image

    _write_image(tmp_path / "VOL001" / "IMAGES" / "001" / "ABC0000110.tif", "tiff", "ABC0000110")
    report = run(case, tmp_path, clean_records(), extra_opt=["ABC0000110,VOL001,IMAGES\\001\\ABC0000110.tif,Y,,,1"])
    assert only(report, "loadfile.unmatched").bates == ["ABC0000110"]


def test_merged_records_in_one_document(case, tmp_path: Path) -> None:
    header = "From: Marc Rapp\nSent: Monday, January 17, 2011 9:14 AM\nTo: David Venturella\nSubject: opt-out\n\nbody"
    records = variant(ABC0000102={"_texts": ["memo page", header, "more"]})
    finding = only(run(case, tmp_path, records), "merged.records")
    assert finding.bates == ["ABC0000102-ABC0000104"] and "another record begins at ABC0000103" in finding.details[0]


def test_redactions_without_exemption(case, tmp_path: Path) -> None:
    from uncover.model import Redaction
    from uncover.store import withholdings as wstore

    report = run(case, tmp_path, clean_records())
    assert report.flagged == []
    doc_id, _ = case.store.find_by_bates("ABC0000105")
    marked_id, _ = case.store.find_by_bates("ABC0000108")
    with case.store.transaction() as conn:
        box = Redaction(doc_id, 1, (0.1, 0.1, 0.5, 0.2), 0.04, "raster")
        wstore.replace_document(conn, doc_id, [], [box], [], wstore.ReleaseRow(doc_id, "part", [], 0, 1))
        from uncover.model import ExemptionMark

        mark = ExemptionMark(marked_id, 1, "b6", None, "(b)(6)", 0, 6, 0.9)
        wstore.replace_document(conn, marked_id, [mark], [Redaction(marked_id, 1, (0.1, 0.1, 0.5, 0.2), 0.04, "raster")],
                                [], wstore.ReleaseRow(marked_id, "part", ["b6"], 0, 1))
    finding = only(check_production(case, "generic-esi", "PROD001"), "withholdings.unmarked")
    assert finding.bates == ["ABC0000105-ABC0000106"]


def test_plain_files_with_no_load_file(case, tmp_path: Path) -> None:
    from uncover.ingest.pipeline import IngestOptions, ingest

    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "opt-out memo.txt").write_text("Secure Communities opt-out memo", "utf-8")
    (folder / "notes.txt").write_text("meeting notes", "utf-8")
    ingest(case, [folder], IngestOptions(production="DROP", ocr="never", workers=1, index=False, analyze=False))
    report = check_production(case, "generic-esi", "DROP")
    finding = only(report, "loadfile.none")
    assert finding.count == 2
    assert {f.rule for f in report.findings if f.severity == "not-checked"} >= {"fields.missing", "images.missing",
                                                                                "text.missing"}


def test_opt_page_count_disagrees_with_image_lines(case, tmp_path: Path) -> None:
    finding = only(run(case, tmp_path, variant(ABC0000102={"_optcount": 4})), "images.declared-count")
    assert finding.documents == ["ABC0000102-ABC0000104"]
    assert "page count of 4 on the first line, and lists 3 page images" in finding.details[0]


def test_textpath_naming_another_documents_text(case, tmp_path: Path) -> None:
    """A TEXTPATH column shifted by one row: each record names the next record's text file."""
    header = [*clean_records()[0].keys()]
    header = [h for h in header if not h.startswith("_")] + ["TEXTPATH"]
    records = clean_records()
    for rec in records:
        rec["TEXTPATH"] = f"TEXT\\{rec['BEGBATES']}.txt"
    clean = run(case, tmp_path, records, header=header)
    assert clean.flagged == [] and clean.finding("text.other-document") is None  # the column checked: all own
    from uncover import Case

    other = Case.init(tmp_path / "shifted")
    records[2]["TEXTPATH"], records[3]["TEXTPATH"] = records[3]["TEXTPATH"], records[4]["TEXTPATH"]
    write_volume(tmp_path / "VOL002", records, header=header)
    ingest_volume(other, tmp_path / "VOL002", production="PROD001", ocr="never")
    finding = only(check_production(other, "generic-esi", "PROD001"), "text.other-document")
    assert finding.documents == ["ABC0000105-ABC0000106", "ABC0000107"]
    assert finding.details[0] == "ABC0000105-ABC0000106: its text file holds the text of ABC0000107"
    other.close()


def test_text_rule_says_not_checked_without_evidence(case, tmp_path: Path) -> None:
    report = run(case, tmp_path, clean_records())  # no TEXTPATH column, no stamps in the text
    assert report.finding("text.other-document").severity == "not-checked"
