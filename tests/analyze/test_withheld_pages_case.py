"""A real FBI scan ingested end to end: its deleted page sheet in status, search, the web view."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from uncover import Case
from uncover.cli import main
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.search.engine import search
from uncover.store import withholdings as wstore


@pytest.fixture(scope="module")
def fbi_case(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Case:
    """File_04.PDF: an image-only FBI release, a sheet listing 3 withheld pages, then one page."""
    root = tmp_path_factory.mktemp("fbi")
    production = root / "production"
    production.mkdir()
    shutil.copy(corpora / "foia-muckrock-responsive-docs" / "Jon Burge" / "Email" / "File_04.PDF", production)
    case = Case.init(root / "case")
    ingest(case, [production], IngestOptions(production="FOIPA 1417740", workers=1))
    return case


def test_withheld_pages_are_counted_by_exemption(fbi_case: Case) -> None:
    conn = fbi_case.store.conn
    assert [(p.label, p.codes, p.duplicate) for p in wstore.withheld_pages(conn)] == [
        ("2", ["b5", "b6", "b7c"], False), ("3", ["b7c"], False), ("4", ["b5", "b6", "b7c"], False)]
    assert wstore.withheld_page_counts(conn) == {"b5": 2, "b6": 2, "b7c": 3}
    [sheet] = wstore.deleted_page_sheets(conn)
    assert (sheet.printed_total, sheet.listed, sheet.total_agrees) == (3, 3, True)
    [release] = wstore.releases(conn).values()
    assert release.pages_withheld == 3  # the pages the sheet lists, not the sheet itself


def test_status_search_and_web_view_show_them(fbi_case: Case) -> None:
    out = CliRunner().invoke(main, ["status", str(fbi_case.root), "--json"])
    assert out.exit_code == 0, out.output
    withheld = json.loads(out.output)["withheld_in_full"]
    assert withheld == {"pages": 3, "by_reason": {"b5": 2, "b6": 2, "b7c": 3}, "sheets": 1, "sheets_total_differs": 0}
    text = CliRunner().invoke(main, ["status", str(fbi_case.root)]).output
    assert "Withheld in full (deleted page sheets): 3 pages; b5 2, b6 2, b7c 3" in " ".join(text.split())
    assert len(search(fbi_case, "withheld-full:b6").hits) == 1
    assert len(search(fbi_case, "withheld-full:b7").hits) == 1  # b7 covers b7a..b7f
    assert search(fbi_case, "withheld-full:b7e").hits == [] and search(fbi_case, "withheld-full:duplicate").hits == []

    from fastapi.testclient import TestClient

    from uncover.web.app import WebSettings, create_app

    client = TestClient(create_app(fbi_case.root, WebSettings(allowed_hosts=("127.0.0.1",))), base_url="http://127.0.0.1")
    [doc] = fbi_case.store.iter_documents()
    page = client.get(f"/documents/{doc.id}")
    assert page.status_code == 200
    assert "3 pages withheld in full (b5 2, b6 2, b7c 3)" in " ".join(page.text.split())


def test_vaughn_index_lists_each_withheld_page_in_full(fbi_case: Case) -> None:
    """The Vaughn index of the FBI release: each page the deleted page sheet lists is an entry withheld
    in full under its own exemptions, cited by the file's name, never an internal id."""
    from uncover.report.vaughn import collect

    rows = [r for r in collect(fbi_case) if r.location == "entire page" and "deleted page" in r.description]
    assert [(r.bates.split(" (")[0], r.codes, r.extent) for r in rows] == [
        ("page 2", ["b5", "b6", "b7c"], "in full"), ("page 3", ["b7c"], "in full"),
        ("page 4", ["b5", "b6", "b7c"], "in full")]
    assert all("File_04.PDF" in r.bates and "DOC-" not in r.bates + r.document for r in collect(fbi_case))
