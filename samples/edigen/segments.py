"""Message bodies (everything between UNH and UNT) as pydifact segments, the way EANCOM senders write them.

pydifact does the escaping when the segments are serialised, so an apostrophe in a name or a colon
in a description comes out with the release character exactly as a conforming sender would write it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydifact.segments import Segment

from edigen.documents import DespatchAdvice, Invoice, Item, Order, OrderResponse, Trade
from edigen.parties import Company, sscc

TEXT_COMPONENT = 35  # EANCOM an..35 for names and descriptions


def number(value: Decimal, mark: str) -> str:
    """A numeric data element with the interchange's decimal mark (UNA position 3)."""
    return format(value, "f").replace(".", mark)


def dtm(qualifier: str, day: date, with_time: bool = False) -> Segment:
    """DTM in format 102 (CCYYMMDD) or, ``with_time``, 203 (CCYYMMDDHHMM at 08:00)."""
    if with_time:
        return Segment("DTM", [qualifier, f"{day:%Y%m%d}0800", "203"])
    return Segment("DTM", [qualifier, f"{day:%Y%m%d}", "102"])


def split_text(text: str, width: int = TEXT_COMPONENT) -> list[str]:
    """Cut a text at spaces into components of at most ``width`` characters."""
    parts: list[str] = []
    for word in text.split(" "):
        if parts and len(parts[-1]) + 1 + len(word) <= width:
            parts[-1] += " " + word
        else:
            parts.append(word)
    return parts


def party(role: str, company: Company, *, by_gln: bool = True, address: bool = True) -> list[Segment]:
    """NAD for ``role`` with the company's VAT number (RFF+VA) and SIRET (RFF+XA) after it.

    ``by_gln`` False identifies the party by the code its supplier gave it (agency 91), as plain
    EDIFACT senders do; delivery points are often a GLN with no address at all.
    """
    if by_gln or company.customer_code is None:
        ident = [company.gln, "", "9"]
    else:
        ident = [company.customer_code, "", "91"]
    if not address:
        return [Segment("NAD", role, ident)]
    segments = [Segment("NAD", role, ident, "", split_text(company.name), split_text(company.street),
                        company.city, "", company.postal_code, company.country)]
    segments.append(Segment("RFF", ["VA", company.vat_id]))
    if company.siret:
        segments.append(Segment("RFF", ["XA", company.siret]))
    return segments


def line_item(no: int, item: Item, quantity_qualifier: str, mark: str, action: str | None = None) -> list[Segment]:
    """LIN, PIA (supplier's item id), IMD (free-form description) and QTY of one line."""
    product = item.product
    description = split_text(product.description)
    assert len(description) <= 2, f"IMD holds two components of text: {product.description!r} is too long"
    return [
        Segment("LIN", str(no), action or "", [item.gtin, "EN"]),
        Segment("PIA", "5", [product.seller_item_id, "SA"]),
        Segment("IMD", "F", "", ["", "", "", *description]),
        Segment("QTY", [quantity_qualifier, number(item.quantity, mark), product.unit]),
    ]


def price(item: Item, mark: str, basis: int | None = None) -> Segment:
    """PRI+AAA: net unit price, or the price of ``basis`` units (the receiver divides it out)."""
    if basis is None:
        return Segment("PRI", ["AAA", number(item.product.unit_price, mark)])
    return Segment("PRI", ["AAA", number(item.product.unit_price * basis, mark), "", "", str(basis),
                           item.product.unit])


def moa(qualifier: str, amount: Decimal, mark: str) -> Segment:
    return Segment("MOA", [qualifier, number(amount, mark)])


def vat(rate: Decimal, mark: str) -> Segment:
    return Segment("TAX", "7", "VAT", "", "", ["", "", "", number(rate, mark)])


def _header(bgm: Segment, trade: Trade, dates: list[Segment]) -> list[Segment]:
    return [bgm, dtm("137", trade.issue_date), *dates]


def _parties(trade: Trade, seller_first: bool, by_gln: bool = True) -> list[Segment]:
    buyer = party("BY", trade.buyer, by_gln=by_gln)
    seller = party("SU", trade.seller)
    segments = seller + buyer if seller_first else buyer + seller
    if trade.ship_to is not None:
        segments += party("DP", trade.ship_to, address=False)
    return segments


def orders(order: Order, mark: str, *, plain: bool = False, with_time: bool = False) -> list[Segment]:
    """ORDERS: EANCOM by default; ``plain`` D96A names the buyer by its customer code and prices per 10."""
    bgm = Segment("BGM", "220", order.number, "9")
    segments = [bgm, dtm("137", order.issue_date, with_time), dtm("2", order.delivery_date, with_time)]
    if order.contract_ref:
        segments.append(Segment("RFF", ["CT", order.contract_ref]))
    segments += _parties(order, seller_first=False, by_gln=not plain)
    segments.append(Segment("CUX", ["2", order.currency, "9"]))
    for no, item in enumerate(order.items, start=1):
        segments += line_item(no, item, "21", mark)
        # A plain-D96A buyer quotes piece prices per 10 units (PRI basis): the receiver must divide.
        basis = 10 if plain and item.product.unit == "PCE" else None
        segments += [price(item, mark, basis), moa("203", item.net, mark)]
    segments += [Segment("UNS", "S"), moa("79", order.net, mark), Segment("CNT", ["2", str(order.line_count)])]
    return segments


def invoic(invoice: Invoice, mark: str) -> list[Segment]:
    """INVOIC EAN008: lines with MOA 203, PRI, TAX; summary MOA 79/124/77/9, CNT and the VAT breakdown."""
    code = "381" if invoice.credit_note else "380"
    dates = [dtm("13", invoice.due_date)] if invoice.due_date else []
    segments = _header(Segment("BGM", code, invoice.number, "9"), invoice, dates)
    for qualifier, ref in (("ON", invoice.order_ref), ("DQ", invoice.delivery_note_ref), ("IV", invoice.invoice_ref)):
        if ref:
            segments.append(Segment("RFF", [qualifier, ref]))
    segments += _parties(invoice, seller_first=True)
    segments.append(Segment("CUX", ["2", invoice.currency, "4"]))
    if invoice.payment_days is not None and invoice.due_date is None:
        segments.append(Segment("PAT", "1", "", ["5", "3", "D", str(invoice.payment_days)]))
    quantity_qualifier = "61" if invoice.credit_note else "47"
    for no, item in enumerate(invoice.items, start=1):
        segments += line_item(no, item, quantity_qualifier, mark)
        segments += [moa("203", item.net, mark), price(item, mark), vat(item.product.tax_rate, mark)]
    segments += [
        Segment("UNS", "S"),
        Segment("CNT", ["2", str(invoice.line_count)]),
        moa("79", invoice.stated_net, mark),
        moa("124", invoice.tax, mark),
        moa("77", invoice.gross, mark),
        moa("9", invoice.gross, mark),
    ]
    for rate, (base, tax) in invoice.tax_by_rate().items():
        segments += [vat(rate, mark), moa("125", base, mark), moa("124", tax, mark)]
    return segments


def desadv(advice: DespatchAdvice, mark: str) -> list[Segment]:
    """DESADV EAN005: one pallet (CPS 1) holding every line, each line pointing back to its order line."""
    dates = [dtm("11", advice.despatch_date), dtm("17", advice.delivery_date)]
    segments = _header(Segment("BGM", "351", advice.number, "9"), advice, dates)
    segments += [Segment("RFF", ["ON", advice.order_ref]), dtm("171", advice.order_date)]
    segments += _parties(advice, seller_first=True)
    segments += [
        Segment("CPS", "1"),
        Segment("PAC", "1", "", "201"),
        Segment("CPS", "2", "1"),
        Segment("PAC", "1", "", "201"),
        Segment("PCI", "33E"),
        Segment("GIN", "BJ", sscc(advice.seller.gln[:7], advice.pallet_serial)),
    ]
    for no, item in enumerate(advice.items, start=1):
        segments += line_item(no, item, "12", mark)
        segments.append(Segment("RFF", ["ON", advice.order_ref, str(no)]))
    segments.append(Segment("CNT", ["2", str(advice.line_count)]))
    return segments


def ordrsp(response: OrderResponse, mark: str) -> list[Segment]:
    """ORDRSP EAN005: BGM function says the answer to the whole order, LIN action codes the answer per line."""
    dates = [dtm("2", response.delivery_date)] if response.delivery_date else []
    segments = _header(Segment("BGM", "231", response.number, response.function), response, dates)
    segments += [Segment("RFF", ["ON", response.order_ref]), dtm("171", response.order_date)]
    segments += _parties(response, seller_first=False)
    segments.append(Segment("CUX", ["2", response.currency, "9"]))
    for no, item in enumerate(response.items, start=1):
        segments += line_item(no, item, "21", mark, action=item.action)
        if item.confirmed is not None:
            segments.append(Segment("QTY", ["113", number(item.confirmed, mark), item.product.unit]))
        segments.append(price(item, mark))
    segments += [Segment("UNS", "S"), Segment("CNT", ["2", str(response.line_count)])]
    return segments


def aperak(reference: str, day: date, order_ref: str, sender: Company, recipient: Company) -> list[Segment]:
    """APERAK (application error): a message type ADV intake does not map, to be routed by a person."""
    return [
        Segment("BGM", "305", reference, "9"),
        dtm("137", day),
        Segment("RFF", ["ON", order_ref]),
        Segment("NAD", "MS", [sender.gln, "", "9"]),
        Segment("NAD", "MR", [recipient.gln, "", "9"]),
        Segment("ERC", "12"),
        Segment("FTX", "AAO", "", "", split_text("Date de livraison demandée impossible : tournée complète")),
    ]
