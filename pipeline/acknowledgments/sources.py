"""What an acknowledgment needs to know of the file a document came in: its EDIFACT envelope, or its e-mail.

Read from the raw store (the database keeps the business content, not the envelope around it), once per file
however many of its documents are acknowledged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.parser import BytesHeaderParser

from sqlalchemy.orm import Session

from parsers.edifact import read_events
from parsers.edifact_envelope import InterchangeClosed, InterchangeHeader, Message
from pipeline.db.models import Document
from pipeline.raw_store import RawStore


@dataclass(frozen=True)
class MessageFacts:
    ref: str | None  # UNH message reference
    type: str  # e.g. ORDERS:D:96A:UN:EAN008
    interchange: InterchangeHeader


@dataclass
class EdifactFacts:
    """A file's interchanges, and its messages by locator (``interchange 1, message 2 (UNH 7)``)."""

    interchanges: list[InterchangeHeader] = field(default_factory=list)
    messages: dict[str, MessageFacts] = field(default_factory=dict)


@dataclass(frozen=True)
class MailFacts:
    """The e-mail a document came in (the nearest one, for a mail forwarded inside another)."""

    sender: str | None  # the From address, lower case
    recipient: str | None  # the first To address: who the customer wrote to, so who answers
    message_id: str | None
    subject: str | None


class Originals:
    """Facts about original files, read lazily from the raw store and kept for the length of one hook call."""

    def __init__(self, session: Session, store: RawStore) -> None:
        self.session = session
        self.store = store
        self._edifact: dict[str, EdifactFacts] = {}
        self._mail: dict[int, MailFacts | None] = {}

    def edifact(self, sha256: str) -> EdifactFacts:
        if sha256 not in self._edifact:
            facts = EdifactFacts()
            for event in read_events(io.BytesIO(self.store.get(sha256))):
                if isinstance(event, Message):
                    facts.messages[event.locator] = MessageFacts(event.ref, event.type_string, event.interchange)
                elif isinstance(event, InterchangeClosed) and event.header.segment is not None:
                    facts.interchanges.append(event.header)
            self._edifact[sha256] = facts
        return self._edifact[sha256]

    def mail(self, row: Document) -> MailFacts | None:
        """The nearest e-mail among the row and its ancestors, if the document came by mail."""
        current: Document | None = row
        while current is not None:
            if current.format == "email":
                if current.id not in self._mail:
                    self._mail[current.id] = _mail_facts(self.store.get(current.sha256))
                return self._mail[current.id]
            current = self.session.get(Document, current.parent_id) if current.parent_id else None
        return None


def _mail_facts(data: bytes) -> MailFacts:
    headers = BytesHeaderParser(policy=policy.default).parsebytes(data)
    return MailFacts(sender=_first_address(headers, "From"), recipient=_first_address(headers, "To"),
                     message_id=_header(headers, "Message-ID"), subject=_header(headers, "Subject"))


def _header(headers, name: str) -> str | None:
    try:
        value = headers[name]
    except Exception:  # noqa: BLE001 - the email package raises on some malformed headers
        return None
    return (str(value).strip() or None) if value is not None else None


def _first_address(headers, name: str) -> str | None:
    try:
        addresses: tuple[Address, ...] = headers[name].addresses if headers[name] is not None else ()
    except Exception:  # noqa: BLE001
        return None
    for address in addresses:
        if address.addr_spec and address.addr_spec != "<>" and "@" in address.addr_spec:
            return address.addr_spec.lower()
    return None
