"""Every hostile input the red team found, built here, ingested by the real command in one run.

Each must end as a document or a categorised exception (never a traceback or a stopped run), the
whole ingest must stay under 1 GB of memory, children included, and running it again must add
nothing and lose nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_builders import bad_names, links_and_pipes, message_nest, zip_deep, zip_nest, zip_slip, zip_wide
from hostile_helpers import GB, Run, run_uncover

from uncover import Case, IssueCategory
from uncover.ingest.formats.base import RATIO_FLOOR, Limits
from uncover.ingest.pipeline import IngestOptions, ingest, reconcile
from uncover.search.engine import search

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Run]:
    root = tmp_path_factory.mktemp("hostile")
    production = root / "production"
    production.mkdir()
    zip_nest(production / "nest.zip")
    zip_deep(production / "deep.zip", depth=40)
    zip_slip(production / "slip.zip")
    message_nest(production / "nest.eml", levels=200)
    bad_names(production / "names")
    links_and_pipes(production / "links", root / "outside")
    case_dir = root / "case"
    run = run_uncover("ingest", str(case_dir), str(production), "--ocr", "never", "--workers", "2", "--json", timeout=600)
    return case_dir, production, run


def issues_for(case: Case, fragment: str) -> list:  # type: ignore[type-arg]
    return [i for i in case.store.issues(exceptions_only=True) if fragment in (i.path + (i.member or ""))]


def test_the_whole_hostile_production_ingests_in_bounded_memory(hostile: tuple[Path, Path, Run]) -> None:
    case_dir, _, run = hostile
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert run.peak_rss < GB, f"peak {run.peak_rss / 1e6:.0f} MB for the whole ingest, workers included"
    assert run.max_process_rss < GB
    with Case.open(case_dir) as case:
        rec = reconcile(case)
        assert rec["difference"] == 0 and rec["pending"] == 0
        assert all(isinstance(i.category, IssueCategory) for i in case.store.issues(exceptions_only=True))


def test_an_archive_nest_cannot_exceed_its_top_level_budget(hostile: tuple[Path, Path, Run]) -> None:
    case_dir, production, _ = hostile
    size = (production / "nest.zip").stat().st_size
    with Case.open(case_dir) as case:
        root = case.store.conn.execute("SELECT id FROM inputs WHERE display_name = 'nest.zip'").fetchone()[0]
        expanded, members = case.store.expansion_used(root)
        assert expanded <= RATIO_FLOOR + Limits().max_expansion_ratio * size + 1024 * 1024
        bombs = [i for i in issues_for(case, "nest.zip") if i.category == IssueCategory.BOMB]
        assert bombs and all("nest.zip" in i.message and "zip bomb" in i.message for i in bombs)
        assert members < 475  # the red team's run: 475 inputs and 216 MB of text
        assert search(case, "detainer").total == 0  # no 1 MB leaf was kept


def test_archives_nested_past_the_depth_limit_are_a_bomb(hostile: tuple[Path, Path, Run]) -> None:
    case_dir, _, _ = hostile
    with Case.open(case_dir) as case:
        deep = issues_for(case, "deep.zip")
        assert [i.category for i in deep] == [IssueCategory.BOMB]
        assert "nested" in deep[0].message and f"limit {Limits().max_depth}" in deep[0].message
        assert search(case, "innermost AND nest AND archives").total == 0


def test_zip_slip_members_are_not_written_and_the_rest_is_kept(hostile: tuple[Path, Path, Run]) -> None:
    case_dir, production, _ = hostile
    assert not (production.parent / "escaped.txt").exists() and not Path("/etc/escaped-abs.txt").exists()
    with Case.open(case_dir) as case:
        slip = next(d for d in case.store.iter_documents() if d.path == "slip.zip")
        assert any("escape" in w for w in slip.warnings)
        assert [c.path for c in case.store.children(slip.id)] == ["slip.zip//ok/fine.txt"]


def test_a_message_nested_200_deep_keeps_every_message(hostile: tuple[Path, Path, Run]) -> None:
    case_dir, _, _ = hostile
    with Case.open(case_dir) as case:
        messages = [d for d in case.store.iter_documents() if d.path.startswith("nest.eml")]
        assert len(messages) == 200
        assert {d.subject for d in messages} == {f"level {i}" for i in range(1, 201)}
        assert not issues_for(case, "nest.eml")
        assert search(case, '"innermost message level 200"').total == 1


def test_names_that_are_not_utf8_are_kept_byte_for_byte(hostile: tuple[Path, Path, Run]) -> None:
    case_dir, _, _ = hostile
    with Case.open(case_dir) as case:
        rows = {r["display_name"]: r["raw_name"] for r in case.store.conn.execute(
            "SELECT display_name, raw_name FROM inputs WHERE display_name LIKE 'names/%'")}
    assert rows == {
        "names/bad-\\xff\\xfe.txt": b"names/bad-\xff\xfe.txt",
        "names/latin1-caf\\xe9.txt": b"names/latin1-caf\xe9.txt",
        "names/esc-\\x1b[31mred.txt": b"names/esc-\x1b[31mred.txt",
    }


def test_links_are_recorded_never_followed_and_a_fifo_never_read(hostile: tuple[Path, Path, Run]) -> None:
    case_dir, _, _ = hostile
    with Case.open(case_dir) as case:
        found = {Path(i.path).name: i for i in issues_for(case, "links")}
        assert {n: str(i.category) for n, i in found.items()} == {
            "link-out.txt": "link", "link-folder": "link", "dangling.txt": "link", "link-in.txt": "link", "pipe": "special"}
        assert "outside the folder given" in found["link-out.txt"].message
        assert "dangling" in found["dangling.txt"].message
        assert "FIFO" in found["pipe"].message
        assert search(case, "OUTSIDE-CANARY").total == 0 and search(case, "zebra").total == 0
        assert search(case, "sheriff AND ordinary").total == 1  # the real file inside is a document


def test_running_it_again_adds_nothing(hostile: tuple[Path, Path, Run]) -> None:
    case_dir, production, first = hostile
    again = run_uncover("ingest", str(case_dir), str(production), "--ocr", "never", "--workers", "2", "--json")
    assert again.returncode == 0, again.stderr[-2000:]
    counts = again.json()["counts"]  # type: ignore[index]
    assert counts["inputs"] == 0 and counts["documents"] == 0
    assert counts["skipped"] == len([p for p in production.rglob("*") if not p.is_dir() or p.is_symlink()])


def test_a_member_budget_stops_a_wide_archive(tmp_path: Path) -> None:
    zip_wide(tmp_path / "wide.zip", members=300)
    with Case.init(tmp_path / "case") as case:
        ingest(case, [tmp_path / "wide.zip"], IngestOptions(ocr="never", workers=1, limits=Limits(max_members=100)))
        issues = case.store.issues(exceptions_only=True)
        assert [i.category for i in issues] == [IssueCategory.BOMB] and "300 members" in issues[0].message
        assert reconcile(case)["difference"] == 0


def test_a_path_given_as_a_link_is_taken_as_given(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "memo.txt").write_text("a memo about the county sheriff and the records\n", "utf-8")
    os.symlink(tmp_path / "real", tmp_path / "chosen")
    with Case.init(tmp_path / "case") as case:
        ingest(case, [tmp_path / "chosen"], IngestOptions(ocr="never", workers=1))
        assert [d.path for d in case.store.iter_documents()] == ["memo.txt"]
