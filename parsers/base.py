"""What every parser gives back, and the two functions it must have."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from schemas import BusinessDocument, Finding
from schemas.layout import FreeText, Layout


@dataclass(frozen=True)
class Attachment:
    """A file carried inside another (an e-mail attachment, a zip member): ingested as a child document."""

    name: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class ParseResult:
    """The business documents found in one file, plus what concerns the file as a whole.

    ``envelope_keys`` identify the content independently of its bytes (EDIFACT sender +
    interchange reference), so a resend in other bytes is recognised as a duplicate.
    ``notes`` are one-line, human descriptions of what the parser saw, for ``adv replay``.
    ``layout`` is set by parsers of unstructured formats (text PDF, scans): the extract stage turns
    it into documents. ``attachments`` are files found inside this one; the pipeline stores and processes each as a
    child document (an e-mail's PDFs, say), so they get their own state.
    """

    format: str
    documents: tuple[BusinessDocument, ...] = ()
    findings: tuple[Finding, ...] = ()
    envelope_keys: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    attachments: tuple[Attachment, ...] = ()
    layout: Layout | None = None
    text: FreeText | None = None  # prose to read for an order (an e-mail body with nothing attached)


class Parser(Protocol):
    """One input format. ``sniff`` looks at bytes only (never the file name)."""

    name: str

    def sniff(self, data: bytes) -> bool: ...

    def parse(self, data: bytes) -> ParseResult: ...
