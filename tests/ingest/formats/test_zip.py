"""ZIP containers: hostile names write nothing outside scratch, bombs stop early, members come out."""

from __future__ import annotations

import os
import struct
import time
import zipfile
from pathlib import Path

import pytest

from uncover.errors import EncryptedError, ExtractionError
from uncover.ingest.formats import docx, xlsx
from uncover.ingest.formats import zip as zipreader
from uncover.ingest.formats.base import Limits, ReadContext
from uncover.model import DocumentKind, IssueCategory

READER = zipreader.READER


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def make_ctx(tmp_path: Path, **limits: float) -> ReadContext:
    scratch = tmp_path / "work" / "scratch"
    scratch.mkdir(parents=True)
    return ReadContext(scratch=scratch, limits=Limits(**limits), display_name="PROD001.zip")


def test_members_become_children_and_the_listing_is_searchable(tmp_path: Path) -> None:
    path = tmp_path / "prod.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("VOL001/memo.txt", "Secure Communities opt-out memo")
        zf.writestr("VOL001/", "")  # a directory entry
        zf.writestr("nested.zip", b"PK\x05\x06" + b"\0" * 18)
    ctx = make_ctx(tmp_path)
    result = READER.read(path, ctx)
    assert result.kind == DocumentKind.ARCHIVE
    assert [c.name for c in result.children] == ["VOL001/memo.txt", "nested.zip"]
    assert result.children[0].path.read_text() == "Secure Communities opt-out memo"
    assert all(c.path.resolve().is_relative_to(ctx.scratch.resolve()) for c in result.children)
    assert "VOL001/memo.txt" in result.pages[0].text
    assert result.metadata["members"] == "2"


def test_zip_slip_names_write_nothing_outside_scratch(tmp_path: Path) -> None:
    path = tmp_path / "evil.zip"
    hostile = ["../../evil.txt", "/etc/evil", "C:\\evil", "..\\..\\evil2.txt", "safe/../../../evil3.txt", "C:/evil4"]
    with zipfile.ZipFile(path, "w") as zf:
        for name in hostile:
            info = zipfile.ZipInfo("placeholder")
            info.filename = name  # ZipInfo would normalize some of them; write the raw names
            zf.writestr(info, b"pwned")
        zf.writestr("good/report.txt", b"the safe member")
    before = files_under(tmp_path)
    ctx = make_ctx(tmp_path)
    result = READER.read(path, ctx)
    assert [c.name for c in result.children] == ["good/report.txt"]
    created = files_under(tmp_path) - before
    outside = {p for p in created if not p.resolve().is_relative_to(ctx.scratch.resolve())}
    assert outside == set(), f"written outside scratch: {outside}"
    assert not Path("/etc/evil").exists()
    assert len([w for w in result.warnings if "outside" in w]) == len(hostile)
    assert result.warnings[0].startswith("hostile archive")


def test_symlink_entries_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as zf:
        link = zipfile.ZipInfo("passwd")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("passwd/next.txt", "through the link")  # would follow the link if it existed
        zf.writestr("ok.txt", "fine")
    ctx = make_ctx(tmp_path)
    result = READER.read(path, ctx)
    assert not any(p.is_symlink() for p in ctx.scratch.rglob("*"))
    names = sorted(c.name for c in result.children)
    assert names == ["ok.txt", "passwd/next.txt"]
    assert (ctx.scratch / "passwd" / "next.txt").read_text() == "through the link"
    assert any("symbolic link" in w for w in result.warnings)


def test_aleph_badzip_symlink_only_archive_is_reported(corpora: Path, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    with pytest.raises(ExtractionError) as err:
        READER.read(corpora / "office-docs/aleph-ingest-file/badzip.zip", ctx)
    assert err.value.category == IssueCategory.BOMB
    assert files_under(tmp_path / "work") == set()


def test_aleph_test_documents_zip(corpora: Path, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    result = READER.read(corpora / "office-docs/aleph-ingest-file/test-documents.zip", ctx)
    assert len(result.children) == 9
    assert "testWORD.doc" in {c.name for c in result.children}
    assert (ctx.scratch / "testTXT.txt").stat().st_size == 49


def test_declared_bomb_is_refused_before_writing(tmp_path: Path) -> None:
    """256 MB of zeros, written streaming (about 250 kB compressed): refused from the declared sizes."""
    path = tmp_path / "bomb.zip"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("zeros.bin", "w", force_zip64=True) as out:
        for _ in range(256):
            out.write(chunk)
    assert path.stat().st_size < 1024 * 1024
    ctx = make_ctx(tmp_path)
    started = time.monotonic()
    with pytest.raises(ExtractionError) as err:
        READER.read(path, ctx)
    assert time.monotonic() - started < 2
    assert err.value.category == IssueCategory.BOMB
    assert "PROD001.zip" in err.value.message
    assert files_under(ctx.scratch) == set()


def _lie_about_sizes(path: Path, declared: int) -> None:
    """Rewrite every size field of a one-member ZIP to `declared`, as a hostile producer could."""
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, declared)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))


def test_lying_sizes_are_caught_while_streaming(tmp_path: Path) -> None:
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("small.txt", b"A" * 5_000_000)
    _lie_about_sizes(path, 1000)
    ctx = make_ctx(tmp_path, max_expanded_bytes=100_000)
    with pytest.raises(ExtractionError) as err:
        READER.read(path, ctx)
    # Python's zipfile stops at the declared size, so the member fails its CRC: never more than
    # the declared bytes reach the disk, and a member that lies does not become a child.
    assert err.value.category == IssueCategory.CORRUPT
    assert sum(p.stat().st_size for p in files_under(ctx.scratch)) <= 1000


def test_streamed_total_is_capped_even_when_declared_sizes_pass(tmp_path: Path) -> None:
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(10):
            zf.writestr(f"part{i}.bin", os.urandom(50_000))
    ctx = make_ctx(tmp_path, max_expanded_bytes=600_000)
    assert READER.read(path, ctx).children  # 500 kB fits
    ctx2 = make_ctx(tmp_path / "b", max_expanded_bytes=200_000)
    with pytest.raises(ExtractionError) as err:
        READER.read(path, ctx2)
    assert err.value.category == IssueCategory.BOMB


def test_too_many_members_is_a_bomb(tmp_path: Path) -> None:
    path = tmp_path / "members.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(50):
            zf.writestr(f"f{i}.txt", "x")
    with pytest.raises(ExtractionError) as err:
        READER.read(path, make_ctx(tmp_path, max_members=10))
    assert err.value.category == IssueCategory.BOMB


def test_encrypted_members(tmp_path: Path) -> None:
    def encrypted_zip(path: Path, plain: bool) -> None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("secret.txt", "ciphertext")
            if plain:
                zf.writestr("readme.txt", "open")
        data = bytearray(path.read_bytes())
        # set the "encrypted" flag (bit 0) on the first member, local and central headers
        struct.pack_into("<H", data, 6, struct.unpack_from("<H", data, 6)[0] | 1)
        central = data.find(b"PK\x01\x02")
        struct.pack_into("<H", data, central + 8, struct.unpack_from("<H", data, central + 8)[0] | 1)
        path.write_bytes(bytes(data))

    all_locked = tmp_path / "locked.zip"
    encrypted_zip(all_locked, plain=False)
    with pytest.raises(EncryptedError):
        READER.read(all_locked, make_ctx(tmp_path / "a"))
    some = tmp_path / "some.zip"
    encrypted_zip(some, plain=True)
    result = READER.read(some, make_ctx(tmp_path / "b"))
    assert [c.name for c in result.children] == ["readme.txt"]
    assert any("password" in w for w in result.warnings)


def test_corrupt_truncated_empty_and_zero_byte(tmp_path: Path) -> None:
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", "hello " * 1000)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:60])
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    zero = tmp_path / "zero.zip"
    zero.write_bytes(b"")
    for path, category in ((truncated, IssueCategory.CORRUPT), (empty, IssueCategory.EMPTY),
                           (zero, IssueCategory.EMPTY)):
        with pytest.raises(ExtractionError) as err:
            READER.read(path, make_ctx(tmp_path / path.stem))
        assert err.value.category == category, path.name


def test_office_packages_are_left_to_their_readers(tmp_path: Path) -> None:
    import docx as python_docx
    import openpyxl

    doc = tmp_path / "memo.docx"
    python_docx.Document().save(doc)
    book = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(book)
    for path, reader in ((doc, docx.READER), (book, xlsx.READER)):
        head = path.read_bytes()[:8192]
        assert reader.sniff(head, path.name) > READER.sniff(head, path.name)
        # even without the extension, the package's part names give it away
        assert reader.sniff(head, "DOC0001") > READER.sniff(head, "DOC0001")
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("a.txt", "x")
    assert READER.sniff(plain.read_bytes()[:8192], "plain.zip") == 0.9
