"""Acknowledgments: tell the sender what became of their document, as a file in the outbox (docs/acknowledgments.md).

- an EDIFACT order that is loaded gets an ORDRSP: accepted, or changed when people corrected it in review;
- an EDIFACT order a person rejects gets an ORDRSP rejected, and any rejected EDIFACT message or interchange an
  APERAK with the reason;
- a document from any other channel (e-mail, PDF, …) gets a plain e-mail (.eml) when it is an order that is
  loaded, or when a person rejects it.

``acknowledge`` is the one hook: ingestion calls it for each processed file, review actions for each document they
load or reject, inside their transaction. The file appears in the outbox when that transaction commits, once per
document and event, and an audit row (``acknowledged``) records it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.acknowledgments import edifact
from pipeline.acknowledgments.mail import MailAnswer, acknowledgment_mail
from pipeline.acknowledgments.outbox import Acknowledgment, Outbox, file_name
from pipeline.acknowledgments.sources import Originals
from pipeline.db.models import Document, FindingRow
from pipeline.raw_store import RawStore
from pipeline.settings import Settings
from schemas import BusinessDocument, DocumentKind, PurchaseOrder, Status, from_canonical

__all__ = ["acknowledge"]

EDIFACT = "edifact"
MAX_ERRORS = 9  # APERAK SG3 groups besides the reason; the rest are in the review queue
_LINE_FIELD = re.compile(r"^lines\[(\d+)\]")
_REFERENCE = {DocumentKind.ORDER: "ON", DocumentKind.INVOICE: "IV", DocumentKind.CREDIT_NOTE: "IV",
              DocumentKind.DELIVERY_NOTE: "DQ", DocumentKind.ORDER_RESPONSE: "ON"}


def acknowledge(session: Session, document_id: int, settings: Settings, store: RawStore, actor: str) -> list[Path]:
    """Write what ``document_id`` (a business document, or a file and its documents) calls for; returns the files.

    Call it after the document's final state is set, before the commit. Calling it again writes nothing new.
    """
    row = session.scalars(select(Document).where(Document.id == document_id)
                          .execution_options(populate_existing=True)).one_or_none()
    if row is None:
        return []
    rows = [row]
    if row.canonical is None and row.state != Status.REJECTED.value:  # a file: its documents, one by one
        rows = [child for child in session.scalars(select(Document).where(Document.parent_id == row.id)
                                                   .order_by(Document.id)) if child.canonical is not None]
    writer = _Writer(session, settings, store, actor)
    for document in rows:
        writer.acknowledge(document)
    return writer.outbox.written


class _Writer:
    def __init__(self, session: Session, settings: Settings, store: RawStore, actor: str) -> None:
        self.outbox = Outbox(session, settings.resolved_outbox, actor)
        self.originals = Originals(session, store)
        self.today = settings.today or date.today()
        self.now = datetime.now().replace(second=0, microsecond=0)

    def acknowledge(self, row: Document) -> None:
        for acknowledgment in self.plan(row):
            self.outbox.deliver(row, acknowledgment)

    def plan(self, row: Document) -> list[Acknowledgment]:
        """What this document's state calls for (nothing for documents waiting for review, duplicates, …)."""
        rejected = row.state == Status.REJECTED.value
        if row.canonical is None:
            if not rejected:
                return []
            return self.interchange_errors(row) if row.format == EDIFACT else [self.mail(row, None, "rejected")]
        document = from_canonical(row.canonical)
        if row.state == Status.LOADED.value and isinstance(document, PurchaseOrder):
            response = "changed" if row.corrections else "accepted"
            return [self.order_response(row, document, response) if row.format == EDIFACT
                    else self.mail(row, document, response)]
        if not rejected:
            return []
        if row.format != EDIFACT:
            return [self.mail(row, document, "rejected")]
        answers = [self.order_response(row, document, "rejected")] if isinstance(document, PurchaseOrder) else []
        return [*answers, self.message_error(row, document)]

    # -- EDIFACT ---------------------------------------------------------------------------------

    def envelope(self, row: Document, document: BusinessDocument | None, prefix: str, index: int = 0,
                 header=None) -> edifact.Envelope:
        """Back to where it came from: the original UNB's sender and recipient swapped, our control reference."""
        if header is None and document is not None and document.source.locator:
            message = self.originals.edifact(row.sha256).messages.get(document.source.locator)
            header = message.interchange if message else None
        recipient = (header.sender if header else None) or (document.source.sender if document else None) or \
            _partner(document, outgoing=False) or "UNKNOWN"
        sender = (header.recipient if header else None) or _partner(document, outgoing=True) or "ADV-INTAKE"
        syntax = "UNOA" if header is not None and header.syntax_id == "UNOA" else "UNOC"
        reference = f"{prefix}{row.id:010d}" + (f"{index:02d}" if index else "")
        return edifact.Envelope(sender=sender, sender_qualifier=_qualifier(sender, header, "recipient"),
                                recipient=recipient, recipient_qualifier=_qualifier(recipient, header, "sender"),
                                control_ref=reference[-14:], prepared=self.now, syntax=syntax,
                                test=header is not None and header.test)

    def order_response(self, row: Document, order: PurchaseOrder, response: str) -> Acknowledgment:
        corrected = sorted((row.corrections or {}) if response == "changed" else {})
        changed_lines = {int(m.group(1)) for m in map(_LINE_FIELD.match, corrected) if m}
        line_notes = {index: "Corrected: " + ", ".join(f.split(".", 1)[-1] for f in corrected
                                                       if f.startswith(f"lines[{index}]"))
                      for index in changed_lines}
        header_fields = [f for f in corrected if not _LINE_FIELD.match(f)]
        note = row.state_reason if response == "rejected" else (
            "Corrected: " + ", ".join(header_fields) if header_fields else None)
        body = edifact.order_response(order, number=f"AR-{row.id}", response=response, issued=self.today,
                                      changed_lines=changed_lines, note=note, line_notes=line_notes)
        envelope = self.envelope(row, order, "R")
        return Acknowledgment(file_name("ordrsp", row.id, order.number, suffix="edi"),
                              edifact.interchange(envelope, edifact.ORDRSP, body),
                              f"ORDRSP (order {response}) to {envelope.recipient}")

    def message_error(self, row: Document, document: BusinessDocument) -> Acknowledgment:
        message = self.originals.edifact(row.sha256).messages.get(document.source.locator or "")
        references = [(_REFERENCE[document.kind], document.number)] if document.number else []
        if message and message.ref:
            references.append(("ACW", message.ref))  # the UNH reference of the message refused
        body = edifact.application_error(
            number=f"AP-{row.id}", issued=self.now, references=references, reference_date=document.issue_date,
            parties=[("BY", document.buyer), ("SU", document.seller)], errors=self.errors(row),
            agency="91" if document.kind is DocumentKind.ORDER else "92")  # our codes: as the seller, or the buyer
        envelope = self.envelope(row, document, "E")
        return Acknowledgment(file_name("aperak", row.id, document.number, suffix="edi"),
                              edifact.interchange(envelope, edifact.APERAK, body),
                              f"APERAK ({document.kind.value} rejected) to {envelope.recipient}")

    def interchange_errors(self, row: Document) -> list[Acknowledgment]:
        """A rejected EDIFACT file: one APERAK per interchange in it, to that interchange's sender."""
        acknowledgments = []
        for index, header in enumerate(self.originals.edifact(row.sha256).interchanges, start=1):
            body = edifact.application_error(
                number=f"AP-{row.id}-{index}", issued=self.now,
                references=[("ACW", header.control_ref or "?")], reference_date=None,
                parties=[("MS", header.sender), ("MR", header.recipient)], errors=self.errors(row), agency="ZZZ")
            envelope = self.envelope(row, None, "E", index, header)
            acknowledgments.append(Acknowledgment(
                file_name("aperak", row.id, header.control_ref, str(index), suffix="edi"),
                edifact.interchange(envelope, edifact.APERAK, body),
                f"APERAK (interchange {header.control_ref} rejected) to {envelope.recipient}"))
        return acknowledgments

    def errors(self, row: Document) -> list[tuple[str, str]]:
        """The person's reason first, then the errors found in the document (its code starts each text)."""
        findings = self.outbox.session.scalars(select(FindingRow).where(
            FindingRow.document_id == row.id, FindingRow.severity == "error").order_by(FindingRow.id).limit(MAX_ERRORS))
        return [("REJECTED", row.state_reason or "rejected"),
                *[("FINDING", f"{f.code}: {f.message}") for f in findings]]

    # -- e-mail ----------------------------------------------------------------------------------

    def mail(self, row: Document, document: BusinessDocument | None, response: str) -> Acknowledgment:
        origin = self.originals.mail(row)
        corrected = tuple(sorted(row.corrections or {})) if response == "changed" else ()
        answer = MailAnswer(document_id=row.id, response=response, document=document,
                            file_name=Path(row.source).name if document is None else None,
                            reason=row.state_reason if response == "rejected" else None, corrected=corrected)
        message = acknowledgment_mail(answer, origin, self.now.astimezone(timezone.utc))
        what = document.kind.value if document else "file"
        return Acknowledgment(file_name("ack", row.id, document.number if document else None, response, suffix="eml"),
                              bytes(message), f"e-mail ({what} {response}) to "
                              f"{message['To'] or 'nobody: no sender address is known'}")


def _partner(document: BusinessDocument | None, outgoing: bool) -> str | None:
    """Our GLN (``outgoing``) or theirs, from the document's parties, when the envelope is not known."""
    if document is None:
        return None
    ours, theirs = (document.seller, document.buyer) if document.kind is DocumentKind.ORDER else (
        document.buyer, document.seller)
    party = ours if outgoing else theirs
    return (party.gln or party.internal_id) if party else None


def _qualifier(identifier: str, header, role: str) -> str:
    """The qualifier the original used for this partner (its sender is our recipient), else one that fits."""
    original_id = getattr(header, role, None) if header is not None else None
    original_qualifier = getattr(header, f"{role}_qualifier", None) if header is not None else None
    if original_id == identifier and original_qualifier:
        return original_qualifier
    return edifact.qualifier(identifier)
