"""The command line: create a publication with a frozen search and a guide, publish, check (exit codes)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from publish_helpers import UNPUBLISHED_SENTENCE

from uncover.cli import main


def test_create_publish_and_check_from_the_command_line(publish_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    guide = tmp_path / "guide.md"
    guide.write_text(f'The memo [[{publish_case.memo} p2 "opt-out question"]].\n', "utf-8")
    case = str(publish_case.root)
    done = runner.invoke(main, ["publication", "create", case, "cli-room", "--title", "Room", "--search", '"pilot program"',
                                "--doc", publish_case.email, "--guide", str(guide), "--json"])
    assert done.exit_code == 0, done.output
    created = json.loads(done.output)
    assert created["documents"] == 2 and created["searches"][0]["matched"] == 1
    out = tmp_path / "site"
    done = runner.invoke(main, ["publish", case, "cli-room", "--out", str(out), "--pdf", "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert result["figures"]["documents"] == 2 and result["leaks"] == [] and (out / "guide.pdf").exists()
    assert {m["kind"] for m in result["masked"]} == {"emails", "phones", "cc", "bcc", "custodians"}
    done = runner.invoke(main, ["publish", case, "cli-room", "--out", str(out)])
    assert done.exit_code == 0 and "personal data masked: 1 bcc, 1 cc, 1 custodians, 1 emails, 1 phones" in done.output
    done = runner.invoke(main, ["publish-check", case, "cli-room", str(out), "--json"])
    assert done.exit_code == 0 and json.loads(done.output)["leaks"] == []
    (out / "leak.txt").write_text(UNPUBLISHED_SENTENCE)
    done = runner.invoke(main, ["publish-check", case, "cli-room", str(out)])
    assert done.exit_code == 1
    assert "unpublished document" in done.output and "--accept ID --reason" in done.output
