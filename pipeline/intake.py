"""Intake: find files, store their raw bytes first, then record a ``documents`` row (state received)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.audit import record
from pipeline.db.models import Document
from pipeline.raw_store import RawStore
from schemas import Status


def discover(paths: Iterable[Path], ignore: Iterable[str]) -> Iterator[Path]:
    """Every file under ``paths`` (files given by name are always taken), sorted, minus ignored names."""
    patterns = tuple(ignore)
    for path in paths:
        if path.is_file():
            yield path
            continue
        if not path.is_dir():
            raise FileNotFoundError(f"{path} does not exist")
        for candidate in sorted(path.rglob("*")):
            relative = candidate.relative_to(path).parts
            if any(fnmatch.fnmatch(part, pattern) for part in relative for pattern in patterns):
                continue
            if candidate.is_file():
                yield candidate


@dataclass(frozen=True)
class Receipt:
    document_id: int
    new: bool  # False: the same bytes were received before (nothing was written)
    source: str


def receive(session: Session, store: RawStore, data: bytes, source: str, channel: str, actor: str) -> Receipt:
    """Store ``data`` and record it; receiving the same bytes again is a no-op."""
    sha256 = store.put(data)  # raw bytes first: whatever happens next, nothing is lost
    existing = session.scalar(select(Document.id).where(Document.sha256 == sha256, Document.locator == ""))
    if existing is not None:
        return Receipt(existing, False, source)
    document = Document(sha256=sha256, locator="", source=source, channel=channel, size=len(data),
                        state=Status.RECEIVED.value)
    try:
        with session.begin_nested():
            session.add(document)
            session.flush()
            record(session, document.id, actor, "received", None, Status.RECEIVED, f"from {source}")
    except IntegrityError:  # another worker received the same bytes at the same moment
        existing = session.scalar(select(Document.id).where(Document.sha256 == sha256, Document.locator == ""))
        return Receipt(existing, False, source)
    session.commit()
    return Receipt(document.id, True, source)
