"""What every parser gives back, and the two functions it must have."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from schemas import BusinessDocument, Finding


@dataclass(frozen=True)
class ParseResult:
    """The business documents found in one file, plus what concerns the file as a whole.

    ``envelope_keys`` identify the content independently of its bytes (EDIFACT sender +
    interchange reference), so a resend in other bytes is recognised as a duplicate.
    ``notes`` are one-line, human descriptions of what the parser saw, for ``adv replay``.
    """

    format: str
    documents: tuple[BusinessDocument, ...] = ()
    findings: tuple[Finding, ...] = ()
    envelope_keys: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


class Parser(Protocol):
    """One input format. ``sniff`` looks at bytes only (never the file name)."""

    name: str

    def sniff(self, data: bytes) -> bool: ...

    def parse(self, data: bytes) -> ParseResult: ...
