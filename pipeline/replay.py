"""``adv replay``: every stage on one file, nothing written, and what each stage made of it."""

from __future__ import annotations

from typing import Any

from pipeline.process import Outcome, process
from pipeline.settings import Settings
from schemas import to_canonical
from decimal import Decimal


def replay(data: bytes, settings: Settings) -> Outcome:
    return process(data, tolerance=Decimal(settings.amount_tolerance), max_bytes=settings.max_document_bytes)


def replay_json(outcome: Outcome) -> dict[str, Any]:
    """The stable JSON of a replay (docs/canonical-json.md): the file, then one canonical object per document."""
    return {
        "file": {
            "format": outcome.format,
            "sha256": outcome.sha256,
            "status": outcome.file_status.value,
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in outcome.findings],
        },
        "documents": [to_canonical(doc) for doc in outcome.documents],
    }
