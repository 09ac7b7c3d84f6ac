"""The purchase orders and delivery notes the scan samples show, and what each one truly says.

Fictional partners and catalogues of ``samples/edigen/parties.py``; fixed dates and quantities. ``truth`` is
what the generator drew (never what a parser reads): the benchmark and the sample manifest score against it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from edigen.parties import (BIOFRAIS, BIOFRAIS_CATALOGUE, BRASSERIE_SAINT_ELOI, COMPTOIRS_LYONNAIS, DURAND_WAREHOUSE,
                            EPICERIE_DU_MARCHE, FEINKOST_CATALOGUE, FEINKOST_MULLER, HYGIENE_PRO,
                            HYGIENE_PRO_CATALOGUE, MAISON_DURAND, Company, Product)

CENT = Decimal("0.01")
SUPPLIERS = ((BIOFRAIS, BIOFRAIS_CATALOGUE), (HYGIENE_PRO, HYGIENE_PRO_CATALOGUE),
             (FEINKOST_MULLER, FEINKOST_CATALOGUE))
BUYERS = (MAISON_DURAND, EPICERIE_DU_MARCHE, COMPTOIRS_LYONNAIS, BRASSERIE_SAINT_ELOI)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    product: Product
    quantity: Decimal

    @property
    def net(self) -> Decimal:
        return money(self.quantity * self.product.unit_price)


@dataclass(frozen=True)
class ScanDocument:
    kind: str  # "order" or "delivery_note"
    language: str  # "fr" or "en"
    layout: str  # "classic", "modern" or "form" (quantities written by hand)
    number: str
    issued: date
    delivery: date  # requested (orders) or actual (delivery notes)
    seller: Company
    buyer: Company
    ship_to: Company
    items: tuple[Item, ...]
    order_ref: str | None = None  # delivery notes: the order they deliver

    @property
    def net(self) -> Decimal:
        return sum((i.net for i in self.items), Decimal(0))

    @property
    def tax(self) -> Decimal:
        bases: dict[Decimal, Decimal] = {}
        for item in self.items:
            bases[item.product.tax_rate] = bases.get(item.product.tax_rate, Decimal(0)) + item.net
        return sum((money(base * rate / 100) for rate, base in bases.items()), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax

    def truth(self) -> dict:
        """The key fields as canonical JSON would carry them (decimal strings, ISO dates)."""
        order = self.kind == "order"
        return {
            "kind": self.kind, "number": self.number, "issue_date": self.issued.isoformat(),
            "requested_delivery_date" if order else "delivery_date": self.delivery.isoformat(),
            "buyer.gln": self.buyer.gln, "order_ref": None if order else self.order_ref,
            "totals.net": f"{self.net}" if order else None, "totals.gross": f"{self.gross}" if order else None,
            "lines": [{"gtin": i.product.gtin, "seller_item_id": i.product.seller_item_id,
                       "quantity": f"{i.quantity.normalize():f}"} for i in self.items],
        }


def make_document(seed: int, kind: str, language: str, layout: str, items: int = 0) -> ScanDocument:
    """One document drawn at random (but reproducibly) from the catalogues."""
    rng = random.Random(seed)
    seller, catalogue = SUPPLIERS[seed % len(SUPPLIERS)]
    buyer = BUYERS[seed % len(BUYERS)]
    ship_to = DURAND_WAREHOUSE if buyer is MAISON_DURAND else buyer
    count = items or rng.randint(3, min(6, len(catalogue)))
    products = rng.sample(list(catalogue) * 2, count) if count > len(catalogue) else rng.sample(catalogue, count)
    chosen = tuple(Item(p, Decimal(rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 36, 48, 60))))
                   for p in products)
    issued = date(2026, 3, 2) + timedelta(days=rng.randint(0, 60))
    prefix = {"order": "CMD" if language == "fr" else "PO", "delivery_note": "BL" if language == "fr" else "DN"}[kind]
    number = f"{prefix}-2026-{rng.randint(1000, 9899)}"
    order_ref = f"CMD-2026-{rng.randint(1000, 9899)}" if kind == "delivery_note" else None
    return ScanDocument(kind, language, layout, number, issued, issued + timedelta(days=rng.randint(2, 9)), seller,
                        buyer, ship_to, chosen, order_ref)
