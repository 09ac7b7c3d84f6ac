"""``adv stats``: touchless rate by channel and sender, documents per state, the backlogs, throughput and the
slowest stages and files."""

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
        formats=["%Y-%m-%d"],
        help="only documents received, and files processed, on or after this day (YYYY-MM-DD, UTC)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the figures as JSON")] = False,
    senders: Annotated[int, typer.Option(help="at most this many senders in the table (all in --json)")] = 20,
) -> None:
    """How much goes through untouched (touchless rate overall, by channel, by sender), states, backlogs, and how
    fast: files finished per hour (per worker), the time each stage takes, the slowest files."""
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
    received = backlog.received
    waited = received.oldest_received_at
    oldest = f", the oldest received {waited:%Y-%m-%d %H:%M}" if waited else ""
    console.print(f"waiting to be processed: {received.files} file(s), {received.claimed} of them taken by a worker "
                  f"now{oldest}", highlight=False)
    _print_work(figures)


def _print_work(figures: Stats) -> None:
    flow = figures.throughput
    if not flow.files:
        console.print("throughput: no file processed" + (f" since {figures.since}" if figures.since else ""),
                      highlight=False)
        return
    console.print(f"throughput: {flow.files} file(s) processed since {flow.start:%Y-%m-%d %H:%M} UTC "
                  f"({_rate(flow.per_hour(flow.files))}), {flow.last_hour} in the last hour", highlight=False)
    if len(flow.by_worker) > 1:
        workers = Table("worker", "files", "per hour", "last hour", "last finished (UTC)", title="per worker")
        for worker in flow.by_worker:
            workers.add_row(worker.worker, str(worker.files), _rate(flow.per_hour(worker.files), ""),
                            str(worker.last_hour), f"{worker.last_finished_at:%Y-%m-%d %H:%M:%S}")
        console.print(workers)
    stages = Table("stage", "files", "mean s", "p95 s", "max s", title="time per stage")
    for stage in figures.stages:
        stages.add_row(stage.stage, str(stage.files), f"{stage.mean:.3f}", f"{stage.p95:.3f}", f"{stage.max:.3f}")
    console.print(stages)
    slowest = Table("id", "source", "seconds", "slowest stage", title="slowest files")
    for slow in figures.slowest_files:
        stage = slow.slowest_stage
        slowest.add_row(str(slow.document_id), slow.source, f"{slow.seconds:.3f}",
                        f"{stage} ({slow.stages[stage]:.3f} s)")
    console.print(slowest)


def _rate(per_hour: float | None, unit: str = " per hour") -> str:
    return "-" if per_hour is None else f"{per_hour:.1f}{unit}"


def _row(table: Table, label: str, group: Touchless) -> None:
    rate = "-" if group.rate is None else f"{group.rate:.1%}"
    table.add_row(label, str(group.documents), str(group.loaded), str(group.touchless), rate)
