"""How the intake is doing, from the database: touchless rate, documents per state, the backlogs, and how fast
files go through (throughput, the slowest stages and files: pipeline/workload.py).

The touchless rate is the share of business documents loaded without any human touch: no fix, approve, reject or
retry by a person on the document, and no retry of the file it came in. Duplicates are left out (they are not
work); documents still in review count against the rate. Everything is one SQL query per figure, so the numbers
are the same on SQLite and PostgreSQL and cost nothing on a big database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import ColumnElement, and_, case, func, literal, select, true, union
from sqlalchemy.orm import Session

from pipeline.db.models import AuditEvent, Document
from pipeline.workload import (SlowFile, StageFigures, Throughput, Waiting, as_utc, files_waiting,
                               slowest_files, stage_figures, throughput)
from schemas import Status

HUMAN_ACTIONS = ("fix", "approve", "reject", "retry")  # what people do in review (pipeline/review_actions.py)
UNKNOWN = "(unknown)"


@dataclass(frozen=True)
class Touchless:
    """One group's figures: business documents (duplicates aside), how many were loaded, how many untouched."""

    key: str
    documents: int
    loaded: int
    touchless: int
    name: str | None = None  # who a sender is, when the documents say (a GLN is not a name)

    @property
    def rate(self) -> float | None:
        return self.touchless / self.documents if self.documents else None

    def as_json(self, label: str) -> dict:
        data = {label: self.key, "documents": self.documents, "loaded": self.loaded, "touchless": self.touchless,
                "rate": None if self.rate is None else round(self.rate, 4)}
        if label == "sender":
            data["name"] = self.name
        return data


@dataclass(frozen=True)
class Backlog:
    documents: int  # business documents waiting for a person
    files: int  # files waiting themselves (unreadable, unknown format, envelope errors, no attachment, …)
    oldest_received_at: datetime | None
    received: Waiting  # files waiting for a worker (or being processed by one now)


@dataclass(frozen=True)
class Stats:
    since: date | None
    overall: Touchless
    by_channel: list[Touchless]
    by_sender: list[Touchless]
    states: dict[str, int]  # business documents per state
    files: dict[str, int]  # received files (and attachments) per state
    backlog: Backlog
    throughput: Throughput
    stages: list[StageFigures]
    slowest_files: list[SlowFile]

    def as_json(self) -> dict:
        oldest = self.backlog.oldest_received_at
        return {
            "since": self.since.isoformat() if self.since else None,
            "touchless": {"overall": self.overall.as_json("group"),
                          "by_channel": [t.as_json("channel") for t in self.by_channel],
                          "by_sender": [t.as_json("sender") for t in self.by_sender]},
            "states": self.states,
            "files": self.files,
            "backlog": {"documents": self.backlog.documents, "files": self.backlog.files,
                        "oldest_received_at": oldest.isoformat() if oldest else None,
                        "received": self.backlog.received.as_json()},
            "throughput": self.throughput.as_json(),
            "stages": [figures.as_json() for figures in self.stages],
            "slowest_files": [slow.as_json() for slow in self.slowest_files],
        }


def compute(session: Session, since: date | None = None, now: datetime | None = None) -> Stats:
    """Every figure, for the documents received (files processed) on or after ``since`` (all of them when None)."""
    now = now or datetime.now(timezone.utc)
    start = datetime.combine(since, time.min, tzinfo=timezone.utc) if since else None
    return Stats(
        since=since,
        overall=_touchless(session, None, since)[0],
        by_channel=_touchless(session, Document.channel, since),
        by_sender=_touchless(session, Document.sender, since),
        states=_per_state(session, Document.canonical.is_not(None), since),
        files=_per_state(session, Document.canonical.is_(None), since),
        backlog=_backlog(session, since, now),
        throughput=throughput(session, start, now),
        stages=stage_figures(session, start),
        slowest_files=slowest_files(session, start),
    )


def _received_since(since: date | None) -> ColumnElement[bool]:
    if since is None:
        return true()
    return Document.received_at >= datetime.combine(since, time.min, tzinfo=timezone.utc)


def _touched():
    """Ids of documents a person acted on, and of every document under a file a person retried."""
    direct = select(AuditEvent.document_id.label("id")).where(AuditEvent.action.in_(HUMAN_ACTIONS))
    retried = select(AuditEvent.document_id.label("id")).where(AuditEvent.action == "retry").cte(
        "retried", recursive=True)
    retried = retried.union(select(Document.id).where(Document.parent_id == retried.c.id))
    return union(direct, select(retried.c.id)).subquery("touched")


def _touchless(session: Session, group, since: date | None) -> list[Touchless]:
    """Figures per value of ``group`` (one row for everything when None), most documents first."""
    touched = _touched()
    loaded = Document.state == Status.LOADED.value
    key = func.coalesce(group, UNKNOWN) if group is not None else literal("all")
    query = (
        select(key.label("key"), func.count().label("documents"),
               func.coalesce(func.sum(case((loaded, 1), else_=0)), 0).label("loaded"),
               func.coalesce(func.sum(case((and_(loaded, touched.c.id.is_(None)), 1), else_=0)), 0).label("touchless"),
               func.max(Document.customer).label("name"))
        .outerjoin(touched, touched.c.id == Document.id)
        .where(Document.canonical.is_not(None), Document.state != Status.DUPLICATE.value, _received_since(since))
    )
    if group is not None:
        query = query.group_by(key).order_by(func.count().desc(), key)
    rows = session.execute(query).all()
    return [Touchless(row.key, row.documents, row.loaded, row.touchless, row.name) for row in rows]


def _per_state(session: Session, which: ColumnElement[bool], since: date | None) -> dict[str, int]:
    rows = session.execute(select(Document.state, func.count()).where(which, _received_since(since))
                           .group_by(Document.state).order_by(Document.state)).all()
    return {state: count for state, count in rows}


def _backlog(session: Session, since: date | None, now: datetime) -> Backlog:
    waiting = and_(Document.state == Status.NEEDS_REVIEW.value, _received_since(since))
    documents, files, oldest = session.execute(select(
        func.count(Document.id).filter(Document.canonical.is_not(None)),
        func.count(Document.id).filter(Document.canonical.is_(None)),
        func.min(Document.received_at)).where(waiting)).one()
    return Backlog(documents, files, as_utc(oldest), files_waiting(session, _received_since(since), now))
