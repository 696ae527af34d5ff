"""`uncover search` and `uncover reindex` as a user runs them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from uncover.cli import main


def test_search_json_and_table(state_case):
    case, records = state_case
    runner = CliRunner()
    out = runner.invoke(main, ["search", str(case.root), '"release in part" libya', "--limit", "3", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["query"] == '"release in part" AND libya' and data["total"] > 3 and len(data["hits"]) == 3
    hit = data["hits"][0]
    assert hit["label"].startswith("C0") and hit["pages"] and "<mark>" in hit["snippet"]["html"]
    assert all(isinstance(h, list) and len(h) == 2 for h in hit["snippet"]["highlights"])

    table = runner.invoke(main, ["search", str(case.root), "libya", "--limit", "2"])
    assert table.exit_code == 0, table.output
    assert "documents match" in table.output and hit["label"][:3] in table.output and "p. " in table.output


def test_search_reports_a_bad_query_plainly(state_case):
    case, _ = state_case
    out = CliRunner().invoke(main, ["search", str(case.root), "(libya OR"])
    assert out.exit_code == 4
    assert "needs a term after it" in out.output and "Traceback" not in out.output


def test_reindex_command(state_case):
    case, records = state_case
    case.index.close()  # the module's writer; the command opens its own
    out = CliRunner().invoke(main, ["reindex", str(case.root), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == {"indexed": len(records), "index_documents": len(records)}


def test_an_index_of_an_older_version_is_reported_until_reindexed(tmp_path, corpora):
    """A new uncover sets aside an index of an older schema (derived data); until it is rebuilt,
    a search says how many documents it cannot see and what to run."""
    from state_corpus import build_state_case

    from uncover.search import reindex
    from uncover.search.index import VERSION_FILE

    case, records = build_state_case(tmp_path / "case", corpora)
    reindex(case)
    case.index.close()
    case.close()
    (tmp_path / "case" / "index" / VERSION_FILE).write_text(json.dumps({"schema": 2}), "utf-8")
    runner = CliRunner()
    out = runner.invoke(main, ["search", str(tmp_path / "case"), "libya", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["total"] == 0 and data["unindexed"] == len(records)
    out = runner.invoke(main, ["search", str(tmp_path / "case"), "libya"])
    assert f"{len(records)} documents are not in the index yet" in out.output and "uncover reindex" in out.output
    assert runner.invoke(main, ["reindex", str(tmp_path / "case")]).exit_code == 0
    data = json.loads(runner.invoke(main, ["search", str(tmp_path / "case"), "libya", "--json"]).stdout)
    assert data["total"] > 0 and data["unindexed"] == 0
