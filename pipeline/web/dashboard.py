"""The KPI figures of the dashboard, as plain tables (each is also a CSV download).

Touchless rate: as ``adv stats`` counts it (``pipeline/stats.py``): business documents, duplicates left out,
loaded with no person fixing, approving, rejecting or retrying them or the file they came in. Cycle time: from
received to the first time the document was loaded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from statistics import median, quantiles

from sqlalchemy import MetaData, Table as SqlTable, case, func, inspect, select
from sqlalchemy.orm import Session

from pipeline import stats
from pipeline.db.models import AuditEvent, Document, FindingRow
from schemas import Status

WINDOW_DAYS = 30
TOP = 12
AGE_BUCKETS = ((0, "under 1 h"), (1, "1–4 h"), (4, "4–24 h"), (24, "1–3 days"), (72, "3–7 days"), (168, "over 7 days"))


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[tuple]


@dataclass(frozen=True)
class _Doc:
    day: date
    channel: str
    sender: str
    state: str
    touched: bool
    hours_to_load: float | None

    @property
    def touchless(self) -> bool:
        return self.state == Status.LOADED.value and not self.touched


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _documents(session: Session, days: int = WINDOW_DAYS) -> list[_Doc]:
    since = datetime.now(timezone.utc) - timedelta(days=days)
    touched = stats._touched()  # the same definition as adv stats: by a person, on the document or its file
    loaded = (select(AuditEvent.document_id, func.min(AuditEvent.at).label("at"))
              .where(AuditEvent.to_state == Status.LOADED.value).group_by(AuditEvent.document_id).subquery())
    rows = session.execute(
        select(Document.received_at, Document.channel, func.coalesce(Document.customer, Document.sender, "unknown"),
               Document.state, touched.c.id.is_not(None), loaded.c.at)
        .outerjoin(touched, touched.c.id == Document.id)
        .outerjoin(loaded, loaded.c.document_id == Document.id)
        .where(Document.canonical.is_not(None), Document.state != Status.DUPLICATE.value,
               Document.received_at >= since))
    result = []
    for received, channel, sender, state, was_touched, loaded_at in rows:
        received = _aware(received)
        hours = (_aware(loaded_at) - received).total_seconds() / 3600 if loaded_at is not None else None
        result.append(_Doc(received.date(), channel, sender, state, bool(was_touched), hours))
    return result


def _rate(docs: list[_Doc]) -> float:
    return round(100 * sum(d.touchless for d in docs) / len(docs), 1) if docs else 0.0


def touchless_by_channel(session: Session) -> Table:
    groups: dict[tuple[date, str], list[_Doc]] = defaultdict(list)
    for doc in _documents(session):
        groups[(doc.day, doc.channel)].append(doc)
    rows = [(day.isoformat(), channel, len(docs), sum(d.touchless for d in docs), _rate(docs))
            for (day, channel), docs in sorted(groups.items())]
    return Table(("day", "channel", "documents", "touchless", "touchless_percent"), rows)


def touchless_by_sender(session: Session) -> Table:
    """The senders with the most documents over the window (``adv stats`` figures), least touchless first."""
    since = (datetime.now(timezone.utc) - timedelta(days=WINDOW_DAYS)).date()
    busiest = stats.compute(session, since).by_sender[:TOP]
    rows = sorted(((_sender_label(group), group.documents, group.touchless, round(100.0 * (group.rate or 0.0), 1))
                   for group in busiest), key=lambda row: (row[3], row[0]))
    return Table(("sender", "documents", "touchless", "touchless_percent"), rows)


def _sender_label(group: stats.Touchless) -> str:
    """A sender is an identifier (GLN, address); its name beside it, since one company may send from several."""
    if group.name and group.name != group.key:
        return f"{group.name} ({group.key})"
    return group.key


def backlog_by_age(session: Session) -> Table:
    now = datetime.now(timezone.utc)
    bounds = [hours for hours, _label in AGE_BUCKETS]
    columns = []
    for index, low in enumerate(bounds):
        newer_than = now - timedelta(hours=low)
        condition = Document.received_at <= newer_than
        if index + 1 < len(bounds):
            condition = condition & (Document.received_at > now - timedelta(hours=bounds[index + 1]))
        columns.append(func.coalesce(func.sum(case((condition, 1), else_=0)), 0))
    counts = session.execute(select(*columns).where(Document.state == Status.NEEDS_REVIEW.value)).one()
    return Table(("age", "documents"), [(label, int(n)) for (_h, label), n in zip(AGE_BUCKETS, counts)])


def cycle_time(session: Session) -> Table:
    """Hours from received to loaded, per day of receipt: median and 90th percentile."""
    groups: dict[date, list[float]] = defaultdict(list)
    for doc in _documents(session):
        if doc.hours_to_load is not None:
            groups[doc.day].append(max(doc.hours_to_load, 0.0))
    rows = []
    for day, hours in sorted(groups.items()):
        p90 = quantiles(hours, n=10, method="inclusive")[-1] if len(hours) > 1 else hours[0]
        rows.append((day.isoformat(), len(hours), round(median(hours), 3), round(p90, 3)))
    return Table(("day", "loaded", "median_hours", "p90_hours"), rows)


def finding_codes(session: Session) -> Table:
    """The codes found most often (errors and warnings) on documents received in the window."""
    since = datetime.now(timezone.utc) - timedelta(days=WINDOW_DAYS)
    documents = func.count(func.distinct(FindingRow.document_id))
    rows = session.execute(
        select(FindingRow.code, documents)
        .join(Document, Document.id == FindingRow.document_id)
        .where(FindingRow.severity.in_(("error", "warning")), Document.received_at >= since)
        .group_by(FindingRow.code).order_by(documents.desc(), FindingRow.code).limit(TOP))
    return Table(("code", "documents"), [(code, int(n)) for code, n in rows])


def open_disputes(session: Session) -> Table | None:
    """Open reconciliation disputes and the amount at stake, when reconciliation keeps a disputes table."""
    connection = session.connection()
    if not inspect(connection).has_table("disputes"):
        return None
    table = SqlTable("disputes", MetaData(), autoload_with=connection)
    status = next((table.c[n] for n in ("status", "state") if n in table.c), None)
    amount = next((table.c[n] for n in ("amount_at_stake", "amount", "disputed_amount") if n in table.c), None)
    if status is None:
        return None
    from schemas.reconciliation import UNRESOLVED

    open_statuses = [s.value for s in UNRESOLVED]
    total = func.sum(amount) if amount is not None else func.count()
    rows = session.execute(select(status, func.count(), total).where(status.in_(open_statuses)).group_by(status))
    return Table(("status", "disputes", "amount_at_stake"), [(s, int(n), str(a or 0)) for s, n, a in rows])


def headline(session: Session) -> dict[str, object]:
    """The few numbers at the top of the dashboard."""
    since = (datetime.now(timezone.utc) - timedelta(days=WINDOW_DAYS)).date()
    figures = stats.compute(session, since)
    hours = sorted(d.hours_to_load for d in _documents(session) if d.hours_to_load is not None)
    return {"documents": figures.overall.documents, "touchless_percent": round(100.0 * (figures.overall.rate or 0.0), 1),
            "in_review": figures.backlog.documents + figures.backlog.files,
            "median_hours": round(median(hours), 2) if hours else None, "days": WINDOW_DAYS}
