"""A month of trade between one seller and its customers, with the reconciliation outcome it must give.

The story is written case by case: most orders are delivered and invoiced as they should be (some in
partial deliveries, some invoiced together), a few exercise what the engine must handle without flagging
anything (cartons against pieces, returns credited, over-billing corrected by a credit note, invoices
naming nothing but the item, tolerances), and a few carry one discrepancy of each kind, injected at a known
place. Each case states the result rows it must produce, keyed by document and line numbers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from stdnum import ean, luhn
from stdnum.fr import siren as fr_siren

SEED = 20261101
START = date(2026, 9, 1)  # far enough back that no order counts as recent (REQUESTED_DATE_PAST)
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def gln(body: str) -> str:
    return body + ean.calc_check_digit(body)


@dataclass(frozen=True)
class Company:
    name: str
    gln: str
    siren: str
    city: str
    postal_code: str

    @property
    def vat_id(self) -> str:
        return "FR" + fr_siren.to_tva(self.siren)


def _company(name: str, gln_body: str, siren_body: str, city: str, postal_code: str) -> Company:
    return Company(name, gln(gln_body), siren_body + luhn.calc_check_digit(siren_body), city, postal_code)


SELLER = _company("Les Comptoirs Lyonnais", "376543200001", "51234567", "Lyon", "69007")
CUSTOMERS = {
    "durand": _company("Maison Durand SAS", "301234500001", "40303265", "Lyon", "69002"),
    "bistrot": _company("Bistrot du Port", "301234500018", "41256378", "Marseille", "13002"),
    "cantine": _company("Cantine Centrale", "301234500025", "42187654", "Grenoble", "38000"),
    "epicerie": _company("Épicerie Fine Morel", "301234500032", "43298765", "Annecy", "74000"),
    "traiteur": _company("Traiteur Vidal", "301234500049", "44309876", "Valence", "26000"),
}


@dataclass(frozen=True)
class Product:
    key: str
    gtin: str
    seller_item_id: str
    description: str
    unit: str  # the unit it is ordered in
    price: Decimal  # per that unit
    tax_rate: Decimal
    per_carton: int | None = None  # sold by the carton too: pieces in one


def _product(key: str, body: str, item: str, description: str, unit: str, price: str, tax: str,
             per_carton: int | None = None) -> Product:
    return Product(key, gln(body), item, description, unit, Decimal(price), Decimal(tax), per_carton)


PRODUCTS = {p.key: p for p in (
    _product("gants", "376000000101", "GN-204", "Gants nitrile taille M boite de 100", "PCE", "4.50", "20", 12),
    _product("huile", "376000000102", "HO-100", "Huile d'olive vierge extra 1 L", "PCE", "8.25", "5.5", 6),
    _product("farine", "376000000103", "FA-T65", "Farine de blé T65 sac 25 kg", "PCE", "18.90", "5.5"),
    _product("sel", "376000000104", "SE-GR1", "Sel de Guérande gros 1 kg", "PCE", "2.35", "5.5", 12),
    _product("cafe", "376000000105", "CF-ARA", "Café arabica en grains 1 kg", "PCE", "16.40", "5.5"),
    _product("serviettes", "376000000106", "SV-ECO", "Serviettes papier écru 39x39 x500", "PCE", "11.80", "20"),
    _product("beurre", "376000000107", "BE-DOUX", "Beurre doux AOP 250 g", "PCE", "2.95", "5.5", 20),
    _product("comte", "376000000108", "FR-CMT", "Comté AOP 18 mois à la coupe", "KGM", "21.40", "5.5"),
    _product("tomates", "376000000109", "LG-TOM", "Tomates grappe France cat. 1", "KGM", "3.10", "5.5"),
    _product("vin", "376000000110", "VN-CDR", "Côtes du Rhône rouge 75 cl", "PCE", "6.70", "20", 6),
    _product("eau", "376000000111", "EA-PET", "Eau minérale plate 1,5 L", "PCE", "0.48", "5.5", 6),
    _product("liquide", "376000000112", "LV-5L", "Liquide vaisselle concentré 5 L", "PCE", "9.60", "20"),
)}


@dataclass
class Line:
    product: Product
    quantity: Decimal
    unit: str
    price: Decimal | None = None  # per ``unit``; delivery lines have none
    order_ref: str | None = None  # RFF+ON at line level ...
    order_line: int | None = None  # ... with the order line number
    gtin: bool = True  # False: the line names no item at all (description only)

    @property
    def net(self) -> Decimal:
        return money(self.quantity * (self.price or Decimal(0)))


@dataclass
class Document:
    kind: str  # order, delivery_note, invoice, credit_note
    number: str
    day: date
    buyer: Company
    lines: list[Line] = field(default_factory=list)
    order_ref: str | None = None  # header RFF+ON
    note_ref: str | None = None  # header RFF+DQ: invoices, the delivery note billed; returns, the note returned
    delivery_day: date | None = None


@dataclass(frozen=True)
class Expected:
    """One result row the month must produce."""

    outcome: str
    order_no: str | None
    order_line: int | None
    note_no: str | None
    note_line: int | None
    invoice_no: str | None
    invoice_line: int | None
    case: str


@dataclass
class Month:
    documents: list[Document] = field(default_factory=list)
    expected: list[Expected] = field(default_factory=list)
    tolerances: list[dict] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def number(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}-2609{self.counters[prefix]:03d}"

    def expect(self, outcome: str, case: str, order: Document | None = None, order_line: int | None = None,
               note: Document | None = None, note_line: int | None = None, invoice: Document | None = None,
               invoice_line: int | None = None) -> None:
        self.expected.append(Expected(outcome, order and order.number, order_line, note and note.number, note_line,
                                      invoice and invoice.number, invoice_line, case))

    # -- documents ---------------------------------------------------------------------------------

    def order(self, day: int, buyer: str, *items: tuple[str, int | str]) -> Document:
        """An order on day ``day`` of the month for (product, quantity in its unit) items."""
        doc = Document("order", self.number("PO"), START + timedelta(days=day), CUSTOMERS[buyer],
                       delivery_day=START + timedelta(days=day + 3))
        for key, qty in items:
            product = PRODUCTS[key]
            doc.lines.append(Line(product, Decimal(str(qty)), product.unit, product.price))
        self.documents.append(doc)
        return doc

    def deliver(self, order: Document, day: int, *parts: tuple[int, int | str | None], unit: str | None = None,
                returns: Document | None = None) -> Document:
        """A delivery note (or, with ``returns``, a return note) for (order line, quantity) parts; a quantity of
        None is the ordered one."""
        prefix = "RET" if returns else "DN"
        doc = Document("delivery_note", self.number(prefix), order.day + timedelta(days=day), order.buyer,
                       order_ref=order.number, note_ref=returns and returns.number,
                       delivery_day=order.day + timedelta(days=day))
        for line_no, qty in parts:
            ordered = order.lines[line_no - 1]
            quantity = ordered.quantity if qty is None else Decimal(str(qty))
            doc.lines.append(Line(ordered.product, quantity, unit or ordered.unit, None, order.number, line_no))
        self.documents.append(doc)
        return doc

    def invoice(self, day_after: Document, days: int, lines: list[Line], *, note: Document | None = None,
                order: Document | None = None, credit: bool = False) -> Document:
        doc = Document("credit_note" if credit else "invoice", self.number("AV" if credit else "FA"),
                       day_after.day + timedelta(days=days), day_after.buyer, order_ref=order and order.number,
                       note_ref=note and note.number, lines=lines)
        self.documents.append(doc)
        return doc

    @staticmethod
    def bill(order: Document, line_no: int, qty: int | str | None = None, price: str | None = None,
             unit: str | None = None, refs: bool = True) -> Line:
        """An invoice line for order line ``line_no``: the ordered quantity and price unless told otherwise."""
        ordered = order.lines[line_no - 1]
        quantity = ordered.quantity if qty is None else Decimal(str(qty))
        return Line(ordered.product, quantity, unit or ordered.unit,
                    Decimal(price) if price is not None else ordered.price,
                    order.number if refs else None, line_no if refs else None)

    def invoice_note(self, note: Document, order: Document, days: int = 2, **changes) -> Document:
        """The invoice of a delivery note, naming it, billing each of its lines as delivered (``changes``:
        line number -> (quantity, price) to bill otherwise)."""
        lines = []
        for d in note.lines:
            qty, price = changes.get(f"line{d.order_line}", (None, None))
            lines.append(self.bill(order, d.order_line, d.quantity if qty is None else qty, price, d.unit)
                         if d.unit == order.lines[d.order_line - 1].unit else
                         Line(d.product, Decimal(str(qty)) if qty is not None else d.quantity, d.unit,
                              Decimal(price) if price else d.product.price * (d.product.per_carton or 1),
                              order.number, d.order_line))
        return self.invoice(note, days, lines, note=note, order=order)


def build() -> Month:
    """The month: every case, in the order of the story."""
    month = Month()
    rng = random.Random(SEED)
    plain_cases(month, rng)
    special_cases(month)
    discrepancies(month)
    return month


def plain_cases(month: Month, rng: random.Random) -> None:
    """Orders delivered in one note (or, one in three, two: the back order later) and invoiced note by note."""
    # Serviettes and liquide vaisselle stay out, so that the invoice naming only its items (special_cases) has
    # exactly one order it can belong to.
    keys = sorted(set(PRODUCTS) - {"serviettes", "liquide"})
    buyers = sorted(CUSTOMERS)
    for n in range(20):
        items = [(key, rng.choice((2, 3, 4, 6, 10, 12, 20, 24)) if PRODUCTS[key].unit != "KGM"
                  else rng.choice(("2.5", "4", "6.2"))) for key in rng.sample(keys, rng.randint(1, 4))]
        order = month.order(rng.randint(0, 18), buyers[n % len(buyers)], *items)
        if n % 3 == 0 and order.lines[0].unit != "KGM" and order.lines[0].quantity > 2:
            first = order.lines[0].quantity // 2
            rest = order.lines[0].quantity - first
            note1 = month.deliver(order, 2, (1, first), *((i, None) for i in range(2, len(order.lines) + 1)))
            note2 = month.deliver(order, 9, (1, rest))  # the back order
            for note in (note1, note2):
                invoice = month.invoice_note(note, order)
                for i, d in enumerate(note.lines, start=1):
                    month.expect("matched", "partial delivery, back order later", order, d.order_line, note, i,
                                 invoice, i)
        else:
            note = month.deliver(order, 2, *((i, None) for i in range(1, len(order.lines) + 1)))
            invoice = month.invoice_note(note, order)
            for i, d in enumerate(note.lines, start=1):
                month.expect("matched", "delivered and invoiced as ordered", order, d.order_line, note, i, invoice, i)


def special_cases(month: Month) -> None:
    """What must match although it does not look alike."""
    # One invoice for two orders delivered separately: no delivery note named, line references only.
    a = month.order(3, "bistrot", ("cafe", 6), ("sel", 12))
    b = month.order(5, "bistrot", ("vin", 12))
    note_a, note_b = month.deliver(a, 2, (1, None), (2, None)), month.deliver(b, 1, (1, None))
    grouped = month.invoice(note_b, 3, [month.bill(a, 1), month.bill(a, 2), month.bill(b, 1)])
    month.expect("matched", "grouped invoice", a, 1, note_a, 1, grouped, 1)
    month.expect("matched", "grouped invoice", a, 2, note_a, 2, grouped, 2)
    month.expect("matched", "grouped invoice", b, 1, note_b, 1, grouped, 3)

    # One invoice line for two partial deliveries of the same order line.
    c = month.order(4, "cantine", ("farine", 10))
    part1, part2 = month.deliver(c, 2, (1, 6)), month.deliver(c, 8, (1, 4))
    both = month.invoice(part2, 2, [month.bill(c, 1)], order=c)
    month.expect("matched", "one invoice line, two partial deliveries", c, 1, part1, 1, both, 1)
    month.expect("matched", "one invoice line, two partial deliveries", c, 1, part2, 1, both, 1)

    # Ordered in pieces, delivered and invoiced in cartons of 12 (pack size in reconciliation.toml).
    d = month.order(6, "durand", ("gants", 24))
    cartons = month.deliver(d, 2, (1, 2), unit="CT")
    invoice = month.invoice_note(cartons, d)  # 2 CT at 12 x 4.50
    month.expect("matched", "cartons against pieces", d, 1, cartons, 1, invoice, 1)

    # A return credited: 2 of 10 sent back, a return note naming the delivery note, a credit note naming the return.
    e = month.order(7, "epicerie", ("huile", 10))
    note = month.deliver(e, 2, (1, None))
    invoice = month.invoice_note(note, e)
    back = month.deliver(e, 6, (1, 2), returns=note)
    credit = month.invoice(back, 1, [month.bill(e, 1, 2)], note=back, order=e, credit=True)
    month.expect("matched", "return credited", e, 1, note, 1, invoice, 1)
    month.expect("matched", "return credited", e, 1, back, 1, credit, 1)

    # Over-billing corrected by a credit note (the dispute a person opened is settled by it).
    f = month.order(8, "traiteur", ("beurre", 40))
    note = month.deliver(f, 2, (1, 38))
    invoice = month.invoice_note(note, f, line1=(40, None))
    credit = month.invoice(invoice, 4, [month.bill(f, 1, 2)], order=f, credit=True)
    month.expect("matched", "over-billing corrected by a credit note", f, 1, note, 1, invoice, 1)
    month.expect("matched", "over-billing corrected by a credit note", f, 1, None, None, credit, 1)

    # An invoice that names nothing: no order, no delivery note, lines with the GTIN only.
    g = month.order(9, "cantine", ("serviettes", 5), ("liquide", 3))
    note = month.deliver(g, 2, (1, None), (2, None))
    bare = month.invoice(note, 2, [month.bill(g, 1, refs=False), month.bill(g, 2, refs=False)])
    month.expect("matched", "invoice with items only", g, 1, note, 1, bare, 1)
    month.expect("matched", "invoice with items only", g, 2, note, 2, bare, 2)

    # Tolerances: Épicerie Fine Morel accepts prices within 2 %; Traiteur Vidal weights within 0.2 kg.
    month.tolerances += [{"party": CUSTOMERS["epicerie"].gln, "price_pct": "2", "note": "contract 2026, art. 4"},
                         {"party": CUSTOMERS["traiteur"].gln, "quantity_abs": "0.2", "note": "weighed at delivery"}]
    h = month.order(10, "epicerie", ("cafe", 10))
    note = month.deliver(h, 2, (1, None))
    invoice = month.invoice_note(note, h, line1=(None, "16.56"))  # +0.98 %
    month.expect("matched", "price within the customer's 2 %", h, 1, note, 1, invoice, 1)
    k = month.order(11, "traiteur", ("comte", "10"))
    note = month.deliver(k, 2, (1, "10"))
    invoice = month.invoice_note(note, k, line1=("10.1", None))
    month.expect("matched", "weight within the customer's 0.2 kg", k, 1, note, 1, invoice, 1)


def discrepancies(month: Month) -> None:
    """One or more of each kind, at known places."""
    q = "quantity_difference"
    o1 = month.order(12, "durand", ("cafe", 10), ("sel", 6))
    note = month.deliver(o1, 2, (1, None), (2, None))
    invoice = month.invoice_note(note, o1, line1=(12, None))
    month.expect(q, "billed more than delivered", o1, 1, note, 1, invoice, 1)
    month.expect("matched", "billed more than delivered (other line)", o1, 2, note, 2, invoice, 2)

    o2 = month.order(13, "bistrot", ("vin", 24))
    note = month.deliver(o2, 2, (1, 24))
    invoice = month.invoice_note(note, o2, line1=(18, None))
    month.expect(q, "billed less than delivered", o2, 1, note, 1, invoice, 1)

    o3 = month.order(14, "cantine", ("eau", 36))
    note = month.deliver(o3, 2, (1, 6), unit="CT")  # 6 cartons of 6
    invoice = month.invoice_note(note, o3, line1=(7, None))  # 7 cartons billed
    month.expect(q, "one carton too many billed", o3, 1, note, 1, invoice, 1)

    p = "price_difference"
    p1 = month.order(12, "traiteur", ("farine", 4), ("huile", 6))
    note = month.deliver(p1, 2, (1, None), (2, None))
    invoice = month.invoice_note(note, p1, line2=(None, "8.95"))
    month.expect("matched", "price above the order (quantities)", p1, 1, note, 1, invoice, 1)
    month.expect("matched", "price above the order (quantities)", p1, 2, note, 2, invoice, 2)
    month.expect(p, "price above the order", p1, 2, None, None, invoice, 2)
    p2 = month.order(15, "durand", ("liquide", 5))
    note = month.deliver(p2, 2, (1, None))
    invoice = month.invoice_note(note, p2, line1=(None, "9.10"))
    month.expect("matched", "price below the order (quantities)", p2, 1, note, 1, invoice, 1)
    month.expect(p, "price below the order", p2, 1, None, None, invoice, 1)
    p3 = month.order(16, "epicerie", ("comte", "3"))
    note = month.deliver(p3, 2, (1, None))
    invoice = month.invoice_note(note, p3, line1=(None, "22.50"))  # +5.1 %, beyond the customer's 2 %
    month.expect("matched", "price beyond the customer's tolerance (quantities)", p3, 1, note, 1, invoice, 1)
    month.expect(p, "price beyond the customer's tolerance", p3, 1, None, None, invoice, 1)

    i = "invoiced_not_delivered"
    i1 = month.order(15, "cantine", ("cafe", 4), ("beurre", 20))
    note = month.deliver(i1, 2, (1, None))  # the butter never left
    invoice = month.invoice(note, 2, [month.bill(i1, 1), month.bill(i1, 2)], note=note, order=i1)
    month.expect("matched", "billed a line never delivered (other line)", i1, 1, note, 1, invoice, 1)
    month.expect(i, "billed a line never delivered", i1, 2, None, None, invoice, 2)
    i2 = month.order(17, "bistrot", ("tomates", "12"), ("sel", 24))
    invoice = month.invoice(i2, 5, [month.bill(i2, 1), month.bill(i2, 2)], order=i2)  # nothing delivered at all
    month.expect(i, "billed an order never delivered", i2, 1, None, None, invoice, 1)
    month.expect(i, "billed an order never delivered", i2, 2, None, None, invoice, 2)

    d = "delivered_not_invoiced"
    d1 = month.order(16, "traiteur", ("serviettes", 10), ("eau", 12))
    note = month.deliver(d1, 2, (1, None), (2, None))  # never invoiced
    month.expect(d, "delivery note never invoiced", d1, 1, note, 1)
    month.expect(d, "delivery note never invoiced", d1, 2, note, 2)
    d2 = month.order(17, "epicerie", ("farine", 2), ("cafe", 3))
    note = month.deliver(d2, 2, (1, None), (2, None))
    invoice = month.invoice(note, 2, [month.bill(d2, 1)], note=note, order=d2)  # forgets the coffee
    month.expect("matched", "a delivered line left off the invoice (other line)", d2, 1, note, 1, invoice, 1)
    month.expect(d, "a delivered line left off the invoice", d2, 2, note, 2)
    d3 = month.order(4, "durand", ("vin", 12))
    note = month.deliver(d3, 2, (1, None))
    invoice = month.invoice_note(note, d3)
    back = month.deliver(d3, 8, (1, 2), returns=note)  # two bottles corked, sent back; no credit note yet
    month.expect("matched", "return not credited (the delivery)", d3, 1, note, 1, invoice, 1)
    month.expect(d, "return not credited", d3, 1, back, 1)

    n = "ordered_not_delivered"
    n1 = month.order(18, "cantine", ("comte", "5"), ("tomates", "8"))
    month.expect(n, "order neither delivered nor invoiced", n1, 1)
    month.expect(n, "order neither delivered nor invoiced", n1, 2)
    n2 = month.order(14, "bistrot", ("cafe", 3), ("liquide", 2))
    note = month.deliver(n2, 2, (1, None))
    invoice = month.invoice_note(note, n2)
    month.expect("matched", "one line neither delivered nor invoiced (other line)", n2, 1, note, 1, invoice, 1)
    month.expect(n, "one line neither delivered nor invoiced", n2, 2)

    # A line nobody can identify: the invoice names no item and no reference, only a description. Nothing ties
    # it, so it and the delivery it bills are flagged, with a proposal naming the order line.
    u = month.order(18, "durand", ("serviettes", 8))
    note = month.deliver(u, 2, (1, None))
    vague = Line(PRODUCTS["serviettes"], Decimal(8), "PCE", PRODUCTS["serviettes"].price, gtin=False)
    invoice = month.invoice(note, 2, [vague])
    month.expect(i, "an invoice line naming nothing (proposal given)", None, None, None, None, invoice, 1)
    month.expect(d, "its delivery, therefore unbilled (proposal given)", u, 1, note, 1)
