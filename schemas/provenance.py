"""Where a value came from and how sure the extractor is of it."""

from __future__ import annotations

from pydantic import Field

from schemas.base import FrozenModel


class Provenance(FrozenModel):
    """One value's origin.

    Structured formats fill ``segment``/``segment_no``/``element`` (EDIFACT) or ``path`` (XML);
    layouts fill ``page``/``bbox``; free text fills ``span``. ``offset`` is the character offset
    of the segment in the decoded source, so a reviewer can be shown the raw excerpt.
    """

    method: str
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    segment: str | None = None
    segment_no: int | None = None
    element: str | None = None
    offset: int | None = None
    path: str | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    span: tuple[int, int] | None = None
