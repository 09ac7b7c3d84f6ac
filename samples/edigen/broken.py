"""Samples broken on purpose, one fault each, and the resend of a good sample.

Each broken document gets a number of its own, so that what is loaded from the good samples stays
one consistent set of orders, deliveries and invoices.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from edigen import segments
from edigen.documents import Invoice, money, pick_items
from edigen.envelope import Message, Writer, encode, write
from edigen.expect import intent
from edigen.good import EPICERIE_ORDER_REF, epicerie_order_file
from edigen.parties import (
    BIOFRAIS,
    BIOFRAIS_CATALOGUE,
    COMPTOIRS_LYONNAIS,
    EPICERIE_DU_MARCHE,
    HYGIENE_PRO,
    HYGIENE_PRO_CATALOGUE,
    MAISON_DURAND,
    wrong_check_digit,
)
from edigen.sample import (
    APERAK_EAN002,
    LATIN1,
    LATIN1_CRLF,
    Sample,
    at,
    cut_inside,
    interchange,
    message,
    sample,
    sent,
)
from edigen.story import (
    BRASSERIE_ORDER,
    DURAND_CHEESE_ORDER,
    EPICERIE_INVOICE,
    EPICERIE_ORDER,
    HYGIENE_PRO_INVOICES,
    rng,
)

REVIEW = "needs_review"


@sample
def unt_count() -> Sample:
    order = replace(DURAND_CHEESE_ORDER, number="MD2025-118950")
    body = message(order, LATIN1)
    broken = replace(body, unt_count=len(body.body) + 1)  # one segment short: the UNT itself not counted
    data = write(LATIN1, interchange(MAISON_DURAND, BIOFRAIS, "000118950", at(12, 9, 0), broken))
    return Sample("broken-unt-count.edi", "UNT counts one segment less than the message has.",
                  data, (intent(order, REVIEW, ("EDI_UNT_COUNT",)),))


@sample
def unz_count() -> Sample:
    invoices = [replace(invoice, number=f"HP-F-2025-13{i:02d}") for i, invoice in enumerate(HYGIENE_PRO_INVOICES[:2])]
    messages = [message(invoice, LATIN1, str(i)) for i, invoice in enumerate(invoices, 1)]
    data = write(LATIN1, interchange(HYGIENE_PRO, MAISON_DURAND, "HP0001300", at(17, 20, 0), *messages,
                                     unz_count=3))
    return Sample("broken-unz-count.edi", "Two invoices in an interchange whose UNZ says it holds three messages.",
                  data, tuple(intent(invoice, REVIEW, ("EDI_UNZ_COUNT",)) for invoice in invoices))


@sample
def truncated() -> Sample:
    invoice = replace(EPICERIE_INVOICE, number="FA25-004990")
    text = Writer(LATIN1).text(interchange(BIOFRAIS, EPICERIE_DU_MARCHE, "BF0004990", at(18, 19, 0),
                                           message(invoice, LATIN1)))
    data = encode(cut_inside(text, "IMD+", 3, 12), LATIN1)  # in the middle of line 3's description
    return Sample("broken-truncated.edi",
                  "Invoice cut off in the middle of line 3's description: no UNT, no UNZ, no summary.",
                  data, (intent(invoice, REVIEW, ("EDI_MISSING_UNT", "EDI_MISSING_UNZ"), cut_after_line=3),))


@sample
def gtin_check_digit() -> Sample:
    items = list(EPICERIE_ORDER.items)
    items[1] = replace(items[1], gtin_override=wrong_check_digit(items[1].gtin))
    order = replace(EPICERIE_ORDER, number="EPM-PO-004577", items=tuple(items))
    data = sent(order, LATIN1, "000104577", at(19, 8, 10))
    return Sample("broken-gtin-check-digit.edi", "Order whose line 2 GTIN has a wrong check digit.",
                  data, (intent(order, REVIEW, ("INVALID_GTIN",)),))


@sample
def line_amount() -> Sample:
    base = HYGIENE_PRO_INVOICES[0]
    first = base.items[0]
    # The sender billed line 1 at last year's price, 0.15 more per unit.
    stale = replace(first, net_override=money(first.quantity * (first.product.unit_price + Decimal("0.15"))))
    invoice = replace(base, number="HP-F-2025-1250", items=(stale, *base.items[1:]))
    data = sent(invoice, LATIN1, "HP0001250", at(20, 20, 0))
    return Sample("broken-line-amount.edi", "Invoice whose line 1 amount (MOA 203) is not quantity × price.",
                  data, (intent(invoice, REVIEW, ("LINE_TOTAL_MISMATCH",)),))


@sample
def totals() -> Sample:
    items = pick_items(rng("broken-totals"), BIOFRAIS_CATALOGUE, 3)
    draft = Invoice(number="FA25-004940", issue_date=date(2025, 11, 20), seller=BIOFRAIS, buyer=COMPTOIRS_LYONNAIS,
                    order_ref="CL/25/00931", items=items)
    # MOA 79 leaves the last line out; MOA 77 (net + tax) does not: the summary does not add up.
    invoice = replace(draft, net_override=draft.net - items[-1].net)
    data = sent(invoice, LATIN1, "BF0004940", at(20, 19, 0))
    return Sample("broken-totals.edi",
                  "Invoice whose total of lines (MOA 79) leaves out the last line, so it matches neither the "
                  "lines nor the gross total.",
                  data, (intent(invoice, REVIEW, ("TOTALS_MISMATCH",)),))


@sample
def unsupported_message() -> Sample:
    order = replace(EPICERIE_ORDER, number="EPM-PO-004560",
                    items=pick_items(rng("unsupported-order"), BIOFRAIS_CATALOGUE, 2))
    aperak = Message("2", APERAK_EAN002, segments.aperak("APK-25-0117", date(2025, 11, 21), "EPM-PO-004512",
                                                         EPICERIE_DU_MARCHE, BIOFRAIS))
    data = write(LATIN1, interchange(EPICERIE_DU_MARCHE, BIOFRAIS, "000104560", at(21, 7, 45),
                                     message(order, LATIN1), aperak))
    return Sample("broken-unsupported-message.edi",
                  "A good order and an APERAK (a message type we do not map) in one interchange: the order is "
                  "fine, the file waits for someone to route the APERAK.",
                  data, (intent(order),), status=REVIEW, codes=("EDI_UNSUPPORTED_MESSAGE",))


@sample
def not_edifact() -> Sample:
    rows = ["numero_commande;gtin;quantite;prix_unitaire"]
    rows += [f"EPM-PO-004599;{item.gtin};{item.quantity};{str(item.product.unit_price).replace('.', ',')}"
             for item in pick_items(rng("not-edifact"), HYGIENE_PRO_CATALOGUE, 3)]
    return Sample("broken-not-edifact.dat",
                  "A semicolon-separated export someone dropped in the inbox: not EDIFACT at all.",
                  ("\r\n".join(rows) + "\r\n").encode("cp1252"), status=REVIEW, codes=("UNKNOWN_FORMAT",))


@sample
def empty() -> Sample:
    return Sample("broken-empty.edi", "An empty file (a transfer that created the file and wrote nothing).",
                  b"", status=REVIEW, codes=("EMPTY_FILE",))


@sample
def test_indicator() -> Sample:
    order = replace(BRASSERIE_ORDER, number="BSE-25-0079")
    data = sent(order, LATIN1, "BSE250079", at(21, 10, 0), test=True)
    return Sample("broken-test-indicator.edi", "A good order in an interchange marked as a test (UNB 0035 = 1).",
                  data, (intent(order, REVIEW, ("EDI_TEST_INTERCHANGE",)),))


@sample
def cnt_count() -> Sample:
    base = HYGIENE_PRO_INVOICES[2]
    invoice = replace(base, number="HP-F-2025-1260", cnt_override=len(base.items) + 1)
    data = sent(invoice, LATIN1, "HP0001260", at(21, 20, 0))
    return Sample("broken-cnt-count.edi", "Invoice whose CNT+2 says one line more than it has.",
                  data, (intent(invoice, REVIEW, ("EDI_CNT_MISMATCH",)),))


@sample
def resend() -> Sample:
    original = "orders-eancom-d96a-latin1.edi"
    return Sample(f"resend-{original}",
                  f"{original} sent again: the same sender and interchange control reference "
                  f"({EPICERIE_ORDER_REF}) in other bytes (CRLF line ends). Fine on its own; a duplicate once "
                  "the original was received (its name sorts after the original's, so a folder ingest sees the "
                  "original first).",
                  epicerie_order_file(LATIN1_CRLF), (intent(EPICERIE_ORDER),), duplicate_of=original)
