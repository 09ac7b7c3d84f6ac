"""The audit trail: one row per state transition or human action."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pipeline.db.models import AuditEvent
from schemas import Status


def record(
    session: Session,
    document_id: int,
    actor: str,
    action: str,
    from_state: Status | str | None,
    to_state: Status | str | None,
    reason: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            document_id=document_id,
            actor=actor,
            action=action,
            from_state=str(from_state) if from_state is not None else None,
            to_state=str(to_state) if to_state is not None else None,
            reason=reason,
        )
    )
