"""OCR engines behind one small interface: a page image in, engine-neutral words out.

``parsers.ocr`` turns what an engine returns into a ``schemas.layout.Layout``; nothing downstream knows which
engine ran. Adding an engine is one class with ``name`` and ``recognise`` (and one entry in ``ENGINES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PIL import Image


@dataclass(frozen=True)
class OcrWord:
    """One recognised word, in pixels of the image the engine was given."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float  # 0-1
    block: int
    line: int  # running line number on the page (unique across blocks and paragraphs)


@dataclass(frozen=True)
class PageImage:
    """What an engine reads: one prepared page image, its resolution, and a key naming this exact input
    (file hash, page, preparation) that caches may use; engines that do not cache ignore it."""

    image: Image.Image
    dpi: int
    key: str = ""


class OcrEngine(Protocol):
    name: str

    def recognise(self, page: PageImage, languages: str) -> list[OcrWord]: ...


class OcrUnavailable(RuntimeError):
    """The engine cannot run here (binary or language data missing): a set-up problem, said plainly."""
