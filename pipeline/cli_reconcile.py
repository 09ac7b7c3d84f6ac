"""``adv reconcile``: run the reconciliation, work the disputes, load tolerances and pack sizes.

Exit codes as for the rest of ``adv``: 0 nothing to block, 1 at least one invoice should be blocked, 2 usage error.
"""

from __future__ import annotations

import json
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from pipeline.context import Context
from pipeline.reconcile import disputes, source
from pipeline.reconcile.run import UnknownCustomer, reconcile
from pipeline.settings import Settings

EXIT_OK, EXIT_BLOCK, EXIT_USAGE = 0, 1, 2

reconcile_app = typer.Typer(help="Reconcile invoices against delivery notes and orders; work the disputes.",
                            invoke_without_command=True, add_completion=False)
disputes_app = typer.Typer(help="Differences people work on: list, show, set a status.", no_args_is_help=True)
config_app = typer.Typer(help="Tolerances per customer and pack sizes.", no_args_is_help=True)
reconcile_app.add_typer(disputes_app, name="disputes")
reconcile_app.add_typer(config_app, name="config")
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)


def _context() -> Context:
    context = Context(Settings())
    context.init()
    return context


@reconcile_app.callback()
def run(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option(help="only documents dated on or after this day (YYYY-MM-DD)")] = None,
    customer: Annotated[Optional[str], typer.Option(help="only this customer or supplier: GLN, VAT number, name")] = None,
    report: Annotated[Optional[Path], typer.Option(help="write this .xlsx report (and the .csv beside it)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the run summary as JSON")] = False,
) -> None:
    """Match invoice lines to delivery lines to order lines, save outcomes and disputes, write the report."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError:
        err.print(f"[red]--since {since!r} is not a date like 2026-11-01[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    context = _context()
    try:
        summary = reconcile(context, since=day, customer=customer, report=report)
    except UnknownCustomer as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    finally:
        context.engine.dispose()
    if as_json:
        sys.stdout.write(json.dumps(summary.as_json(), indent=2) + "\n")
    else:
        table = Table("outcome", "lines", "at stake", title=f"reconciliation run {summary.run_id}")
        for outcome, count in summary.outcomes.items():
            table.add_row(outcome, str(count), summary.at_stake[outcome])
        console.print(table)
        changes = summary.changes
        console.print(f"rows: {changes.inserted} new, {changes.updated} changed, {changes.deleted} gone, "
                      f"{changes.unchanged} unchanged; disputes: "
                      + (", ".join(f"{n} {a}" for a, n in sorted(changes.disputes.items())) or "no change"),
                      highlight=False)
        if summary.invoices_to_block:
            console.print(f"invoices to block ({len(summary.invoices_to_block)}): "
                          + ", ".join(summary.invoices_to_block), highlight=False)
        for path in summary.reports:
            console.print(f"report: {path}", highlight=False)
    raise typer.Exit(EXIT_BLOCK if summary.invoices_to_block else EXIT_OK)


@disputes_app.command("list")
def disputes_list(
    status: Annotated[Optional[str], typer.Option(help="open, justified, credit_note_requested or closed")] = None,
    outcome: Annotated[Optional[str], typer.Option(help="e.g. quantity_difference")] = None,
    invoice: Annotated[Optional[str], typer.Option(help="only this invoice number")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Disputes, oldest first."""
    context = _context()
    try:
        with context.sessions() as session:
            items = disputes.listing(session, status=status, outcome=outcome, invoice=invoice)
    except disputes.DisputeError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    if as_json:
        sys.stdout.write(json.dumps(items, indent=2) + "\n")
        return
    table = Table("id", "status", "outcome", "invoice", "delivery note", "order", "customer", "at stake",
                  title=f"{len(items)} dispute(s)")
    for item in items:
        table.add_row(str(item["id"]), item["status"], item["outcome"], item["invoice_no"] or "",
                      item["delivery_note_no"] or "", item["order_no"] or "", item["customer"] or "",
                      item["amount_at_stake"] or "")
    console.print(table)


@disputes_app.command("show")
def disputes_show(dispute_id: Annotated[int, typer.Argument(help="the id from 'adv reconcile disputes list'")],
                  as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One dispute: the difference, and everything that happened to it."""
    context = _context()
    try:
        with context.sessions() as session:
            info = disputes.detail(session, dispute_id)
    except disputes.DisputeError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    if as_json:
        sys.stdout.write(json.dumps(info, indent=2, default=str) + "\n")
        return
    console.print(f"[bold]dispute {info['id']}[/bold] {info['outcome']} — {info['status']}; invoice "
                  f"{info['invoice_no'] or '-'}, delivery note {info['delivery_note_no'] or '-'}, order "
                  f"{info['order_no'] or '-'}; at stake {info['amount_at_stake']}", highlight=False)
    if info["line"]:
        line = info["line"]
        console.print(f"ordered {line['qty_ordered']}, delivered {line['qty_delivered']}, invoiced "
                      f"{line['qty_invoiced']} {line['unit'] or ''}; price ordered {line['price_ordered']}, "
                      f"invoiced {line['price_invoiced']}" + (f"; {line['note']}" if line["note"] else ""),
                      highlight=False)
    console.print("[bold]history[/bold]")
    for event in info["history"]:
        console.print(f"  {event['at']} {event['actor']} {event['action']} {event['from'] or '-'} → "
                      f"{event['to'] or '-'}: {event['reason'] or ''}", highlight=False)


@disputes_app.command("set")
def disputes_set(
    dispute_id: Annotated[int, typer.Argument(help="the dispute id")],
    status: Annotated[str, typer.Argument(help="open, justified, credit_note_requested or closed")],
    reason: Annotated[Optional[str], typer.Option(help="why, for the history")] = None,
) -> None:
    """Set a dispute's status; the change is recorded with your name (ADV_USER) and the reason."""
    context = _context()
    try:
        with context.sessions() as session, session.begin():
            dispute = disputes.set_status(session, dispute_id, status, context.settings.user, reason)
            console.print(f"dispute {dispute.id} is now {dispute.status}", highlight=False)
    except disputes.DisputeError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None


@config_app.command("load")
def config_load(file: Annotated[Path, typer.Argument(help="a TOML file with [[tolerances]] and [[pack_sizes]]")]
                ) -> None:
    """Replace the tolerances and pack sizes with those of FILE (see docs/reconciliation.md)."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        err.print(f"[red]cannot read {file}: {exc}[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    context = _context()
    try:
        with context.sessions() as session, session.begin():
            source.save_config(session, data.get("tolerances", []), data.get("pack_sizes", []))
    except (KeyError, ValueError, ArithmeticError) as exc:
        err.print(f"[red]{file}: {exc!r} (each tolerance needs a party, each pack size item, unit and "
                  "contains)[/red]")
        raise typer.Exit(EXIT_USAGE) from None
    console.print(f"{len(data.get('tolerances', []))} tolerance(s), {len(data.get('pack_sizes', []))} pack size(s) "
                  "loaded", highlight=False)


@config_app.command("show")
def config_show() -> None:
    """The tolerances and pack sizes in force."""
    context = _context()
    with context.sessions() as session:
        tolerances, default = source.tolerances(session)
        packs = source.pack_sizes(session)
    console.print(f"defaults: {default.model_dump()}", highlight=False)
    console.print(f"tolerances per party id:\n{tolerances}\npack sizes:\n{packs}", highlight=False)
