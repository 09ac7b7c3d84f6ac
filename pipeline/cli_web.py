"""``adv web`` (the review desk) and ``adv users`` (its local accounts)."""

from __future__ import annotations

import sys
import threading
from typing import Annotated, Optional

import typer
from rich.table import Table

from pipeline.cli_common import EXIT_USAGE, console, err, open_context
from pipeline.users import Role, UserError, add_user, generate_password, set_active, set_password, set_role, users

users_app = typer.Typer(help="Accounts of the review desk (adv web): reviewers, admins and viewers.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``adv web`` and ``adv users`` to the ``adv`` command."""
    app.command("web")(web)
    app.add_typer(users_app, name="users")


def web(
    host: Annotated[Optional[str], typer.Option(help="address to listen on (default ADV_WEB_HOST, 127.0.0.1)")] = None,
    port: Annotated[Optional[int], typer.Option(help="port (default ADV_WEB_PORT, 8000)")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="ingest samples/ into .adv/demo and log in as 'demo'")] = False,
) -> None:
    """Serve the review desk: the exception queue, each document beside its original, and the dashboard."""
    import uvicorn

    from pipeline.web import demo as demo_setup
    from pipeline.web.app import create_app
    from pipeline.web.security import SecretKeyError

    if demo:
        console.print(f"demo: ingesting {demo_setup.SAMPLES} into {demo_setup.DEMO_HOME} (a minute the first time)")
        folders = demo_setup.sample_folders()
        slow = [name for name in folders if name in demo_setup.SLOW_FOLDERS]
        prepared = demo_setup.prepare(demo_setup.demo_settings(), folders=[n for n in folders if n not in slow])
        context = prepared.context
        console.print(f"demo: {dict(prepared.report.states) or 'nothing new'}; log in as [bold]{prepared.user}[/bold]"
                      f" with password [bold]{prepared.password}[/bold]", highlight=False)
        if slow:
            console.print(f"demo: reading {', '.join(slow)} (OCR) in the background; they join the queue as they "
                          "finish", highlight=False)
            threading.Thread(target=demo_setup.ingest, args=(context, slow), kwargs={"one_by_one": True},
                             name="demo-ocr", daemon=True).start()
    else:
        context = open_context()
        password = demo_setup.first_admin(context)
        if password:
            console.print(f"no account yet: created [bold]admin[/bold] with password [bold]{password}[/bold] "
                          "(shown once; change it with: adv users passwd admin)", highlight=False)
    settings = context.settings
    host, port = host or settings.web_host, port or settings.web_port
    try:
        app = create_app(context)
    except SecretKeyError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]listening on {host}: put the desk behind an HTTPS proxy, passwords travel in the "
                  "login form[/yellow]", highlight=False)
    console.print(f"review desk: http://{host if ':' not in host else f'[{host}]'}:{port}/  (Ctrl-C to stop)",
                  highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)


def _password(generate: bool) -> str:
    if generate:
        password = generate_password()
        console.print(f"password: [bold]{password}[/bold]", highlight=False)
        return password
    if sys.stdin.isatty():
        return typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")  # scripts: echo "$PASSWORD" | adv users add NAME


def _run(change) -> None:
    context = open_context()
    try:
        with context.sessions() as session:
            message = change(session)
            session.commit()
    except UserError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    console.print(message, highlight=False)


RoleOption = Annotated[Role, typer.Option(help="viewer: sees everything, changes nothing; reviewer: works the "
                                               "queue; admin: a reviewer who may manage accounts")]
Generate = Annotated[bool, typer.Option("--generate", help="make up a password and print it")]


@users_app.command("add")
def users_add(name: str, role: RoleOption = Role.REVIEWER, generate: Generate = False) -> None:
    """Create an account; the password is asked for (or read from standard input, or generated)."""
    password = _password(generate)
    _run(lambda session: f"user {add_user(session, name, role, password).name} added ({role.value})")


@users_app.command("passwd")
def users_passwd(name: str, generate: Generate = False) -> None:
    """Set a new password."""
    password = _password(generate)
    _run(lambda session: f"password of {set_password(session, name, password).name} changed")


@users_app.command("role")
def users_role(name: str, role: Annotated[Role, typer.Argument(help="viewer, reviewer or admin")]) -> None:
    """Change what a user may do."""
    _run(lambda session: f"{set_role(session, name, role).name} is now {role.value}")


@users_app.command("disable")
def users_disable(name: str) -> None:
    """Stop an account from logging in (its name stays in the audit trail)."""
    _run(lambda session: f"{set_active(session, name, False).name} can no longer log in")


@users_app.command("enable")
def users_enable(name: str) -> None:
    _run(lambda session: f"{set_active(session, name, True).name} can log in again")


@users_app.command("list")
def users_list() -> None:
    """Every account, its role and last login."""
    context = open_context()
    with context.sessions() as session:
        rows = users(session)
    table = Table("name", "role", "active", "last login")
    for user in rows:
        table.add_row(user.name, user.role, "yes" if user.active else "no",
                      user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "never")
    console.print(table)
