"""Write a run's results to the database: only rows that changed are touched, and disputes follow their rows.

A result row is identified by its ``key`` (check + the three line ids), so re-running on the same documents
changes nothing, and a new delivery note changes only the rows of the order lines it touches. Each difference
has a dispute: opened when the row appears, reopened when its figures change (``fingerprint``), closed by the
run when the difference is gone. Whatever status a person gave it otherwise stays.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from pipeline.db.models import Dispute, DisputeEvent, ReconciliationLine
from pipeline.reconcile.frames import RESULTS
from pipeline.reconcile.source import Scope
from schemas.reconciliation import DisputeStatus, Outcome

RUN_ACTOR = "reconcile"  # the actor of what runs do to disputes by themselves
CENT = Decimal("0.01")
CHUNK = 500  # ids per IN (...) list


@dataclass
class Changes:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    disputes: Counter[str] = field(default_factory=Counter)  # opened, reopened, changed, resolved

    def as_json(self) -> dict[str, Any]:
        return {"inserted": self.inserted, "updated": self.updated, "deleted": self.deleted,
                "unchanged": self.unchanged, "disputes": dict(self.disputes)}


def keyed(results: pl.DataFrame) -> pl.DataFrame:
    """``results`` with ``key`` (which triple and check) and ``fingerprint`` (what its difference is)."""
    def part(name: str) -> pl.Expr:
        return pl.col(name).cast(pl.Utf8).fill_null("-")

    figures = ["qty_delivered", "qty_invoiced", "price_ordered", "price_invoiced", "amount_at_stake"]
    return results.with_columns(
        key=pl.concat_str([part("check"), part("order_line_id"), part("delivery_line_id"), part("invoice_line_id")],
                          separator=":"),
        fingerprint=pl.concat_str([part("outcome"), *[part(name) for name in figures]], separator="|"),
    )


def in_scope(scope: Scope):
    """The SQL condition selecting the stored rows a run over ``scope`` is responsible for."""
    conditions = []
    if scope.since is not None:
        conditions.append(ReconciliationLine.scope_date >= scope.since)
    if scope.party_ids is not None:
        ids = sorted(scope.party_ids)
        conditions.append(or_(ReconciliationLine.buyer_id.in_(ids), ReconciliationLine.seller_id.in_(ids)))
    return conditions


def scoped(results: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """The same filter as ``in_scope``, on a results frame."""
    if scope.since is not None:
        results = results.filter(pl.col("scope_date") >= scope.since)
    if scope.party_ids is not None:
        ids = pl.Series(sorted(scope.party_ids), dtype=pl.Int64).implode()
        results = results.filter(pl.col("buyer_id").is_in(ids) | pl.col("seller_id").is_in(ids))
    return results


def _row_values(row: dict[str, Any]) -> dict[str, Any]:
    values = {name: row[name] for name in RESULTS}
    for name in ("check", "outcome", "delivery_method", "invoice_method", "pairing"):
        values[name] = None if values[name] is None else str(values[name])
    if values["amount_at_stake"] is not None:
        values["amount_at_stake"] = values["amount_at_stake"].quantize(CENT, rounding=ROUND_HALF_UP)
    values["key"], values["fingerprint"] = row["key"], row["fingerprint"]
    return values


def save(session: Session, results: pl.DataFrame, scope: Scope, run_id: int, actor: str = RUN_ACTOR) -> Changes:
    """Make the stored rows in ``scope`` equal to ``results`` (already scoped), and move disputes with them."""
    results = keyed(results)
    changes = Changes()
    stored = {key: (row_id, fingerprint) for row_id, key, fingerprint in session.execute(
        select(ReconciliationLine.id, ReconciliationLine.key, ReconciliationLine.fingerprint).where(*in_scope(scope)))}
    new = {row["key"]: row for row in results.iter_rows(named=True)}

    gone = [key for key in stored if key not in new]
    for start in range(0, len(gone), CHUNK):
        session.execute(delete(ReconciliationLine).where(ReconciliationLine.key.in_(gone[start:start + CHUNK])))
    changes.deleted = len(gone)

    inserts, updates = [], []
    for key, row in new.items():
        values = _row_values(row)
        if key not in stored:
            inserts.append({**values, "first_run_id": run_id, "last_run_id": run_id})
        elif stored[key][1] != row["fingerprint"]:
            updates.append({**values, "id": stored[key][0], "last_run_id": run_id})
        else:
            changes.unchanged += 1
    # A row may still exist outside the scope (an earlier run saw it with another date): replace it.
    outside = [v["key"] for v in inserts]
    for start in range(0, len(outside), CHUNK):
        session.execute(delete(ReconciliationLine).where(ReconciliationLine.key.in_(outside[start:start + CHUNK])))
    if inserts:
        session.execute(ReconciliationLine.__table__.insert(), inserts)
    if updates:
        session.execute(update(ReconciliationLine), updates)
    changes.inserted, changes.updated = len(inserts), len(updates)

    # Only rows that appeared or changed, and rows that went, can move a dispute.
    touched = {values["key"]: new[values["key"]] for values in [*inserts, *updates]}
    _follow_disputes(session, touched, gone, run_id, actor, changes)
    return changes


def _follow_disputes(session: Session, new: dict[str, dict], gone: list[str], run_id: int, actor: str,
                     changes: Changes) -> None:
    """Open, reopen or close the disputes of the rows that appeared or changed (``new``) or went (``gone``)."""
    differences = {key: row for key, row in new.items() if str(row["outcome"]) != Outcome.MATCHED.value}
    existing = {d.key: d for d in _disputes(session, [*differences, *gone, *new])}

    def event(dispute: Dispute, action: str, to_status: str | None, reason: str) -> None:
        session.add(DisputeEvent(dispute_id=dispute.id, run_id=run_id, actor=actor, action=action,
                                 from_status=dispute.status, to_status=to_status, reason=reason))
        changes.disputes[action] += 1

    for key, row in differences.items():
        dispute = existing.get(key)
        summary = _figures(row)
        if dispute is None:
            dispute = Dispute(key=key, outcome=str(row["outcome"]), status=DisputeStatus.OPEN.value,
                              fingerprint=row["fingerprint"], **_dispute_fields(row))
            session.add(dispute)
            session.flush()
            session.add(DisputeEvent(dispute_id=dispute.id, run_id=run_id, actor=actor, action="opened",
                                     from_status=None, to_status=DisputeStatus.OPEN.value, reason=summary))
            changes.disputes["opened"] += 1
        elif dispute.fingerprint != row["fingerprint"]:
            if dispute.status == DisputeStatus.OPEN.value:
                event(dispute, "changed", None, f"the difference changed: {summary}")
            else:
                event(dispute, "reopened", DisputeStatus.OPEN.value, f"the difference changed: {summary}")
                dispute.status = DisputeStatus.OPEN.value
            dispute.fingerprint, dispute.outcome = row["fingerprint"], str(row["outcome"])
            for name, value in _dispute_fields(row).items():
                setattr(dispute, name, value)

    # Gone, or matched now (a credit note came, a delivery note arrived): the run closes the dispute.
    settled = [key for key in [*gone, *new] if key not in differences]
    for key in settled:
        dispute = existing.get(key)
        if dispute is not None and dispute.status != DisputeStatus.CLOSED.value:
            reason = ("the difference is no longer found" if key in gone
                      else f"now matched{': ' + new[key]['note'] if new[key].get('note') else ''}")
            event(dispute, "resolved", DisputeStatus.CLOSED.value, reason)
            dispute.status = DisputeStatus.CLOSED.value
            dispute.fingerprint = new[key]["fingerprint"] if key in new else "gone"


def _disputes(session: Session, keys: list[str]) -> list[Dispute]:
    found: list[Dispute] = []
    for start in range(0, len(keys), CHUNK):
        found.extend(session.scalars(select(Dispute).where(Dispute.key.in_(keys[start:start + CHUNK]))))
    return found


def _dispute_fields(row: dict[str, Any]) -> dict[str, Any]:
    amount = row["amount_at_stake"]
    return {"amount_at_stake": None if amount is None else amount.quantize(CENT, rounding=ROUND_HALF_UP),
            "invoice_no": row["invoice_no"], "delivery_note_no": row["delivery_note_no"],
            "order_no": row["order_no"], "buyer_id": row["buyer_id"]}


def _figures(row: dict[str, Any]) -> str:
    parts = [str(row["outcome"]).replace("_", " ")]
    for label, name in (("delivered", "qty_delivered"), ("invoiced", "qty_invoiced"),
                        ("price ordered", "price_ordered"), ("price invoiced", "price_invoiced"),
                        ("at stake", "amount_at_stake")):
        if row[name] is not None:
            parts.append(f"{label} {_plain(row[name])}")
    return ", ".join(parts)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
