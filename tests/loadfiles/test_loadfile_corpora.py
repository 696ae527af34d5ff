"""Real productions: Relativity's sample volume, the DOJ EFTA volumes, FreeEed's Enron output."""

from __future__ import annotations

import csv
from pathlib import Path

from uncover.ingest.loadfiles.dat import read_dat
from uncover.ingest.volume import ingest_volume, read_volume
from uncover.model import TextSource


def test_all_thirteen_relativity_dat_variants_parse_and_agree(corpora: Path) -> None:
    root = corpora / "loadfiles-relativity-samples"
    dats = sorted(root.glob("load_file_*.dat"))
    assert len(dats) == 13
    by_key: dict[str, list[str]] = {}
    for path in dats:
        dialect, records = read_dat(path)
        got = list(records)
        assert got, path.name
        assert all(len(r.fields) == len(dialect.field_names) and not r.warnings for r in got), path.name
        assert len(dialect.field_names) == 23, path.name
        if path.name != "load_file_07_0.dat":  # 07_0 reuses ids of 07_1.. for other files on purpose
            occurrences: dict[str, int] = {}
            for r in got:
                values = list(r.fields.values())
                occurrences[values[0]] = occurrences.get(values[0], 0) + 1
                # the same id carries the same data (07_x repeats one id on purpose: compare by occurrence)
                previous = by_key.setdefault(f"{values[0]}#{occurrences[values[0]]}", values)
                assert previous == values, path.name
    # load_file_02 (pipe, no header) and load_file_03 (DC4 + þ, no header) detected as such
    assert read_dat(root / "load_file_03.dat")[0].qualifier == "\u00fe"
    assert not read_dat(root / "load_file_02.dat")[0].header
    # the caret-qualified id of load_file_04 keeps the pipe inside it
    _, recs = read_dat(root / "load_file_04.dat")
    assert next(iter(recs)).fields["Control Number"] == "Sample_|_00000013"
    # the _07 variants are byte-identical bar the first, which points at other files
    first_rows = {p.name: [list(r.fields.values()) for r in read_dat(p)[1]] for p in dats if "07_" in p.name}
    assert all(rows == first_rows["load_file_07_1.dat"] for name, rows in first_rows.items() if name != "load_file_07_0.dat")


def test_relativity_volume_ingests_end_to_end(corpora: Path, case) -> None:
    root = corpora / "loadfiles-relativity-samples"
    counts = ingest_volume(case, root, "REL", ocr="never", loadfiles=["load_file_01.dat", "Opticon_01.opt"])
    assert counts.documents == 5 and counts.pages == 9
    doc_id, page = case.store.find_by_bates("SYM-00011001_0003_REV")
    doc = case.store.document(doc_id)
    assert (doc.bates_begin, doc.page_count, page) == ("SYM-00011001_REV", 5, 4)
    images = [p.image_ref for p in case.store.pages(doc_id)]
    assert all(images) and all(case.blobs.has(ref.split("#")[0]) for ref in images)
    first = case.store.document(case.store.find_by_bates("Sample_0000001")[0])
    assert first.filename == "RE: Companies and Areas.htm" and first.custodian == "Sample John"
    assert first.raw_fields["MD5 Hash"] == "6F1D87ACFDB01ABE109AA5DA3F24031D"
    assert list(first.raw_fields)[:3] == ["Control Number", "Custodian", "Date Created"]
    assert first.date == "2001-05-21T15:48:00"
    assert first.metadata["_loadfile"]["original"] == "native"
    native = root / "VOL01" / "NATIVES" / "NATIVE00001" / "EDRM-Sample1.pdf"
    from uncover.store.blobs import fingerprint

    assert first.sha256 == fingerprint(native).sha256
    pages = case.store.pages(first.id)
    assert pages[0].text_source == TextSource.LOADFILE and "EDRM-Sample1" in pages[0].text
    # the image-only document has no DAT row: said so, still ingested
    assert any("no row in the data load file" in w for w in doc.warnings)
    # rerun: nothing new
    again = ingest_volume(case, root, "REL", ocr="never", loadfiles=["load_file_01.dat", "Opticon_01.opt"])
    assert (again.documents, again.skipped) == (0, 5)
    assert case.store.counts()["documents"] == 5


def test_duplicate_and_missing_text_in_relativity_07_variant(corpora: Path) -> None:
    volume = read_volume(corpora / "loadfiles-relativity-samples", ["load_file_07_0.dat"])
    recs = list(volume.records())
    assert len(recs) == 12
    dup = [r for r in recs if any("duplicate Bates number" in w for w in r.warnings)]
    assert [r.key for r in dup] == ["Sample_0000073"]
    missing_text = {r.key for r in recs if any("text file missing" in w for w in r.warnings)}
    assert missing_text == {"Sample_0000080", "Sample_0000081", "Sample_0000082"}


def test_doj_vol00002_dat_opt(corpora: Path) -> None:
    volume = read_volume(corpora / "loadfiles-doj-epstein-efta" / "VOL00002")
    recs = list(volume.records())
    assert len(recs) == 574
    assert sum(len(r.pages) for r in recs) == 699
    by_key = {r.key: r for r in recs}
    twenty = by_key["EFTA00003216"]
    assert (str(twenty.bates), len(twenty.pages)) == ("EFTA00003216-EFTA00003235", 20)
    assert twenty.page_bates[19] == "EFTA00003235"
    assert [p.frame for p in twenty.pages] == list(range(1, 21))  # 20 pages of one PDF
    two = by_key["EFTA00003319"]
    assert two.page_bates == ["EFTA00003319", "EFTA00003320"]
    page_lengths = sorted({len(r.pages) for r in recs})
    assert page_lengths == [1, 2, 20]
    # images are not shipped with the corpus: one warning per document, nothing else wrong
    assert all(len(r.warnings) == 1 and "image missing" in r.warnings[0] for r in recs)
    assert not any("page count mismatch" in w for r in recs for w in r.warnings)


def test_doj_vol00001_lfp_and_dii_give_3158_documents(corpora: Path, case) -> None:
    root = corpora / "loadfiles-doj-epstein-efta" / "VOL00001"
    lfp = list(read_volume(root, ["DATA/VOL00001.DAT", "DATA/VOL00001.LFP"]).records())
    dii = list(read_volume(root, ["DATA/VOL00001.DII"]).records())
    assert len(lfp) == len(dii) == 3158
    assert [r.key for r in lfp] == [r.key for r in dii]
    assert lfp[-1].pages[0].image_written == dii[-1].pages[0].image_written == "IMAGES\\0004\\EFTA00003158.pdf"
    counts = ingest_volume(case, root, "EFTA VOL00001", ocr="never", loadfiles=["DATA/VOL00001.LFP", "DATA/VOL00001.DAT"])
    assert counts.documents == 3158 and counts.exceptions == 0
    missing = case.store.conn.execute(
        "SELECT COUNT(*) FROM processing_issues WHERE category = 'missing' AND stage = 'loadfile' AND document_id IS NOT NULL"
    ).fetchone()[0]
    assert missing == 3158


def test_freeeed_metadata_file_links_natives_and_text(corpora: Path) -> None:
    root = corpora / "email-enron-edrm-freeeed-production"
    volume = read_volume(root)
    assert [lf.path.name for lf in volume.loadfiles] == ["load-no-text.csv"]
    recs = list(volume.records())
    assert len(recs) == 2477
    assert volume.runs[0].dialect["delimiter"] == "pipe |" and volume.runs[0].dialect["qualifier"] == "none"
    with open(root / "NOT_COPIED_natives.tsv", encoding="utf-8") as fh:
        not_copied = {row[0] for row in csv.reader(fh, delimiter="\t") if row and row[0].startswith("native/")}
    missing = {r.fields["native_path"] for r in recs if r.native_path is None and r.fields.get("native_path")}
    # every native left out of the corpus is reported, plus one the FreeEed output itself never had
    assert missing - not_copied == {"native/01403_111-Mouse_final.mpeg"} and not_copied <= missing
    assert all(any("native file missing" in w for w in r.warnings) for r in recs if r.fields.get("native_path") in not_copied)
    linked = [r for r in recs if r.native_path is not None]
    assert len(linked) == sum(1 for r in recs if r.fields.get("native_path")) - len(missing)
    assert sum(1 for r in recs if r.text_path is not None) >= 2470
    first = recs[0]
    assert first.native_path.name == "00001_93.eml" and first.text_path.name == "00001_93.eml.txt"
    assert first.fields["from"] == "Kelley Harrell <kharrell@periwinklefoundation.org>"
    assert volume.runs[0].unknown_fields == ["text"]
