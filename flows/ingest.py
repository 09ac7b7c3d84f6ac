"""The scheduled ingestion flow: receive files in batches, process what is pending, report the counts."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy.exc import DBAPIError, OperationalError

from pipeline.context import Context
from pipeline.run import RunReport, list_files, process_some, receive_files, waiting
from pipeline.settings import Settings
from pipeline.workload import stage_figures

RETRIES = 2
RETRY_DELAY_SECONDS = 10
# Prefect's thread pool is unbounded by default; fewer threads than the database pool's 5 connections
# means a task never waits for one (and the work is mostly Python, so more threads would not help).
TASK_THREADS = 4
STATES = ("loaded", "needs_review", "rejected", "duplicate")
MAX_ROUNDS = 10  # attachments found in one round are done in the next; a mail in a zip in a mail is three


@cache
def get_context() -> Context:
    """Settings read once per process, database schema brought up to date once; tasks share it."""
    context = Context(Settings())
    context.init()
    return context


def reset_context() -> None:
    """Forget this process's context (tests change the environment between runs)."""
    if get_context.cache_info().currsize:
        get_context().engine.dispose()
    get_context.cache_clear()


def retry_if_transient(task, task_run, state) -> bool:
    """Retry only what a second attempt can fix: the database or the network was briefly away.

    A bad document never gets here (it becomes findings); anything else is our bug, and retrying it
    would only repeat it.
    """
    try:
        state.result()
    except (OperationalError, ConnectionError, TimeoutError):
        return True
    except DBAPIError as exc:
        return exc.connection_invalidated
    except Exception:  # noqa: BLE001 - everything else is not transient
        return False
    return False


# NO_CACHE: these tasks write to the database, so a cached result must never stand in for a run.
_retry_policy: dict[str, Any] = {"retries": RETRIES, "retry_delay_seconds": RETRY_DELAY_SECONDS,
                                 "retry_condition_fn": retry_if_transient, "cache_policy": NO_CACHE}


@task(**_retry_policy)
def receive_files_task(paths: list[str]) -> tuple[RunReport, list[int]]:
    """Store and record a batch of files (safe to repeat: the same bytes are received once)."""
    return receive_files(get_context(), [Path(path) for path in paths])


@task(**_retry_policy, task_run_name="process up to {limit} files")
def process_task(limit: int) -> RunReport:
    """Claim and process up to ``limit`` waiting files (safe to repeat: a written file is never done again, and
    the files of an attempt that failed are taken again at once)."""
    return process_some(get_context(), limit)


@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=TASK_THREADS))
def ingest(paths: list[str] | None = None, batch_size: int | None = None) -> dict[str, Any]:
    """Receive the files under ``paths`` (default: the inbox), process every pending file, report counts."""
    context = get_context()
    started = datetime.now(timezone.utc)
    size = batch_size or context.settings.batch_size
    files = [str(path) for path in list_files(context, [Path(path) for path in paths or []])]

    report = RunReport()
    for batch_report, _ids in receive_files_task.map(_batches(files, size)).result():
        report.merge(batch_report)
    # Every file waiting is done: this run's, a crashed run's, attachments. Tasks claim their share through
    # leases, so other runs of this flow (other workers, other machines) can drain the same backlog.
    for _round in range(MAX_ROUNDS):
        pending = waiting(context)
        if not pending:
            break
        done = process_task.map([size] * -(-pending // size)).result()
        for batch_report in done:
            report.merge(batch_report)
        if not any(batch_report.files_processed for batch_report in done):
            break  # what is left is leased to workers elsewhere

    summary = report.as_dict()
    level = logging.WARNING if report.needs_attention else logging.INFO
    get_run_logger().log(level, _one_line(summary))
    create_markdown_artifact(key="ingest-report", markdown=_markdown(summary) + _stage_table(context, started),
                             description="Files received, documents by final state, time per stage")
    return summary


def _stage_table(context, started: datetime) -> str:
    """Time per stage of the files finished since the run started (by any worker), as in ``adv stats``."""
    with context.sessions() as session:
        figures = stage_figures(session, started)
    if not figures:
        return ""
    rows = "\n".join(f"| {f.stage} | {f.files} | {f.mean:.3f} | {f.p95:.3f} | {f.max:.3f} |" for f in figures)
    return ("\n\n## Time per stage (seconds, files finished since the run started)\n\n"
            f"| stage | files | mean | p95 | max |\n| --- | ---: | ---: | ---: | ---: |\n{rows}")


def _batches(items: list, size: int) -> list[list]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _one_line(summary: dict[str, Any]) -> str:
    states = ", ".join(f"{state} {summary['states'].get(state, 0)}" for state in STATES)
    return (f"{summary['files_seen']} file(s) seen, {summary['files_new']} new, "
            f"{summary['already_received']} already received; {states}; {len(summary['errors'])} unreadable")


def _markdown(summary: dict[str, Any]) -> str:
    rows = [("files seen", summary["files_seen"]), ("files new", summary["files_new"]),
            ("already received", summary["already_received"]),
            *((f"documents {state}", summary["states"].get(state, 0)) for state in STATES),
            ("unreadable files", len(summary["errors"]))]
    table = "\n".join(f"| {name} | {count} |" for name, count in rows)
    problems = "".join(f"\n- could not read {error}" for error in summary["errors"])
    return f"# Ingestion\n\n| what | count |\n| --- | ---: |\n{table}\n{problems}"
