"""Every validation rule with an example that passes and one that fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from edifact_builders import BUYER, GTIN_A, GTIN_B, SELLER, gln

from pipeline.masterdata.lookup import (
    CUSTOMER_ITEM_SCHEMA,
    PRICE_SCHEMA,
    PRODUCT_SCHEMA,
    Company,
    MasterData,
    _Directory,
    _frame,
)
from pipeline.validation import ValidationContext, collapse, validate
from pipeline.validation.context import Correction, EarlierOrder
from schemas import Address, Finding, Invoice, Line, Party, PurchaseOrder, Source, Status, Totals
from schemas.findings import Severity

D = Decimal
SOURCE = Source(format="test", sha256="0" * 64, sender="orders@durand.fr")
FR = Address(street="12 rue de la Paix", city="Lyon", postal_code="69002", country="FR")


def order(**changes) -> PurchaseOrder:
    values = dict(number="PO-1", issue_date=date(2025, 11, 20), requested_delivery_date=date(2025, 11, 27),
                  buyer=Party(name="Maison Durand SAS", gln=BUYER), seller=Party(gln=SELLER),
                  lines=(Line(line_no=1, gtin=GTIN_A, quantity=D("12"), unit="CT", unit_price=D("4.50"),
                              net_amount=D("54.00"), tax_rate=D("20")),),
                  totals=Totals(net=D("54.00")), source=SOURCE)
    values.update(changes)
    return PurchaseOrder(**values)


def invoice(**changes) -> Invoice:
    lines = (Line(line_no=1, gtin=GTIN_A, description="Gants nitrile", quantity=D("1"), unit="C62",
                  unit_price=D("100"), net_amount=D("100"), tax_rate=D("20")),
             Line(line_no=2, gtin=GTIN_B, description="Huile d'olive", quantity=D("1"), unit="C62",
                  unit_price=D("10.10"), net_amount=D("10.10"), tax_rate=D("5.5")))
    values = dict(number="F-1", issue_date=date(2025, 11, 20), currency="EUR",
                  seller=Party(name="Comptoirs", gln=SELLER, siren="303265045", vat_id="FR40303265045", address=FR),
                  buyer=Party(name="Durand", gln=BUYER, address=FR), lines=lines,
                  totals=Totals(net=D("110.10"), tax=D("20.56"), gross=D("130.66"), payable=D("130.66")),
                  source=SOURCE)
    values.update(changes)
    return Invoice(**values)


class FakeHistory:
    def __init__(self, earlier: EarlierOrder | None = None, corrections=()) -> None:
        self.earlier, self._corrections = earlier, list(corrections)

    def earlier_order(self, doc, customer_id):
        return self.earlier

    def corrections(self, sender):
        return self._corrections


DURAND = Company(1, "C001", "Maison Durand SAS", gln=BUYER, email_domains=("durand.fr",))
COMPTOIRS = Company(7, "S001", "Comptoirs", gln=SELLER)
MASTER = MasterData(
    customers=_Directory([DURAND]),
    suppliers=_Directory([COMPTOIRS]),
    products=_frame([(10, "GN-204", GTIN_A, "Gants nitrile M", "CT", "6"),
                     (11, "HO-1L", GTIN_B, "Huile d'olive 1 L", "C62", None)], PRODUCT_SCHEMA),
    customer_items=_frame([(1, "DUR-77", 11)], CUSTOMER_ITEM_SCHEMA),
    prices=_frame([(1, 10, "4.50", date(2025, 1, 1), None, None), (None, 10, "5.00", date(2025, 1, 1), None, None),
                   (None, 11, "8.00", date(2025, 1, 1), None, "5")], PRICE_SCHEMA),
)


def codes(document, context: ValidationContext | None = None) -> set[str]:
    [checked] = validate([document], context)
    return {f.code for f in checked.findings}


def test_good_documents_are_validated_without_findings():
    [checked] = validate([order()])
    assert checked.status is Status.VALIDATED and not checked.findings
    assert not codes(invoice())
    assert not codes(order(), ValidationContext(master=MASTER, history=FakeHistory(), today=date(2025, 11, 21)))


PLAIN = [
    ({"number": None}, "MISSING_NUMBER"),
    ({"issue_date": None}, "MISSING_ISSUE_DATE"),
    ({"lines": ()}, "NO_LINES"),
    ({"buyer": None}, "MISSING_BUYER"),
    ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("12"), unit_price=D("4.50"), net_amount=D("45")),)},
     "LINE_TOTAL_MISMATCH"),
    ({"totals": Totals(net=D("50.00"))}, "TOTALS_MISMATCH"),
    ({"lines": (Line(line_no=1, gtin=GTIN_A[:-1] + "0", quantity=D("1")),)}, "INVALID_GTIN"),
    ({"buyer": Party(gln=BUYER[:-1] + "0")}, "INVALID_GLN"),
    ({"buyer": Party(gln=BUYER, siren="123456789")}, "INVALID_SIREN"),
    ({"buyer": Party(gln=BUYER, siret="12345678900011")}, "INVALID_SIRET"),
    ({"buyer": Party(gln=BUYER, vat_id="FR00303265045")}, "INVALID_VAT_ID"),
    ({"seller": Party(gln=SELLER, iban="FR7630006000011234567890188")}, "INVALID_IBAN"),
    ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("1"), unit="ZZZ"),)}, "UNKNOWN_UNIT"),
    ({"lines": (Line(line_no=1, gtin="12AB", quantity=D("1")),)}, "BAD_GTIN_FORMAT"),
    ({"lines": (Line(line_no=1, gtin=GTIN_A),)}, "BAD_QUANTITY"),
    ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("-2")),)}, "BAD_QUANTITY"),
    ({"lines": (Line(line_no=0, gtin=GTIN_A, quantity=D("1")),)}, "BAD_LINE_NO"),
    ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("1"), unit_price=D("-1")),)}, "NEGATIVE_PRICE"),
    ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("1"), tax_rate=D("120")),)}, "BAD_TAX_RATE"),
    ({"lines": (Line(line_no=1, quantity=D("1")),)}, "LINE_NOT_IDENTIFIED"),
    ({"requested_delivery_date": date(2025, 11, 1)}, "REQUESTED_BEFORE_ORDER_DATE"),
]


@pytest.mark.parametrize(("changes", "code"), PLAIN, ids=[code for _, code in PLAIN])
def test_each_order_rule_fails_on_its_example(changes, code):
    assert code not in codes(order())
    assert code in codes(order(**changes))


INVOICE_RULES = [
    ({"issue_date": None}, "BR-03"),
    ({"currency": None}, "BR-05"),
    ({"seller": Party(gln=SELLER, siren="303265045", address=FR)}, "BR-06"),
    ({"buyer": Party(gln=BUYER, address=FR)}, "BR-07"),
    ({"seller": Party(name="Comptoirs", siren="303265045")}, "BR-08"),
    ({"seller": Party(name="Comptoirs", siren="303265045", address=Address(city="Lyon"))}, "BR-09"),
    ({"buyer": Party(name="Durand")}, "BR-10"),
    ({"buyer": Party(name="Durand", address=Address(city="Lyon"))}, "BR-11"),
    ({"buyer": Party(name="Durand", address=FR, vat_id="40303265045")}, "BR-CO-9"),
    ({"seller": Party(name="Comptoirs", address=FR)}, "FR_SELLER_SIREN_MISSING"),
    ({"seller": None}, "MISSING_SELLER"),
    ({"totals": Totals(net=D("110.10"), tax=D("22.02"), gross=D("132.12"))}, "TAX_MISMATCH"),
    ({"totals": Totals(net=D("110.10"), tax=D("20.56"), gross=D("131.66"))}, "TOTALS_MISMATCH"),
    ({"totals": Totals(net=D("110.10"), tax=D("20.56"), gross=D("130.66"), payable=D("140"))},
     "PAYABLE_EXCEEDS_TOTAL"),
]


@pytest.mark.parametrize(("changes", "code"), INVOICE_RULES, ids=[code for _, code in INVOICE_RULES])
def test_each_invoice_rule_fails_on_its_example(changes, code):
    assert code not in codes(invoice())
    assert code in codes(invoice(**changes))


@pytest.mark.parametrize(("attribute", "code"), [("line_no", "BR-21"), ("quantity", "BR-22"), ("unit", "BR-23"),
                                                 ("net_amount", "BR-24"), ("description", "BR-25"),
                                                 ("unit_price", "BR-26")])
def test_invoice_line_rules(attribute, code):
    good = invoice()
    broken = good.lines[1].model_copy(update={attribute: None})
    assert code in codes(invoice(lines=(good.lines[0], broken)))


def with_master(today=date(2025, 11, 21), history=None) -> ValidationContext:
    return ValidationContext(master=MASTER, history=history or FakeHistory(), today=today)


MASTER_RULES = [
    (order(buyer=Party(name="Inconnu SA", gln=gln("300000000000")),
           source=Source(format="test", sha256="0" * 64, sender="achats@inconnu.fr")), "UNKNOWN_CUSTOMER"),
    (order(lines=(Line(line_no=1, gtin="4006381333931", quantity=D("1")),), totals=Totals()), "UNKNOWN_ITEM"),
    (order(lines=(Line(line_no=1, gtin=GTIN_A, quantity=D("7"), unit_price=D("4.50"), net_amount=D("31.50")),),
           totals=Totals()), "QUANTITY_NOT_PACK_MULTIPLE"),
    (order(lines=(Line(line_no=1, gtin=GTIN_A, quantity=D("12"), unit_price=D("4.80"), net_amount=D("57.60")),),
           totals=Totals()), "PRICE_OUT_OF_TOLERANCE"),
    (order(issue_date=date(2025, 11, 20), requested_delivery_date=date(2025, 11, 20)), "REQUESTED_DATE_PAST"),
]


@pytest.mark.parametrize(("document", "code"), MASTER_RULES, ids=[code for _, code in MASTER_RULES])
def test_each_master_data_rule_fails_on_its_example(document, code):
    assert code not in codes(order(), with_master())
    assert code in codes(document, with_master(today=date(2025, 11, 25)))


def test_master_data_matches_customer_items_and_list_prices():
    line = Line(line_no=1, buyer_item_id="DUR-77", quantity=D("2"), unit_price=D("8.30"), net_amount=D("16.60"))
    assert not codes(order(lines=(line,), totals=Totals()), with_master())  # 8.30 is within 5% of 8.00
    pricey = line.model_copy(update={"unit_price": D("8.50"), "net_amount": D("17.00")})
    assert "PRICE_OUT_OF_TOLERANCE" in codes(order(lines=(pricey,), totals=Totals()), with_master())


def test_unknown_supplier_on_invoices():
    assert "UNKNOWN_SUPPLIER" not in codes(invoice(), with_master())
    assert "UNKNOWN_SUPPLIER" in codes(invoice(seller=Party(name="Autre", gln=gln("300000000000"), siren="303265045",
                                                            address=FR)), with_master())


def test_old_orders_are_not_flagged_as_past():
    assert "REQUESTED_DATE_PAST" not in codes(order(), with_master(today=date(2026, 6, 1)))


def test_history_tells_duplicates_from_reused_numbers():
    same = with_master(history=FakeHistory(EarlierOrder(3, True, "edifact")))
    [checked] = validate([order()], same)
    assert "DUPLICATE_ORDER" in {f.code for f in checked.findings} and checked.status is Status.VALIDATED
    other = with_master(history=FakeHistory(EarlierOrder(3, False, "edifact")))
    assert "ORDER_NUMBER_REUSED" in codes(order(), other)
    assert not {"DUPLICATE_ORDER", "ORDER_NUMBER_REUSED"} & codes(order(), with_master())


def test_remembered_corrections_are_proposed_not_applied():
    history = FakeHistory(corrections=[Correction("lines[*].unit", "CT", "PCE", 2)])
    [checked] = validate([order()], with_master(history=history))
    proposal = next(f for f in checked.findings if f.code == "CORRECTION_PROPOSED")
    assert proposal.field == "lines[0].unit" and "PCE" in proposal.message and proposal.severity is Severity.INFO
    assert checked.lines[0].unit == "CT"
    assert "CORRECTION_PROPOSED" not in codes(order(), with_master())


def test_errors_send_to_review_and_warnings_do_not():
    [checked] = validate([order(issue_date=None)])
    assert checked.status is Status.VALIDATED
    [checked] = validate([order(number=None)])
    assert checked.status is Status.NEEDS_REVIEW


def test_many_identical_findings_are_collapsed():
    findings = [Finding(code="X", severity=Severity.ERROR, message=str(i)) for i in range(12)]
    kept = collapse(findings)
    assert len(kept) == 6 and "7 more" in kept[-1].message


def test_a_batch_is_validated_in_one_pass_with_findings_on_the_right_document():
    good, bad = order(), order(lines=(Line(line_no=1, gtin=GTIN_A, quantity=D("-1")),))
    checked = validate([good, bad, good])
    assert [c.status for c in checked] == [Status.VALIDATED, Status.NEEDS_REVIEW, Status.VALIDATED]
    assert pl.__version__  # the batch path is polars all the way
