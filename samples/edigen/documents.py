"""What a sample says in business terms, before it is written as EDIFACT: orders, invoices, despatch advices.

The amounts are computed here the way a French invoicing system does (line net rounded to the cent,
VAT rounded per rate), so the manifest can state what the parser and validation must find.
Fields named ``*_override`` break a document on purpose.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from edigen.parties import Company, Product

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, kw_only=True)
class Item:
    """One line: a product and a quantity, plus what order responses say about it."""

    product: Product
    quantity: Decimal
    action: str | None = None  # ORDRSP line action (code list 1229): 5 accepted, 3 changed, 7 not accepted
    confirmed: Decimal | None = None  # ORDRSP: the quantity the seller will deliver, when it differs
    gtin_override: str | None = None
    net_override: Decimal | None = None

    @property
    def gtin(self) -> str:
        return self.gtin_override or self.product.gtin

    @property
    def net(self) -> Decimal:
        return self.net_override if self.net_override is not None else money(self.quantity * self.product.unit_price)


def pick_items(rng: random.Random, catalogue: tuple[Product, ...], count: int) -> tuple[Item, ...]:
    """``count`` different products of ``catalogue`` with plausible quantities (kilograms to one decimal)."""
    items = []
    for product in rng.sample(catalogue, count):
        if product.unit == "KGM":
            quantity = Decimal(rng.randint(5, 120)) / 10
        else:
            quantity = Decimal(rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 36, 48)))
        items.append(Item(product=product, quantity=quantity))
    return tuple(items)


@dataclass(frozen=True, kw_only=True)
class Trade:
    """What every business document has: number, date, parties, lines."""

    number: str
    issue_date: date
    seller: Company
    buyer: Company
    items: tuple[Item, ...]
    ship_to: Company | None = None
    currency: str = "EUR"
    cnt_override: int | None = None  # CNT+2 line count, wrong on purpose

    @property
    def line_count(self) -> int:
        return self.cnt_override if self.cnt_override is not None else len(self.items)

    @property
    def net(self) -> Decimal:
        return sum((item.net for item in self.items), Decimal(0))


@dataclass(frozen=True, kw_only=True)
class Order(Trade):
    delivery_date: date
    contract_ref: str | None = None


@dataclass(frozen=True, kw_only=True)
class Invoice(Trade):
    order_ref: str | None = None
    delivery_note_ref: str | None = None
    credit_note: bool = False
    invoice_ref: str | None = None  # the invoice a credit note corrects
    payment_days: int | None = 30  # PAT: due so many days after the invoice date
    due_date: date | None = None  # DTM+13 instead of PAT days
    net_override: Decimal | None = None  # MOA 79 as a faulty sender computes it

    def tax_by_rate(self) -> dict[Decimal, tuple[Decimal, Decimal]]:
        """Rate -> (taxable base, tax), tax rounded per rate as on a French invoice."""
        bases: dict[Decimal, Decimal] = defaultdict(Decimal)
        for item in self.items:
            bases[item.product.tax_rate] += item.net
        return {rate: (base, money(base * rate / 100)) for rate, base in sorted(bases.items())}

    @property
    def stated_net(self) -> Decimal:
        return self.net_override if self.net_override is not None else self.net

    @property
    def tax(self) -> Decimal:
        return sum((tax for _, tax in self.tax_by_rate().values()), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


@dataclass(frozen=True, kw_only=True)
class DespatchAdvice(Trade):
    order_ref: str
    order_date: date
    despatch_date: date
    delivery_date: date
    pallet_serial: int  # the SSCC on the pallet label


@dataclass(frozen=True, kw_only=True)
class OrderResponse(Trade):
    order_ref: str
    order_date: date
    function: str  # BGM 1225: 29 accepted, 4 accepted with changes, 27 not accepted
    delivery_date: date | None = None
