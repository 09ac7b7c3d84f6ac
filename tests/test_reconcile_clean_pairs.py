"""The clean-pair shortcut (``clean_pairs.settle``) must give exactly the rows the general path gives.

Random ledgers with every case the engine knows (partial deliveries, invoices naming their note or not, grouped
invoices, returns, credit notes, pack units and units nothing converts, untied lines, resent orders, other buyers) are reconciled twice:
as the engine does it, and with the shortcut switched off so that every group goes through allocation.
Quantities are positive: a note pair with no positive quantity is settled only by the shortcut (see
``clean_pairs``), allocation leaves such lines alone.
"""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from reconcile_builders import GTIN_A, GTIN_B, GTIN_C, OTHER_BUYER, Ledger, row

from pipeline.reconcile import engine
from pipeline.reconcile.clean_pairs import Settled

GTINS = (GTIN_A, GTIN_B, GTIN_C)
KEY = ["check", "order_line_id", "delivery_line_id", "invoice_line_id"]


def settle_nothing(deliveries: pl.DataFrame, invoices: pl.DataFrame, orders: int) -> Settled:
    nothing = np.zeros(0, dtype=np.int64)
    return Settled(nothing, nothing, np.zeros(0, dtype=bool), pl.repeat(True, deliveries.height, eager=True),
                   pl.repeat(True, invoices.height, eager=True))


def random_ledger(rng: random.Random) -> Ledger:
    ledger = Ledger()
    ledger.pack(GTIN_C, "CT", 6)
    orders = []
    for n in range(rng.randint(4, 10)):
        number = f"PO-{rng.randint(1, 8)}"  # now and then the same number again: a resent order
        lines = [(rng.choice(GTINS), rng.randint(1, 12), rng.choice(["4.50", "2.00", "1.25"]))
                 for _ in range(rng.randint(1, 3))]
        buyer = rng.choice([2, 2, 2, OTHER_BUYER])
        ledger.order(number, *lines, day=rng.randint(-30, 5), buyer=buyer)
        orders += [(number, k, gtin, qty, price, buyer) for k, (gtin, qty, price) in enumerate(lines, start=1)]
    notes = []
    for n in range(rng.randint(3, 10)):
        picked = rng.sample(orders, min(len(orders), rng.randint(1, 3)))
        buyer = picked[0][5]
        lines, kept = [], []
        for number, k, gtin, qty, price, line_buyer in picked:
            if line_buyer != buyer:
                continue
            qty = rng.choice([qty, qty, max(1, qty // 2), qty + 1])
            reference = rng.random()
            # Cartons of C convert to pieces (6 each); boxes convert to nothing, so they never equal pieces.
            unit = "CT" if gtin == GTIN_C and rng.random() < 0.3 else "BX" if rng.random() < 0.08 else "C62"
            lines.append((number if reference < 0.8 else None, k if reference < 0.7 else None, gtin,
                          max(1, qty // 6) if unit == "CT" else qty, unit))
            kept.append((number, k, gtin, qty, price, buyer))
        returns = rng.choice(notes)[0] if notes and rng.random() < 0.1 else None
        ledger.delivery(f"DN-{n}", *lines, day=rng.randint(1, 20), buyer=buyer, returns=returns)
        notes.append((f"DN-{n}", kept, buyer))
    for n in range(rng.randint(3, 10)):
        note, kept, buyer = rng.choice(notes)
        lines = []
        for number, k, gtin, qty, price, _ in kept:
            if rng.random() < 0.15:
                continue  # a line left off
            reference = rng.random()
            lines.append((number if reference < 0.85 else None, k if reference < 0.75 else None, gtin,
                          rng.choice([qty, qty, qty, qty + 1, max(1, qty - 1)]),
                          rng.choice([price, price, price, "9.99"])))
        if lines:
            ledger.invoice(f"INV-{n}", *lines, day=rng.randint(2, 30), buyer=buyer,
                           note=note if rng.random() < 0.7 else None, credit=rng.random() < 0.1)
    return ledger


@pytest.mark.parametrize("seed", range(16))
def test_the_clean_pair_shortcut_gives_the_rows_allocation_gives(seed, monkeypatch):
    ledger = random_ledger(random.Random(seed))
    fast = ledger.run().sort(KEY, nulls_last=True)
    monkeypatch.setattr(engine, "settle", settle_nothing)
    general = ledger.run().sort(KEY, nulls_last=True)
    assert_frame_equal(fast, general)
    assert fast["outcome"].n_unique() > 1  # the ledger is not trivially all matched


def test_the_shortcut_pairs_by_date_an_invoice_that_names_no_delivery_note():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 10))
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 10, "4.50"))  # no RFF+DQ
    found = row(ledger.run(), check="quantity")
    assert (found["outcome"], found["pairing"]) == ("matched", "date order")


def test_lines_tied_to_no_order_get_a_proposal_even_when_they_match_each_other():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50", "Gants nitrile taille M boite de 100"))
    ledger.delivery("DN-1", (None, None, None, 10, "C62"))
    ledger.invoice("INV-1", (None, None, None, 10, "4.50", "C62", "GANTS NITRILE T.M BOITE 100"), note="DN-1")
    ledger.deliveries[0]["seller_item_id"] = ledger.invoices[0]["seller_item_id"] = "GN-M-100"
    ledger.deliveries[0]["description"] = "gants nitrile M boite 100"
    found = row(ledger.run(), check="quantity")
    assert (found["outcome"], found["order_line_id"], found["pairing"]) == ("matched", None, "delivery note reference")
    assert "delivery line: order PO-1 line 1?" in found["proposal"]
    assert "invoice line: order PO-1 line 1?" in found["proposal"]


def test_the_same_number_in_units_nothing_converts_is_not_a_clean_pair():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 24, "4.50"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 24, "BX"))  # 24 boxes, no pack size says how many pieces
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 24, "4.50"), note="DN-1")  # 24 pieces
    found = row(ledger.run(), check="quantity")
    assert found["outcome"] == "quantity_difference" and "units differ (BX delivered, C62 invoiced)" in found["note"]


def test_a_return_and_a_credit_note_pair_cleanly_only_with_each_other():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.delivery("RET-1", ("PO-1", 1, GTIN_A, 2), returns="DN-0")  # the only delivery line of the order line
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 2, "4.50"), note="RET-1")  # an invoice, not a credit note
    assert {r["outcome"] for r in ledger.run().iter_rows(named=True)} == {"delivered_not_invoiced",
                                                                          "invoiced_not_delivered"}
