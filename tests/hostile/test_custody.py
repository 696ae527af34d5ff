"""Custody you can prove: one changed byte or one deleted original is found, named and refused.

The red team changed one byte of a stored original: `status`, `show`, `check` and a re-ingest
noticed nothing, `export` wrote the altered file beside the original MD5 and the web app served
it; a deleted original went unreported. Here `verify` finds both by Bates number and records the
check; export, publish, the recovered-text listing and the web app refuse to hand either out.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_helpers import assert_one_line_error, run_uncover

from uncover import Case
from uncover.cli import main
from uncover.custody import intact_original
from uncover.demo import build_production
from uncover.errors import CustodyError
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.store import review as review_sql


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("custody")
    production = build_production(root / "production")
    with Case.init(root / "case") as case:
        ingest(case, [production], IngestOptions(production="PROD001", ocr="never", workers=2, analyze=False))
    return root / "case"


@pytest.fixture
def tampered(pristine: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy with one byte of a PDF's original changed and an e-mail's original deleted."""
    case_dir = tmp_path / "case"
    shutil.copytree(pristine, case_dir, symlinks=True)
    with Case.open(case_dir) as case:
        docs = list(case.store.iter_documents())
        pdf = next(d for d in docs if d.filename.endswith(".pdf") and d.parent_id is None)
        mail = next(d for d in docs if d.filename.endswith(".eml"))
        altered, missing = case.blobs.path_for(pdf.sha256), case.blobs.path_for(mail.sha256)
    os.chmod(altered, stat.S_IRUSR | stat.S_IWUSR)
    with open(altered, "r+b") as fh:
        fh.seek(100)
        byte = fh.read(1)
        fh.seek(100)
        fh.write(bytes([byte[0] ^ 0x01]))
    missing.unlink()
    return case_dir, {"altered": str(pdf.id), "altered_name": pdf.listing, "missing": str(mail.id),
                      "missing_name": mail.listing}


def test_verify_finds_a_changed_byte_and_a_deleted_original_and_records_it(tampered: tuple[Path, dict[str, str]]) -> None:
    case_dir, which = tampered
    run = run_uncover("verify", str(case_dir), "--json")
    assert run.returncode == 8, run.stderr
    report = json.loads(run.stdout)
    assert [p["documents"] for p in report["altered"]] == [[which["altered_name"]]]
    assert which["missing_name"] in [d for p in report["missing"] for d in p["documents"]]
    assert report["database"] == "ok" and report["checked"] == report["intact"] + 2
    assert "error:" in run.stderr and "altered or missing" in run.stderr and "Traceback" not in run.stderr
    with Case.open(case_dir) as case:
        entry = review_sql.audit_log(case.store.conn)[0]
    assert entry["action"] == "verify" and entry["at"].startswith(report["at"][:16])
    assert entry["detail"]["ok"] is False and entry["detail"]["altered"] == [which["altered_name"]]


def test_verify_by_document_and_by_production(tampered: tuple[Path, dict[str, str]], pristine: Path) -> None:
    case_dir, which = tampered
    runner = CliRunner()
    one = runner.invoke(main, ["verify", str(case_dir), which["altered"], "--json"])
    assert one.exit_code == 8 and json.loads(one.stdout)["checked"] == 1
    clean = runner.invoke(main, ["verify", str(pristine), "--production", "PROD001", "--json"])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["ok"] is True


def test_export_refuses_before_writing_anything(tampered: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    case_dir, which = tampered
    run = run_uncover("export", str(case_dir), "--format", "dat-opt", "--out", str(tmp_path / "volume"))
    assert_one_line_error(run, 8, "uncover verify")
    assert not (tmp_path / "volume").exists()


def test_the_web_app_refuses_the_download_and_the_page_picture(tampered: tuple[Path, dict[str, str]]) -> None:
    from fastapi.testclient import TestClient

    from uncover.web.app import WebSettings, create_app

    case_dir, which = tampered
    app = create_app(case_dir, WebSettings(allowed_hosts=("127.0.0.1",)))
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
        for url in (f"/documents/{which['altered']}/original", f"/documents/{which['altered']}/pages/1/image",
                    f"/documents/{which['missing']}/original"):
            response = client.get(url)
            assert response.status_code == 409 and "uncover verify" in response.text, (url, response.text)


def test_publish_and_recovered_text_refuse_an_altered_original(tampered: tuple[Path, dict[str, str]]) -> None:
    from uncover.publish.publication import add_documents, create_publication, get_publication
    from uncover.publish.snapshot import build_snapshot

    case_dir, which = tampered
    with Case.open(case_dir) as case:
        publication = create_publication(case, "room", "Room")
        add_documents(case, publication, [which["altered"]])
        with pytest.raises(CustodyError, match="uncover verify"):
            build_snapshot(case, get_publication(case, "room"))
    run = run_uncover("redactions", str(case_dir), "--show-recovered")
    assert "Traceback" not in run.stderr


def test_an_intact_original_costs_one_stat_after_its_first_check(pristine: Path, tmp_path: Path) -> None:
    case_dir = tmp_path / "case"
    shutil.copytree(pristine, case_dir, symlinks=True)
    with Case.open(case_dir) as case:
        doc = next(d for d in case.store.iter_documents() if d.filename.endswith(".pdf"))
        path = intact_original(case, doc.sha256, doc.listing)
        checked = case.store.conn.execute("SELECT checked_at, status FROM original_checks WHERE sha256 = ?",
                                          (doc.sha256,)).fetchone()
        assert checked["status"] == "ok"
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        data = path.read_bytes()
        before = os.stat(path)
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # same size ...
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # ... and the old modification time
        with pytest.raises(CustodyError):  # the change time gives it away: re-hashed, refused
            intact_original(case, doc.sha256, doc.listing)
