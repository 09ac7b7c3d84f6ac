"""The ``adv`` command. Exit codes: 0 ok, 1 a document needs review or was rejected, 2 usage error."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pipeline.cli_common import EXIT_OK, EXIT_REVIEW, EXIT_USAGE, console, err, open_context, progress_bar
from pipeline.cli_exceptions import exceptions_app
from pipeline.cli_masterdata import masterdata_app
from pipeline.cli_reconcile import reconcile_app
from pipeline.cli_stats import stats
from pipeline.cli_web import register as register_web
from pipeline.mailbox import MailboxError, fetch_mail
from pipeline.process import Outcome
from pipeline.replay import replay, replay_json
from pipeline.run import RunReport, list_files, process_waiting, receive_files, waiting
from pipeline.settings import Settings

app = typer.Typer(help="ADV intake: orders, invoices and delivery notes into one validated order database.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(exceptions_app, name="exceptions")
app.add_typer(masterdata_app, name="masterdata")
app.add_typer(reconcile_app, name="reconcile")
app.command(name="stats")(stats)
register_web(app)  # adv web, adv users


@app.command()
def init() -> None:
    """Create the database (running migrations) and the folders."""
    context = open_context()
    console.print(f"database: {context.settings.resolved_database_url}")
    console.print(f"raw store: {context.settings.resolved_store_url}")
    console.print(f"inbox: {context.settings.inbox.resolve()}")


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="files or folders (default: the inbox)")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="worker processes for a big backlog")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="print the counts as JSON")] = False,
) -> None:
    """Receive files (raw bytes stored first), process every file waiting, print how many ended in each state."""
    context = open_context()
    try:
        files = list_files(context, paths or [])
    except FileNotFoundError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    with progress_bar() as progress:
        task = progress.add_task("receiving", total=len(files))
        report, _new = receive_files(context, files, progress=lambda n: progress.advance(task, n))
        task = progress.add_task(f"processing ({workers} worker{'s' if workers > 1 else ''})",
                                 total=waiting(context))
        report.merge(process_waiting(context, workers, progress=lambda n: _advance(progress, task, n)))
    _print_report(report, as_json)
    raise typer.Exit(EXIT_REVIEW if report.needs_attention else EXIT_OK)


def _advance(progress, task, n: int) -> None:
    """Attachments join the backlog as files are opened: the total grows with them."""
    progress.advance(task, n)
    current = progress.tasks[task]
    if current.total is not None and current.completed > current.total:
        progress.update(task, total=current.completed)


@app.command(name="fetch-mail")
def fetch_mail_command(
    as_json: Annotated[bool, typer.Option("--json", help="print the counts as JSON")] = False,
) -> None:
    """Fetch unseen messages from the IMAP mailboxes in the settings (ADV_IMAP_*), then process them."""
    context = open_context()
    try:
        with progress_bar() as progress:
            task = progress.add_task("fetching and processing", total=None)
            report = fetch_mail(context, progress=lambda n: progress.advance(task, n))
    except MailboxError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    _print_report(report, as_json)
    raise typer.Exit(EXIT_REVIEW if report.needs_attention else EXIT_OK)


def _print_report(report: RunReport, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps(report.as_dict()))
        return
    console.print(f"{report.files_seen} file(s) seen, {report.files_new} new, "
                  f"{report.already_received} already received (nothing written)")
    table = Table("state", "documents", title="documents by state")
    for state in ("loaded", "needs_review", "rejected", "duplicate"):
        table.add_row(state, str(report.states.get(state, 0)))
    console.print(table)
    for problem in report.errors:
        err.print(f"[red]could not read {problem}[/red]")
    if report.states.get("needs_review"):
        console.print("see them with: adv exceptions list")


@app.command(name="replay")
def replay_command(
    file: Annotated[Path, typer.Argument(help="the document to run through every stage")],
    as_json: Annotated[bool, typer.Option("--json", help="print the canonical JSON")] = False,
    ignore_embedded_xml: Annotated[bool, typer.Option(
        "--ignore-embedded-xml", help="read a hybrid PDF (Factur-X, ZUGFeRD) from its visible layer, not its XML")] = False,
) -> None:
    """Run every stage on one file without writing anything, and show what each stage made of it."""
    if not file.is_file():
        err.print(f"[red]{file} is not a file[/red]")
        raise typer.Exit(EXIT_USAGE)
    settings = Settings(ignore_embedded_xml=True) if ignore_embedded_xml else Settings()
    result = replay(file.read_bytes(), settings, file.name)
    if as_json:
        sys.stdout.write(json.dumps(replay_json(result), indent=2, ensure_ascii=False) + "\n")
    else:
        for part in result.walk():
            _print_stages(part.name, part.outcome)
    raise typer.Exit(EXIT_REVIEW if result.in_review else EXIT_OK)


def _print_stages(name: str, outcome: Outcome) -> None:
    console.print(f"[bold underline]{name}[/bold underline]", highlight=False)
    for stage, note in outcome.stages:
        console.print(f"[bold]{stage:>9}[/bold]  {note}", highlight=False)
    for finding in outcome.findings:
        console.print(f"[bold]{'file':>9}[/bold]  {finding.severity.value} {finding.code}: {finding.message}",
                      highlight=False)
    for doc in outcome.documents:
        for finding in doc.findings:
            console.print(f"[bold]{doc.number or doc.kind.value:>9}[/bold]  {finding.severity.value} "
                          f"{finding.code} [{finding.field or '-'}]: {finding.message}", highlight=False)
    console.print(f"[bold]{'decision':>9}[/bold]  file {outcome.file_status.value}; "
                  + ", ".join(f"{d.kind.value} {d.number or '?'} {d.status.value}" for d in outcome.documents))


@app.command()
def serve() -> None:
    """Serve the scheduled ingestion deployment (Prefect) until stopped."""
    # flows/ owns Prefect; the CLI only hands over, so pipeline/ never imports it.
    os.execv(sys.executable, [sys.executable, "-m", "flows.serve"])


def main() -> None:
    app()


if __name__ == "__main__":
    main()
