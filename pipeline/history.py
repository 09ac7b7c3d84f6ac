"""What the order database knows of earlier documents, for validation (read-only queries)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.models import Document, Order, OrderLine, PartyRow
from pipeline.masterdata.models import Correction as CorrectionRow
from pipeline.validation.context import Correction, EarlierOrder
from schemas import BusinessDocument, Line, Party


class DatabaseHistory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def earlier_order(self, doc: BusinessDocument, customer_id: int | None) -> EarlierOrder | None:
        """A loaded order with the same number from the same customer, and whether its lines are the same."""
        rows = self.session.execute(
            select(Order, PartyRow, Document.channel, Document.format)
            .join(Document, Document.id == Order.document_id)
            .outerjoin(PartyRow, PartyRow.id == Order.buyer_id)
            .where(Order.number == doc.number)
            .order_by(Order.id)
        ).all()
        for order, buyer, channel, source_format in rows:
            if not _same_customer(customer_id, order.customer_id, doc.buyer, buyer):
                continue
            lines = self.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).all()
            return EarlierOrder(order.document_id, same_lines(doc.lines, lines), source_format or channel)
        return None

    def corrections(self, sender: str) -> list[Correction]:
        rows = self.session.scalars(select(CorrectionRow).where(CorrectionRow.sender == sender))
        return [Correction(r.field, r.wrong, r.right, r.times) for r in rows]


def _same_customer(customer_id: int | None, earlier_customer_id: int | None, party: Party | None,
                   earlier: PartyRow | None) -> bool:
    if customer_id is not None and earlier_customer_id is not None:
        return customer_id == earlier_customer_id
    if party is None or earlier is None:
        return False
    for attribute in ("gln", "vat_id", "siret", "siren"):
        mine, theirs = getattr(party, attribute), getattr(earlier, attribute)
        if mine and theirs:
            return mine == theirs
    return bool(party.name and earlier.name and party.name.casefold() == earlier.name.casefold())


def _keys(line) -> set[str]:
    keys = {f"{name}:{value}" for name in ("gtin", "seller_item_id", "buyer_item_id")
            if (value := getattr(line, name))}
    if not keys and line.description:
        keys.add(f"description:{line.description.casefold()}")
    return keys


def same_lines(lines: Sequence[Line], earlier: Sequence) -> bool:
    """Same number of lines, each matching a distinct earlier line on quantity and any item identifier."""
    if len(lines) != len(earlier):
        return False
    remaining = list(earlier)
    for line in lines:
        quantity = Decimal(line.quantity) if line.quantity is not None else None
        for candidate in remaining:
            if candidate.quantity == quantity and _keys(line) & _keys(candidate):
                remaining.remove(candidate)
                break
        else:
            return False
    return True
