"""Write the e-mail samples: ``.venv/bin/python samples/email/generate.py [--out DIR]``.

French and English messages as an ADV mailbox receives them: an EDIFACT order, a Factur-X invoice
(a printed PDF with its CII XML embedded by the factur-x library), standalone CII and UBL invoices,
a zip with two orders, a free-text order with no attachment, a forwarded invoice, a hostile message
(zip bomb, zips nested too deep, broken and XXE XML), and a Maildir folder (``maildir/new``,
``maildir/cur``). Deterministic: fixed dates, message ids, MIME boundaries, zip timestamps and PDF
metadata, so running it again gives the same bytes (tests/test_email_samples.py checks). Every
XML it writes on purpose as valid is checked against its XSD (factur-x ships them) first.
It never imports our parsers or pipeline: the samples check them.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from documents import (  # noqa: E402
    BIOFRAIS,
    COMPTOIRS,
    DURAND,
    FARINE,
    GANTS,
    HYGIENE,
    JUS,
    TORCHONS,
    Trade,
    cii_invoice,
    edifact_order,
    invoice_pdf,
    orderx_order,
    ubl_invoice,
)

HERE = Path(__file__).resolve().parent
# A 1x1 transparent PNG: the logo of an HTML signature, which is not a document.
LOGO = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c63"
                     "000100000500010d0a2db40000000049454e44ae426082")

PO_7001 = Trade("PO-7001", date(2026, 1, 12), BIOFRAIS, DURAND, (JUS, FARINE), delivery_date=date(2026, 1, 15))
F_0142 = Trade("F-2026-0142", date(2026, 1, 16), BIOFRAIS, DURAND, (JUS, FARINE), order_ref="PO-7001",
               delivery_note_ref="BL-3301", due_date=date(2026, 2, 15), delivery_date=date(2026, 1, 15))
F_0143 = Trade("F-2026-0143", date(2026, 1, 16), BIOFRAIS, COMPTOIRS, (FARINE,), order_ref="LC-88",
               due_date=date(2026, 2, 15))
A_0007 = Trade("A-2026-0007", date(2026, 1, 19), BIOFRAIS, DURAND, (JUS.__class__(**{**JUS.__dict__,
                                                                                     "quantity": Decimal("2")}),),
               order_ref="PO-7001")
PO_7002 = Trade("PO-7002", date(2026, 1, 13), HYGIENE, COMPTOIRS, (TORCHONS, GANTS), delivery_date=date(2026, 1, 20))
PO_7003 = Trade("PO-7003", date(2026, 1, 13), HYGIENE, DURAND, (GANTS,), delivery_date=date(2026, 1, 21))
F_HP_0031 = Trade("F-HP-2026-0031", date(2026, 1, 21), HYGIENE, COMPTOIRS, (TORCHONS, GANTS), order_ref="PO-7002",
                  due_date=date(2026, 2, 20))
F_0150 = Trade("F-2026-0150", date(2026, 1, 22), BIOFRAIS, COMPTOIRS, (JUS,), order_ref="LC-91",
               due_date=date(2026, 2, 21))


def _check(xml: bytes, flavor: str) -> bytes:
    import facturx

    facturx.xml_check_xsd(xml, flavor=flavor)
    return xml


def facturx_pdf(trade: Trade, *, printed_total: Decimal | None = None) -> bytes:
    """The printed invoice with its CII embedded as factur-x.xml (PDF/A-3 as the library makes it)."""
    import facturx
    import facturx.facturx as library

    class _FixedClock(datetime):  # the library stamps the PDF and its XMP with "now"
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 1, 16, 9, 0, tzinfo=tz or timezone.utc) if tz else datetime(2026, 1, 16, 9, 0)

    xml = cii_invoice(trade)
    real_clock, library.datetime = library.datetime, _FixedClock
    try:
        return facturx.generate_from_binary(
            invoice_pdf(trade, printed_total=printed_total), xml, check_xsd=True, lang="fr-FR",
            pdf_metadata={"author": trade.seller.name, "keywords": "Factur-X, Facture",
                          "title": f"{trade.seller.name} : Facture {trade.number}",
                          "subject": f"Facture {trade.number} du {trade.issue_date:%d/%m/%Y}"})
    finally:
        library.datetime = real_clock


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    """A zip with fixed timestamps (1 January 2026), so it is the same bytes every run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def message(sender: str, to: str, subject: str, when: datetime, message_id: str, body: str, *,
            attachments: tuple[tuple[str, bytes, str], ...] = (), html: str | None = None,
            headers: tuple[tuple[str, str], ...] = ()) -> EmailMessage:
    mail = EmailMessage(policy=policy.default)
    for name, value in headers:
        mail[name] = value
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = f"<{message_id}>"
    mail.set_content(body)
    if html is not None:
        mail.add_alternative(html, subtype="html")
        mail.get_payload()[1].add_related(LOGO, "image", "png", cid="<logo@adv-samples>", filename="logo.png",
                                           disposition="inline")
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail


def as_bytes(mail: EmailMessage) -> bytes:
    """The message with numbered MIME boundaries (the email package draws random ones)."""
    for number, part in enumerate(p for p in mail.walk() if p.is_multipart() and
                                  p.get_content_maintype() == "multipart"):
        part.set_boundary(f"=_adv_sample_{number}")
    return mail.as_bytes(policy=policy.default)


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    from datetime import timedelta

    return datetime(2026, 1, day, hour, minute, tzinfo=timezone(timedelta(hours=1)))


def invoice_mail() -> EmailMessage:
    return message(
        "BioFrais Distribution <facturation@biofrais.example>", "Maison Durand <compta@maison-durand.example>",
        "Invoice F-2026-0142 - order PO-7001", paris(16, 9, 5), "F-2026-0142.1@biofrais.example",
        "Hello,\n\nPlease find attached our invoice F-2026-0142 for your order PO-7001 (delivery note BL-3301),\n"
        "due on 15 February 2026. The PDF carries its Factur-X data.\n\nKind regards,\nBioFrais Distribution\n"
        "Accounts department\n",
        html="<p>Hello,</p><p>Please find attached our invoice <b>F-2026-0142</b> for your order PO-7001.</p>"
             '<p>Kind regards,<br>BioFrais Distribution<br><img src="cid:logo@adv-samples" alt="BioFrais"></p>',
        attachments=(("F-2026-0142.pdf", facturx_pdf(F_0142), "application/pdf"),))


def hostile_zip() -> bytes:
    deepest = zip_of([("level3.txt", b"three zips down\n")])
    nested = zip_of([("level2.zip", zip_of([("level3.zip", deepest)]))])
    return zip_of([("zeros.bin", bytes(3 * 1024 * 1024)), ("level1.zip", nested)])


def broken_xml() -> bytes:
    whole = cii_invoice(Trade("F-2026-0199", date(2026, 1, 23), BIOFRAIS, DURAND, (JUS,)))
    return whole[: len(whole) // 2]  # a transfer cut in the middle


XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rsm:CrossIndustryInvoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocument><ram:ID>&secret;</ram:ID><ram:TypeCode>380</ram:TypeCode></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>
"""


def samples() -> dict[str, bytes]:
    """Every sample: its path under samples/email and its bytes."""
    out: dict[str, bytes] = {}
    out["commande-edifact-fr.eml"] = as_bytes(message(
        "Claire Martin <achats@maison-durand.example>", "BioFrais Distribution <commandes@biofrais.example>",
        "Commande PO-7001 - livraison le 15/01", paris(12, 8, 42), "PO-7001@maison-durand.example",
        "Bonjour,\n\nVeuillez trouver ci-joint notre commande PO-7001 au format EDIFACT, pour une livraison le\n"
        "jeudi 15 janvier au 12 rue des Halles, Paris 1er.\n\nBien cordialement,\nClaire Martin\n"
        "Service achats - Maison Durand SAS\n",
        attachments=(("PO-7001.edi", edifact_order(PO_7001, "MD0000701"), "application/EDIFACT"),)))
    invoice = invoice_mail()
    out["invoice-facturx-en.eml"] = as_bytes(invoice)
    out["factures-xml-fr.eml"] = as_bytes(message(
        "BioFrais Distribution <facturation@biofrais.example>", "Comptabilité <compta@maison-durand.example>",
        "Facture F-2026-0143 et avoir A-2026-0007", paris(19, 14, 10), "F-2026-0143.1@biofrais.example",
        "Bonjour,\n\nCi-joint notre facture F-2026-0143 (CII, Factur-X EN 16931) et l'avoir A-2026-0007 (UBL)\n"
        "pour les deux bouteilles de jus de pomme abîmées.\n\nCordialement,\nBioFrais Distribution\n",
        attachments=(("facture-F-2026-0143.xml", _check(cii_invoice(F_0143), "factur-x"), "application/xml"),
                     ("avoir-A-2026-0007.xml", _check(ubl_invoice(A_0007, credit_note=True), "ubl-2.1-creditnote"),
                      "application/xml"))))
    out["orders-zip-en.eml"] = as_bytes(message(
        "Hygiene Pro Orders Desk <orders@hygiene-pro.example>", "ADV <adv@biofrais.example>",
        "Orders of week 3 (zip)", paris(13, 17, 30), "week03@hygiene-pro.example",
        "Hello,\n\nAttached are this week's two purchase orders in one zip: PO-7002 (EDIFACT) and PO-7003\n"
        "(Order-X).\n\nThanks,\nOrders desk\n",
        attachments=(("orders-week-03.zip", zip_of([
            ("PO-7002.edi", edifact_order(PO_7002, "LC0000702")),
            ("PO-7003.xml", _check(orderx_order(PO_7003), "order-x"))]), "application/zip"),)))
    out["commande-texte-libre-fr.eml"] = as_bytes(message(
        "Claire Martin <achats@maison-durand.example>", "BioFrais Distribution <commandes@biofrais.example>",
        "Commande pour jeudi", paris(20, 7, 55), "libre-0120@maison-durand.example",
        "Bonjour,\n\nPouvez-vous nous livrer jeudi 22 janvier, entre 7 h et 10 h :\n"
        "- 20 bouteilles de jus de pomme bio 1 L (réf. BF-101)\n"
        "- 5 sacs de farine de blé T65 bio 25 kg (réf. BF-102)\n\n"
        "Livraison au 12 rue des Halles, 75001 Paris. Merci de confirmer.\n\n"
        "Claire Martin\nService achats - Maison Durand SAS\n"))
    out["hostile-en.eml"] = as_bytes(message(
        "Accounts <accounts@invoices-now.example>", "ADV <adv@biofrais.example>",
        "URGENT: overdue invoices", paris(21, 3, 12), "x9a7@invoices-now.example",
        "Please open the attached archive and invoices immediately.\n",
        attachments=(("invoices.zip", hostile_zip(), "application/zip"),
                     ("invoice-F-2026-0199.xml", broken_xml(), "application/xml"),
                     ("invoice-secret.xml", XXE, "application/xml"))))
    forward = message(
        "Paul Leroy <p.leroy@maison-durand.example>", "Comptabilité <compta@maison-durand.example>",
        "TR: Invoice F-2026-0142 - order PO-7001", paris(16, 11, 20), "fwd-0142@maison-durand.example",
        "Bonjour,\n\nJe vous transfère la facture de BioFrais reçue ce matin.\n\nPaul\n")
    forward.add_attachment(invoice)
    out["facture-transferee-fr.eml"] = as_bytes(forward)
    received = (("Return-Path", "<facturation@hygiene-pro.example>"), ("Delivered-To", "adv@biofrais.example"),
                ("Received", "from mx.hygiene-pro.example by mail.biofrais.example with ESMTPS; "
                             "Wed, 21 Jan 2026 10:02:11 +0100"))
    out["maildir/new/1768986131.M100P4242.adv-samples"] = as_bytes(message(
        "Hygiene Pro Equipements <invoices@hygiene-pro.example>", "Les Comptoirs Lyonnais <compta@comptoirs.example>",
        "Invoice F-HP-2026-0031 (UBL)", paris(21, 10, 2), "F-HP-2026-0031@hygiene-pro.example",
        "Hello,\n\nOur invoice F-HP-2026-0031 for your order PO-7002 is attached as UBL.\n\nBest regards\n",
        headers=received,
        attachments=(("F-HP-2026-0031.xml", _check(ubl_invoice(F_HP_0031), "ubl-2.1-invoice"), "application/xml"),)))
    out["maildir/cur/1769072520.M200P4242.adv-samples:2,S"] = as_bytes(message(
        "BioFrais Distribution <facturation@biofrais.example>", "Les Comptoirs Lyonnais <compta@comptoirs.example>",
        "Facture F-2026-0150", paris(22, 10, 2), "F-2026-0150.1@biofrais.example",
        "Bonjour,\n\nVeuillez trouver ci-joint la facture F-2026-0150.\n\nCordialement,\nBioFrais Distribution\n",
        headers=received[1:],
        # The print shows one euro more than the data: the mismatch the visible-text check must catch.
        attachments=(("F-2026-0150.pdf", facturx_pdf(F_0150, printed_total=F_0150.gross + 1), "application/pdf"),)))
    return out


def write_all(out: Path) -> list[Path]:
    written = []
    for relative, data in samples().items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: samples/email)")
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
