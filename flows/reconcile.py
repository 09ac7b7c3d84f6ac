"""The nightly reconciliation flow: one call into ``pipeline.reconcile``, a report file and a Prefect artifact."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows.ingest import get_context, retry_if_transient
from pipeline.reconcile.run import reconcile as run_reconciliation

REPORTS = "reports"  # under ADV_HOME, one XLSX (and CSV) per night


@task(retries=2, retry_delay_seconds=30, retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def reconcile_task(since: str | None, customer: str | None, report: str | None) -> dict[str, Any]:
    """Reconcile and save (idempotent: a second run on the same documents changes nothing)."""
    context = get_context()
    path = Path(report) if report else context.settings.home / REPORTS / f"reconciliation-{date.today()}.xlsx"
    summary = run_reconciliation(context, since=date.fromisoformat(since) if since else None, customer=customer,
                                 report=path)
    return summary.as_json()


@flow(name="reconcile")
def reconcile(since: str | None = None, days: int | None = None, customer: str | None = None,
              report: str | None = None) -> dict[str, Any]:
    """Reconcile invoices against delivery notes and orders: since a date, or the last ``days`` days, or all."""
    if since is None and days:
        since = (date.today() - timedelta(days=days)).isoformat()
    summary = reconcile_task(since, customer, report)
    blocked = summary["invoices_to_block"]
    get_run_logger().log(logging.WARNING if blocked else logging.INFO,
                         f"reconciliation run {summary['run_id']}: {summary['outcomes']}; "
                         f"{len(blocked)} invoice(s) to block; report {', '.join(summary['reports'])}")
    rows = "\n".join(f"| {outcome} | {count} | {summary['at_stake'][outcome]} |"
                     for outcome, count in summary["outcomes"].items())
    create_markdown_artifact(
        key="reconciliation-report", description="Lines by outcome and invoices to block",
        markdown=f"# Reconciliation run {summary['run_id']}\n\n| outcome | lines | at stake |\n| --- | ---: | ---: |\n"
                 f"{rows}\n\nInvoices to block: {', '.join(blocked) or 'none'}\n\nReport: "
                 f"{', '.join(summary['reports'])}\n")
    return summary
