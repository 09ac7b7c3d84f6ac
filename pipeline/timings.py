"""How long each stage took on each processed file, kept in ``stage_timings`` for ``adv stats``.

``process`` measures classify, parse, extract and validate (``Outcome.timings``); ``write_outcome`` records them
in the file's own transaction, so they commit with its outcome or not at all, and a re-run of the file replaces
them. The *write* stage (writing the outcome: children, findings, loads, acknowledgments, attachments) ends when
that transaction commits, which ``write_outcome`` does not do itself: unless the caller measured it, it is timed
from the call until the transaction's last flush, and its row is added in the same commit.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from sqlalchemy import delete, event, insert
from sqlalchemy.orm import Session, SessionTransaction

from pipeline.claims import process_name
from pipeline.db.models import StageTiming, utcnow

STAGES = ("classify", "parse", "extract", "validate", "write")  # pipeline order, for reports
WORKER_LENGTH = 100  # stage_timings.worker
_WRITES = "adv_write_clocks"  # in Session.info: document id -> (worker, start) of writes not committed yet


def record_timings(session: Session, document_id: int, timings: Mapping[str, float], worker: str | None = None,
                   write_seconds: float | None = None) -> None:
    """Replace the file's stage timings with ``timings`` (seconds per stage) and its write time (no commit).

    Without ``write_seconds`` the write stage is timed from now until the session's transaction commits; a
    rollback forgets it.
    """
    worker = (worker or process_name())[:WORKER_LENGTH]
    session.execute(delete(StageTiming).where(StageTiming.document_id == document_id))
    finished = utcnow()
    rows = [{"document_id": document_id, "stage": stage, "seconds": float(seconds), "worker": worker,
             "finished_at": finished} for stage, seconds in timings.items()]
    if write_seconds is not None:
        rows.append({"document_id": document_id, "stage": "write", "seconds": float(write_seconds),
                     "worker": worker, "finished_at": finished})
    if rows:
        session.execute(insert(StageTiming), rows)
    pending = session.info.setdefault(_WRITES, {})
    if write_seconds is None:
        pending[document_id] = (worker, time.perf_counter())
    else:
        pending.pop(document_id, None)


@event.listens_for(Session, "before_commit")
def _record_write_times(session: Session) -> None:
    """The write stage of every file recorded in this transaction ends now: add their rows to the commit."""
    if session.in_nested_transaction() or not session.info.get(_WRITES):
        return  # a savepoint's release is not the end of the file's transaction
    session.flush()  # what the commit would flush first is part of the write
    ended, finished = time.perf_counter(), utcnow()
    rows = [{"document_id": document_id, "stage": "write", "seconds": ended - started, "worker": worker,
             "finished_at": finished} for document_id, (worker, started) in session.info.pop(_WRITES).items()]
    session.execute(insert(StageTiming), rows)


@event.listens_for(Session, "after_transaction_end")
def _forget_write_times(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed, rolled back or closed: nothing is waiting any more
        session.info.pop(_WRITES, None)
