"""Business documents put straight into the order database (through the real loader) for reconciliation tests."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

from pipeline.db.models import Document
from pipeline.load import load_document
from schemas import DeliveryNote, Invoice, Line, Party, PurchaseOrder, Source, Status

SELLER = Party(name="Les Comptoirs Lyonnais", gln="3765432000017")
BUYER = Party(name="Maison Durand SAS", gln="3012345000018")
OTHER = Party(name="Bistrot du Port", gln="3012345000025")
GTIN_A, GTIN_B = "3760000000017", "3760000000024"
DAY = date(2026, 9, 1)


def _load(context, doc) -> None:
    with context.sessions() as session, session.begin():
        sha = hashlib.sha256(f"{doc.kind}:{doc.number}".encode()).hexdigest()
        row = Document(sha256=sha, locator="", source=f"test:{doc.number}", channel="file", kind=doc.kind.value,
                       number=doc.number, state=Status.LOADED.value)
        session.add(row)
        session.flush()
        load_document(session, row.id, doc)


def _source(number: str) -> Source:
    return Source(format="test", sha256=hashlib.sha256(number.encode()).hexdigest())


def order(context, number: str, *lines: tuple[str, str | int, str], day: int = 0, buyer: Party = BUYER) -> None:
    """``lines``: (gtin, quantity, unit price)."""
    _load(context, PurchaseOrder(
        number=number, issue_date=DAY + timedelta(days=day), seller=SELLER, buyer=buyer, source=_source(number),
        lines=tuple(Line(line_no=n, gtin=g, quantity=Decimal(str(q)), unit="C62", unit_price=Decimal(p))
                    for n, (g, q, p) in enumerate(lines, start=1))))


def delivery(context, number: str, order_no: str, *lines: tuple[int, str, str | int], day: int = 2,
             buyer: Party = BUYER, returns: str | None = None) -> None:
    """``lines``: (order line, gtin, quantity)."""
    _load(context, DeliveryNote(
        number=number, issue_date=DAY + timedelta(days=day), delivery_date=DAY + timedelta(days=day), seller=SELLER,
        buyer=buyer, order_ref=order_no, delivery_note_ref=returns, source=_source(number),
        lines=tuple(Line(line_no=n, gtin=g, quantity=Decimal(str(q)), unit="C62", order_ref=order_no,
                         order_line_no=ol) for n, (ol, g, q) in enumerate(lines, start=1))))


def invoice(context, number: str, order_no: str, *lines: tuple[int, str, str | int, str], day: int = 4,
            note: str | None = None, buyer: Party = BUYER, credit: bool = False) -> None:
    """``lines``: (order line, gtin, quantity, unit price)."""
    _load(context, Invoice(
        kind="credit_note" if credit else "invoice", number=number, issue_date=DAY + timedelta(days=day),
        seller=SELLER, buyer=buyer, order_ref=order_no, delivery_note_ref=note, source=_source(number),
        lines=tuple(Line(line_no=n, gtin=g, quantity=Decimal(str(q)), unit="C62", unit_price=Decimal(p),
                         net_amount=(Decimal(str(q)) * Decimal(p)).quantize(Decimal("0.01")), order_ref=order_no,
                         order_line_no=ol) for n, (ol, g, q, p) in enumerate(lines, start=1))))
