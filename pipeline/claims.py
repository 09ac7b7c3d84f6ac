"""Claims: which worker processes which received file, so that two workers never both do one.

A worker takes a few received files at a time with a *lease*: it writes its name and an expiry time on their rows
in one statement. On PostgreSQL the statement is ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)
RETURNING id``: concurrent workers skip each other's rows instead of waiting on them. SQLite has no row locks (it
ignores ``FOR UPDATE``), so there every claim and every outcome write begins with ``BEGIN IMMEDIATE``: one writer
at a time, which stays correct with several processes on one machine.

The lease only says who may work on a file; the outcome is written under a compare-and-set on the row (still
``received``, still ours) in the same transaction as everything the file produces. So:

- a worker that dies leaves its files ``received`` with a lease that runs out, and the next worker takes them
  again (at once when the dead worker ran on this machine: its process is gone);
- a worker that was too slow and lost its lease to another finds the row taken when it comes to write, and
  drops its work: whichever wins, the file is written once.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.orm import Session

from pipeline.db.models import Document
from schemas import Status

RECEIVED = Status.RECEIVED.value
_WORKING: set[str] = set()  # workers of this process that are in their loop now (see ``working``)


def process_name() -> str:
    """This host and process, ``host:pid``: who did the work (stage timings) and the start of every lease name."""
    return f"{_host()}:{os.getpid()}"


def worker_name() -> str:
    """This process's name in leases: host and pid (to tell whether it is still alive), plus a nonce."""
    return f"{process_name()}:{uuid.uuid4().hex[:8]}"


@contextmanager
def working(worker: str) -> Iterator[None]:
    """While inside, ``worker``'s leases are live; after (its loop ended, even by an exception) they count as
    a dead worker's, so a retry in the same process takes its files at once instead of waiting for the lease."""
    _WORKING.add(worker)
    try:
        yield
    finally:
        _WORKING.discard(worker)


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer. SQLite: take the write lock now (``BEGIN IMMEDIATE``), so
    a transaction that reads before it writes never finds its snapshot outdated by another process's commit.
    PostgreSQL needs nothing (row locks do the job). The session must not be inside a transaction."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))


def claim(session: Session, worker: str, lease_seconds: float, limit: int,
          among: Sequence[int] | None = None) -> list[int]:
    """Lease up to ``limit`` received files to ``worker`` (only ids in ``among`` when given); commits.

    Returns the ids won, oldest first. A file leased to someone else is skipped unless the lease ran out or
    its worker, on this machine, is no longer running.
    """
    now = _now()
    begin_write(session)
    free = or_(Document.claimed_until.is_(None), Document.claimed_until < now)
    dead = _dead_local_workers(session)
    if dead:
        free = or_(free, Document.claimed_by.in_(dead))
    candidates = select(Document.id).where(Document.state == RECEIVED, free)
    if among is not None:
        if not among:
            session.rollback()
            return []
        candidates = candidates.where(Document.id.in_(list(among)))
    candidates = candidates.order_by(Document.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    won = session.scalars(update(Document).where(Document.id.in_(candidates.scalar_subquery()))
                          .values(claimed_by=worker, claimed_until=now + timedelta(seconds=lease_seconds))
                          .returning(Document.id)).all()
    session.commit()
    return sorted(won)


def renew(session: Session, document_id: int, worker: str, lease_seconds: float) -> bool:
    """Extend ``worker``'s lease on one file before working on it; False when the file is no longer its to do."""
    begin_write(session)
    renewed = session.execute(update(Document).where(_held_by(document_id, worker))
                              .values(claimed_until=_now() + timedelta(seconds=lease_seconds)))
    session.commit()
    return renewed.rowcount == 1


def take_for_writing(session: Session, document_id: int, worker: str) -> bool:
    """First statement of the transaction that writes a file's outcome: the row must still be ``received`` and
    leased to ``worker``. Clears the lease (the state written next ends it) and bumps the version. No commit:
    a rollback gives the file back with its lease."""
    begin_write(session)
    taken = session.execute(update(Document).where(_held_by(document_id, worker))
                            .values(claimed_by=None, claimed_until=None, version=Document.version + 1))
    return taken.rowcount == 1


def release(session: Session, document_ids: Sequence[int], worker: str) -> None:
    """Give back files leased to ``worker`` that it will not do (it is stopping); commits."""
    if not document_ids:
        return
    begin_write(session)
    session.execute(update(Document).where(Document.id.in_(list(document_ids)), Document.claimed_by == worker,
                                           Document.state == RECEIVED)
                    .values(claimed_by=None, claimed_until=None))
    session.commit()


def _held_by(document_id: int, worker: str):
    return and_(Document.id == document_id, Document.state == RECEIVED, Document.claimed_by == worker)


def _dead_local_workers(session: Session) -> list[str]:
    """Workers holding leases that ran on this machine and whose process is gone (killed, crashed)."""
    host = _host()
    holders = session.scalars(select(Document.claimed_by).distinct()
                              .where(Document.state == RECEIVED, Document.claimed_by.like(f"{host}:%"),
                                     Document.claimed_until >= _now()))
    return [name for name in holders if not _alive(name)]


def _alive(worker: str) -> bool:
    try:
        pid = int(worker.split(":")[1])
    except (IndexError, ValueError):
        return True  # not one of ours: trust its lease
    if pid == os.getpid():
        return worker in _WORKING
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _host() -> str:
    return socket.gethostname()[:60]


def _now() -> datetime:
    return datetime.now(timezone.utc)
