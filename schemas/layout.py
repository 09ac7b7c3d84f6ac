"""A page layout: words with boxes and confidences, whatever produced them (PDF text layer, OCR).

Extractors read only this, so a new OCR engine or PDF library changes nothing downstream.
Coordinates are PDF points (1/72 inch) with the origin at the top-left of the page; an image
page is converted from pixels with its DPI.
"""

from __future__ import annotations

from pydantic import Field

from schemas.base import FrozenModel

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


class Word(FrozenModel):
    text: str
    bbox: BBox
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    line: int | None = None  # engine's line number on the page, when it has one
    block: int | None = None


class Page(FrozenModel):
    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...] = ()


class Layout(FrozenModel):
    method: str  # "pdf-text", "ocr", ...
    pages: tuple[Page, ...] = ()

    @property
    def word_count(self) -> int:
        return sum(len(page.words) for page in self.pages)


class FreeText(FrozenModel):
    """A document that is only prose: an e-mail body, a text file. The free-text extractor reads it."""

    text: str
    sender: str | None = None  # e-mail address
    sender_name: str | None = None
    subject: str | None = None
    sent_at: str | None = None  # ISO timestamp as the message says
