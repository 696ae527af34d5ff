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
