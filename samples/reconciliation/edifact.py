"""The month's documents as EANCOM-like D96A interchanges (ORDERS, DESADV, INVOIC), one file per document.

The segments are the subset parsers/edifact_mapping.py reads: BGM, DTM 137/2/11/17, RFF ON/DQ (and ON with
the order line at line level), NAD BY/SU with GLN (agency 9) and VAT, CUX, PAT, LIN with GTIN (EN), PIA SA,
IMD, QTY 21/12/47/61, PRI AAA, MOA 203, TAX, UNS, MOA 79/124/77/9, CNT 2. pydifact escapes the values.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from month import SELLER, Company, Document, Line, money
from pydifact.segments import Segment
from pydifact.serializer import Serializer

UNA = ":+.? '"


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def _dtm(qualifier: str, day) -> Segment:
    return Segment("DTM", [qualifier, f"{day:%Y%m%d}", "102"])


def _party(role: str, company: Company) -> list[Segment]:
    return [Segment("NAD", role, [company.gln, "", "9"], "", company.name, "", company.city, "", company.postal_code,
                    "FR"),
            Segment("RFF", ["VA", company.vat_id])]


def _item(no: int, line: Line, qualifier: str) -> list[Segment]:
    product = line.product
    segments = [Segment("LIN", str(no), "", [product.gtin, "EN"]) if line.gtin else Segment("LIN", str(no))]
    if line.gtin:
        segments.append(Segment("PIA", "5", [product.seller_item_id, "SA"]))
    segments.append(Segment("IMD", "F", "", ["", "", "", product.description[:35]]))
    segments.append(Segment("QTY", [qualifier, _n(line.quantity), line.unit]))
    return segments


def _line_ref(line: Line) -> list[Segment]:
    if line.order_ref is None:
        return []
    return [Segment("RFF", ["ON", line.order_ref, str(line.order_line)] if line.order_line else ["ON", line.order_ref])]


def orders(doc: Document) -> list[Segment]:
    segments = [Segment("BGM", "220", doc.number, "9"), _dtm("137", doc.day), _dtm("2", doc.delivery_day),
                *_party("BY", doc.buyer), *_party("SU", SELLER), Segment("CUX", ["2", "EUR", "9"])]
    for no, line in enumerate(doc.lines, start=1):
        segments += [*_item(no, line, "21"), Segment("PRI", ["AAA", _n(line.price)]), Segment("MOA", ["203", _n(line.net)])]
    total = sum((line.net for line in doc.lines), Decimal(0))
    return [*segments, Segment("UNS", "S"), Segment("MOA", ["79", _n(total)]),
            Segment("CNT", ["2", str(len(doc.lines))])]


def desadv(doc: Document) -> list[Segment]:
    segments = [Segment("BGM", "351", doc.number, "9"), _dtm("137", doc.day), _dtm("11", doc.day),
                _dtm("17", doc.delivery_day), Segment("RFF", ["ON", doc.order_ref])]
    if doc.note_ref:  # a return: the delivery note it takes goods back from
        segments.append(Segment("RFF", ["DQ", doc.note_ref]))
    segments += [*_party("SU", SELLER), *_party("BY", doc.buyer), Segment("CPS", "1")]
    for no, line in enumerate(doc.lines, start=1):
        segments += [*_item(no, line, "12"), *_line_ref(line)]
    return [*segments, Segment("CNT", ["2", str(len(doc.lines))])]


def invoic(doc: Document) -> list[Segment]:
    credit = doc.kind == "credit_note"
    segments = [Segment("BGM", "381" if credit else "380", doc.number, "9"), _dtm("137", doc.day)]
    for qualifier, ref in (("ON", doc.order_ref), ("DQ", doc.note_ref)):
        if ref:
            segments.append(Segment("RFF", [qualifier, ref]))
    segments += [*_party("SU", SELLER), *_party("BY", doc.buyer), Segment("CUX", ["2", "EUR", "4"]),
                 Segment("PAT", "1", "", ["5", "3", "D", "30"])]
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for no, line in enumerate(doc.lines, start=1):
        rate = line.product.tax_rate
        bases[rate] += line.net
        segments += [*_item(no, line, "61" if credit else "47"), Segment("MOA", ["203", _n(line.net)]),
                     Segment("PRI", ["AAA", _n(line.price)]), *_line_ref(line),
                     Segment("TAX", "7", "VAT", "", "", ["", "", "", _n(rate)])]
    net = sum(bases.values(), Decimal(0))
    taxes = {rate: money(base * rate / 100) for rate, base in sorted(bases.items())}
    tax = sum(taxes.values(), Decimal(0))
    segments += [Segment("UNS", "S"), Segment("CNT", ["2", str(len(doc.lines))]), Segment("MOA", ["79", _n(net)]),
                 Segment("MOA", ["124", _n(tax)]), Segment("MOA", ["77", _n(net + tax)]),
                 Segment("MOA", ["9", _n(net + tax)])]
    for rate, amount in taxes.items():
        segments += [Segment("TAX", "7", "VAT", "", "", ["", "", "", _n(rate)]),
                     Segment("MOA", ["125", _n(bases[rate])]), Segment("MOA", ["124", _n(amount)])]
    return segments


MESSAGES = {"order": ("ORDERS:D:96A:UN:EAN008", orders), "delivery_note": ("DESADV:D:96A:UN:EAN005", desadv),
            "invoice": ("INVOIC:D:96A:UN:EAN008", invoic), "credit_note": ("INVOIC:D:96A:UN:EAN008", invoic)}


def interchange(doc: Document, ref: str) -> bytes:
    """One interchange holding one message for ``doc``; sender and recipient as the trade goes."""
    message_type, body = MESSAGES[doc.kind]
    sender, recipient = (doc.buyer, SELLER) if doc.kind == "order" else (SELLER, doc.buyer)
    segments = body(doc)
    text = Serializer().serialize(segments, with_una_header=False, break_lines=True)
    lines = [f"UNA{UNA}", f"UNB+UNOC:3+{sender.gln}:14+{recipient.gln}:14+{doc.day:%y%m%d}:0800+{ref}'",
             f"UNH+1+{message_type}'", text.strip(), f"UNT+{len(segments) + 2}+1'", f"UNZ+1+{ref}'"]
    return ("\n".join(lines) + "\n").encode("latin-1")
