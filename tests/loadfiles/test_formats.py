"""Bates helpers, the alias table, LFP/DII/EDRM XML readers, and the XXE refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from uncover.errors import LoadFileError
from uncover.ingest.loadfiles.bates import (
    RangeSet,
    bates_from_filename,
    bates_from_page_text,
    collapse_ranges,
    page_sequence,
)
from uncover.ingest.loadfiles.edrm_xml import read_edrm_xml
from uncover.ingest.loadfiles.fields import canonical_name
from uncover.ingest.volume import read_volume
from uncover.model import BatesRange


def test_alias_table_maps_what_producers_write() -> None:
    for name, canonical in [("BEGDOC#", "bates_begin"), ("Control Number", "bates_begin"), ("FIRSTBATES", "bates_begin"),
                            ("prod_end", "bates_end"), ("FAMLYRNG", "attach_range"), ("Parent Document ID", "parent_id"),
                            ("ATTCHIDs", "attach_ids"), ("CUSTDIAN", "custodian"), ("DATE_SENT", "date_sent"),
                            ("md5 hash", "md5"), ("OCRPATH", "text_path"), ("DOCLINK", "native_path"),
                            ("PRPRTIES", "properties"), ("Begin Bates", "bates_begin")]:
        assert canonical_name(name) == canonical, name
    assert canonical_name("Artifact ID") is None


def test_page_sequences_and_collapsed_ranges() -> None:
    rng = BatesRange.parse("ABC0000099", "ABC0000101")
    assert page_sequence(rng) == ["ABC0000099", "ABC0000100", "ABC0000101"]
    pages = [f"ABC{n:07d}" for n in range(100, 188)] + ["ABC0000190", "EFTA00000001"]
    assert collapse_ranges(pages) == ["ABC0000100-ABC0000187", "ABC0000190", "EFTA00000001"]


def test_bates_from_file_names_and_stamps() -> None:
    assert str(bates_from_filename("ABC0000100-ABC0000187.pdf")) == "ABC0000100-ABC0000187"
    assert str(bates_from_filename("IMAGES\\001\\EFTA00003216.pdf")) == "EFTA00003216"
    assert bates_from_filename("memo final.pdf") is None
    text = "MEMORANDUM FOR THE FILE\nSecure Communities\n\nDHS-ICE-0001234\n"
    number, confidence = bates_from_page_text(text)
    assert str(number) == "DHS-ICE-0001234" and confidence >= 0.9
    top = bates_from_page_text("ICE2010FOIA2674.000123 page\nbody text of the page\nmore text\nmore\nmore\nend")
    assert top is not None and top[1] < 0.9
    assert bates_from_page_text("nothing here\n12\n") is None


def test_rangeset_finds_overlaps_only() -> None:
    seen = RangeSet()
    assert seen.add(BatesRange.parse("A0001", "A0003"))
    assert seen.add(BatesRange.parse("A0004", "A0004"))
    assert seen.add(BatesRange.parse("A0010", "A0012"))
    assert not seen.add(BatesRange.parse("A0003", "A0005"))
    assert seen.add(BatesRange.parse("B0003", "B0005"))
    assert seen.spans()["A"] == [(1, 5), (10, 12)]


def test_lfp_multi_page_tiff_and_child_boundaries(tmp_path: Path) -> None:
    root = tmp_path / "VOL"
    (root / "DATA").mkdir(parents=True)
    (root / "DATA" / "v.lfp").write_text(
        "## produced by hand\r\n"
        "IM,ABC0001,D,1,@VOL;IMAGES\\001;ABC0001.tif;2,0\r\n"
        "IM,ABC0002,,2,@VOL;IMAGES\\001;ABC0001.tif;2,0\r\n"
        "IM,ABC0003,C,1,@VOL;IMAGES\\001;ABC0003.tif;2,0\r\n", "utf-8")
    recs = list(read_volume(root).records())
    assert [(r.key, r.page_bates) for r in recs] == [("ABC0001", ["ABC0001", "ABC0002"]), ("ABC0003", ["ABC0003"])]
    assert [p.frame for p in recs[0].pages] == [1, 2]
    assert recs[1].child_boundary


def test_edrm_xml_documents_and_relationships(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<Root DataInterchangeType="Update"><Batch><Documents>
 <Document DocID="ABC0001"><Tags><Tag TagName="#Subject" TagValue="opt-out" TagDataType="Text"/></Tags>
  <Files><File FileType="Native"><ExternalFile FilePath="NATIVES" FileName="ABC0001.msg"/></File></Files>
  <Locations><Location><Custodian>Venturella</Custodian></Location></Locations></Document>
 <Document DocId="ABC0002"><Tags><Tag TagName="#FileName" TagValue="a.pdf"/></Tags></Document>
</Documents><Relationships><Relationship Type="Attachment" ParentDocId="ABC0001" ChildDocId="ABC0002"/></Relationships>
</Batch></Root>""", "utf-8")
    recs = list(read_edrm_xml(path))
    assert [r.fields["DocID"] for r in recs] == ["ABC0001", "ABC0002"]
    assert recs[0].fields["#Subject"] == "opt-out" and recs[0].fields["Custodian"] == "Venturella"
    assert recs[0].fields["NativeFile"] == "NATIVES\\ABC0001.msg"
    assert recs[1].fields["ParentDocID"] == "ABC0001"


def test_edrm_xml_entities_are_refused_and_the_canary_is_never_read(tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-7f3a", "utf-8")
    path = tmp_path / "evil.xml"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE Root [<!ENTITY xxe SYSTEM "file://{canary}">]>
<Root><Batch><Documents><Document DocID="ABC0001"><Tags><Tag TagName="#Subject" TagValue="&xxe;"/></Tags>
</Document></Documents></Batch></Root>""", "utf-8")
    with pytest.raises(LoadFileError) as err:
        records = list(read_edrm_xml(path))
        assert not any("CANARY-7f3a" in v for r in records for v in r.fields.values())
    assert "CANARY" not in str(err.value)
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Root>&b;</Root>')
    with pytest.raises(LoadFileError):
        list(read_edrm_xml(bomb))


def test_dii_blocks_with_fields_text_and_native(tmp_path: Path) -> None:
    root = tmp_path / "VOL"
    (root / "DATA").mkdir(parents=True)
    (root / "DATA" / "v.dii").write_text(
        "; Summation\r\n@T ABC0001\r\n@C ENDDOC ABC0002\r\n@C CUSTODIAN Venturella\r\n@D @I\\IMAGES\\001\\\r\n"
        "ABC0001.tif\r\nABC0002.tif\r\n@OCR\r\nfirst page\r\n@EOCR\r\n@T ABC0003\r\n@EDOC \\NATIVES\\ABC0003.xls\r\n", "utf-8")
    recs = list(read_volume(root).records())
    assert [r.key for r in recs] == ["ABC0001", "ABC0003"]
    assert recs[0].page_bates == ["ABC0001", "ABC0002"] and recs[0].fields["custodian"] == "Venturella"
    assert recs[0].text_inline == "first page"
    assert any("native file missing" in w for w in recs[1].warnings)
