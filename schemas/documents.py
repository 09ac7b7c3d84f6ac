"""The canonical business documents every parser and extractor produces.

One model per kind of document, sharing a common header and body. Money and quantities
are ``Decimal``; dates are ``date``. ``provenance`` maps a field path
(``"lines[3].quantity"``) to where its value came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from schemas.base import FrozenModel
from schemas.findings import Finding
from schemas.party import Party
from schemas.provenance import Provenance


class DocumentKind(StrEnum):
    ORDER = "order"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    DELIVERY_NOTE = "delivery_note"
    ORDER_RESPONSE = "order_response"


class Status(StrEnum):
    RECEIVED = "received"
    PARSED = "parsed"
    VALIDATED = "validated"
    LOADED = "loaded"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


FINAL_STATES = frozenset({Status.LOADED, Status.NEEDS_REVIEW, Status.REJECTED, Status.DUPLICATE})

LineResponse = Literal["accepted", "changed", "rejected"]


class Line(FrozenModel):
    line_no: int | None = None
    gtin: str | None = None
    seller_item_id: str | None = None
    buyer_item_id: str | None = None
    description: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None  # UN/ECE Rec 20
    unit_price: Decimal | None = None  # net price per one ``unit``
    net_amount: Decimal | None = None
    tax_rate: Decimal | None = None  # percent, e.g. 20 or 5.5
    order_ref: str | None = None  # the order this line fulfils or bills, when the line says so
    order_line_no: int | None = None
    response: LineResponse | None = None  # order responses only


class Totals(FrozenModel):
    net: Decimal | None = None  # sum of line net amounts (after line allowances)
    allowances: Decimal | None = None  # document-level allowances
    charges: Decimal | None = None  # document-level charges
    tax: Decimal | None = None
    gross: Decimal | None = None  # net - allowances + charges + tax
    payable: Decimal | None = None


class Source(FrozenModel):
    format: str  # "edifact", "factur-x", "pdf", ...
    sha256: str
    locator: str | None = None  # where in the file, e.g. "interchange 1, message 2 (UNH 00042)"
    message_type: str | None = None  # e.g. "ORDERS:D:96A:UN:EAN008"
    sender: str | None = None  # interchange sender id (EDIFACT UNB), e-mail address, ...
    interchange_ref: str | None = None  # EDIFACT interchange control reference

    @property
    def envelope_key(self) -> str | None:
        """Identity of the envelope this document came in, the same when it is resent in other bytes."""
        if self.sender and self.interchange_ref:
            return f"{self.format}:{self.sender}/{self.interchange_ref}"
        return None


class _Document(FrozenModel):
    number: str | None = None
    issue_date: date | None = None
    currency: str | None = None
    seller: Party | None = None
    buyer: Party | None = None
    ship_to: Party | None = None
    order_ref: str | None = None
    delivery_note_ref: str | None = None
    contract_ref: str | None = None
    lines: tuple[Line, ...] = ()
    totals: Totals = Totals()
    source: Source
    findings: tuple[Finding, ...] = ()
    status: Status | None = None
    provenance: Mapping[str, Provenance] = Field(default_factory=dict)

    def with_findings(self, findings: list[Finding] | tuple[Finding, ...], status: Status | None = None):
        """A copy with more findings (and optionally a new status)."""
        update: dict = {"findings": (*self.findings, *findings)}
        if status is not None:
            update["status"] = status
        return self.model_copy(update=update)

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)


class PurchaseOrder(_Document):
    kind: Literal[DocumentKind.ORDER] = DocumentKind.ORDER
    requested_delivery_date: date | None = None


class Invoice(_Document):
    """An invoice or, with ``kind`` credit_note, a credit note (amounts stay positive)."""

    kind: Literal[DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE] = DocumentKind.INVOICE
    due_date: date | None = None


class DeliveryNote(_Document):
    kind: Literal[DocumentKind.DELIVERY_NOTE] = DocumentKind.DELIVERY_NOTE
    delivery_date: date | None = None


class OrderResponse(_Document):
    kind: Literal[DocumentKind.ORDER_RESPONSE] = DocumentKind.ORDER_RESPONSE
    response: LineResponse | None = None  # for the order as a whole
    requested_delivery_date: date | None = None


MODELS: dict[DocumentKind, type] = {
    DocumentKind.ORDER: PurchaseOrder,
    DocumentKind.INVOICE: Invoice,
    DocumentKind.CREDIT_NOTE: Invoice,
    DocumentKind.DELIVERY_NOTE: DeliveryNote,
    DocumentKind.ORDER_RESPONSE: OrderResponse,
}  # the model class of each kind, for parsers and extractors that decide the kind while reading

BusinessDocument = Annotated[
    PurchaseOrder | Invoice | DeliveryNote | OrderResponse,
    Field(discriminator="kind"),
]
