"""TAR and 7z: members come out, hostile names and links write nothing, bombs stop, encryption is said."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

from uncover.errors import EncryptedError, ExtractionError
from uncover.ingest.formats import identify, sevenzip, tar
from uncover.ingest.formats.base import Limits, ReadContext
from uncover.model import DocumentKind, IssueCategory

ALEPH = "office-docs/aleph-ingest-file"


def make_ctx(tmp_path: Path, name: str = "PROD001.tar", **limits: float) -> ReadContext:
    scratch = tmp_path / "work" / "scratch"
    scratch.mkdir(parents=True)
    return ReadContext(scratch=scratch, limits=Limits(**limits), display_name=name)


def add(tf: tarfile.TarFile, name: str, data: bytes = b"", **kw: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    for key, value in kw.items():
        setattr(info, key, value)
    tf.addfile(info, io.BytesIO(data) if data else None)


def test_tar_fixture_members_match_its_listing(corpora: Path, tmp_path: Path) -> None:
    path = corpora / ALEPH / "test-documents.tar"
    assert identify(path).name == "tar"
    result = tar.READER.read(path, make_ctx(tmp_path))
    names = [c.name for c in result.children]
    assert len(names) == 9 and "test-documents/testWORD.doc" in names and "test-documents/testPDF.pdf" in names
    assert result.kind == DocumentKind.ARCHIVE and result.metadata["members"] == "9"
    assert (result.children[names.index("test-documents/testTXT.txt")].path.stat().st_size == 49)


def test_tar_whose_only_member_links_outside_is_hostile(corpora: Path, tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        tar.READER.read(corpora / ALEPH / "badtar.tar", make_ctx(tmp_path, "badtar.tar"))
    assert caught.value.category == IssueCategory.BOMB and "badtar.tar" in caught.value.message


def test_tar_slip_links_and_devices_write_nothing_outside(tmp_path: Path) -> None:
    path = tmp_path / "evil.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        add(tf, "../../evil.txt", b"pwned")
        add(tf, "/etc/evil", b"pwned")
        add(tf, "link", type=tarfile.SYMTYPE, linkname="/etc/passwd")
        add(tf, "inner-link", type=tarfile.SYMTYPE, linkname="docs/memo.txt")
        add(tf, "fifo", type=tarfile.FIFOTYPE)
        add(tf, "docs/memo.txt", b"Secure Communities opt-out memo")
    ctx = make_ctx(tmp_path)
    result = tar.READER.read(path, ctx)
    assert [c.name for c in result.children] == ["docs/memo.txt"]
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "work" / "evil.txt").exists()
    assert result.warnings[0].startswith("hostile archive: 3 member(s)")
    assert result.metadata["compression"] == "gzip"


def test_tar_gz_bomb_stops_at_the_budget(tmp_path: Path) -> None:
    path = tmp_path / "bomb.tgz"
    with tarfile.open(path, "w:gz") as tf:
        for i in range(3):
            add(tf, f"zeros{i}.bin", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(ExtractionError) as caught:
        tar.READER.read(path, make_ctx(tmp_path, "bomb.tgz", max_expanded_bytes=8 * 1024 * 1024))
    assert caught.value.category == IssueCategory.BOMB
    with pytest.raises(ExtractionError) as caught:  # the ratio alone, same limits object as ZIP
        tar.READER.read(path, make_ctx(tmp_path / "r", "bomb.tgz", max_expansion_ratio=50))
    assert caught.value.category == IssueCategory.BOMB


def test_single_gzip_file_is_its_one_child(tmp_path: Path) -> None:
    path = tmp_path / "memo.txt.gz"
    path.write_bytes(gzip.compress(b"opt out of Secure Communities"))
    assert identify(path).name == "tar"
    result = tar.READER.read(path, make_ctx(tmp_path, "memo.txt.gz"))
    assert [c.name for c in result.children] == ["memo.txt"]
    assert result.children[0].path.read_bytes() == b"opt out of Secure Communities"


def test_seven_zip_fixtures(corpora: Path, tmp_path: Path) -> None:
    folder = corpora / ALEPH
    result = sevenzip.READER.read(folder / "500_pages.7z", make_ctx(tmp_path / "a", "500_pages.7z"))
    assert [c.name for c in result.children] == ["tests/fixtures/500 pages.pdf"]
    assert result.children[0].path.stat().st_size == 302661
    assert result.children[0].path.read_bytes()[:5] == b"%PDF-"
    with pytest.raises(EncryptedError):
        sevenzip.READER.read(folder / "7z_password.7z", make_ctx(tmp_path / "b", "7z_password.7z"))
    with pytest.raises(ExtractionError) as caught:  # its one member is a symbolic link
        sevenzip.READER.read(folder / "bad7zip.7z", make_ctx(tmp_path / "c", "bad7zip.7z"))
    assert caught.value.category == IssueCategory.BOMB
    with pytest.raises(ExtractionError) as caught:  # the first part of a split archive
        sevenzip.READER.read(folder / "500_pages.7z.001", make_ctx(tmp_path / "d", "500_pages.7z.001"))
    assert caught.value.category == IssueCategory.CORRUPT and "split archive" in caught.value.message


def test_seven_zip_bomb_stops_at_the_budget(tmp_path: Path) -> None:
    py7zr = pytest.importorskip("py7zr")
    path = tmp_path / "bomb.7z"
    with py7zr.SevenZipFile(path, "w") as archive:
        archive.writestr(b"\0" * (6 * 1024 * 1024), "zeros.bin")
        archive.writestr(b"memo", "docs/memo.txt")
    with pytest.raises(ExtractionError) as caught:
        sevenzip.READER.read(path, make_ctx(tmp_path, "bomb.7z", max_expansion_ratio=20))
    assert caught.value.category == IssueCategory.BOMB
    result = sevenzip.READER.read(path, make_ctx(tmp_path / "ok", "bomb.7z", max_expansion_ratio=1e6))
    assert sorted(c.name for c in result.children) == ["docs/memo.txt", "zeros.bin"]


def test_seven_zip_without_py7zr_is_unsupported_with_the_install_line(tmp_path: Path, monkeypatch) -> None:
    import builtins

    real = builtins.__import__

    def no_py7zr(name: str, *args: object, **kw: object):
        if name == "py7zr":
            raise ImportError(name)
        return real(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_py7zr)
    path = tmp_path / "x.7z"
    path.write_bytes(sevenzip.SEVENZIP_MAGIC + b"\0" * 30)
    with pytest.raises(ExtractionError) as caught:
        sevenzip.READER.read(path, make_ctx(tmp_path, "x.7z"))
    assert caught.value.category == IssueCategory.UNSUPPORTED and "uncover[7z]" in caught.value.message
