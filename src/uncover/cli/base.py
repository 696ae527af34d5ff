"""Shared pieces of the CLI: the command group, output (rich or JSON), and error translation."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from .. import __version__
from ..errors import UncoverError, explain

if TYPE_CHECKING:
    from ..case import Case

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="uncover")
def main() -> None:
    """uncover: ingest, analyze, check, review and publish government records."""


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of tables.")(fn)


def case_argument(fn: F) -> F:
    return click.argument("case_dir", metavar="CASE", type=click.Path(path_type=Path))(fn)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def friendly_errors(fn: F) -> F:
    """Turn UncoverError (and a full disk, a damaged or read-only case database) into one plain
    sentence on stderr and its exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UncoverError as exc:
            fail(exc)
        except (OSError, sqlite3.Error, ValueError) as exc:
            known = explain(exc, str(kwargs.get("case_dir") or "the case"))
            if known is None:
                raise
            fail(known)
        except KeyboardInterrupt:
            err_console.print("[yellow]interrupted[/]: run the same command again to resume; nothing done so far is lost.")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def fail(exc: UncoverError) -> None:
    err_console.print(f"[bold red]error:[/] {escape(exc.message)}", soft_wrap=True)
    sys.exit(exc.exit_code)


def open_case(case_dir: Path) -> Case:
    from ..case import Case

    return Case.open(case_dir)
