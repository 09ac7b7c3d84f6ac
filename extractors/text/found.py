"""A value read from the text, with where it is (a character span) and how sure the rule that read it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas import Provenance

METHOD = "nlp"


@dataclass(frozen=True)
class TextValue:
    """``value`` read from ``text[start:end]`` (of the body, or of the subject when ``path`` is ``subject``)."""

    value: Any
    start: int
    end: int
    confidence: float
    path: str | None = None
    method: str = METHOD

    def provenance(self) -> Provenance:
        span = (self.start, self.end) if self.end > self.start else None
        return Provenance(method=self.method, confidence=round(min(max(self.confidence, 0.0), 1.0), 3),
                          span=span, path=self.path)

    def but(self, **changes: Any) -> TextValue:
        values = {**self.__dict__, **changes}
        return TextValue(**values)
