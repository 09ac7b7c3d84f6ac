"""Write the PDF samples: ``.venv/bin/python samples/pdf/generate.py [--out DIR]``.

Text PDFs drawn with reportlab in three layouts (classic French letterhead, a running French layout with
a table over several pages, a modern English one), as invoices, purchase orders and delivery notes, plus
three broken PDFs (encrypted, damaged, image only). Deterministic: reportlab's ``invariant`` mode, fixed
dates and data, so running it again writes the same bytes (tests/test_pdf_samples.py checks). Like the
EDIFACT generator it never imports our parsers, extractors or pipeline; it shares the fictional trading
partners and catalogues of ``samples/edigen/parties.py``.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # samples/, for edigen

from PIL import Image, ImageDraw, ImageFont  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.pdfencrypt import StandardEncryption  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from edigen.parties import (BIOFRAIS, BIOFRAIS_CATALOGUE, BRASSERIE_SAINT_ELOI, COMPTOIRS_LYONNAIS,  # noqa: E402
                            DURAND_WAREHOUSE, EPICERIE_DU_MARCHE, FEINKOST_CATALOGUE, FEINKOST_MULLER,
                            HYGIENE_PRO, HYGIENE_PRO_CATALOGUE, MAISON_DURAND, Company, Product)

DEFAULT_OUT = Path(__file__).resolve().parent
WIDTH, HEIGHT = A4
CENT = Decimal("0.01")
UNIT_NAMES = {"fr": {"PCE": "pièce", "KGM": "kg", "CT": "carton"}, "en": {"PCE": "pcs", "KGM": "kg", "CT": "case"}}


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fr_number(value: Decimal, places: int = 2) -> str:
    """1 234,56 (narrow spaces are what French software prints; a plain space reads the same)."""
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",")


def en_number(value: Decimal, places: int = 2) -> str:
    return f"{value:,.{places}f}"


@dataclass(frozen=True)
class Item:
    product: Product
    quantity: Decimal
    description: str | None = None  # longer text than the catalogue's, printed over several lines

    @property
    def net(self) -> Decimal:
        return money(self.quantity * self.product.unit_price)


@dataclass
class Business:
    kind: str  # invoice, order, delivery_note
    number: str
    issued: date
    seller: Company
    buyer: Company
    items: list[Item]
    ship_to: Company | None = None
    order_ref: str | None = None
    delivery_ref: str | None = None
    due: date | None = None
    delivery: date | None = None
    print_date: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return sum((i.net for i in self.items), Decimal(0))

    def taxes(self) -> dict[Decimal, tuple[Decimal, Decimal]]:
        """rate -> (base, tax), tax rounded per rate as French invoices print it."""
        bases: dict[Decimal, Decimal] = {}
        for item in self.items:
            bases[item.product.tax_rate] = bases.get(item.product.tax_rate, Decimal(0)) + item.net
        return {rate: (base, money(base * rate / 100)) for rate, base in sorted(bases.items())}

    @property
    def tax(self) -> Decimal:
        return sum((t for _, t in self.taxes().values()), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def _rate(rate: Decimal) -> str:
    return f"{rate.normalize():f}".replace(".", ",")


class Pdf:
    """A reportlab canvas with the few drawing helpers the layouts need (y measured from the top)."""

    def __init__(self, encrypt: StandardEncryption | None = None) -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=1, encrypt=encrypt)
        self.canvas.setTitle("ADV intake sample")
        self.canvas.setAuthor("samples/pdf/generate.py")

    def text(self, x: float, y: float, text: str, size: float = 9, bold: bool = False, right: bool = False) -> None:
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        if right:
            self.canvas.drawRightString(x, HEIGHT - y, text)
        else:
            self.canvas.drawString(x, HEIGHT - y, text)

    def rule(self, x0: float, y: float, x1: float) -> None:
        self.canvas.line(x0, HEIGHT - y, x1, HEIGHT - y)

    def new_page(self) -> None:
        self.canvas.showPage()

    def bytes(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


# -- layout A: classic French letterhead ---------------------------------------------------------------
def classic_fr(doc: Business) -> bytes:
    pdf = Pdf()
    issuer, other = (doc.buyer, doc.seller) if doc.kind == "order" else (doc.seller, doc.buyer)
    pdf.text(40, 50, issuer.name, 14, bold=True)
    pdf.text(40, 64, issuer.street)
    pdf.text(40, 75, f"{issuer.postal_code} {issuer.city}")
    pdf.text(40, 86, f"SIRET : {issuer.siret}")
    title = {"invoice": "FACTURE", "order": "BON DE COMMANDE", "delivery_note": "BON DE LIVRAISON"}[doc.kind]
    pdf.text(555, 50, title, 18, bold=True, right=True)
    pdf.text(555, 68, f"N° {doc.number}", 11, right=True)
    y = 110
    pdf.text(340, y, "Date :")
    if doc.print_date:
        pdf.text(440, y, doc.issued.strftime("%d/%m/%Y"))
    if doc.due:
        y += 12
        pdf.text(340, y, "Date d'échéance :")
        pdf.text(440, y, doc.due.strftime("%d/%m/%Y"))
    if doc.delivery:
        y += 12
        pdf.text(340, y, "Date de livraison souhaitée :" if doc.kind == "order" else "Date de livraison :")
        pdf.text(470, y, doc.delivery.strftime("%d/%m/%Y"))
    if doc.order_ref:
        y += 12
        pdf.text(340, y, "Votre commande n° :")
        pdf.text(440, y, doc.order_ref)
    anchor = {"invoice": "Facturé à", "order": "Fournisseur", "delivery_note": "Livré à"}[doc.kind]
    pdf.text(340, 175, anchor, 10, bold=True)
    for i, text in enumerate((other.name, other.street, f"{other.postal_code} {other.city}",
                              f"N° TVA : {other.vat_id}")):
        pdf.text(340, 189 + 11 * i, text)
    top = _table_fr(pdf, doc, 260)
    if doc.kind != "delivery_note":
        _totals_fr(pdf, doc, top + 20)
    pdf.text(40, 800, f"{issuer.name} – {issuer.street}, {issuer.postal_code} {issuer.city} – "
                      f"TVA intracommunautaire : {issuer.vat_id}", 7)
    return pdf.bytes()


def _table_fr(pdf: Pdf, doc: Business, top: float, x_cols=(40, 95, 310, 340, 445, 505, 555)) -> float:
    ref, desc, qty, unit, price, amount, rate = x_cols
    delivery = doc.kind == "delivery_note"
    pdf.rule(40, top - 12, 555)
    pdf.text(ref, top, "Réf.", bold=True)
    pdf.text(desc, top, "Désignation", bold=True)
    pdf.text(qty + 20, top, "Qté livrée" if delivery else "Qté", bold=True, right=True)
    pdf.text(unit, top, "Unité", bold=True)
    if not delivery:
        pdf.text(price, top, "Prix unitaire HT", bold=True, right=True)
        pdf.text(amount, top, "Montant HT", bold=True, right=True)
        pdf.text(rate, top, "TVA", bold=True, right=True)
    pdf.rule(40, top + 5, 555)
    y = top + 20
    for item in doc.items:
        product = item.product
        pdf.text(ref, y, product.seller_item_id, 8)
        lines = _wrap(item.description or product.description, 40)
        for i, text in enumerate(lines):
            pdf.text(desc, y + 11 * i, text)
        pdf.text(qty + 20, y, fr_number(item.quantity, 0 if item.quantity == item.quantity.to_integral() else 3),
                 right=True)
        pdf.text(unit, y, UNIT_NAMES["fr"][product.unit])
        if not delivery:
            pdf.text(price, y, fr_number(product.unit_price, max(2, -product.unit_price.as_tuple().exponent)),
                     right=True)
            pdf.text(amount, y, fr_number(item.net), right=True)
            pdf.text(rate, y, f"{_rate(product.tax_rate)} %", right=True)
        y += 11 * len(lines) + 6
    pdf.rule(40, y - 4, 555)
    return y


def _totals_fr(pdf: Pdf, doc: Business, y: float) -> None:
    rows = [("Total HT", doc.net)]
    rows += [(f"TVA {_rate(rate)} % sur {fr_number(base)}", tax) for rate, (base, tax) in doc.taxes().items()]
    rows += [("Total TVA", doc.tax), ("Total TTC", doc.gross)]
    if doc.kind == "invoice":
        rows.append(("Net à payer", doc.gross))
    for label, value in rows:
        bold = label in ("Total TTC", "Net à payer")
        pdf.text(360, y, label, bold=bold)
        pdf.text(555, y, f"{fr_number(value)} EUR", bold=bold, right=True)
        y += 13


# -- layout B: French invoice running over several pages ----------------------------------------------
def running_fr(doc: Business, rows_per_page: int = 22) -> bytes:
    pdf = Pdf()
    pages = [doc.items[i:i + rows_per_page] for i in range(0, len(doc.items), rows_per_page)]
    carried = Decimal(0)
    for number, items in enumerate(pages, start=1):
        pdf.text(40, 40, doc.seller.name, 12, bold=True)
        pdf.text(40, 53, f"{doc.seller.street} – {doc.seller.postal_code} {doc.seller.city}", 8)
        pdf.text(555, 40, f"Page {number} / {len(pages)}", 8, right=True)
        y = 80
        if number == 1:
            pdf.text(40, 85, f"Facture n° {doc.number} du {doc.issued.strftime('%d/%m/%Y')}", 15, bold=True)
            pdf.text(40, 110, "Client", 10, bold=True)
            for i, text in enumerate((doc.buyer.name, doc.buyer.street, f"{doc.buyer.postal_code} {doc.buyer.city}",
                                      f"SIRET : {doc.buyer.siret}", f"N° TVA : {doc.buyer.vat_id}")):
                pdf.text(40, 123 + 11 * i, text)
            pdf.text(330, 123, f"Votre commande : {doc.order_ref}")
            pdf.text(330, 134, f"Bon de livraison : {doc.delivery_ref}")
            pdf.text(330, 145, f"Échéance : {doc.due.strftime('%d/%m/%Y')}")
            y = 200
        else:
            pdf.text(40, 70, f"Facture n° {doc.number} (suite)", 10, bold=True)
            y = 95
        pdf.text(40, y, "Code", bold=True)
        pdf.text(110, y, "Désignation", bold=True)
        pdf.text(330, y, "Quantité", bold=True, right=True)
        pdf.text(338, y, "Unité", bold=True)
        pdf.text(440, y, "P.U. HT", bold=True, right=True)
        pdf.text(480, y, "TVA", bold=True, right=True)
        pdf.text(555, y, "Montant HT", bold=True, right=True)
        pdf.rule(40, y + 5, 555)
        y += 20
        if number > 1:
            pdf.text(110, y, "Report")
            pdf.text(555, y, fr_number(carried), right=True)
            y += 16
        for item in items:
            lines = _wrap(item.description or item.product.description, 36)
            pdf.text(40, y, item.product.seller_item_id, 8)
            for i, text in enumerate(lines):
                pdf.text(110, y + 11 * i, text)
            pdf.text(330, y, fr_number(item.quantity, 0), right=True)
            pdf.text(338, y, UNIT_NAMES["fr"][item.product.unit])
            pdf.text(440, y, fr_number(item.product.unit_price, max(2, -item.product.unit_price.as_tuple().exponent)),
                     right=True)
            pdf.text(480, y, f"{_rate(item.product.tax_rate)} %", right=True)
            pdf.text(555, y, fr_number(item.net), right=True)
            carried += item.net
            y += 11 * len(lines) + 5
        pdf.rule(40, y - 3, 555)
        if number < len(pages):
            pdf.text(110, y + 10, "Total à reporter", bold=True)
            pdf.text(555, y + 10, fr_number(carried), bold=True, right=True)
            pdf.new_page()
    _totals_fr(pdf, doc, y + 25)
    pdf.text(40, 790, f"Paiement à 30 jours par virement. SIRET {doc.seller.siret} – TVA {doc.seller.vat_id}", 7)
    return pdf.bytes()


# -- layout C: modern English --------------------------------------------------------------------------
def modern_en(doc: Business) -> bytes:
    pdf = Pdf()
    issuer, other = (doc.buyer, doc.seller) if doc.kind == "order" else (doc.seller, doc.buyer)
    title = {"invoice": "INVOICE", "order": "PURCHASE ORDER", "delivery_note": "DELIVERY NOTE"}[doc.kind]
    pdf.text(40, 60, title, 22, bold=True)
    pdf.text(40, 80, issuer.name, 10, bold=True)
    pdf.text(40, 92, f"{issuer.street}, {issuer.postal_code} {issuer.city}", 8)
    pdf.text(40, 103, f"VAT ID {issuer.vat_id}", 8)
    number_label = {"invoice": "Invoice No.", "order": "PO Number", "delivery_note": "Delivery Note No."}[doc.kind]
    date_label = {"invoice": "Invoice Date", "order": "Order Date", "delivery_note": "Date"}[doc.kind]
    meta = [(number_label, doc.number), (date_label, doc.issued.strftime("%B %d, %Y").replace(" 0", " "))]
    if doc.due:
        meta.append(("Due Date", doc.due.strftime("%B %d, %Y").replace(" 0", " ")))
    if doc.delivery:
        meta.append(("Requested delivery date" if doc.kind == "order" else "Delivery Date",
                     doc.delivery.strftime("%B %d, %Y").replace(" 0", " ")))
    if doc.order_ref:
        meta.append(("PO Number", doc.order_ref))
    for i, (label, value) in enumerate(meta):
        pdf.text(360, 60 + 13 * i, label, 8, bold=True)
        pdf.text(555, 60 + 13 * i, value, 9, right=True)
    anchor = {"invoice": "Bill To", "order": "Supplier", "delivery_note": "Deliver To"}[doc.kind]
    pdf.text(40, 150, anchor, 9, bold=True)
    for i, text in enumerate((other.name, other.street, f"{other.postal_code} {other.city}", f"VAT {other.vat_id}")):
        pdf.text(40, 163 + 11 * i, text)
    if doc.ship_to:
        pdf.text(300, 150, "Ship To", 9, bold=True)
        for i, text in enumerate((doc.ship_to.name, doc.ship_to.street,
                                  f"{doc.ship_to.postal_code} {doc.ship_to.city}", f"GLN {doc.ship_to.gln}")):
            pdf.text(300, 163 + 11 * i, text)
    y = 240
    columns = (("#", 40, False), ("Item", 60, False), ("Description", 150, False), ("Qty", 350, True),
               ("Unit", 358, False), ("Unit Price", 440, True), ("VAT %", 485, True), ("Amount", 555, True))
    for label, x, right in columns:
        pdf.text(x, y, label, 8, bold=True, right=right)
    pdf.rule(40, y + 5, 555)
    y += 18
    for n, item in enumerate(doc.items, start=1):
        lines = _wrap(item.description or item.product.description, 36)
        pdf.text(40, y, str(n))
        pdf.text(60, y, item.product.seller_item_id, 8)
        for i, text in enumerate(lines):
            pdf.text(150, y + 11 * i, text)
        pdf.text(350, y, en_number(item.quantity, 0), right=True)
        pdf.text(358, y, UNIT_NAMES["en"][item.product.unit])
        pdf.text(440, y, en_number(item.product.unit_price, max(2, -item.product.unit_price.as_tuple().exponent)),
                 right=True)
        pdf.text(485, y, f"{item.product.tax_rate.normalize():f}", right=True)
        pdf.text(555, y, en_number(item.net), right=True)
        y += 11 * len(lines) + 7
    pdf.rule(300, y, 555)
    y += 16
    rows = [("Subtotal", doc.net), ("VAT", doc.tax), ("Total", doc.gross)]
    if doc.kind == "invoice":
        rows.append(("Amount Due", doc.gross))
    for label, value in rows:
        pdf.text(380, y, label, 9, bold=label != "Subtotal")
        pdf.text(555, y, f"EUR {en_number(value)}", 9, right=True)
        y += 14
    pdf.text(40, 790, "Payment by bank transfer within 30 days. Thank you for your business.", 7)
    return pdf.bytes()


# -- broken PDFs ---------------------------------------------------------------------------------------
def encrypted(doc: Business) -> bytes:
    """A real invoice, but protected by a user password nobody gave us."""
    pdf = Pdf(encrypt=StandardEncryption("s3cret-user", "s3cret-owner", canPrint=1, canCopy=0, strength=128))
    pdf.text(40, 60, f"FACTURE N° {doc.number}", 16, bold=True)
    pdf.text(40, 80, doc.seller.name)
    return pdf.bytes()


def damaged(good: bytes) -> bytes:
    """A transfer cut off in the middle: the header is there, the objects and the trailer are not."""
    return good[: len(good) // 3]


def image_only(doc: Business) -> bytes:
    """A scan: one page that is a picture of an order form, with no text layer at all."""
    image = Image.new("L", (620, 300), color=255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    for i, text in enumerate((f"BON DE COMMANDE N° {doc.number}", doc.buyer.name,
                              f"Date : {doc.issued.strftime('%d/%m/%Y')}",
                              *(f"{it.product.seller_item_id}  {it.product.description}  x {it.quantity}"
                                for it in doc.items))):
        draw.text((20, 20 + 22 * i), text, fill=0, font=font)
    pdf = Pdf()
    pdf.canvas.drawImage(ImageReader(image), 40, HEIGHT - 380, width=515, height=250)
    return pdf.bytes()


# -- the business documents ----------------------------------------------------------------------------
D = Decimal
ISSUED = date(2026, 5, 12)


def documents() -> dict[str, bytes]:
    bio, hyg, fk = BIOFRAIS_CATALOGUE, HYGIENE_PRO_CATALOGUE, FEINKOST_CATALOGUE
    invoice_classic = Business(
        "invoice", "FA-2026-0142", ISSUED, BIOFRAIS, MAISON_DURAND,
        [Item(bio[0], D(24)), Item(bio[1], D(12)), Item(bio[2], D("3.5")), Item(bio[7], D(2)),
         Item(bio[5], D(30), "Jus de pommes pressées 1 L, bouteille en verre consignée (consigne 0,20 EUR "
                             "remboursée au retour)")],
        order_ref="CMD-2026-0311", due=ISSUED + timedelta(days=30))
    many = [Item(p, D(2 + (i * 7) % 23), None if i % 9 else f"{p.description} – lot n° L{2600 + i}, "
                 "date limite de consommation indiquée sur chaque colis")
            for i, p in enumerate((hyg * 12)[:50])]
    invoice_running = Business("invoice", "FA-2026-0157", date(2026, 5, 28), HYGIENE_PRO, COMPTOIRS_LYONNAIS, many,
                               order_ref="CL-2026-1187", delivery_ref="BL-HP-26-0412",
                               due=date(2026, 6, 27))
    invoice_en = Business("invoice", "INV-2026-00731", date(2026, 5, 4), FEINKOST_MULLER, BRASSERIE_SAINT_ELOI,
                          [Item(fk[0], D(6)), Item(fk[1], D(48)), Item(fk[2], D(10))],
                          ship_to=None, order_ref="BSE-PO-2291", due=date(2026, 6, 3))
    order_fr = Business("order", "CMD-2026-0311", date(2026, 5, 29), BIOFRAIS, MAISON_DURAND,
                        [Item(bio[0], D(24)), Item(bio[1], D(12)), Item(bio[2], D("3.5")), Item(bio[7], D(2))],
                        delivery=date(2026, 6, 11))
    order_en = Business("order", "PO-EDM-26-0098", date(2026, 5, 27), HYGIENE_PRO, EPICERIE_DU_MARCHE,
                        [Item(hyg[0], D(10)), Item(hyg[1], D(4)), Item(hyg[4], D(6))],
                        delivery=date(2026, 6, 15), ship_to=DURAND_WAREHOUSE)
    delivery_fr = Business("delivery_note", "BL-2026-0088", date(2026, 5, 11), BIOFRAIS, MAISON_DURAND,
                           [Item(bio[0], D(24)), Item(bio[1], D(12)), Item(bio[2], D("3.5")), Item(bio[7], D(2))],
                           order_ref="CMD-2026-0311", delivery=date(2026, 5, 11))
    undated = Business("invoice", "FA-2026-0150", ISSUED, BIOFRAIS, EPICERIE_DU_MARCHE,
                       [Item(bio[3], D(40)), Item(bio[4], D(15))], due=ISSUED + timedelta(days=30),
                       print_date=False)
    good = classic_fr(invoice_classic)
    return {
        "facture-fr-classique.pdf": good,
        "facture-fr-multipage.pdf": running_fr(invoice_running),
        "invoice-en-modern.pdf": modern_en(invoice_en),
        "bon-de-commande-fr.pdf": classic_fr(order_fr),
        "purchase-order-en.pdf": modern_en(order_en),
        "bon-de-livraison-fr.pdf": classic_fr(delivery_fr),
        "broken-facture-sans-date.pdf": classic_fr(undated),
        "broken-encrypted.pdf": encrypted(invoice_classic),
        "broken-damaged.pdf": damaged(good),
        "broken-image-only.pdf": image_only(order_fr),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    samples = documents()
    for name, data in samples.items():
        (args.out / name).write_bytes(data)
    print(f"wrote {len(samples)} PDF samples to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
