"""``adv stats``: touchless rate by channel and sender, documents per state, the backlog in review."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Optional

import typer
from rich.table import Table

from pipeline.cli_common import console, open_context
from pipeline.stats import Stats, Touchless, compute


def stats(
    since: Annotated[Optional[datetime], typer.Option(
        formats=["%Y-%m-%d"], help="only documents received on or after this day (YYYY-MM-DD)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
    senders: Annotated[int, typer.Option(help="at most this many senders in the table (all in --json)")] = 20,
) -> None:
    """How much goes through untouched: touchless rate overall, by channel and by sender; states; backlog."""
    context = open_context()
    with context.sessions() as session:
        figures = compute(session, since.date() if since else None)
    if as_json:
        console.print_json(json.dumps(figures.as_json()))
        return
    _print(figures, senders)


def _print(figures: Stats, senders: int) -> None:
    scope = f"received since {figures.since}" if figures.since else "all documents"
    table = Table("group", "documents", "loaded", "touchless", "rate",
                  title=f"touchless rate ({scope}; duplicates left out)")
    _row(table, "overall", figures.overall)
    table.add_section()
    for group in figures.by_channel:
        _row(table, f"channel {group.key}", group)
    table.add_section()
    for group in figures.by_sender[:senders]:
        _row(table, f"sender {group.key}" + (f" ({group.name})" if group.name and group.name != group.key else ""),
             group)
    if len(figures.by_sender) > senders:
        table.add_row(f"… {len(figures.by_sender) - senders} more senders (--senders N, or --json)", "", "", "", "")
    console.print(table)
    states = Table("state", "documents", "files", title="per state")
    for state in sorted(set(figures.states) | set(figures.files)):
        states.add_row(state, str(figures.states.get(state, 0)), str(figures.files.get(state, 0)))
    console.print(states)
    backlog = figures.backlog
    oldest = f", the oldest received {backlog.oldest_received_at:%Y-%m-%d %H:%M}" if backlog.oldest_received_at else ""
    console.print(f"backlog in review: {backlog.documents} document(s) and {backlog.files} file(s){oldest}",
                  highlight=False)


def _row(table: Table, label: str, group: Touchless) -> None:
    rate = "-" if group.rate is None else f"{group.rate:.1%}"
    table.add_row(label, str(group.documents), str(group.loaded), str(group.touchless), rate)
