"""The exception queue: what is waiting for a person, and everything needed to judge it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pipeline.db.models import AuditEvent, Document, FindingRow
from pipeline.raw_store import RawStore
from schemas import Status

EXCERPT_CHARS = 600


@dataclass(frozen=True)
class QueueItem:
    id: int
    parent_id: int | None
    kind: str | None
    number: str | None
    sender: str | None
    customer: str | None
    channel: str
    source: str
    locator: str
    received_at: datetime
    codes: tuple[str, ...]

    @property
    def age_hours(self) -> float:
        received = self.received_at if self.received_at.tzinfo else self.received_at.replace(tzinfo=timezone.utc)
        return (datetime.now(timezone.utc) - received).total_seconds() / 3600

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "parent_id": self.parent_id, "kind": self.kind, "number": self.number,
                "sender": self.sender, "customer": self.customer, "channel": self.channel, "source": self.source, "locator": self.locator,
                "received_at": self.received_at.isoformat(), "codes": list(self.codes)}


@dataclass(frozen=True)
class QueueFilter:
    code: str | None = None
    channel: str | None = None
    customer: str | None = None  # substring of the customer (or sender) name, any case
    older_than_hours: float | None = None

    def apply(self, query):
        query = query.where(Document.state == Status.NEEDS_REVIEW.value)
        if self.code:
            query = query.where(Document.id.in_(select(FindingRow.document_id).where(FindingRow.code == self.code)))
        if self.channel:
            query = query.where(Document.channel == self.channel)
        if self.customer:
            pattern = f"%{self.customer.lower()}%"
            query = query.where(or_(func.lower(Document.customer).like(pattern),
                                    func.lower(Document.sender).like(pattern)))
        if self.older_than_hours is not None:
            query = query.where(Document.received_at
                                <= datetime.now(timezone.utc) - timedelta(hours=self.older_than_hours))
        return query


def queue(session: Session, filters: QueueFilter = QueueFilter(), limit: int = 200, offset: int = 0
          ) -> list[QueueItem]:
    """Documents in needs_review matching ``filters``, oldest first, with their error codes."""
    query = filters.apply(select(Document)).order_by(Document.received_at, Document.id).offset(offset).limit(limit)
    documents = list(session.scalars(query))
    codes = _codes(session, [d.id for d in documents])
    return [
        QueueItem(d.id, d.parent_id, d.kind, d.number, d.sender, d.customer, d.channel, d.source, d.locator,
                  d.received_at, tuple(codes.get(d.id, ())))
        for d in documents
    ]


def queue_size(session: Session, filters: QueueFilter = QueueFilter()) -> int:
    return session.scalar(filters.apply(select(func.count(Document.id))))


def code_counts(session: Session, filters: QueueFilter = QueueFilter()) -> dict[str, int]:
    """How many documents in review (matching ``filters``) carry each error code."""
    in_queue = filters.apply(select(Document.id))
    query = (
        select(FindingRow.code, func.count(func.distinct(FindingRow.document_id)))
        .where(FindingRow.document_id.in_(in_queue), FindingRow.severity == "error")
        .group_by(FindingRow.code)
        .order_by(func.count(func.distinct(FindingRow.document_id)).desc(), FindingRow.code)
    )
    return dict(session.execute(query).all())


def _codes(session: Session, ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {}
    if not ids:
        return result
    rows = session.execute(
        select(FindingRow.document_id, FindingRow.code)
        .where(FindingRow.document_id.in_(ids), FindingRow.severity == "error")
        .order_by(FindingRow.id)
    )
    for document_id, code in rows:
        if code not in result.setdefault(document_id, []):
            result[document_id].append(code)
    return result


def detail(session: Session, store: RawStore, document_id: int) -> dict[str, Any] | None:
    """Everything about one document: row, findings with location, extracted values, audit, raw excerpt."""
    document = session.get(Document, document_id)
    if document is None:
        return None
    findings = list(session.scalars(select(FindingRow).where(FindingRow.document_id == document_id)
                                    .order_by(FindingRow.id)))
    audit = list(session.scalars(select(AuditEvent).where(AuditEvent.document_id == document_id)
                                 .order_by(AuditEvent.id)))
    children = list(session.scalars(select(Document).where(Document.parent_id == document_id).order_by(Document.id)))
    offsets = [f.location["offset"] for f in findings if f.location and "offset" in f.location]
    if not offsets and document.canonical:
        offsets = [p["offset"] for p in document.canonical.get("provenance", {}).values() if "offset" in p]
    return {
        "id": document.id,
        "parent_id": document.parent_id,
        "state": document.state,
        "state_reason": document.state_reason,
        "kind": document.kind,
        "number": document.number,
        "sender": document.sender,
        "channel": document.channel,
        "customer": document.customer,
        "version": document.version,
        "corrections": document.corrections,
        "format": document.format,
        "source": document.source,
        "locator": document.locator,
        "sha256": document.sha256,
        "received_at": document.received_at.isoformat(),
        "duplicate_of": document.duplicate_of_id,
        "findings": [{"code": f.code, "severity": f.severity, "field": f.field, "message": f.message,
                      "location": f.location} for f in findings],
        "children": [{"id": c.id, "kind": c.kind, "number": c.number, "state": c.state, "locator": c.locator}
                     for c in children],
        "document": document.canonical,
        "audit": [{"at": a.at.isoformat(), "actor": a.actor, "action": a.action, "from": a.from_state,
                   "to": a.to_state, "reason": a.reason} for a in audit],
        "raw_excerpt": raw_excerpt(store, document.sha256, min(offsets) if offsets else 0),
    }


def raw_excerpt(store: RawStore, sha256: str, offset: int = 0) -> str | None:
    """A readable slice of the raw file starting a little before ``offset`` (a character offset)."""
    if not store.exists(sha256):
        return None
    data = store.get(sha256)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    start = max(0, offset - 80)
    excerpt = text[start : start + EXCERPT_CHARS]
    return ("…" if start else "") + excerpt + ("…" if start + EXCERPT_CHARS < len(text) else "")
