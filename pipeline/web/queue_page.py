"""The queue page: documents in needs_review, oldest first, with filters, counts per filter and paging."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from pipeline import review
from pipeline.db.models import Document
from pipeline.users import User
from pipeline.web.auth import current_user
from pipeline.web.rendering import context_of, render

PAGE_SIZE = 50
AGE_STEPS = (1, 4, 24, 72, 168)  # "older than" choices, in hours
TOP_SENDERS = 15

router = APIRouter()


@dataclass(frozen=True)
class QueueView:
    """The filters of the queue page as they travel in URLs (and from the queue to a document and back)."""

    code: str = ""
    channel: str = ""
    sender: str = ""
    age: float | None = None

    @classmethod
    def from_request(cls, request: Request) -> QueueView:
        params = request.query_params
        try:
            age = float(params["age"]) if params.get("age") else None
        except ValueError:
            age = None
        return cls(code=params.get("code", "")[:60], channel=params.get("channel", "")[:20],
                   sender=params.get("sender", "")[:200], age=age)

    @property
    def filters(self) -> review.QueueFilter:
        return review.QueueFilter(code=self.code or None, channel=self.channel or None,
                                  customer=self.sender or None, older_than_hours=self.age)

    def query(self, **changes) -> str:
        """The query string of this view with ``changes`` (a value of None or "" drops the filter)."""
        values = {"code": self.code, "channel": self.channel, "sender": self.sender,
                  "age": "" if self.age is None else f"{self.age:g}"}
        values.update({k: ("" if v is None else str(v)) for k, v in changes.items()})
        return urlencode({k: v for k, v in values.items() if v})


def facet_counts(session: Session, view: QueueView) -> dict[str, list[tuple[str, int]]]:
    """For each filter, how many documents each choice would show (with the other filters applied)."""
    codes = review.code_counts(session, replace(view, code="").filters)
    channel_query = replace(view, channel="").filters.apply(
        select(Document.channel, func.count(Document.id))).group_by(Document.channel).order_by(Document.channel)
    name = func.coalesce(Document.customer, Document.sender, "")
    sender_query = (replace(view, sender="").filters.apply(select(name, func.count(Document.id)))
                    .group_by(name).order_by(func.count(Document.id).desc(), name).limit(TOP_SENDERS))
    now = datetime.now(timezone.utc)
    age_query = replace(view, age=None).filters.apply(select(*(
        func.coalesce(func.sum(case((Document.received_at <= now - timedelta(hours=hours), 1), else_=0)), 0)
        for hours in AGE_STEPS)))
    return {
        "code": list(codes.items()),
        "channel": [(c, n) for c, n in session.execute(channel_query)],
        "sender": [(s, n) for s, n in session.execute(sender_query) if s],
        "age": list(zip((f"{h:g}" for h in AGE_STEPS), session.execute(age_query).one())),
    }


def neighbours(session: Session, view: QueueView, document: Document) -> tuple[int | None, int | None, int, int]:
    """Previous and next document in the filtered queue around ``document``, its position and the queue size."""
    base = view.filters.apply(select(Document.id))
    at, key = document.received_at, document.id
    later = or_(Document.received_at > at, and_(Document.received_at == at, Document.id > key))
    earlier = or_(Document.received_at < at, and_(Document.received_at == at, Document.id < key))
    following = session.scalar(base.where(later).order_by(Document.received_at, Document.id).limit(1))
    preceding = session.scalar(base.where(earlier).order_by(Document.received_at.desc(), Document.id.desc()).limit(1))
    before = session.scalar(view.filters.apply(select(func.count(Document.id))).where(earlier)) or 0
    total = review.queue_size(session, view.filters)
    return preceding, following, before + 1, total


@router.get("/")
def home(user: User = Depends(current_user)):
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue_page(request: Request, page: int = 1, user: User = Depends(current_user)):
    view = QueueView.from_request(request)
    with context_of(request).sessions() as session:
        total = review.queue_size(session, view.filters)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        items = review.queue(session, view.filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        counts = facet_counts(session, view)
    return render(request, "queue.html", view=view, items=items, total=total, page=page, pages=pages,
                  counts=counts, first=(page - 1) * PAGE_SIZE + 1)
