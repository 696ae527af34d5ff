"""Generated volumes, sound and broken: each defect becomes a warning naming the Bates number."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from loadfile_volgen import HEADER, rows, standard_volume, write_dat, write_opt, write_texts, write_tiff

from uncover import Case
from uncover.ingest.loadfiles_search import bates_filter
from uncover.ingest.volume import ingest_volume, read_volume
from uncover.model import TextSource


def warnings_of(root: Path) -> dict[str, list[str]]:
    return {r.key: r.warnings for r in read_volume(root).records()}


def test_sound_volume_links_pages_images_and_text(tmp_path: Path, case) -> None:
    root = tmp_path / "VOL001"
    standard_volume(root)
    assert all(not w for w in warnings_of(root).values())
    counts = ingest_volume(case, root, "P1", ocr="never")
    assert (counts.documents, counts.pages) == (3, 6)
    doc_id, page = case.store.find_by_bates("ABC0000103")
    pages = case.store.pages(doc_id)
    assert page == 2 and [p.text for p in pages] == ["page one of ABC0000102", "page two of ABC0000102"]
    assert all(p.text_source == TextSource.LOADFILE and p.image_ref for p in pages)
    runs = case.store.conn.execute("SELECT kind, delimiter, qualifier, header, records FROM loadfile_runs ORDER BY id").fetchall()
    assert [tuple(r) for r in runs] == [("opt", None, None, None, 6), ("dat", "DC4 (0x14)", "þ (U+00FE)", 1, 3)]


def test_broken_volume_each_defect_is_a_warning_and_the_rest_ingests(tmp_path: Path, case) -> None:
    root = tmp_path / "VOL002"
    data = rows(6)
    data[1][6] = "3"  # PGCOUNT says 3, Bates range and OPT say 2
    data[3][0], data[3][1] = data[2][0], data[2][1]  # duplicate Bates numbers
    data[4][2], data[4][3] = "ABC0009990", "ABC0009999"  # family begins at a document not produced
    data[5][7] = "TEXT\\nowhere.txt"
    write_dat(root / "DATA" / "VOL002.dat", HEADER, data)
    write_opt(root / "DATA" / "VOL002.opt", [(r[0], 2) for r in data if r is not data[3]])
    write_texts(root, data)
    for r in data:
        start = int(r[0][3:])
        for p in range(2):
            if r is not data[0] or p == 0:  # the second image of the first document is missing
                write_tiff(root / "IMAGES" / "001" / f"ABC{start + p:07d}.tif")
    # an image whose name differs in letter case only
    (root / "IMAGES" / "001" / "ABC0000109.tif").rename(root / "IMAGES" / "001" / "abc0000109.TIF")
    counts = ingest_volume(case, root, "P2", ocr="never")
    assert counts.documents == 6
    docs = {d.bates_begin: d for d in case.store.iter_documents()}
    assert any("image missing: IMAGES\\001\\ABC0000101.tif" in w for w in docs["ABC0000100"].warnings)
    assert any("page count mismatch: PGCOUNT 3, Bates range 2, image lines 2" in w for w in docs["ABC0000102"].warnings)
    dup = [d for d in case.store.iter_documents() if any("duplicate Bates number" in w for w in d.warnings)]
    assert len(dup) == 1 and dup[0].bates_begin == "ABC0000104"
    assert any("orphan child" in w and "ABC0009990" in w for w in docs["ABC0000108"].warnings)
    assert any("text file missing" in w for w in docs["ABC0000110"].warnings)
    assert any("letter case differs" in w for w in docs["ABC0000108"].warnings)
    assert all(p.image_ref for p in case.store.pages(docs["ABC0000108"].id))
    assert any("no pages in the image load file" in w for w in dup[0].warnings)
    issues = case.store.conn.execute("SELECT bates, category, message FROM processing_issues WHERE stage='loadfile'").fetchall()
    assert all(row["bates"] and row["bates"] in row["message"] for row in issues)
    assert {row["category"] for row in issues} >= {"missing", "loadfile"}


def test_families_from_attachment_ranges_and_parent_ids(tmp_path: Path, case) -> None:
    root = tmp_path / "VOL003"
    data = rows(3)
    for r in data:
        r[2], r[3] = "ABC0000100", "ABC0000105"
    write_dat(root / "DATA" / "v.dat", HEADER, data)
    write_texts(root, data)
    ingest_volume(case, root, "F", ocr="never")
    docs = {d.bates_begin: d for d in case.store.iter_documents()}
    parent = docs["ABC0000100"]
    assert [c.bates_begin for c in case.store.children(parent.id)] == ["ABC0000102", "ABC0000104"]
    assert {d.family_id for d in docs.values()} == {parent.id}


def test_export_then_reingest_gives_the_same_documents(tmp_path: Path, case) -> None:
    root = tmp_path / "VOL004"
    data = standard_volume(root, n=4)
    data_family = rows(4)
    assert data == data_family
    write_dat(root / "DATA" / "VOL001.dat", HEADER + ["NOTES"],
              [r[:2] + ["ABC0000100", "ABC0000103"] * (i < 2) + ["", ""] * (i >= 2) + r[4:] + [f"note\nline {i}"]  # a DAT newline (®) comes back as \n
               for i, r in enumerate(data)])
    ingest_volume(case, root, "P", ocr="never")
    from uncover.model import Document

    loose = Document(0, case.store.production("loose").id, kind="edoc", filename="memo.txt", path="memo.txt",  # type: ignore[arg-type]
                     sha256="", md5="", size=0, subject="no Bates yet", page_count=1)
    source = tmp_path / "memo.txt"
    source.write_text("an unnumbered memo", "utf-8")
    fp = case.blobs.put_file(source)
    loose.sha256, loose.md5, loose.size = fp.sha256, fp.md5, fp.size
    from uncover.model import Page

    with case.store.transaction():
        case.store.insert_document(loose, None, [Page(0, 1, "an unnumbered memo", TextSource.NATIVE)])
    out = tmp_path / "EXPORT001"
    result = CliRunner().invoke(__import__("uncover.cli", fromlist=["main"]).main,
                                ["export", str(case.root), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["documents"] == 5 and summary["bates_assigned"] == 1
    with Case.init(tmp_path / "again") as again:
        ingest_volume(again, out, "RT", ocr="never")
        before = {d.bates_begin or "UNC0000001": d for d in case.store.iter_documents()}
        after = {d.bates_begin: d for d in again.store.iter_documents()}
        assert sorted(before) == sorted(after)
        for key, a in before.items():
            b = after[key]
            for name in ("kind", "filename", "custodian", "subject", "sender", "recipients", "date", "page_count"):
                assert getattr(a, name) == getattr(b, name), (key, name)
            if a.bates_begin:
                assert (a.bates_end, a.warnings) == (b.bates_end, b.warnings)
                for k, v in a.raw_fields.items():
                    if k not in ("TEXTPATH",):
                        assert b.raw_fields[k] == v, (key, k)
                assert {k: v for k, v in a.metadata.items() if k not in ("_loadfile", "text_path")} == \
                    {k: v for k, v in b.metadata.items() if k in a.metadata and k not in ("_loadfile", "text_path")}
            pa, pb = case.store.pages(a.id), again.store.pages(b.id)
            assert [p.text for p in pa] == [p.text for p in pb]
            assert [p.image_ref for p in pa] == [p.image_ref for p in pb]
            if a.bates_begin:
                assert [p.bates for p in pa] == [p.bates for p in pb]
            pa_parent = case.store.document(a.parent_id).bates_begin if a.parent_id else None
            pb_parent = again.store.document(b.parent_id).bates_begin if b.parent_id else None
            assert pa_parent == pb_parent
        assert after["UNC0000001"].sha256 == before["UNC0000001"].sha256  # the native travelled
        assert before["ABC0000100"].raw_fields["NOTES"] == "note\nline 0"


def test_bates_search_finds_pages_and_ranges(tmp_path: Path, case) -> None:
    standard_volume(tmp_path / "VOL005", images=False)
    ingest_volume(case, tmp_path / "VOL005", "S", ocr="never")
    ids = {d.bates_begin: d.id for d in case.store.iter_documents()}
    assert bates_filter(case.store, "ABC0000103") == {ids["ABC0000102"]}
    assert bates_filter(case.store, "ABC0000101..ABC0000104") == {ids["ABC0000100"], ids["ABC0000102"], ids["ABC0000104"]}
    assert bates_filter(case.store, "XYZ0000101") == set()
    from uncover.search.filters import field_spec, sql_ids
    from uncover.search.query import Field

    assert field_spec("bates") is not None
    assert sql_ids(case.store.conn, Field("bates", "ABC0000105")) == {ids["ABC0000104"]}
    assert sql_ids(case.store.conn, Field("pgcount", "2")) == set(ids.values())


def test_loadfiles_command_reports_the_dialect(tmp_path: Path) -> None:
    root = tmp_path / "VOL006"
    write_dat(root / "DATA" / "v.dat", None, rows(2), delimiter="|", qualifier="", encoding="cp1252")
    from uncover.cli import main

    result = CliRunner().invoke(main, ["loadfiles", str(root), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    dialect = report["loadfiles"][0]["dialect"]
    assert (report["documents"], dialect["delimiter"], dialect["header"]) == (2, "pipe |", False)
