"""The business documents the samples carry: a few weeks of trade between fictional French and German firms.

They tell one story where it matters for reconciliation: L'Épicerie du Marché orders from BioFrais,
BioFrais ships it (DESADV), invoices it and later credits a return. Line picks and quantities come from
a random generator seeded per document, so adding a document never changes the others.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

from edigen.documents import DespatchAdvice, Invoice, Item, Order, OrderResponse, pick_items
from edigen.parties import (
    BIOFRAIS,
    BIOFRAIS_CATALOGUE,
    BIOFRAIS_EGGS,
    BRASSERIE_SAINT_ELOI,
    COMPTOIRS_LYONNAIS,
    DURAND_WAREHOUSE,
    EPICERIE_DU_MARCHE,
    EPICERIE_SHOP,
    FEINKOST_CATALOGUE,
    FEINKOST_MULLER,
    HYGIENE_PRO,
    HYGIENE_PRO_CATALOGUE,
    MAISON_DURAND,
)

SEED = 20251103


def rng(key: str) -> random.Random:
    """A generator of its own for each document (string seeds are hashed with SHA-512: stable everywhere)."""
    return random.Random(f"{SEED}:{key}")


def _nov(day: int) -> date:
    return date(2025, 11, day)


# -- L'Épicerie du Marché and BioFrais: order, despatch, invoice, credit note -------------------------

EPICERIE_ORDER = Order(
    number="EPM-PO-004512", issue_date=_nov(3), delivery_date=_nov(6), buyer=EPICERIE_DU_MARCHE, seller=BIOFRAIS,
    ship_to=EPICERIE_SHOP, contract_ref="CTR-BF-2025-07",
    items=pick_items(rng("epicerie-order"), BIOFRAIS_CATALOGUE, 4),
)
EPICERIE_DESPATCH = DespatchAdvice(
    number="BL25-033017", issue_date=_nov(5), despatch_date=_nov(5), delivery_date=_nov(6),
    order_ref=EPICERIE_ORDER.number, order_date=EPICERIE_ORDER.issue_date, seller=BIOFRAIS,
    buyer=EPICERIE_DU_MARCHE, ship_to=EPICERIE_SHOP, items=EPICERIE_ORDER.items, pallet_serial=33017,
)
EPICERIE_INVOICE = Invoice(
    number="FA25-004871", issue_date=_nov(6), seller=BIOFRAIS, buyer=EPICERIE_DU_MARCHE, ship_to=EPICERIE_SHOP,
    order_ref=EPICERIE_ORDER.number, delivery_note_ref=EPICERIE_DESPATCH.number, items=EPICERIE_ORDER.items,
)
# Part of the first line came back damaged.
_returned = EPICERIE_ORDER.items[0]
EPICERIE_CREDIT_NOTE = Invoice(
    number="AV25-000318", issue_date=_nov(12), seller=BIOFRAIS, buyer=EPICERIE_DU_MARCHE, credit_note=True,
    invoice_ref=EPICERIE_INVOICE.number, order_ref=EPICERIE_ORDER.number, payment_days=None,
    items=(replace(_returned, quantity=min(_returned.quantity, Decimal(2))),),
)

# -- Maison Durand -------------------------------------------------------------------------------------

DURAND_ORDER = Order(
    number="MD2025-118734", issue_date=_nov(4), delivery_date=_nov(7), buyer=MAISON_DURAND, seller=BIOFRAIS,
    ship_to=DURAND_WAREHOUSE,
    items=(*pick_items(rng("durand-order"), BIOFRAIS_CATALOGUE, 3), Item(product=BIOFRAIS_EGGS, quantity=Decimal(30))),
)
DURAND_ACCEPTED = OrderResponse(
    number="AR-118734", issue_date=_nov(4), order_ref=DURAND_ORDER.number, order_date=DURAND_ORDER.issue_date,
    function="29", delivery_date=_nov(7), seller=BIOFRAIS, buyer=MAISON_DURAND,
    items=tuple(replace(item, action="5") for item in DURAND_ORDER.items),
)
# Sent with a decimal comma (UNA:+,? '): 12,5 kilograms of Comté and two other lines.
_COMTE = next(p for p in BIOFRAIS_CATALOGUE if p.seller_item_id == "BF-COMTE18")
DURAND_CHEESE_ORDER = Order(
    number="MD2025-118902", issue_date=_nov(10), delivery_date=_nov(13), buyer=MAISON_DURAND, seller=BIOFRAIS,
    ship_to=DURAND_WAREHOUSE,
    items=(Item(product=_COMTE, quantity=Decimal("12.5")),
           *pick_items(rng("durand-cheese"), tuple(p for p in BIOFRAIS_CATALOGUE if p is not _COMTE), 2)),
)
DURAND_CHEESE_INVOICE = Invoice(
    number="FA25-004935", issue_date=_nov(13), seller=BIOFRAIS, buyer=MAISON_DURAND, ship_to=DURAND_WAREHOUSE,
    order_ref=DURAND_CHEESE_ORDER.number, items=DURAND_CHEESE_ORDER.items,
)
DURAND_SUPPLIES_ORDER = Order(
    number="MD2025-118760", issue_date=_nov(5), delivery_date=_nov(12), buyer=MAISON_DURAND, seller=HYGIENE_PRO,
    ship_to=DURAND_WAREHOUSE, items=pick_items(rng("durand-supplies"), HYGIENE_PRO_CATALOGUE, 3),
)
DURAND_SUPPLIES_DESPATCH = DespatchAdvice(
    number="HP-BL-778120", issue_date=_nov(11), despatch_date=_nov(11), delivery_date=_nov(12),
    order_ref=DURAND_SUPPLIES_ORDER.number, order_date=DURAND_SUPPLIES_ORDER.issue_date, seller=HYGIENE_PRO,
    buyer=MAISON_DURAND, ship_to=DURAND_WAREHOUSE, items=DURAND_SUPPLIES_ORDER.items, pallet_serial=778120,
)


def _hygiene_invoice(i: int) -> Invoice:
    """Hygiène Pro's invoices to Maison Durand of 14 November; the first bills the supplies order above."""
    items = DURAND_SUPPLIES_ORDER.items if i == 0 else pick_items(rng(f"hygiene-invoice-{i}"), HYGIENE_PRO_CATALOGUE, i)
    return Invoice(number=f"HP-F-2025-{1201 + i}", issue_date=_nov(14), seller=HYGIENE_PRO, buyer=MAISON_DURAND,
                   order_ref=f"MD2025-1187{60 + i}", items=items,
                   due_date=_nov(30) if i == 1 else None)  # this one states its due date (DTM+13), not terms


HYGIENE_PRO_INVOICES = tuple(_hygiene_invoice(i) for i in range(3))

# -- Les Comptoirs Lyonnais ------------------------------------------------------------------------------

COMPTOIRS_SUPPLIES_ORDER = Order(
    number="CL/25/00912", issue_date=_nov(5), delivery_date=_nov(10), buyer=COMPTOIRS_LYONNAIS, seller=HYGIENE_PRO,
    items=pick_items(rng("comptoirs-supplies"), HYGIENE_PRO_CATALOGUE, 3),
)
COMPTOIRS_CHANGED = OrderResponse(
    number="HP-AR-00912", issue_date=_nov(6), order_ref=COMPTOIRS_SUPPLIES_ORDER.number,
    order_date=COMPTOIRS_SUPPLIES_ORDER.issue_date, function="4", delivery_date=_nov(12),
    seller=HYGIENE_PRO, buyer=COMPTOIRS_LYONNAIS,
    items=(
        replace(COMPTOIRS_SUPPLIES_ORDER.items[0], action="5"),
        replace(COMPTOIRS_SUPPLIES_ORDER.items[1], action="3",
                confirmed=(COMPTOIRS_SUPPLIES_ORDER.items[1].quantity + 1) // 2),
        replace(COMPTOIRS_SUPPLIES_ORDER.items[2], action="7", confirmed=Decimal(0)),
    ),
)
COMPTOIRS_FOOD_ORDERS = tuple(
    Order(number=f"CL/25/0093{i}", issue_date=_nov(7), delivery_date=_nov(12 + i), buyer=COMPTOIRS_LYONNAIS,
          seller=BIOFRAIS, items=pick_items(rng(f"comptoirs-food-{i}"), BIOFRAIS_CATALOGUE, 2 + i))
    for i in range(2)
)

# -- Brasserie Saint-Éloi and Feinkost Müller (Germany) ------------------------------------------------

BRASSERIE_ORDER = Order(
    number="BSE-25-0077", issue_date=_nov(6), delivery_date=_nov(14), buyer=BRASSERIE_SAINT_ELOI,
    seller=FEINKOST_MULLER, items=pick_items(rng("brasserie-order"), FEINKOST_CATALOGUE, 3),
)
BRASSERIE_REJECTED = OrderResponse(
    number="FM-AB-250077", issue_date=_nov(7), order_ref="BSE-25-0081", order_date=_nov(7), function="27",
    seller=FEINKOST_MULLER, buyer=BRASSERIE_SAINT_ELOI, items=(),
)

# -- L'Épicerie du Marché, cleaning supplies (an old UNOA system: upper case only) ----------------------

EPICERIE_SUPPLIES_ORDER = Order(
    number="EPM-PO-004530", issue_date=_nov(8), delivery_date=_nov(13), buyer=EPICERIE_DU_MARCHE, seller=HYGIENE_PRO,
    items=pick_items(rng("epicerie-supplies"), HYGIENE_PRO_CATALOGUE, 3),
)
