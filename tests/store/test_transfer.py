"""`uncover init NEW --from OLD [--database ...]`: a laptop case moved to the team's server (on the
PostgreSQL run; SQLite to SQLite otherwise) holds every row, original and index entry, and goes on
numbering after the ids it brought."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from uncover import Case, review
from uncover.cli import main
from uncover.ingest.pipeline import IngestOptions, ingest
from uncover.search.engine import search


def test_a_laptop_case_moves_to_the_team_backend_whole(tmp_path: Path) -> None:
    source = tmp_path / "PROD"
    source.mkdir()
    for i in range(12):
        (source / f"memo-{i:02d}.txt").write_text(f"Memo {i} on the detainer program, county {i % 3}.\n", "utf-8")
    with Case.init(tmp_path / "laptop", database="") as laptop:
        ingest(laptop, [source], IngestOptions(production="P1", ocr="never", workers=1))
        first = next(laptop.store.iter_documents()).id
        review.add_tag(laptop, first, "hot", "ana")
        before = laptop.store.counts()
        hits = [h.doc_id for h in search(laptop, "detainer AND county", limit=50).hits]

    target = os.environ.get("UNCOVER_DATABASE", "")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "team"), "--from", str(tmp_path / "laptop"), "--json"]
                                + (["--database", target] if target else []))
    assert result.exit_code == 0, result.output
    with Case.open(tmp_path / "team") as team:
        assert team.backend == ("postgresql" if target else "sqlite")
        assert team.store.counts() == before
        assert [h.doc_id for h in search(team, "detainer AND county", limit=50).hits] == hits
        assert [h.doc_id for h in search(team, "tag:hot").hits] == [first]
        assert review.tags(team, first) == ["hot"]
        assert all(team.blobs.verify(d.sha256) for d in team.store.iter_documents())
        more = tmp_path / "more"
        more.mkdir()
        (more / "late.txt").write_text("A late memo.\n", "utf-8")
        report = ingest(team, [more], IngestOptions(production="P2", ocr="never", workers=1))
        assert report.new_document_ids[0] > max(d.id for d in team.store.iter_documents() if d.production_id == 1)
