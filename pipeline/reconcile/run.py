"""One reconciliation run, as ``adv reconcile`` and the nightly flow do it: read, match, save, report.

The run reads every line its scope needs, hands the frames to the engine, keeps the results in scope, saves
them (only changed rows are written; disputes follow) in one transaction, then writes the report from what
the database now holds, so the report shows dispute statuses as people left them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from pipeline.context import Context
from pipeline.db.models import ReconciliationRun
from pipeline.reconcile import report as reports
from pipeline.reconcile import source
from pipeline.reconcile.anchor import Window
from pipeline.reconcile.engine import Settings, reconcile_frames
from pipeline.reconcile.source import Scope
from pipeline.reconcile.store import Changes, save, scoped
from schemas.reconciliation import BLOCKING, UNRESOLVED


class UnknownCustomer(ValueError):
    """``--customer`` names no party of the database."""


@dataclass
class RunSummary:
    run_id: int
    outcomes: dict[str, int]
    at_stake: dict[str, str]
    changes: Changes
    invoices_to_block: list[str]
    reports: list[Path] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "outcomes": self.outcomes, "at_stake": self.at_stake,
                "changes": self.changes.as_json(), "invoices_to_block": self.invoices_to_block,
                "reports": [str(p) for p in self.reports]}


def scope_for(session: Session, since: date | None, customer: str | None, window: Window = Window()) -> Scope:
    """The scope of a run; raises UnknownCustomer when ``customer`` matches no party."""
    party_ids = None
    if customer:
        party_ids = source.find_parties(session, customer)
        if not party_ids:
            raise UnknownCustomer(f"no customer or supplier matches '{customer}' (give a GLN, a VAT number, a "
                                  "party key such as gln:… or the exact name)")
    return Scope(since=since, party_ids=party_ids, customer=customer, lookback_days=window.days)


def compute(session: Session, scope: Scope, settings: Settings = Settings()) -> pl.DataFrame:
    """The engine's results for ``scope`` (nothing written)."""
    tolerances, default = source.tolerances(session)
    settings = Settings(default_tolerance=default, window=settings.window, proposals=settings.proposals,
                        proposal_threshold=settings.proposal_threshold)
    results = reconcile_frames(source.order_lines(session, scope), source.delivery_lines(session, scope),
                               source.invoice_lines(session, scope), source.pack_sizes(session), tolerances, settings)
    return scoped(results, scope)


def reconcile(context: Context, since: date | None = None, customer: str | None = None,
              report: Path | None = None, settings: Settings = Settings()) -> RunSummary:
    """Reconcile, save the results and disputes, and write the report when ``report`` is given."""
    actor = context.settings.user
    with context.sessions() as session, session.begin():
        scope = scope_for(session, since, customer, settings.window)
        run = ReconciliationRun(actor=actor, since=since, customer=customer)
        session.add(run)
        session.flush()
        results = compute(session, scope, settings)
        changes = save(session, results, scope, run.id)
        session.flush()
        lines = reports.current(session, scope)
        summary = _summary(run.id, lines, changes)
        run.summary, run.finished_at = summary.as_json(), datetime.now(timezone.utc)
        started = run.started_at
        dates = reports.invoice_dates(session, summary.invoices_to_block)
    if report is not None:
        info = reports.RunInfo(run_id=summary.run_id, when=started, actor=actor, scope=scope)
        summary.reports = reports.write(lines, report, info, dates)
    return summary


def money(amount: Decimal | None) -> str:
    """An amount with two decimals, whatever scale the database or the frame gave it."""
    return str(Decimal(amount or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _summary(run_id: int, lines: pl.DataFrame, changes: Changes) -> RunSummary:
    if not lines.height:
        return RunSummary(run_id, {}, {}, changes, [])
    by_outcome = lines.group_by("outcome").agg(pl.len(), pl.col("amount_at_stake").sum()).sort("outcome")
    blocking = lines.filter(pl.col("outcome").is_in([o.value for o in BLOCKING])
                            & pl.col("status").is_in([s.value for s in UNRESOLVED]) & pl.col("invoice_no").is_not_null())
    return RunSummary(
        run_id=run_id,
        outcomes={outcome: count for outcome, count, _ in by_outcome.iter_rows()},
        at_stake={outcome: money(amount) for outcome, _, amount in by_outcome.iter_rows()},
        changes=changes,
        invoices_to_block=sorted(set(blocking["invoice_no"].to_list())),
    )
