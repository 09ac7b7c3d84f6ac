"""The order database: documents and their audit trail, and the business tables documents load into."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pipeline.db.types import ExactDecimal


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {Decimal: ExactDecimal, dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


# -- intake ----------------------------------------------------------------------------------------


class Document(Base):
    """One received file (``parent_id`` null) or one business document found in it."""

    __tablename__ = "documents"
    __table_args__ = (
        # a file is received once (its bytes); a file inside another may repeat (the same PDF in two mails)
        Index("uq_documents_file_sha256", "sha256", unique=True, sqlite_where=text("locator = ''"),
              postgresql_where=text("locator = ''")),
        UniqueConstraint("parent_id", "locator", name="uq_documents_parent_locator"),
        Index("ix_documents_state", "state"),
        Index("ix_documents_parent", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    locator: Mapped[str] = mapped_column(String(200), default="")  # "" for a file; where in it otherwise
    source: Mapped[str] = mapped_column(Text)  # path or URL it came from
    channel: Mapped[str] = mapped_column(String(20))  # file, email, imap, ...
    format: Mapped[str | None] = mapped_column(String(30))
    kind: Mapped[str | None] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(100))
    sender: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    state_reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    canonical: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    customer: Mapped[str | None] = mapped_column(String(300))  # the buyer's (or issuer's) name, to filter the queue
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # refuses lost updates in review
    corrections: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # field path -> value a person set
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # A worker's lease on a received file (pipeline/claims.py): who took it and until when; a lease
    # that ran out (the worker died) lets the next worker take the file again.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column()


class EnvelopeKey(Base):
    """Content identities (EDIFACT sender + interchange reference) already received, and by which file."""

    __tablename__ = "envelope_keys"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_document", "document_id"), Index("ix_findings_code", "code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    location: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class StageTiming(Base):
    """How long each stage took on one processed file (``adv stats`` shows throughput and the slowest stages)."""

    __tablename__ = "stage_timings"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(30), primary_key=True)  # classify, parse, extract, validate, write
    seconds: Mapped[float] = mapped_column()
    worker: Mapped[str | None] = mapped_column(String(100))
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Every state transition and every human action: who, when, what, why."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_document", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)


# -- business tables -------------------------------------------------------------------------------


class PartyRow(Base):
    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # strongest identifier, see Party.key
    name: Mapped[str | None] = mapped_column(String(300))
    gln: Mapped[str | None] = mapped_column(String(13), index=True)
    vat_id: Mapped[str | None] = mapped_column(String(20))
    siren: Mapped[str | None] = mapped_column(String(9))
    siret: Mapped[str | None] = mapped_column(String(14))
    internal_id: Mapped[str | None] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))


class _Header:
    """Columns every loaded business document has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    number: Mapped[str | None] = mapped_column(String(100), index=True)
    issue_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str | None] = mapped_column(String(3))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    ship_to_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    order_ref: Mapped[str | None] = mapped_column(String(100))
    delivery_note_ref: Mapped[str | None] = mapped_column(String(100))
    contract_ref: Mapped[str | None] = mapped_column(String(100))
    net: Mapped[Decimal | None]
    tax: Mapped[Decimal | None]
    gross: Mapped[Decimal | None]
    payable: Mapped[Decimal | None]
    allowances: Mapped[Decimal | None]
    charges: Mapped[Decimal | None]


class _Line:
    """Columns every business document line has."""

    id: Mapped[int] = mapped_column(primary_key=True)
    line_no: Mapped[int | None]
    gtin: Mapped[str | None] = mapped_column(String(14))
    seller_item_id: Mapped[str | None] = mapped_column(String(100))
    buyer_item_id: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal | None]
    unit: Mapped[str | None] = mapped_column(String(10))
    unit_price: Mapped[Decimal | None]
    net_amount: Mapped[Decimal | None]
    tax_rate: Mapped[Decimal | None]
    order_ref: Mapped[str | None] = mapped_column(String(100))
    order_line_no: Mapped[int | None]


class Order(_Header, Base):
    __tablename__ = "orders"
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)  # resolved buyer
    requested_delivery_date: Mapped[date | None] = mapped_column(Date)


class OrderLine(_Line, Base):
    __tablename__ = "order_lines"
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)


class InvoiceRow(_Header, Base):
    __tablename__ = "invoices"
    kind: Mapped[str] = mapped_column(String(20))  # invoice or credit_note
    due_date: Mapped[date | None] = mapped_column(Date)


class InvoiceLine(_Line, Base):
    __tablename__ = "invoice_lines"
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)


class DeliveryNoteRow(_Header, Base):
    __tablename__ = "delivery_notes"
    delivery_date: Mapped[date | None] = mapped_column(Date)


class DeliveryLine(_Line, Base):
    __tablename__ = "delivery_lines"
    delivery_note_id: Mapped[int] = mapped_column(ForeignKey("delivery_notes.id"), index=True)


class OrderResponseRow(_Header, Base):
    __tablename__ = "order_responses"
    response: Mapped[str | None] = mapped_column(String(20))
    requested_delivery_date: Mapped[date | None] = mapped_column(Date)


class OrderResponseLine(_Line, Base):
    __tablename__ = "order_response_lines"
    order_response_id: Mapped[int] = mapped_column(ForeignKey("order_responses.id"), index=True)
    response: Mapped[str | None] = mapped_column(String(20))


# The review queue filters on state and pages oldest first; its counts per channel and sender read this index
# alone (no table rows), and the counts per code read the findings index alone.
Index("ix_documents_queue", Document.state, Document.received_at, Document.id, Document.channel, Document.customer,
      Document.sender)
Index("ix_findings_queue", FindingRow.document_id, FindingRow.severity, FindingRow.code)


# -- reconciliation (pipeline/reconcile; docs/reconciliation.md) -----------------------------------


class ReconciliationRun(Base):
    """One run of ``adv reconcile`` (or of the nightly flow): its scope and what it changed."""

    __tablename__ = "reconciliation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    actor: Mapped[str] = mapped_column(String(100))
    since: Mapped[date | None] = mapped_column(Date)
    customer: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # counts per outcome, rows changed, disputes


class ReconciliationLine(Base):
    """The current result of one line triple (order line, delivery line, invoice line) for one check."""

    __tablename__ = "reconciliation_lines"
    __table_args__ = (
        Index("ix_reconciliation_lines_outcome", "outcome"),
        Index("ix_reconciliation_lines_invoice", "invoice_no"),
        Index("ix_reconciliation_lines_scope", "scope_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # check:order line:delivery line:invoice line
    first_run_id: Mapped[int] = mapped_column(ForeignKey("reconciliation_runs.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("reconciliation_runs.id"))  # last run that changed it
    check: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(30))
    order_line_id: Mapped[int | None] = mapped_column(Integer)
    delivery_line_id: Mapped[int | None] = mapped_column(Integer)
    invoice_line_id: Mapped[int | None] = mapped_column(Integer)
    seller_id: Mapped[int | None] = mapped_column(Integer)
    buyer_id: Mapped[int | None] = mapped_column(Integer)
    order_no: Mapped[str | None] = mapped_column(String(100))
    order_line_no: Mapped[int | None] = mapped_column(Integer)
    delivery_note_no: Mapped[str | None] = mapped_column(String(100))
    delivery_line_no: Mapped[int | None] = mapped_column(Integer)
    invoice_no: Mapped[str | None] = mapped_column(String(100))
    invoice_line_no: Mapped[int | None] = mapped_column(Integer)
    reverse: Mapped[bool] = mapped_column(default=False)
    item: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(10))
    qty_ordered: Mapped[Decimal | None]
    qty_delivered: Mapped[Decimal | None]
    qty_invoiced: Mapped[Decimal | None]
    qty_difference: Mapped[Decimal | None]
    price_ordered: Mapped[Decimal | None]
    price_invoiced: Mapped[Decimal | None]
    amount_at_stake: Mapped[Decimal | None]
    delivery_method: Mapped[str | None] = mapped_column(String(40))
    invoice_method: Mapped[str | None] = mapped_column(String(40))
    pairing: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    proposal: Mapped[str | None] = mapped_column(Text)
    scope_date: Mapped[date | None] = mapped_column(Date)
    fingerprint: Mapped[str] = mapped_column(String(300))  # what the difference is; a change reopens its dispute
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Dispute(Base):
    """A difference people work on: opened by a run, its status set by people, closed when it goes away."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)  # the reconciliation_lines key it is about
    outcome: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30))
    fingerprint: Mapped[str] = mapped_column(String(300))
    amount_at_stake: Mapped[Decimal | None]
    invoice_no: Mapped[str | None] = mapped_column(String(100))
    delivery_note_no: Mapped[str | None] = mapped_column(String(100))
    order_no: Mapped[str | None] = mapped_column(String(100))
    buyer_id: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DisputeEvent(Base):
    """Every change of a dispute: who (a person, or ``reconcile``), when, from which status to which, why."""

    __tablename__ = "dispute_events"
    __table_args__ = (Index("ix_dispute_events_dispute", "dispute_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("reconciliation_runs.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)


class ReconciliationTolerance(Base):
    """Tolerances of one customer or supplier (``party``: a GLN, a party key such as ``vat:FR…``, or ``*`` for
    everyone); a limit left null does not apply. See schemas.reconciliation.Tolerance."""

    __tablename__ = "reconciliation_tolerances"

    id: Mapped[int] = mapped_column(primary_key=True)
    party: Mapped[str] = mapped_column(String(200), unique=True)
    quantity_abs: Mapped[Decimal | None]
    quantity_pct: Mapped[Decimal | None]
    price_abs: Mapped[Decimal | None]
    price_pct: Mapped[Decimal | None]
    note: Mapped[str | None] = mapped_column(Text)


class ReconciliationPackSize(Base):
    """How many base units one pack unit of an item holds (e.g. GTIN x, CT -> 12 C62), until master data has it."""

    __tablename__ = "reconciliation_pack_sizes"
    __table_args__ = (UniqueConstraint("item", "unit", name="uq_reconciliation_pack_sizes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(String(100))  # GTIN, else the seller's item id
    unit: Mapped[str] = mapped_column(String(10))
    contains: Mapped[Decimal]
    base_unit: Mapped[str] = mapped_column(String(10), default="C62")
