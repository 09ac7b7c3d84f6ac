"""Disputes as people work them: list, show with history, change status (every change is a dispute event)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.models import Dispute, DisputeEvent, PartyRow, ReconciliationLine
from schemas.reconciliation import DisputeStatus

CENT = Decimal("0.01")


class DisputeError(ValueError):
    """A request about a dispute that cannot be done (unknown id, unknown status); the message says why."""


def _as_json(dispute: Dispute, customer: str | None) -> dict[str, Any]:
    return {"id": dispute.id, "key": dispute.key, "outcome": dispute.outcome, "status": dispute.status,
            "amount_at_stake": _money(dispute.amount_at_stake),
            "invoice_no": dispute.invoice_no, "delivery_note_no": dispute.delivery_note_no,
            "order_no": dispute.order_no, "customer": customer, "opened_at": dispute.opened_at.isoformat(),
            "updated_at": dispute.updated_at.isoformat()}


def listing(session: Session, status: str | None = None, outcome: str | None = None, invoice: str | None = None,
            limit: int = 500) -> list[dict[str, Any]]:
    """Disputes, oldest first, filtered by status, outcome or invoice number."""
    query = select(Dispute, PartyRow.name).outerjoin(PartyRow, PartyRow.id == Dispute.buyer_id)
    if status:
        query = query.where(Dispute.status == _status(status).value)
    if outcome:
        query = query.where(Dispute.outcome == outcome)
    if invoice:
        query = query.where(Dispute.invoice_no == invoice)
    rows = session.execute(query.order_by(Dispute.id).limit(limit)).all()
    return [_as_json(dispute, name) for dispute, name in rows]


def detail(session: Session, dispute_id: int) -> dict[str, Any]:
    """One dispute with the result row it is about (when it still exists) and its whole history."""
    found = session.execute(select(Dispute, PartyRow.name).outerjoin(PartyRow, PartyRow.id == Dispute.buyer_id)
                            .where(Dispute.id == dispute_id)).first()
    if found is None:
        raise DisputeError(f"there is no dispute {dispute_id}")
    dispute, customer = found
    line = session.scalars(select(ReconciliationLine).where(ReconciliationLine.key == dispute.key)).first()
    events = session.scalars(select(DisputeEvent).where(DisputeEvent.dispute_id == dispute_id)
                             .order_by(DisputeEvent.id)).all()
    info = _as_json(dispute, customer)
    info["line"] = None if line is None else {
        column.name: _plain(getattr(line, column.name)) for column in ReconciliationLine.__table__.columns}
    info["history"] = [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "from": e.from_status,
                        "to": e.to_status, "reason": e.reason, "run_id": e.run_id} for e in events]
    return info


def set_status(session: Session, dispute_id: int, status: str, actor: str, reason: str | None = None) -> Dispute:
    """Move a dispute to ``status`` (open, justified, credit_note_requested, closed), recording who and why."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise DisputeError(f"there is no dispute {dispute_id}")
    new = _status(status)
    session.add(DisputeEvent(dispute_id=dispute.id, actor=actor, action="status", from_status=dispute.status,
                             to_status=new.value, reason=reason))
    dispute.status = new.value
    return dispute


def _status(text: str) -> DisputeStatus:
    try:
        return DisputeStatus(text.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        known = ", ".join(s.value for s in DisputeStatus)
        raise DisputeError(f"'{text}' is not a dispute status; use one of: {known}") from None


def _money(value: Decimal | None) -> str | None:
    """Amounts as people write them, two decimals, the same whatever the database gives back."""
    return None if value is None else str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (int, str, bool)):
        return value
    return str(value)
