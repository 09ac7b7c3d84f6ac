"""Well-formed samples: every message type and version we map, in the encodings and layouts senders use."""

from __future__ import annotations

from edigen.envelope import Dialect, uppercase_level_a, write
from edigen.expect import intent
from edigen.parties import BIOFRAIS, COMPTOIRS_LYONNAIS, HYGIENE_PRO, MAISON_DURAND
from edigen.sample import (
    DECIMAL_COMMA,
    LATIN1,
    LATIN1_CRLF,
    LATIN1_ONE_LINE,
    LATIN1_WRAPPED,
    LEVEL_A,
    ORDERS_EAN010,
    ORDERS_PLAIN,
    UTF8,
    UTF8_BOM,
    Sample,
    at,
    interchange,
    message,
    sample,
    sent,
)
from edigen.story import (
    BRASSERIE_ORDER,
    BRASSERIE_REJECTED,
    COMPTOIRS_CHANGED,
    COMPTOIRS_FOOD_ORDERS,
    COMPTOIRS_SUPPLIES_ORDER,
    DURAND_ACCEPTED,
    DURAND_CHEESE_INVOICE,
    DURAND_CHEESE_ORDER,
    DURAND_ORDER,
    DURAND_SUPPLIES_DESPATCH,
    DURAND_SUPPLIES_ORDER,
    EPICERIE_CREDIT_NOTE,
    EPICERIE_DESPATCH,
    EPICERIE_INVOICE,
    EPICERIE_ORDER,
    EPICERIE_SUPPLIES_ORDER,
    HYGIENE_PRO_INVOICES,
)

EPICERIE_ORDER_REF = "000104512"  # reused on purpose by the resend sample


def epicerie_order_file(dialect: Dialect = LATIN1) -> bytes:
    """L'Épicerie du Marché's order to BioFrais; the resend sample writes the same interchange with CRLF."""
    return sent(EPICERIE_ORDER, dialect, EPICERIE_ORDER_REF, at(3, 8, 2))


@sample
def orders_eancom_latin1() -> Sample:
    return Sample("orders-eancom-d96a-latin1.edi",
                  "EANCOM D96A order, UNOC as Latin-1 bytes, one segment per line; the buyer's name has an "
                  "apostrophe escaped with the release character, descriptions have accents and « ».",
                  epicerie_order_file(), (intent(EPICERIE_ORDER),))


@sample
def orders_eancom_utf8_bom() -> Sample:
    return Sample("orders-eancom-d96a-utf8-bom.edi",
                  "EANCOM D96A order in UNOW (UTF-8) starting with a byte order mark; one line has œ, which "
                  "Latin-1 cannot hold.",
                  sent(DURAND_ORDER, UTF8_BOM, "000118734", at(4)), (intent(DURAND_ORDER),))


@sample
def orders_plain_d96a() -> Sample:
    data = sent(COMPTOIRS_SUPPLIES_ORDER, LATIN1_CRLF, "CL00912", at(5, 17, 40), ORDERS_PLAIN, {"plain": True})
    return Sample("orders-d96a-plain-crlf.edi",
                  "Plain UN/EDIFACT D96A order (not EANCOM) with CRLF line ends: buyer identified by a customer "
                  "code (agency 91) with SIRET and VAT in RFF; piece prices per 10 units (PRI basis); a "
                  "description with ':' and an apostrophe escaped.",
                  data, (intent(COMPTOIRS_SUPPLIES_ORDER, buyer_by_code=True),))


@sample
def orders_eancom_d01b() -> Sample:
    data = sent(BRASSERIE_ORDER, UTF8, "BSE250077", at(6, 11, 5), ORDERS_EAN010, {"with_time": True})
    return Sample("orders-eancom-d01b-utf8.edi",
                  "EANCOM D01B (EAN010) order in UNOW to a German supplier (ß, ü); dates in format 203 "
                  "(CCYYMMDDHHMM).",
                  data, (intent(BRASSERIE_ORDER),))


@sample
def orders_level_a() -> Sample:
    return Sample("orders-unoa-uppercase.edi",
                  "EANCOM D96A order from an old system: UNOA (level A), upper case without accents, no UNA "
                  "segment (default service characters).",
                  sent(EPICERIE_SUPPLIES_ORDER, LEVEL_A, "000104530", at(8, 6, 30)),
                  (intent(EPICERIE_SUPPLIES_ORDER, text=uppercase_level_a),))


@sample
def orders_decimal_comma() -> Sample:
    return Sample("orders-decimal-comma.edi",
                  "EANCOM D96A order with UNA:+,? ' : every number uses a decimal comma (12,5 kilograms of Comté).",
                  sent(DURAND_CHEESE_ORDER, DECIMAL_COMMA, "000118902", at(10)), (intent(DURAND_CHEESE_ORDER),))


@sample
def orders_group() -> Sample:
    first, second = COMPTOIRS_FOOD_ORDERS
    data = write(LATIN1, interchange(COMPTOIRS_LYONNAIS, BIOFRAIS, "CL00930", at(7, 16, 0),
                                     message(first, LATIN1, "1"), message(second, LATIN1, "2"), group="G0930"))
    return Sample("orders-ung-group-two-messages.edi",
                  "Two EANCOM orders in one UNG/UNE functional group (UNZ counts one group).",
                  data, (intent(first), intent(second)))


@sample
def two_interchanges() -> Sample:
    order, despatch = DURAND_SUPPLIES_ORDER, DURAND_SUPPLIES_DESPATCH
    data = write(LATIN1,
                 interchange(MAISON_DURAND, HYGIENE_PRO, "000118760", at(5, 10, 0), message(order, LATIN1)),
                 interchange(HYGIENE_PRO, MAISON_DURAND, "HP778120", at(11, 14, 45), message(despatch, LATIN1)))
    return Sample("two-interchanges-orders-desadv.edi",
                  "Two interchanges in one file, each with its own UNA and UNB: Maison Durand's order to Hygiène "
                  "Pro, then Hygiène Pro's despatch advice for it.",
                  data, (intent(order), intent(despatch)))


@sample
def invoic_eancom() -> Sample:
    return Sample("invoic-eancom-d96a.edi",
                  "EANCOM D96A invoice for L'Épicerie du Marché's order (RFF ON and DQ), VAT 5.5 %, 10 % and "
                  "20 % with the breakdown per rate, payment terms PAT+1++5:3:D:30.",
                  sent(EPICERIE_INVOICE, LATIN1, "BF0004871", at(6, 19, 0)), (intent(EPICERIE_INVOICE),))


@sample
def invoic_multi_message() -> Sample:
    messages = [message(invoice, LATIN1_ONE_LINE, str(i)) for i, invoice in enumerate(HYGIENE_PRO_INVOICES, 1)]
    data = write(LATIN1_ONE_LINE, interchange(HYGIENE_PRO, MAISON_DURAND, "HP0001201", at(14, 20, 0), *messages))
    return Sample("invoic-three-messages-one-line.edi",
                  "Three EANCOM invoices in one interchange, everything on a single line; the second states its "
                  "due date (DTM+13) instead of payment terms.",
                  data, tuple(intent(invoice) for invoice in HYGIENE_PRO_INVOICES))


@sample
def invoic_credit_note() -> Sample:
    return Sample("invoic-credit-note.edi",
                  "EANCOM D96A credit note (BGM 381) for goods returned on invoice FA25-004871 (RFF+IV), "
                  "amounts positive.",
                  sent(EPICERIE_CREDIT_NOTE, LATIN1, "BF0000318", at(12, 15, 30)), (intent(EPICERIE_CREDIT_NOTE),))


@sample
def invoic_wrapped() -> Sample:
    invoice = DURAND_CHEESE_INVOICE
    data = sent(invoice, LATIN1_WRAPPED, "BF0004935", at(13, 18, 45))
    return Sample("invoic-wrapped-80-columns.edi",
                  "EANCOM invoice as an old VAN mailbox delivers it: cut into 80-character records with CRLF, "
                  "line breaks falling anywhere, even inside values.",
                  data, (intent(invoice),))


@sample
def desadv_eancom() -> Sample:
    return Sample("desadv-eancom-d96a.edi",
                  "EANCOM D96A despatch advice for L'Épicerie du Marché's order: despatch and delivery dates "
                  "(DTM 11 and 17), one pallet with its SSCC, every line pointing at its order line (RFF+ON).",
                  sent(EPICERIE_DESPATCH, LATIN1, "BF0033017", at(5, 16, 20)), (intent(EPICERIE_DESPATCH),))


@sample
def ordrsp_accepted() -> Sample:
    return Sample("ordrsp-accepted.edi",
                  "EANCOM order response accepting Maison Durand's order as it stands (BGM function 29, every "
                  "LIN action 5), in UNOW.",
                  sent(DURAND_ACCEPTED, UTF8, "BF0118734", at(4, 13, 0)), (intent(DURAND_ACCEPTED),))


@sample
def ordrsp_changed() -> Sample:
    return Sample("ordrsp-changed.edi",
                  "EANCOM order response with changes (BGM function 4): line 1 accepted (5), line 2 quantity "
                  "changed (3, QTY+113), line 3 not accepted (7).",
                  sent(COMPTOIRS_CHANGED, LATIN1, "HP0000912", at(6, 9, 40)), (intent(COMPTOIRS_CHANGED),))


@sample
def ordrsp_rejected() -> Sample:
    return Sample("ordrsp-rejected.edi",
                  "EANCOM order response rejecting a whole order (BGM function 27), with no lines.",
                  sent(BRASSERIE_REJECTED, UTF8, "FM250081", at(7, 7, 55)), (intent(BRASSERIE_REJECTED),))
