"""Draw a ``ScanDocument`` as a clean A4 page image at 300 dpi with Pillow and the DejaVu fonts.

Three layouts: ``classic`` (letterhead, labelled header, ruled table), ``modern`` (labels above values, shaded
table header) and ``form`` (a pre-printed order form whose quantities are written by hand: slanted, uneven,
blue ink). French or English labels and number formats. Coordinates below are PDF points from the top-left.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from documents import ScanDocument

DPI = 300
SCALE = DPI / 72
WIDTH, HEIGHT = 595, 842
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "hand": "DejaVuSans-Oblique.ttf",
         "serif": "DejaVuSerif.ttf", "serif-bold": "DejaVuSerif-Bold.ttf"}
UNITS = {"fr": {"PCE": "pièce", "KGM": "kg", "CT": "carton"}, "en": {"PCE": "pcs", "KGM": "kg", "CT": "case"}}

LABELS = {
    "fr": {"order": "BON DE COMMANDE", "delivery_note": "BON DE LIVRAISON",
           "number": {"order": "N° de commande :", "delivery_note": "N° bon de livraison :"},
           "issued": {"order": "Date de commande :", "delivery_note": "Date d'expédition :"},
           "delivery": {"order": "Date de livraison souhaitée :", "delivery_note": "Date de livraison :"},
           "order_ref": "Votre commande n° :", "seller": "Fournisseur", "buyer": "Adresse de facturation",
           "ship_to": "Adresse de livraison", "vat": "N° TVA", "gln": "GLN", "siret": "SIRET",
           "columns": ("Réf.", "GTIN", "Désignation", "Qté", "Unité", "P.U. HT", "Montant HT"),
           "delivered": "Qté livrée", "net": "Total HT", "tax": "Total TVA", "gross": "Total TTC",
           "footer": "Merci de rappeler le numéro de commande sur le bon de livraison et la facture.",
           "signature": "Bon pour accord, le responsable des achats"},
    "en": {"order": "PURCHASE ORDER", "delivery_note": "DELIVERY NOTE",
           "number": {"order": "PO Number:", "delivery_note": "Delivery note no:"},
           "issued": {"order": "Order date:", "delivery_note": "Date issued:"},
           "delivery": {"order": "Requested delivery date:", "delivery_note": "Delivery date:"},
           "order_ref": "Your order no:", "seller": "Supplier", "buyer": "Bill to", "ship_to": "Ship to",
           "vat": "VAT ID", "gln": "GLN", "siret": "SIRET",
           "columns": ("Item code", "GTIN", "Description", "Qty", "Unit", "Unit price", "Amount"),
           "delivered": "Qty delivered", "net": "Net total", "tax": "VAT total", "gross": "Total incl. VAT",
           "footer": "Please quote the purchase order number on your delivery note and invoice.",
           "signature": "Approved by purchasing"},
}


def number(value: Decimal, language: str, places: int = 2) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",") if language == "fr" else text


def quantity(value: Decimal, language: str) -> str:
    return number(value, language, 0 if value == value.to_integral() else 3)


def day(value, language: str, modern: bool) -> str:
    if language == "en" and modern:
        return value.strftime("%d %B %Y").lstrip("0")
    return value.strftime("%d/%m/%Y")


class Canvas:
    def __init__(self) -> None:
        self.image = Image.new("RGB", (round(WIDTH * SCALE), round(HEIGHT * SCALE)), "white")
        self.draw = ImageDraw.Draw(self.image)
        self._fonts: dict[tuple[str, float], ImageFont.FreeTypeFont] = {}

    def font(self, style: str, size: float) -> ImageFont.FreeTypeFont:
        key = (style, size)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(str(FONT_DIR / FONTS[style]), round(size * SCALE))
        return self._fonts[key]

    def text(self, x: float, y: float, text: str, size: float = 9, style: str = "regular", right: bool = False,
             fill=(0, 0, 0)) -> None:
        """Text whose baseline is at ``y`` points (like a PDF), left- or right-aligned at ``x``."""
        font = self.font(style, size)
        if right:
            x -= self.draw.textlength(text, font=font) / SCALE
        self.draw.text((x * SCALE, y * SCALE), text, font=font, fill=fill, anchor="ls")

    def rule(self, x0: float, y: float, x1: float, width: float = 0.8) -> None:
        self.draw.line([(x0 * SCALE, y * SCALE), (x1 * SCALE, y * SCALE)], fill=(0, 0, 0), width=round(width * SCALE))

    def box(self, x0: float, y0: float, x1: float, y1: float, fill=None, width: float = 0.8) -> None:
        self.draw.rectangle([x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE], outline=(0, 0, 0), fill=fill,
                            width=round(width * SCALE))

    def handwritten(self, x: float, y: float, text: str, rng: random.Random) -> None:
        """A number written by hand in a box: slanted, a little large and uneven, in blue ink."""
        font = self.font("hand", 11 + rng.uniform(-0.5, 1.5))
        size = (round(80 * SCALE), round(20 * SCALE))
        layer = Image.new("L", size, 0)
        ImageDraw.Draw(layer).text((4 * SCALE, 15 * SCALE), text, font=font, fill=255, anchor="ls")
        layer = layer.rotate(rng.uniform(-4, 4), resample=Image.Resampling.BICUBIC)
        ink = Image.new("RGB", size, (20, 40, 150))
        dx, dy = rng.uniform(-3, 3), rng.uniform(-1.5, 1.5)
        self.image.paste(ink, (round((x + dx) * SCALE), round((y - 15 + dy) * SCALE)), layer)


def render(doc: ScanDocument) -> Image.Image:
    canvas = Canvas()
    {"classic": _classic, "modern": _modern, "form": _form}[doc.layout](canvas, doc, LABELS[doc.language])
    return canvas.image


def _issuer(doc: ScanDocument):
    return doc.buyer if doc.kind == "order" else doc.seller


def _meta(doc: ScanDocument, labels: dict, modern: bool) -> list[tuple[str, str]]:
    rows = [(labels["number"][doc.kind], doc.number), (labels["issued"][doc.kind], day(doc.issued, doc.language,
                                                                                        modern)),
            (labels["delivery"][doc.kind], day(doc.delivery, doc.language, modern))]
    if doc.order_ref:
        rows.append((labels["order_ref"], doc.order_ref))
    return rows


def _party_lines(company, labels: dict, gln: bool, vat: bool) -> list[str]:
    lines = [company.name, company.street, f"{company.postal_code} {company.city}"]
    if gln:
        lines.append(f"{labels['gln']} : {company.gln}")
    if vat:
        lines.append(f"{labels['vat']} : {company.vat_id}")
    return lines


def _parties(canvas: Canvas, doc: ScanDocument, labels: dict, top: float) -> None:
    blocks = [(labels["seller"], _party_lines(doc.seller, labels, False, True)),
              (labels["buyer"], _party_lines(doc.buyer, labels, True, True)),
              (labels["ship_to"], _party_lines(doc.ship_to, labels, True, False))]
    for column, (title, lines) in enumerate(blocks):
        x = 40 + 180 * column
        canvas.text(x, top, title, 9.5, "bold")
        for i, line in enumerate(lines):
            canvas.text(x, top + 13 + 11.5 * i, line[:34], 8.5)


def _table(canvas: Canvas, doc: ScanDocument, labels: dict, top: float, hand: random.Random | None = None,
           shaded: bool = False, grid: bool = False) -> float:
    ref, gtin, desc, qty, unit, price, amount = labels["columns"]
    delivery = doc.kind == "delivery_note"
    if delivery:
        qty = labels["delivered"]
    xs = {"ref": 40, "gtin": 100, "desc": 185, "qty": 398, "unit": 405, "price": 478, "amount": 555}
    if delivery:  # no prices: the wider "delivered" column moves right, clear of the descriptions
        xs.update(qty=470, unit=480)
    if shaded:
        canvas.box(36, top - 13, 559, top + 5, fill=(215, 215, 215), width=0.3)
    canvas.rule(36, top - 13, 559)
    for key, title in (("ref", ref), ("gtin", gtin), ("desc", desc), ("unit", unit)):
        canvas.text(xs[key], top, title, 9, "bold")
    canvas.text(xs["qty"], top, qty, 9, "bold", right=True)
    if not delivery:
        canvas.text(xs["price"], top, price, 9, "bold", right=True)
        canvas.text(xs["amount"], top, amount, 9, "bold", right=True)
    canvas.rule(36, top + 5, 559)
    y = top + 22
    for item in doc.items:
        product = item.product
        canvas.text(xs["ref"], y, product.seller_item_id, 8.5)
        canvas.text(xs["gtin"], y, product.gtin, 8.5)
        canvas.text(xs["desc"], y, product.description[:30], 8.5)
        if hand is not None:
            canvas.handwritten(xs["qty"] - 34, y, quantity(item.quantity, doc.language), hand)
        else:
            canvas.text(xs["qty"], y, quantity(item.quantity, doc.language), 8.5, right=True)
        canvas.text(xs["unit"], y, UNITS[doc.language][product.unit], 8.5)
        if not delivery:
            places = max(2, -product.unit_price.normalize().as_tuple().exponent)
            canvas.text(xs["price"], y, number(product.unit_price, doc.language, places), 8.5, right=True)
            canvas.text(xs["amount"], y, number(item.net, doc.language), 8.5, right=True)
        if grid:
            canvas.rule(36, y + 7, 559, 0.4)
        y += 20
    canvas.rule(36, y - 10, 559)
    return y


def _totals(canvas: Canvas, doc: ScanDocument, labels: dict, y: float) -> float:
    if doc.kind != "order":
        return y
    for label, value in ((labels["net"], doc.net), (labels["tax"], doc.tax), (labels["gross"], doc.gross)):
        style = "bold" if label == labels["gross"] else "regular"
        canvas.text(380, y, label, 9.5, style)
        canvas.text(555, y, f"{number(value, doc.language)} €", 9.5, style, right=True)
        y += 15
    return y


def _classic(canvas: Canvas, doc: ScanDocument, labels: dict) -> None:
    issuer = _issuer(doc)
    canvas.text(40, 52, issuer.name, 15, "serif-bold")
    canvas.text(40, 67, f"{issuer.street} – {issuer.postal_code} {issuer.city}", 8.5)
    if issuer.siret:
        canvas.text(40, 79, f"{labels['siret']} : {issuer.siret}", 8.5)
    canvas.text(555, 52, labels[doc.kind], 17, "bold", right=True)
    for i, (label, value) in enumerate(_meta(doc, labels, False)):
        canvas.text(320, 92 + 14 * i, label, 9)
        canvas.text(460, 92 + 14 * i, value, 9)
    _parties(canvas, doc, labels, 170)
    y = _table(canvas, doc, labels, 268)
    _totals(canvas, doc, labels, y + 12)
    canvas.text(40, 790, labels["footer"], 7.5)


def _modern(canvas: Canvas, doc: ScanDocument, labels: dict) -> None:
    issuer = _issuer(doc)
    canvas.text(40, 62, labels[doc.kind], 22, "bold")
    canvas.text(40, 84, issuer.name, 10, "bold")
    canvas.text(40, 96, f"{issuer.street}, {issuer.postal_code} {issuer.city}", 8)
    for i, (label, value) in enumerate(_meta(doc, labels, True)):
        x = 40 + 135 * i
        canvas.text(x, 130, label.rstrip(" :"), 8, "bold")
        canvas.text(x, 143, value, 9.5)
    _parties(canvas, doc, labels, 182)
    y = _table(canvas, doc, labels, 285, shaded=True)
    _totals(canvas, doc, labels, y + 12)
    canvas.text(40, 800, labels["footer"], 7.5)


def _form(canvas: Canvas, doc: ScanDocument, labels: dict) -> None:
    issuer = _issuer(doc)
    canvas.box(30, 30, 565, 812, width=1.2)
    canvas.text(40, 55, issuer.name, 14, "serif-bold")
    canvas.text(40, 69, f"{issuer.street} – {issuer.postal_code} {issuer.city}", 8.5)
    canvas.text(555, 55, labels[doc.kind], 16, "bold", right=True)
    for i, (label, value) in enumerate(_meta(doc, labels, False)):
        canvas.text(320, 92 + 14 * i, label, 9)
        canvas.text(460, 92 + 14 * i, value, 9)
    _parties(canvas, doc, labels, 170)
    y = _table(canvas, doc, labels, 268, hand=random.Random(doc.number), grid=True)
    _totals(canvas, doc, labels, y + 12)
    canvas.text(40, 740, labels["signature"], 8.5)
    canvas.rule(40, 770, 250, 0.5)
