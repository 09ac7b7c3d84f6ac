"""The ``adv`` command. Exit codes: 0 ok, 1 a document needs review or was rejected, 2 usage error."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline import review
from pipeline.context import Context
from pipeline.process import Outcome
from pipeline.replay import replay, replay_json
from pipeline.run import RunReport, leftover_ids, list_files, process_batch, receive_files
from pipeline.settings import Settings

app = typer.Typer(help="ADV intake: orders, invoices and delivery notes into one validated order database.",
                  no_args_is_help=True, add_completion=False)
exceptions_app = typer.Typer(help="The exception queue: documents waiting for a person.", no_args_is_help=True)
app.add_typer(exceptions_app, name="exceptions")
# Piped output (CI logs, files) gets a wide fixed width instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

EXIT_OK, EXIT_REVIEW, EXIT_USAGE = 0, 1, 2


def _context() -> Context:
    context = Context(Settings())
    context.init()
    return context


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True, disable=not err.is_terminal)


@app.command()
def init() -> None:
    """Create the database (running migrations) and the folders."""
    context = _context()
    console.print(f"database: {context.settings.resolved_database_url}")
    console.print(f"raw store: {context.settings.resolved_store_url}")
    console.print(f"inbox: {context.settings.inbox.resolve()}")


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="files or folders (default: the inbox)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the counts as JSON")] = False,
) -> None:
    """Receive files (raw bytes stored first), process them, print how many ended in each state."""
    context = _context()
    try:
        files = list_files(context, paths or [])
    except FileNotFoundError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    with _progress() as progress:
        task = progress.add_task("receiving", total=len(files))
        report, new_ids = receive_files(context, files, progress=lambda n: progress.advance(task, n))
        ids = sorted(set(new_ids) | set(leftover_ids(context)))
        task = progress.add_task("processing", total=len(ids))
        report.merge(process_batch(context, ids, progress=lambda n: progress.advance(task, n)))
    _print_report(report, as_json)
    raise typer.Exit(EXIT_REVIEW if report.needs_attention else EXIT_OK)


def _print_report(report: RunReport, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps({"files_seen": report.files_seen, "files_new": report.files_new,
                                       "already_received": report.already_received, "states": dict(report.states),
                                       "errors": report.errors}))
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
) -> None:
    """Run every stage on one file without writing anything, and show what each stage made of it."""
    if not file.is_file():
        err.print(f"[red]{file} is not a file[/red]")
        raise typer.Exit(EXIT_USAGE)
    result = replay(file.read_bytes(), Settings(), file.name)
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


@exceptions_app.command("list")
def exceptions_list(
    code: Annotated[Optional[str], typer.Option(help="only documents with this finding code")] = None,
    limit: Annotated[int, typer.Option(help="at most this many rows")] = 200,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Documents waiting for review, oldest first, with their error codes; then counts per code."""
    context = _context()
    with context.sessions() as session:
        items = review.queue(session, code=code, limit=limit)
        counts = review.code_counts(session)
    if as_json:
        console.print_json(json.dumps({"items": [i.as_json() for i in items], "counts": counts}))
        return
    table = Table("id", "kind", "number", "sender", "age", "codes", "source", title=f"{len(items)} in review")
    for item in items:
        table.add_row(str(item.id), item.kind or "file", item.number or "", item.sender or "",
                      f"{item.age_hours:.0f} h", ", ".join(item.codes), f"{Path(item.source).name} {item.locator}")
    console.print(table)
    if counts:
        console.print("by code: " + ", ".join(f"{c} {n}" for c, n in counts.items()), highlight=False)


@exceptions_app.command("show")
def exceptions_show(
    document_id: Annotated[int, typer.Argument(help="the document id from 'adv exceptions list'")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One document: why it stopped, what was extracted and where from, its history and raw excerpt."""
    context = _context()
    with context.sessions() as session:
        info = review.detail(session, context.store, document_id)
    if info is None:
        err.print(f"[red]no document {document_id}[/red]")
        raise typer.Exit(EXIT_USAGE)
    if as_json:
        sys.stdout.write(json.dumps(info, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    _print_detail(info)


def _print_detail(info: dict) -> None:
    console.print(f"[bold]document {info['id']}[/bold] {info['kind'] or 'file'} {info['number'] or ''} "
                  f"— {info['state']} ({info['state_reason']})", highlight=False)
    console.print(f"source {info['source']} {info['locator']}  sha256 {info['sha256'][:16]}…  "
                  f"format {info['format']}  received {info['received_at']}", highlight=False)
    if info["findings"]:
        table = Table("severity", "code", "field", "message", "where", title="findings")
        for f in info["findings"]:
            loc = f["location"] or {}
            where = f"segment {loc['segment_no']} {loc.get('segment', '')}" if "segment_no" in loc else ""
            table.add_row(f["severity"], f["code"], f["field"] or "", f["message"], where)
        console.print(table)
    document = info["document"]
    if document:
        table = Table("field", "value", "from", "confidence", title="extracted values")
        for path, where in document.get("provenance", {}).items():
            table.add_row(path, str(_value_at(document, path)), _describe(where), f"{where.get('confidence', 1):.2f}")
        console.print(table)
    for child in info["children"]:
        console.print(f"  child {child['id']}: {child['kind']} {child['number'] or '?'} {child['state']} "
                      f"({child['locator']})", highlight=False)
    console.print("[bold]history[/bold]")
    for event in info["audit"]:
        console.print(f"  {event['at']} {event['actor']} {event['action']} {event['from'] or '-'} → "
                      f"{event['to'] or '-'}: {event['reason'] or ''}", highlight=False)
    if info["raw_excerpt"]:
        console.print("[bold]raw excerpt[/bold]")
        console.print(info["raw_excerpt"], markup=False, highlight=False)


def _describe(where: dict) -> str:
    if "segment" in where:
        return f"{where['segment']} segment {where.get('segment_no')} element {where.get('element', '')}"
    return where.get("method", "")


def _value_at(document: dict, path: str):
    value: object = document
    for part in path.replace("]", "").replace("[", ".").split("."):
        if isinstance(value, list):
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
    return value


@app.command()
def serve() -> None:
    """Serve the scheduled ingestion deployment (Prefect) until stopped."""
    # flows/ owns Prefect; the CLI only hands over, so pipeline/ never imports it.
    os.execv(sys.executable, [sys.executable, "-m", "flows.serve"])


def main() -> None:
    app()


if __name__ == "__main__":
    main()
