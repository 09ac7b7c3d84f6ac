"""Loading a validated business document into the order database (inside the caller's transaction)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.db.models import (
    DeliveryLine,
    DeliveryNoteRow,
    InvoiceLine,
    InvoiceRow,
    Order,
    OrderLine,
    OrderResponseLine,
    OrderResponseRow,
    PartyRow,
)
from schemas import BusinessDocument, DocumentKind, Party

_TABLES = {
    DocumentKind.ORDER: (Order, OrderLine, "order_id"),
    DocumentKind.INVOICE: (InvoiceRow, InvoiceLine, "invoice_id"),
    DocumentKind.CREDIT_NOTE: (InvoiceRow, InvoiceLine, "invoice_id"),
    DocumentKind.DELIVERY_NOTE: (DeliveryNoteRow, DeliveryLine, "delivery_note_id"),
    DocumentKind.ORDER_RESPONSE: (OrderResponseRow, OrderResponseLine, "order_response_id"),
}
_HEADER_FIELDS = ("number", "issue_date", "currency", "order_ref", "delivery_note_ref", "contract_ref")
_KIND_FIELDS = ("requested_delivery_date", "due_date", "delivery_date", "response")
_LINE_FIELDS = ("line_no", "gtin", "seller_item_id", "buyer_item_id", "description", "quantity", "unit",
                "unit_price", "net_amount", "tax_rate", "order_ref", "order_line_no")


def party_id(session: Session, party: Party | None) -> int | None:
    """The id of the party row for ``party`` (matched on its strongest identifier), created if new."""
    if party is None or party.key is None:
        return None
    existing = session.scalar(select(PartyRow.id).where(PartyRow.key == party.key))
    if existing is not None:
        return existing
    address = party.address
    row = PartyRow(
        key=party.key, name=party.name, gln=party.gln, vat_id=party.vat_id, siren=party.siren, siret=party.siret,
        internal_id=party.internal_id, street=address and address.street, city=address and address.city,
        postal_code=address and address.postal_code, country=address and address.country and address.country[:2],
    )
    try:
        with session.begin_nested():  # another worker may insert the same party at the same moment
            session.add(row)
        return row.id
    except IntegrityError:
        return session.scalar(select(PartyRow.id).where(PartyRow.key == party.key))


def load_document(session: Session, document_id: int, doc: BusinessDocument, customer_id: int | None = None) -> int:
    """Insert ``doc`` with its lines; returns the id of the header row. The caller owns the transaction."""
    header_table, line_table, link = _TABLES[doc.kind]
    values = {name: getattr(doc, name) for name in _HEADER_FIELDS}
    if header_table is Order:
        values["customer_id"] = customer_id
    values.update({name: getattr(doc, name) for name in _KIND_FIELDS if hasattr(header_table, name)})
    if header_table is InvoiceRow:
        values["kind"] = doc.kind.value
    values.update(doc.totals.model_dump())
    header = header_table(
        document_id=document_id,
        seller_id=party_id(session, doc.seller),
        buyer_id=party_id(session, doc.buyer),
        ship_to_id=party_id(session, doc.ship_to),
        **values,
    )
    session.add(header)
    session.flush()
    for line in doc.lines:
        extra = {"response": line.response} if line_table is OrderResponseLine else {}
        session.add(line_table(**{link: header.id}, **{name: getattr(line, name) for name in _LINE_FIELDS}, **extra))
    return header.id
