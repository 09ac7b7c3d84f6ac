"""Mapping of ORDERS, INVOIC, DESADV and ORDRSP into the canonical model, with provenance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from edifact_builders import BUYER, DELIVERY, GTIN_A, GTIN_B, SELLER, interchange, order_body

from parsers.edifact import EdifactParser
from schemas import DocumentKind


def only_document(text: str):
    result = EdifactParser().parse(text.encode())
    assert len(result.documents) == 1, result.findings
    return result.documents[0]


def test_eancom_order_maps_header_parties_and_lines():
    order = only_document(interchange(order_body()))
    assert order.kind is DocumentKind.ORDER
    assert (order.number, order.issue_date, order.requested_delivery_date) == (
        "PO-1001", date(2025, 11, 20), date(2025, 11, 27))
    assert order.currency == "EUR" and order.contract_ref == "CONTRAT-7"
    assert order.buyer.gln == BUYER and order.buyer.vat_id == "FR40303265045"
    assert order.buyer.address.city == "Lyon" and order.buyer.address.postal_code == "69002"
    assert order.seller.gln == SELLER and order.seller.name == "Les Comptoirs Lyonnais"
    assert order.ship_to.gln == DELIVERY
    first, second = order.lines
    assert (first.gtin, first.seller_item_id, first.description) == (GTIN_A, "GN-204", "Gants nitrile taille M")
    assert (first.quantity, first.unit, first.unit_price, first.net_amount) == (
        Decimal("12"), "CT", Decimal("4.50"), Decimal("54.00"))
    assert second.description == "Huile d'olive vierge extra 1 L"  # release character honoured
    assert second.gtin == GTIN_B and second.unit is None
    assert order.totals.net == Decimal("78.75")


def test_every_value_knows_its_segment():
    order = only_document(interchange(order_body()))
    where = order.provenance["lines[0].quantity"]
    assert (where.method, where.segment, where.element, where.confidence) == ("edifact", "QTY", "1.2", 1.0)
    assert where.segment_no is not None and where.offset is not None
    assert order.provenance["buyer.gln"].segment == "NAD"
    assert order.provenance["number"].segment == "BGM"


def test_decimal_comma_and_price_basis():
    body = [s.replace("PRI+AAA:4.50'", "PRI+AAA:450,00:::100'") for s in order_body()]
    order = only_document(interchange(body).replace("UNA:+.? '", "UNA:+,? '"))
    assert order.lines[0].unit_price == Decimal("4.5")


INVOICE = [
    "BGM+380+FA-2025-0042+9'",
    "DTM+137:20251121:102'",
    "RFF+ON:PO-1001'",
    "RFF+DQ:BL-778'",
    f"NAD+SU+{SELLER}::9++Les Comptoirs Lyonnais'",
    "RFF+VA:FR40303265045'",
    "RFF+XA:30326504500023'",
    f"NAD+BY+{BUYER}::9'",
    "CUX+2:EUR:4'",
    "PAT+1++5:3:D:30'",
    f"LIN+1++{GTIN_A}:EN'",
    "QTY+47:12:CT'",
    "PRI+AAA:4.50'",
    "MOA+203:54.00'",
    "TAX+7+VAT+++:::20+S'",
    f"LIN+2++{GTIN_B}:EN'",
    "QTY+47:3'",
    "PRI+AAA:8.25'",
    "MOA+203:24.75'",
    "TAX+7+VAT+++:::5.5+S'",
    "UNS+S'",
    "CNT+2:2'",
    "MOA+79:78.75'",
    "MOA+124:12.16'",
    "MOA+77:90.91'",
    "MOA+9:90.91'",
]


def test_invoice_totals_tax_and_due_date():
    invoice = only_document(interchange(INVOICE).replace("ORDERS:D:96A:UN:EAN008", "INVOIC:D:96A:UN:EAN008"))
    assert invoice.kind is DocumentKind.INVOICE
    assert invoice.order_ref == "PO-1001" and invoice.delivery_note_ref == "BL-778"
    assert invoice.due_date == date(2025, 12, 21)
    assert invoice.seller.siret == "30326504500023" and invoice.seller.siren == "303265045"
    assert [line.tax_rate for line in invoice.lines] == [Decimal("20"), Decimal("5.5")]
    assert invoice.totals.model_dump(exclude_none=True) == {
        "net": Decimal("78.75"), "tax": Decimal("12.16"), "gross": Decimal("90.91"), "payable": Decimal("90.91")}


def test_credit_note_is_its_own_kind():
    text = interchange([s.replace("BGM+380", "BGM+381") for s in INVOICE]).replace("ORDERS:D:96A:UN:EAN008",
                                                                                   "INVOIC:D:96A:UN:EAN008")
    assert only_document(text).kind is DocumentKind.CREDIT_NOTE


def test_despatch_advice_with_order_reference_per_line():
    body = ["BGM+351+BL-778+9'", "DTM+137:20251122:102'", "DTM+11:20251122:102'", "DTM+17:20251124:102'",
            "RFF+ON:PO-1001'", f"NAD+SU+{SELLER}::9'", f"NAD+BY+{BUYER}::9'", f"NAD+DP+{DELIVERY}::9'", "CPS+1'",
            f"LIN+1++{GTIN_A}:EN'", "QTY+12:10:CT'", "RFF+ON:PO-1001:1'", f"LIN+2++{GTIN_B}:EN'", "QTY+12:3'",
            "RFF+LI:2'"]
    note = only_document(interchange(body).replace("ORDERS:D:96A:UN:EAN008", "DESADV:D:96A:UN:EAN005"))
    assert note.kind is DocumentKind.DELIVERY_NOTE
    assert note.delivery_date == date(2025, 11, 24)  # estimated delivery wins over despatch date
    assert (note.lines[0].order_ref, note.lines[0].order_line_no, note.lines[0].quantity) == ("PO-1001", 1,
                                                                                            Decimal("10"))
    assert note.lines[1].order_line_no == 2


def test_order_response_lines_carry_the_answer():
    body = ["BGM+231+RSP-1+4'", "DTM+137:20251121:102'", "RFF+ON:PO-1001'", f"NAD+SU+{SELLER}::9'",
            f"NAD+BY+{BUYER}::9'", f"LIN+1+5+{GTIN_A}:EN'", "QTY+21:12'", f"LIN+2+3+{GTIN_B}:EN'", "QTY+21:2'",
            "LIN+3+7+4006381333931:EN'", "QTY+21:0'"]
    response = only_document(interchange(body).replace("ORDERS:D:96A:UN:EAN008", "ORDRSP:D:96A:UN:EAN005"))
    assert response.kind is DocumentKind.ORDER_RESPONSE and response.response == "changed"
    assert [line.response for line in response.lines] == ["accepted", "changed", "rejected"]


def test_bad_values_become_findings_not_crashes():
    body = [s.replace("DTM+137:20251120:102", "DTM+137:20251340:102").replace("QTY+21:3'", "QTY+21:three'")
            for s in order_body()]
    order = only_document(interchange(body))
    bad = [f for f in order.findings if f.code == "EDI_BAD_VALUE"]
    assert len(bad) == 2 and order.issue_date is None
    assert all(f.location and f.location.segment in ("DTM", "QTY") for f in bad)


def test_line_count_control():
    body = [s.replace("CNT+2:2", "CNT+2:3") for s in order_body()]
    assert "EDI_CNT_MISMATCH" in {f.code for f in only_document(interchange(body)).findings}


def test_cancellation_is_never_silent():
    body = [s.replace("BGM+220+PO-1001+9", "BGM+220+PO-1001+1") for s in order_body()]
    assert "EDI_CANCELLATION" in {f.code for f in only_document(interchange(body)).findings}
