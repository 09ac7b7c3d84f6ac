"""Each validation rule with an example that passes and one that fails."""

from __future__ import annotations

from decimal import Decimal

import pytest
from edifact_builders import BUYER, GTIN_A, SELLER

from pipeline.validation import collapse, validate
from schemas import Finding, Invoice, Line, Party, PurchaseOrder, Source, Status, Totals
from schemas.findings import Severity

SOURCE = Source(format="test", sha256="0" * 64)
D = Decimal


def order(**changes) -> PurchaseOrder:
    values = dict(number="PO-1", issue_date="2025-11-20", buyer=Party(gln=BUYER), seller=Party(gln=SELLER),
                  lines=(Line(line_no=1, gtin=GTIN_A, quantity=D("12"), unit="CT", unit_price=D("4.50"),
                              net_amount=D("54.00"), tax_rate=D("20")),),
                  totals=Totals(net=D("54.00")), source=SOURCE)
    values.update(changes)
    return PurchaseOrder(**values)


def codes(document) -> set[str]:
    [checked] = validate([document])
    return {f.code for f in checked.findings}


def test_a_good_order_is_validated():
    [checked] = validate([order()])
    assert checked.status is Status.VALIDATED and not checked.findings


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"number": None}, "MISSING_NUMBER"),
        ({"issue_date": None}, "MISSING_ISSUE_DATE"),
        ({"lines": ()}, "NO_LINES"),
        ({"buyer": None}, "MISSING_BUYER"),
        ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("12"), unit_price=D("4.50"), net_amount=D("45")),)},
         "LINE_TOTAL_MISMATCH"),
        ({"totals": Totals(net=D("50.00"))}, "TOTALS_MISMATCH"),
        ({"lines": (Line(line_no=1, gtin="3760000000018", quantity=D("1")),)}, "INVALID_GTIN"),
        ({"buyer": Party(gln="3012345000011")}, "INVALID_GLN"),
        ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("1"), unit="ZZZ"),)}, "UNKNOWN_UNIT"),
        ({"lines": (Line(line_no=1, gtin="12AB", quantity=D("1")),)}, "BAD_GTIN_FORMAT"),
        ({"lines": (Line(line_no=1, gtin=GTIN_A),)}, "BAD_QUANTITY"),
        ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("-2")),)}, "BAD_QUANTITY"),
        ({"lines": (Line(line_no=0, gtin=GTIN_A, quantity=D("1")),)}, "BAD_LINE_NO"),
        ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("1"), unit_price=D("-1")),)}, "NEGATIVE_PRICE"),
        ({"lines": (Line(line_no=1, gtin=GTIN_A, quantity=D("1"), tax_rate=D("120")),)}, "BAD_TAX_RATE"),
        ({"lines": (Line(line_no=1, quantity=D("1")),)}, "LINE_NOT_IDENTIFIED"),
    ],
)
def test_each_rule_fails_on_its_example(changes, code):
    assert code in codes(order(**changes))


def test_line_amount_within_tolerance_passes():
    line = Line(line_no=1, gtin=GTIN_A, quantity=D("3"), unit_price=D("0.3333"), net_amount=D("1.00"))
    assert "LINE_TOTAL_MISMATCH" not in codes(order(lines=(line,), totals=Totals()))


def invoice(tax: str, gross: str) -> Invoice:
    lines = (Line(line_no=1, gtin=GTIN_A, quantity=D("1"), unit_price=D("100"), net_amount=D("100"),
                  tax_rate=D("20")),
             Line(line_no=2, gtin=GTIN_A, quantity=D("1"), unit_price=D("10.10"), net_amount=D("10.10"),
                  tax_rate=D("5.5")))
    return Invoice(number="F-1", issue_date="2025-11-20", seller=Party(gln=SELLER), buyer=Party(gln=BUYER),
                   lines=lines, totals=Totals(net=D("110.10"), tax=D(tax), gross=D(gross)), source=SOURCE)


def test_tax_by_rate_and_gross():
    assert not codes(invoice("20.56", "130.66"))  # 20.00 + round(0.5555) = 20.56
    assert "TAX_MISMATCH" in codes(invoice("22.02", "132.12"))
    assert "TOTALS_MISMATCH" in codes(invoice("20.56", "131.66"))


def test_missing_seller_on_invoice():
    document = invoice("20.56", "130.66").model_copy(update={"seller": None})
    assert "MISSING_SELLER" in codes(document)


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
