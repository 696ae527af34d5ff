"""Real volumes checked against the NDLON order; each finding verified by hand against the files."""

from __future__ import annotations

from pathlib import Path

from uncover.check.checker import check_production
from uncover.ingest.volume import ingest_volume

ESI_FIELDS = ["filename", "custodian", "source_device", "folder_path", "production_path", "date_modified",
              "time_modified", "time_zone"]


def test_doj_efta_vol00002_carries_only_bates_fields(corpora: Path, case) -> None:
    ingest_volume(case, corpora / "loadfiles-doj-epstein-efta" / "VOL00002", "EFTA VOL00002", ocr="never")
    report = check_production(case, "ndlon-2011", "EFTA VOL00002")
    assert report.documents == 574
    assert report.rule_ids() == {"fields.missing", "images.missing", "text.missing"}
    missing = report.finding("fields.missing")
    # the DAT has two columns, Begin Bates and End Bates: every other NDLON field is missing, everywhere
    assert list(missing.per_field) == ESI_FIELDS
    assert all(v["missing"] == 574 and v["missing_pct"] == 100.0 for v in missing.per_field.values())
    assert missing.bates_summary == "EFTA00003159-EFTA00003857, 574 documents"
    # 699 contiguous pages: no gap, no overlap, page counts agree with the OPT
    assert report.finding("bates.gaps") is None and report.finding("bates.page-count") is None
    # the corpus ships no images and no text files
    assert report.finding("images.missing").count == 574 and report.finding("text.missing").count == 574


def test_relativity_sample_volume(corpora: Path, case) -> None:
    root = corpora / "loadfiles-relativity-samples"
    ingest_volume(case, root, "REL", ocr="never", loadfiles=["load_file_01.dat", "Opticon_01.opt"])
    report = check_production(case, "ndlon-2011", "REL")
    assert report.rule_ids() == {"fields.missing", "fields.empty", "loadfile.unmatched", "text.not-aligned"}
    # four e-mails (Sample_0000001..4): no time, time-zone, source-device or production-path columns
    missing = report.finding("fields.missing")
    assert missing.bates == ["Sample_0000001-Sample_0000004"]
    assert set(missing.per_field) == {"source_device", "production_path", "time_modified", "time_zone", "time_sent",
                                      "time_received", "attach_range|attach_begin"}
    # "Date Last Modified" is a column of load_file_01.dat, blank on all four rows
    empty = report.finding("fields.empty")
    assert list(empty.per_field) == ["date_modified"] and empty.count == 4
    # SYM-00011001_REV: five page images in Opticon_01.opt, no DAT row, one page of text for five pages
    assert report.finding("loadfile.unmatched").bates == ["SYM-00011001_REV"]
    assert report.finding("text.not-aligned").bates == ["SYM-00011001_REV-SYM-00011001_0004_REV"]
    # pages 0002 and 0004 are byte-identical single-page TIFFs: not a page-count defect
    assert report.finding("images.page-count") is None
