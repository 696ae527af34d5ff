"""Every command has help text and the README names it, so the docs cannot drift from the CLI."""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from uncover.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in group.commands.items():
        out.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            out.extend(commands(command, f"{prefix}{name} "))
    return out


def test_every_command_has_help_and_is_in_the_readme() -> None:
    runner = CliRunner()
    missing = []
    for name, command in commands(main):
        assert (command.help or "").strip(), f"uncover {name} has no help text"
        result = runner.invoke(main, [*name.split(), "--help"])
        assert result.exit_code == 0, result.output
        if f"uncover {name.split()[0]}" not in README:
            missing.append(name)
    assert not missing, f"README.md does not mention: {missing}"


def test_every_command_that_reads_a_case_offers_json() -> None:
    lacking = [name for name, command in commands(main)
               if not isinstance(command, click.Group) and name != "serve"
               and not any(p.name == "as_json" for p in command.params)]
    assert not lacking, f"commands without --json: {lacking}"
