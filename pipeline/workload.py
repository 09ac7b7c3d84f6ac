"""How fast files go through and where the time goes: throughput, the files waiting, the slowest stages.

Everything is read from ``stage_timings`` (pipeline/timings.py) and ``documents``. Throughput counts files by
their stage timings, not by the audit trail: each processed file (a received file or an attachment; business
documents are written with their file) has exactly one set of timing rows, written with its outcome and replaced
when it is processed again, and that set names the worker that did it. The audit trail has no worker and a row
per business document too.

The 95th percentile is the nearest-rank one (the value at rank ceil(0.95 n)), read with ``ORDER BY seconds DESC
LIMIT 1 OFFSET n - rank``: the same number on SQLite and PostgreSQL, and both only keep the slowest 5 % of the rows
while they scan (a bounded top-N sort), so 100,000 files cost a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import ColumnElement, and_, case, distinct, func, select, true
from sqlalchemy.orm import Session

from pipeline.db.models import Document, StageTiming
from pipeline.timings import STAGES
from schemas import Status

SLOWEST_FILES = 5
UNKNOWN_WORKER = "(unknown)"


@dataclass(frozen=True)
class WorkerThroughput:
    worker: str
    files: int  # files finished in the window
    last_hour: int  # of those, finished in the hour before now
    last_finished_at: datetime | None


@dataclass(frozen=True)
class Throughput:
    start: datetime | None  # the window: from ``since`` (or the first file finished) …
    end: datetime  # … to now
    files: int
    last_hour: int
    by_worker: list[WorkerThroughput]

    def per_hour(self, files: int) -> float | None:
        """``files`` finished in the window, as a rate (None when the window is empty)."""
        seconds = (self.end - self.start).total_seconds() if self.start else 0.0
        return files * 3600 / seconds if seconds > 0 else None

    def as_json(self) -> dict:
        def rates(files: int) -> dict:
            hourly = self.per_hour(files)
            if hourly is None:
                return {"per_minute": None, "per_hour": None}
            return {"per_minute": round(hourly / 60, 4), "per_hour": round(hourly, 2)}

        return {"from": _iso(self.start), "to": _iso(self.end), "files": self.files, **rates(self.files),
                "last_hour": self.last_hour,
                "by_worker": [{"worker": w.worker, "files": w.files, **rates(w.files), "last_hour": w.last_hour,
                               "last_finished_at": _iso(w.last_finished_at)} for w in self.by_worker]}


@dataclass(frozen=True)
class Waiting:
    """Files received and not processed yet; those a worker holds a live lease on are being done now."""

    files: int
    claimed: int
    oldest_received_at: datetime | None

    def as_json(self) -> dict:
        return {"files": self.files, "claimed": self.claimed, "oldest_received_at": _iso(self.oldest_received_at)}


@dataclass(frozen=True)
class StageFigures:
    stage: str
    files: int
    mean: float
    p95: float
    max: float

    def as_json(self) -> dict:
        return {"stage": self.stage, "files": self.files, "mean_seconds": round(self.mean, 6),
                "p95_seconds": round(self.p95, 6), "max_seconds": round(self.max, 6)}


@dataclass(frozen=True)
class SlowFile:
    document_id: int
    source: str
    worker: str | None
    seconds: float  # every stage together
    stages: dict[str, float]  # in pipeline order

    @property
    def slowest_stage(self) -> str:
        return max(self.stages, key=lambda stage: self.stages[stage])

    def as_json(self) -> dict:
        return {"document_id": self.document_id, "source": self.source, "worker": self.worker,
                "seconds": round(self.seconds, 6), "slowest_stage": self.slowest_stage,
                "stages": {stage: round(seconds, 6) for stage, seconds in self.stages.items()}}


def throughput(session: Session, start: datetime | None, now: datetime) -> Throughput:
    """Files finished from ``start`` (all when None) to ``now``, overall and per worker, busiest first."""
    hour_ago = now - timedelta(hours=1)
    recent = case((StageTiming.finished_at >= hour_ago, StageTiming.document_id))
    worker = func.coalesce(StageTiming.worker, UNKNOWN_WORKER)
    files = func.count(distinct(StageTiming.document_id))
    rows = session.execute(
        select(worker.label("worker"), files.label("files"), func.count(distinct(recent)).label("last_hour"),
               func.min(StageTiming.finished_at).label("first"), func.max(StageTiming.finished_at).label("last"))
        .where(_finished_since(start)).group_by(worker).order_by(files.desc(), worker)).all()
    # a file's rows carry one worker, so the per-worker counts add up to the total
    if start is None and rows:
        start = min(as_utc(row.first) for row in rows)
    by_process: dict[str, list] = {}
    for row in rows:
        by_process.setdefault(_process(row.worker), []).append(row)
    workers = [WorkerThroughput(name, sum(row.files for row in group), sum(row.last_hour for row in group),
                                max(as_utc(row.last) for row in group)) for name, group in by_process.items()]
    return Throughput(start, now, sum(row.files for row in rows), sum(row.last_hour for row in rows),
                      sorted(workers, key=lambda w: (-w.files, w.worker)))


def _process(worker: str) -> str:
    """``host:pid`` of a lease holder's name (``host:pid:nonce``, pipeline/claims.py): the claim loops of one
    process (a Prefect flow run's tasks) count as one worker."""
    return worker.rsplit(":", 1)[0] if worker.count(":") >= 2 else worker


def files_waiting(session: Session, received_since: ColumnElement[bool], now: datetime) -> Waiting:
    leased = and_(Document.claimed_by.is_not(None), Document.claimed_until > now)
    files, claimed, oldest = session.execute(
        select(func.count(Document.id), func.coalesce(func.sum(case((leased, 1), else_=0)), 0),
               func.min(Document.received_at))
        .where(Document.state == Status.RECEIVED.value, received_since)).one()
    return Waiting(files, claimed, as_utc(oldest))


def stage_figures(session: Session, start: datetime | None) -> list[StageFigures]:
    """Count, mean, p95 and max seconds of each stage, in pipeline order (stages we do not know last)."""
    window = _finished_since(start)
    totals = session.execute(
        select(StageTiming.stage, func.count(), func.avg(StageTiming.seconds), func.max(StageTiming.seconds))
        .where(window).group_by(StageTiming.stage)).all()
    figures = []
    for stage, count, mean, longest in totals:
        rank = -(-count * 95 // 100)  # ceil(0.95 n), in integers
        p95 = session.scalar(select(StageTiming.seconds).where(window, StageTiming.stage == stage)
                             .order_by(StageTiming.seconds.desc()).limit(1).offset(count - rank))
        figures.append(StageFigures(stage, count, float(mean), float(p95), float(longest)))
    return sorted(figures, key=lambda f: _in_pipeline_order(f.stage))


def slowest_files(session: Session, start: datetime | None, limit: int = SLOWEST_FILES) -> list[SlowFile]:
    """The files that took longest, all stages together, with the seconds of each stage."""
    total = func.sum(StageTiming.seconds)
    top = (select(StageTiming.document_id, total.label("seconds")).where(_finished_since(start))
           .group_by(StageTiming.document_id).order_by(total.desc(), StageTiming.document_id).limit(limit)
           .subquery())
    rows = session.execute(
        select(top.c.document_id, top.c.seconds, Document.source, StageTiming.stage,
               StageTiming.seconds.label("stage_seconds"), StageTiming.worker)
        .join(Document, Document.id == top.c.document_id)
        .join(StageTiming, StageTiming.document_id == top.c.document_id)).all()
    rows.sort(key=lambda row: (-row.seconds, row.document_id, _in_pipeline_order(row.stage)))
    files: dict[int, SlowFile] = {}
    for row in rows:
        slow = files.setdefault(row.document_id, SlowFile(row.document_id, row.source, row.worker,
                                                          float(row.seconds), {}))
        slow.stages[row.stage] = float(row.stage_seconds)
    return list(files.values())


def _in_pipeline_order(stage: str) -> tuple[int, str]:
    return (STAGES.index(stage) if stage in STAGES else len(STAGES), stage)


def _finished_since(start: datetime | None) -> ColumnElement[bool]:
    return true() if start is None else StageTiming.finished_at >= start


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
