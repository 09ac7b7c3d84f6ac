"""``adv replay``: every stage on one file, nothing written, and what each stage made of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.context import Context
from pipeline.process import Outcome, process
from pipeline.validation import ValidationContext
from pipeline.settings import Settings
from schemas import to_canonical

MAX_DEPTH = 3  # an attachment inside an attachment inside a mail is as deep as real senders go


@dataclass(frozen=True)
class Replay:
    """One file's outcome, with the replays of the files found inside it."""

    name: str
    outcome: Outcome
    attachments: tuple["Replay", ...] = ()

    def walk(self):
        yield self
        for child in self.attachments:
            yield from child.walk()

    @property
    def in_review(self) -> bool:
        return any(r.outcome.file_status.value != "loaded" or any(d.status.value != "validated"
                                                                   for d in r.outcome.documents)
                   for r in self.walk())


def replay(data: bytes, settings: Settings, name: str = "", depth: int = 0) -> Replay:
    """Every stage on ``data``, validated against master data and history when the database exists."""
    context = Context(settings)
    if not context.database_exists():
        return _replay(data, context.validation_context(None), settings, name, depth)
    try:
        with context.sessions() as session:
            return _replay(data, context.validation_context(session), settings, name, depth)
    finally:
        context.engine.dispose()


def _replay(data: bytes, validation: ValidationContext, settings: Settings, name: str, depth: int) -> Replay:
    outcome = process(data, context=validation, max_bytes=settings.max_document_bytes,
                      ignore_embedded_xml=settings.ignore_embedded_xml)
    children = ()
    if depth < MAX_DEPTH:
        children = tuple(_replay(a.data, validation, settings, a.name, depth + 1) for a in outcome.attachments)
    return Replay(name, outcome, children)


def replay_json(result: Replay) -> dict[str, Any]:
    """The stable JSON of a replay (docs/canonical-json.md): the file, its documents, then its attachments."""
    outcome = result.outcome
    data: dict[str, Any] = {
        "file": {
            "format": outcome.format,
            "sha256": outcome.sha256,
            "status": outcome.file_status.value,
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in outcome.findings],
        },
        "documents": [to_canonical(doc) for doc in outcome.documents],
    }
    if result.attachments:
        data["attachments"] = [{"name": child.name, **replay_json(child)} for child in result.attachments]
    return data
