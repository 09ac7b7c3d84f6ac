"""The matching engine on hand-written ledgers: one test per outcome and per special case."""

from __future__ import annotations

from decimal import Decimal

from reconcile_builders import GTIN_A, GTIN_B, GTIN_C, OTHER_BUYER, SELLER, Ledger, outcomes, row

from pipeline.reconcile.engine import Settings

M, QD, PD = "matched", "quantity_difference", "price_difference"
IND, DNI, OND = "invoiced_not_delivered", "delivered_not_invoiced", "ordered_not_delivered"


def simple(qty_delivered=10, qty_invoiced=10, price="4.50") -> Ledger:
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, qty_delivered))
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, qty_invoiced, price), note="DN-1")
    return ledger


def test_an_invoice_billing_exactly_what_was_ordered_and_delivered_matches():
    results = simple().run()
    assert outcomes(results) == {(M, "PO-1", 1, "DN-1", 1, "INV-1", 1)}
    assert row(results, outcome=M)["amount_at_stake"] == 0
    assert row(results, outcome=M)["pairing"] == "delivery note reference"


def test_billing_more_than_delivered_is_a_quantity_difference_with_the_amount_at_stake():
    found = row(simple(qty_invoiced=12).run(), outcome=QD)
    assert (found["qty_delivered"], found["qty_invoiced"], found["qty_difference"]) == (10, 12, 2)
    assert found["amount_at_stake"] == Decimal("9.00")  # 2 x 4.50 billed too much


def test_billing_less_than_delivered_is_a_negative_quantity_difference():
    found = row(simple(qty_invoiced=8).run(), outcome=QD)
    assert found["qty_difference"] == -2 and found["amount_at_stake"] == Decimal("-9.00")


def test_another_price_than_ordered_is_a_price_difference_beside_the_matched_quantity():
    results = simple(price="4.80").run()
    assert outcomes(results) == {(M, "PO-1", 1, "DN-1", 1, "INV-1", 1), (PD, "PO-1", 1, None, None, "INV-1", 1)}
    found = row(results, outcome=PD)
    assert (found["price_ordered"], found["price_invoiced"], found["amount_at_stake"]) == (
        Decimal("4.5"), Decimal("4.8"), Decimal("3.00"))


def test_invoiced_but_never_delivered():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 10, "4.50"))
    found = row(ledger.run(), outcome=IND)
    assert found["order_no"] == "PO-1" and found["amount_at_stake"] == Decimal("45")


def test_delivered_but_never_invoiced_and_ordered_but_neither():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"), (GTIN_B, 3, "2.00"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 10))
    results = ledger.run()
    assert outcomes(results) == {(DNI, "PO-1", 1, "DN-1", 1, None, None), (OND, "PO-1", 2, None, None, None, None)}
    assert row(results, outcome=DNI)["amount_at_stake"] == Decimal("-45")  # not billed yet
    assert row(results, outcome=OND)["amount_at_stake"] == Decimal("-6")


def test_partial_deliveries_each_invoiced_and_the_back_order_still_open():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 6), day=1)
    ledger.delivery("DN-2", ("PO-1", 1, GTIN_A, 4), day=8)  # the back order, a week later
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 6, "4.50"), day=2, note="DN-1")
    ledger.invoice("INV-2", ("PO-1", 1, GTIN_A, 4, "4.50"), day=9, note="DN-2")
    assert outcomes(ledger.run()) == {(M, "PO-1", 1, "DN-1", 1, "INV-1", 1), (M, "PO-1", 1, "DN-2", 1, "INV-2", 1)}


def test_invoices_naming_their_note_are_paired_with_it_even_when_they_arrive_out_of_order():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 6), day=1)
    ledger.delivery("DN-2", ("PO-1", 1, GTIN_A, 4), day=3)
    ledger.invoice("INV-2", ("PO-1", 1, GTIN_A, 4, "4.50"), day=4, note="DN-2")  # DN-1's invoice not here yet
    assert outcomes(ledger.run()) == {(M, "PO-1", 1, "DN-2", 1, "INV-2", 1), (DNI, "PO-1", 1, "DN-1", 1, None, None)}


def test_a_grouped_invoice_covers_several_delivery_notes_by_order_line_references():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.order("PO-2", (GTIN_B, 5, "2.00"), day=1)
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 6), day=1)
    ledger.delivery("DN-2", ("PO-1", 1, GTIN_A, 4), day=3)
    ledger.delivery("DN-3", ("PO-2", 1, GTIN_B, 5), day=3)
    # One line for both deliveries of PO-1 (10 = 6 + 4) and one for PO-2; no delivery note named.
    ledger.invoice("INV-9", ("PO-1", 1, GTIN_A, 10, "4.50"), ("PO-2", 1, GTIN_B, 5, "2.00"), day=10)
    assert outcomes(ledger.run()) == {(M, "PO-1", 1, "DN-1", 1, "INV-9", 1), (M, "PO-1", 1, "DN-2", 1, "INV-9", 1),
                                      (M, "PO-2", 1, "DN-3", 1, "INV-9", 2)}


def test_lines_without_references_are_tied_by_item_within_the_buyer_and_the_date_window():
    ledger = Ledger()
    ledger.order("PO-OLD", (GTIN_A, 10, "4.50"), day=-200)  # outside the window
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.order("PO-X", (GTIN_A, 10, "4.50"), buyer=OTHER_BUYER)  # another customer
    ledger.delivery("DN-1", (None, None, GTIN_A, 10))
    ledger.invoice("INV-1", (None, None, GTIN_A, 10, "4.50"))
    results = ledger.run()
    found = row(results, check="quantity")
    assert (found["outcome"], found["order_no"], found["delivery_method"], found["invoice_method"]) == (
        M, "PO-1", "item in date window", "item in date window")
    assert {r["order_no"] for r in results.filter(results["outcome"] == OND).iter_rows(named=True)} == {
        "PO-OLD", "PO-X"}


def test_an_invoice_naming_only_its_delivery_note_reaches_the_order_through_it():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"), (GTIN_B, 2, "1.00"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 10), ("PO-1", 2, GTIN_B, 2))
    ledger.invoice("INV-1", (None, None, GTIN_B, 2, "1.00"), (None, None, GTIN_A, 10, "4.50"), note="DN-1")
    results = ledger.run()
    assert outcomes(results) == {(M, "PO-1", 1, "DN-1", 1, "INV-1", 2), (M, "PO-1", 2, "DN-1", 2, "INV-1", 1)}
    assert set(results["invoice_method"]) == {"delivery note reference + item"}


def test_a_return_credited_by_a_credit_note_matches():
    ledger = simple()
    ledger.delivery("RET-1", ("PO-1", 1, GTIN_A, 2), day=5, returns="DN-1")
    ledger.invoice("CN-1", ("PO-1", 1, GTIN_A, 2, "4.50"), day=6, note="RET-1", credit=True)
    results = ledger.run()
    assert outcomes(results) == {(M, "PO-1", 1, "DN-1", 1, "INV-1", 1), (M, "PO-1", 1, "RET-1", 1, "CN-1", 1)}
    returned = row(results, delivery_note_no="RET-1")
    assert returned["qty_delivered"] == -2 and returned["qty_invoiced"] == -2 and returned["reverse"]


def test_a_return_not_yet_credited_means_the_customer_is_billed_for_goods_it_sent_back():
    ledger = simple()
    ledger.delivery("RET-1", ("PO-1", 1, GTIN_A, 2), day=5, returns="DN-1")
    found = row(ledger.run(), delivery_note_no="RET-1")
    assert found["outcome"] == DNI and found["qty_delivered"] == -2
    assert found["amount_at_stake"] == Decimal("9.00")  # billed 9.00 more than what was kept


def test_a_credit_note_for_over_billing_settles_the_difference():
    ledger = simple(qty_invoiced=12)
    ledger.invoice("CN-1", ("PO-1", 1, GTIN_A, 2, "4.50"), day=6, credit=True)
    results = ledger.run()
    assert outcomes(results) == {(M, "PO-1", 1, "DN-1", 1, "INV-1", 1), (M, "PO-1", 1, None, None, "CN-1", 1)}
    assert "2 credited by credit note CN-1 line 1" in row(results, invoice_no="INV-1")["note"]
    assert "corrects over-billing of 2 on invoice INV-1 line 1" in row(results, invoice_no="CN-1")["note"]


def test_a_credit_note_for_nothing_is_flagged():
    ledger = simple()
    ledger.invoice("CN-1", ("PO-1", 1, GTIN_A, 1, "4.50"), day=6, credit=True)
    found = row(ledger.run(), invoice_no="CN-1")
    assert found["outcome"] == IND and found["qty_invoiced"] == -1 and found["amount_at_stake"] == Decimal("-4.5")


def test_cartons_compare_with_pieces_through_pack_sizes():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 24, "4.50"))  # 24 pieces at 4.50
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 2, "CT"))  # 2 cartons
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 2, "54.00", "CT"), note="DN-1")  # 2 cartons at 54.00
    ledger.pack(GTIN_A, "CT", 12)
    found = row(ledger.run(), check="quantity")
    assert (found["outcome"], found["unit"], found["qty_delivered"], found["price_invoiced"]) == (
        M, "C62", 24, Decimal("4.5"))


def test_units_that_nothing_converts_are_never_called_equal():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 24, "4.50"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 2, "CT"))
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 24, "4.50"), note="DN-1")
    found = row(ledger.run(), check="quantity")
    assert found["outcome"] == QD and "units differ (CT delivered, C62 invoiced)" in found["note"]


def test_tolerances_per_customer_absolute_and_percent():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"), (GTIN_B, 100, "1.00"), (GTIN_C, 10, "10.00"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 10), ("PO-1", 2, GTIN_B, 100), ("PO-1", 3, GTIN_C, 10))
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 10, "4.55"), ("PO-1", 2, GTIN_B, 101, "1.00"),
                   ("PO-1", 3, GTIN_C, 10, "10.30"), note="DN-1")
    # By default: prices within 0.01, quantities exact.
    assert {(r[0], r[2]) for r in outcomes(ledger.run()) if r[0] != M} == {(PD, 1), (QD, 2), (PD, 3)}
    # This customer: prices within 2 % (and no absolute limit), quantities within 1 unit and 1 %.
    ledger.tolerance(2, price_pct=2, quantity_abs=1, quantity_pct=1)
    results = ledger.run()
    assert {(r[0], r[2]) for r in outcomes(results) if r[0] != M} == {(PD, 3)}  # 3 % over
    assert "within tolerance (difference 1)" in row(results, invoice_line_no=2, check="quantity")["note"]


def test_a_supplier_tolerance_applies_when_the_customer_has_none():
    ledger = simple(price="4.52")
    ledger.tolerance(SELLER, price_abs="0.05")
    assert outcomes(ledger.run()) == {(M, "PO-1", 1, "DN-1", 1, "INV-1", 1)}


def test_an_unidentifiable_line_gets_a_fuzzy_proposal_only():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50", "Gants nitrile taille M boite de 100"))
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 10))
    ledger.invoice("INV-1", (None, None, None, 10, "4.50", "C62", "GANTS NITRILE T.M BOITE 100"))
    results = ledger.run()
    found = row(results, invoice_no="INV-1")
    assert found["outcome"] == IND and found["order_line_id"] is None
    assert found["proposal"].startswith("invoice line: order PO-1 line 1?") and "same quantity" in found["proposal"]
    assert row(results, delivery_note_no="DN-1")["outcome"] == DNI  # a proposal is never applied
    assert ledger.run(Settings(proposals=False))["proposal"].null_count() == results.height


def test_every_row_has_a_distinct_triple_per_check():
    ledger = simple(qty_invoiced=12, price="4.80")
    results = ledger.run()
    keys = results.select("check", "order_line_id", "delivery_line_id", "invoice_line_id")
    assert keys.n_unique() == results.height


def test_an_order_sent_twice_under_one_number_counts_in_its_latest_version():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"))
    ledger.order("PO-1", (GTIN_A, 12, "4.40"), day=1)  # the customer's corrected order, same number
    ledger.delivery("DN-1", ("PO-1", 1, GTIN_A, 12))
    ledger.invoice("INV-1", ("PO-1", 1, GTIN_A, 12, "4.40"), note="DN-1")
    found = row(ledger.run(), check="quantity")
    assert (found["outcome"], found["qty_ordered"], found["price_ordered"]) == (M, 12, Decimal("4.4"))


def test_a_ledger_on_which_polars_streaming_engine_panicked_reconciles():
    # Found by a random ledger: classifying these rows with polars' default (streaming) engine panicked in a
    # string expression ("assertion failed: i < self.len()", polars 2.1); the engine collects in memory.
    from datetime import date, timedelta

    from pipeline.reconcile.engine import reconcile_frames
    from pipeline.reconcile.frames import lines_frame, packs_frame

    def line(line_id, doc, line_no, seller, buyer, day, gtin, quantity, unit, price=None, **extra):
        return {"line_id": line_id, "doc_id": line_id, "doc_no": doc, "line_no": line_no, "seller_id": seller,
                "buyer_id": buyer, "doc_date": date(2026, 1, 1) + timedelta(days=day),
                "gtin": gtin, "quantity": Decimal(quantity), "unit": unit,
                "unit_price": None if price is None else Decimal(price), "description": f"item {gtin}", **extra}

    a, b = "3760000000000", "3760000000001"
    orders = [line(1, "PO-1", 1, 10, 3, 41, b, "3", "KGM", "2.15"), line(2, "PO-3", 1, 11, 3, 79, a, "18", "C62", "8.66"),
              line(3, "PO-3", 2, 11, 3, 79, b, "20", "C62", "5.63"), line(4, "PO-5", 1, 10, 3, 81, None, "8", "C62", "1.02"),
              line(5, "PO-5", 2, 10, 3, 81, a, "17", "KGM"), line(6, "PO-5", 3, 10, 3, 81, b, "2", "C62", "1.49"),
              line(7, "PO-2", 1, 11, 2, 122, None, "12", "CT", "1.48"), line(8, "PO-2", 2, 11, 2, 122, a, "3", "C62", "3.14"),
              line(9, "PO-4", 1, 10, 2, 106, a, "17", "C62", "6.46"), line(10, "PO-1", 1, 10, 2, 159, a, "17", "KGM")]
    for row_, seller_item, buyer_item in ((2, "S000", None), (3, "S001", "B01"), (4, "S000", "B00"), (5, "S000", None),
                                          (6, "S001", None), (7, "S001", "B01"), (8, None, "B00"), (9, "S000", None),
                                          (10, None, "B00")):
        orders[row_ - 1].update(seller_item_id=seller_item, buyer_item_id=buyer_item)
    deliveries = [line(11, "DN-0", 1, 10, 3, 165, a, "3", "KGM", buyer_item_id="B00", ref_line=1, reverse=False),
                  line(12, "DN-0", 2, 11, 3, 165, b, "20", "C62", seller_item_id="S001", reverse=False)]
    invoices = [line(13, "INV-0", 1, 11, 3, 200, b, "20", "C62", "6.76", seller_item_id="S001", reverse=False),
                line(14, "INV-1", 1, 10, 3, 164, a, "16", "PCE", "2.86", seller_item_id="S000", ref_note="DN-0",
                     reverse=False)]
    packs = packs_frame([{"item": a, "unit": "CT", "contains": Decimal(12), "base_unit": "PCE"},
                         {"item": b, "unit": "CT", "contains": Decimal(6), "base_unit": "PCE"}])
    results = reconcile_frames(lines_frame(orders), lines_frame(deliveries), lines_frame(invoices), packs)
    assert "units differ (KGM delivered, C62 invoiced) and no pack size converts them" in results["note"].to_list()
