"""The intent of a sample's documents, for the manifest: what a correct reader must find in them.

Besides kind, number, line count, net total, status and finding codes, ``content`` lists the values
the message carries (parties, dates, references, every line, the totals), computed from the business
document the sample was written from, never from what our parser makes of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from edigen.documents import DespatchAdvice, Invoice, Item, Order, OrderResponse, Trade
from edigen.parties import Company

Text = Callable[[str], str]
LINE_RESPONSES = {"5": "accepted", "3": "changed", "7": "rejected"}
ORDER_RESPONSES = {"29": "accepted", "4": "changed", "27": "rejected"}


def _same(text: str) -> str:
    return text


def _string(value: Decimal | date | None) -> str | None:
    return None if value is None else (value.isoformat() if isinstance(value, date) else str(value))


@dataclass(frozen=True)
class Intent:
    """One business document a sample carries, and how validation must judge it."""

    kind: str
    number: str | None
    lines: int
    net: Decimal | None
    status: str = "validated"
    codes: tuple[str, ...] = ()
    content: dict | None = field(default=None, compare=False)

    def as_json(self) -> dict:
        return {"kind": self.kind, "number": self.number, "lines": self.lines, "net": _string(self.net),
                "status": self.status, "codes": list(self.codes), "content": self.content}


def kind_of(document: Trade) -> str:
    if isinstance(document, Invoice):
        return "credit_note" if document.credit_note else "invoice"
    if isinstance(document, Order):
        return "order"
    if isinstance(document, DespatchAdvice):
        return "delivery_note"
    return "order_response"


def stated_net(document: Trade) -> Decimal | None:
    """MOA 79 as the message states it: orders and invoices carry it, despatch advices and responses do not."""
    if isinstance(document, Invoice):
        return document.stated_net
    return document.net if isinstance(document, Order) else None


def intent(document: Trade, status: str = "validated", codes: tuple[str, ...] = (), *, text: Text = _same,
           buyer_by_code: bool = False, cut_after_line: int | None = None) -> Intent:
    """The intent of a generated document.

    ``text`` is what the writer did to texts (upper case for UNOA); ``buyer_by_code`` that the buyer was
    named by its customer code instead of its GLN; ``cut_after_line`` that the message breaks off in that
    line, so it has no summary and its content is not stated.
    """
    if cut_after_line is not None:
        return Intent(kind_of(document), document.number, cut_after_line, None, status, codes)
    return Intent(kind_of(document), document.number, len(document.items), stated_net(document), status, codes,
                  _content(document, text, buyer_by_code))


def _party(company: Company, text: Text, by_code: bool = False) -> dict:
    return {"name": text(company.name), "gln": None if by_code else company.gln, "vat_id": company.vat_id,
            "siret": company.siret, "internal_id": company.customer_code if by_code else None}


def _content(document: Trade, text: Text, buyer_by_code: bool) -> dict:
    content: dict = {
        "issue_date": _string(document.issue_date),
        "seller": _party(document.seller, text),
        "buyer": _party(document.buyer, text, buyer_by_code and document.buyer.customer_code is not None),
        "ship_to": {"gln": document.ship_to.gln} if document.ship_to else None,
    }
    content.update(_header(document))
    content["lines"] = [_line(no, item, document, text) for no, item in enumerate(document.items, start=1)]
    content["totals"] = _totals(document)
    return content


def _header(document: Trade) -> dict:
    """The kind-specific header values: currency, references, dates, the response."""
    if isinstance(document, Order):
        return {"currency": document.currency, "contract_ref": document.contract_ref,
                "requested_delivery_date": _string(document.delivery_date)}
    if isinstance(document, Invoice):
        due = document.due_date
        if due is None and document.payment_days is not None:
            due = document.issue_date + timedelta(days=document.payment_days)
        return {"currency": document.currency, "order_ref": document.order_ref,
                "delivery_note_ref": document.delivery_note_ref, "due_date": _string(due)}
    if isinstance(document, DespatchAdvice):
        return {"currency": None, "order_ref": document.order_ref, "delivery_date": _string(document.delivery_date)}
    assert isinstance(document, OrderResponse)
    return {"currency": document.currency, "order_ref": document.order_ref,
            "requested_delivery_date": _string(document.delivery_date),
            "response": ORDER_RESPONSES[document.function]}


def _line(no: int, item: Item, document: Trade, text: Text) -> dict:
    product = item.product
    priced = not isinstance(document, DespatchAdvice)
    amounted = isinstance(document, (Order, Invoice))
    line = {
        "line_no": no, "gtin": item.gtin, "seller_item_id": product.seller_item_id,
        "description": text(product.description),
        "quantity": _string(item.confirmed if item.confirmed is not None else item.quantity),
        "unit": product.unit,
        "unit_price": _string(product.unit_price) if priced else None,
        "net_amount": _string(item.net) if amounted else None,
        "tax_rate": _string(product.tax_rate) if isinstance(document, Invoice) else None,
    }
    if isinstance(document, DespatchAdvice):
        line.update(order_ref=document.order_ref, order_line_no=no)
    if isinstance(document, OrderResponse):
        line["response"] = LINE_RESPONSES[item.action or "5"]
    return line


def _totals(document: Trade) -> dict:
    if isinstance(document, Invoice):
        return {"net": _string(document.stated_net), "tax": _string(document.tax),
                "gross": _string(document.gross), "payable": _string(document.gross)}
    return {"net": _string(stated_net(document)), "tax": None, "gross": None, "payable": None}
