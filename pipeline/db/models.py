"""The order database: documents and their audit trail, and the business tables documents load into."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
        UniqueConstraint("sha256", "locator", name="uq_documents_sha256_locator"),
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
