"""`uncover serve`, `uncover user add` and `uncover tag`: the review workspace from the terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .base import (
    case_argument,
    console,
    emit_json,
    err_console,
    friendly_errors,
    json_option,
    main,
    open_case,
)


@main.command("serve")
@case_argument
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default is reachable from this computer only.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--team", is_flag=True, help="Require sign-in (add people with `uncover user add`).")
@click.option("--secure-cookies", is_flag=True,
              help="Mark cookies Secure (HTTPS only). Automatic when a request arrives over HTTPS, directly or "
                   "through a proxy on this machine that sends X-Forwarded-Proto.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Web worker processes; more than one needs a case on PostgreSQL (`uncover init --database`).")
@friendly_errors
def serve_command(case_dir: Path, host: str, port: int, team: bool, secure_cookies: bool, workers: int) -> None:
    """Open the review workspace in the browser: search, read, tag, annotate."""
    import uvicorn

    from ..review import ROLES  # noqa: F401 - registers the tag: search field
    from ..store import review as review_sql
    from ..web.app import SERVE_ENV, WebSettings, create_app, serve_spec

    with open_case(case_dir) as case:
        people = review_sql.users(case.store.conn)
        backend = case.backend
    if workers > 1 and backend != "postgresql":
        err_console.print("[bold red]error:[/] --workers needs the case on PostgreSQL (a SQLite case has one writer): "
                          f"copy it there with `uncover init NEW --from {case_dir} --database postgresql://...`.")
        sys.exit(2)
    if team and not people:
        err_console.print("[bold red]error:[/] --team needs at least one user: run "
                          f"`uncover user add {case_dir} NAME --role admin` first.")
        sys.exit(2)
    if not team and host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print("[yellow]warning:[/] without --team anyone who can reach this address can read and change the case.")
    loopback = host in ("127.0.0.1", "localhost", "::1")
    allowed = ("127.0.0.1", "localhost", "::1") if loopback else None
    settings = WebSettings(team=team, host=host, port=port, allowed_hosts=allowed, secure_cookies=secure_cookies)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    console.print(f"uncover is serving [bold]{case_dir}[/] at [bold cyan]http://{shown}:{port}/[/] "
                  f"({'team mode: sign-in required' if team else 'laptop mode: this computer only'}"
                  f"{f', {workers} worker processes' if workers > 1 else ''}). Ctrl+C stops it.")
    # Forwarded headers are believed only from a proxy on this machine (uvicorn's default address list):
    # they give the sign-in limit the real address and tell the app it is behind HTTPS.
    served = {"host": host, "port": port, "log_level": "warning", "proxy_headers": True,
              "forwarded_allow_ips": "127.0.0.1", "server_header": False}
    if workers > 1:  # each worker process builds its own app from the same settings
        os.environ[SERVE_ENV] = serve_spec(case_dir.resolve(), settings)
        uvicorn.run("uncover.web.app:app_from_environment", factory=True, workers=workers, **served)
        return
    uvicorn.run(create_app(case_dir, settings), **served)


@main.group("user")
def user_group() -> None:
    """People who may sign in to the workspace in --team mode."""


@user_group.command("add")
@case_argument
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "reviewer", "viewer"]), default="reviewer", show_default=True,
              help="viewer: read only; reviewer: tag, note, annotate; admin: everything.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@json_option
@friendly_errors
def user_add(case_dir: Path, name: str, role: str, password_stdin: bool, as_json: bool) -> None:
    """Add a user (or set a user's password and role)."""
    from ..web.auth import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_case(case_dir) as case:
        with case.store.transaction() as conn:
            user_id = add_user(conn, name, password, role)
            from ..store import review as review_sql

            review_sql.audit(conn, "cli", "user-add", None, name=name, role=role)
    if as_json:
        emit_json({"id": user_id, "name": name, "role": role})
    else:
        console.print(f"user [bold]{name}[/] can sign in as {role}")


@user_group.command("list")
@case_argument
@json_option
@friendly_errors
def user_list(case_dir: Path, as_json: bool) -> None:
    """List the users of a case."""
    from ..store import review as review_sql

    with open_case(case_dir) as case:
        people = review_sql.users(case.store.conn)
    if as_json:
        emit_json([{"name": u.name, "role": u.role, "created_at": u.created_at} for u in people])
        return
    for u in people:
        console.print(f"{u.name}\t{u.role}\t{u.created_at}")


@main.command("tag")
@case_argument
@click.argument("query")
@click.argument("tag")
@click.option("--as", "actor", default="cli", show_default=True, help="Name recorded in the review audit.")
@json_option
@friendly_errors
def tag_command(case_dir: Path, query: str, tag: str, actor: str, as_json: bool) -> None:
    """Tag every document matching QUERY (the search language of `uncover search`) with TAG."""
    from ..review import bulk_tag

    with open_case(case_dir) as case:
        result = bulk_tag(case, query, tag, actor)
    if as_json:
        emit_json({"query": result.query, "tag": result.tag, "matched": result.matched, "newly_tagged": result.newly_tagged})
    else:
        console.print(f"{result.matched:,} documents match; {result.newly_tagged:,} newly tagged [bold]{result.tag}[/]")
