"""The outbox: acknowledgment files written with the transaction that decided them, once per document and event.

A file is written under a temporary name while the transaction is open and moved to its name when it commits;
a rollback removes it. So a document parked after a crash never leaves behind an acknowledgment that says it was
loaded, and whatever picks files up from the outbox never sees half a file. What was written is known from the
audit trail (action ``acknowledged``), not from the folder: files may be taken away by the transmission.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from pipeline.audit import record
from pipeline.db.models import AuditEvent, Document

log = logging.getLogger(__name__)
ACTION = "acknowledged"
_PENDING = "adv.outbox.pending"  # session.info key: (temporary, final) paths waiting for the commit
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")


@dataclass(frozen=True)
class Acknowledgment:
    name: str  # the file name in the outbox: deterministic, unique per document and event
    data: bytes
    description: str  # for the audit trail, e.g. "ORDRSP (order accepted) to 3019876000011"


def file_name(prefix: str, document_id: int, *parts: str | None, suffix: str) -> str:
    """``prefix-ID-part-part.suffix`` with only letters, digits, dots and dashes (order numbers hold slashes)."""
    cleaned = [_UNSAFE.sub("-", part).strip("-.")[:60] for part in parts if part]
    return "-".join([prefix, str(document_id), *[c for c in cleaned if c]]) + f".{suffix}"


class Outbox:
    def __init__(self, session: Session, folder: Path, actor: str) -> None:
        self.session = session
        self.folder = folder
        self.actor = actor
        self.written: list[Path] = []

    def deliver(self, document: Document, acknowledgment: Acknowledgment) -> Path | None:
        """Stage the file and record it; None when this document already had this acknowledgment."""
        if acknowledgment.name in self._already(document.id):
            return None
        target = self.folder / acknowledgment.name
        _stage(self.session, target, acknowledgment.data)
        record(self.session, document.id, self.actor, ACTION, document.state, document.state,
               f"{acknowledgment.description}, written to the outbox as {acknowledgment.name}")
        self.written.append(target)
        return target

    def _already(self, document_id: int) -> set[str]:
        reasons = self.session.scalars(select(AuditEvent.reason).where(AuditEvent.document_id == document_id,
                                                                      AuditEvent.action == ACTION))
        return {reason.rsplit(" as ", 1)[-1] for reason in reasons if reason}


def _stage(session: Session, target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    temporary.write_bytes(data)
    session.info.setdefault(_PENDING, []).append((temporary, target))
    if not event.contains(session, "after_commit", _publish):
        event.listen(session, "after_commit", _publish)
        event.listen(session, "after_transaction_end", _discard)


def _publish(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the real commit is still to come
        return
    for temporary, target in session.info.pop(_PENDING, []):
        try:
            os.replace(temporary, target)
        except OSError:  # the database says it was written: say loudly that it was not
            log.exception("acknowledgment %s could not be moved into the outbox (it is kept as %s)", target,
                          temporary)


def _discard(session: Session, transaction) -> None:
    """The outermost transaction ended without a commit (rollback, close): its files must not appear."""
    if transaction.parent is not None or transaction.nested:
        return
    for temporary, _ in session.info.pop(_PENDING, []):
        temporary.unlink(missing_ok=True)
