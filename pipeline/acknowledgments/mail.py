"""Plain e-mail acknowledgments (.eml), in French then English, for documents that did not come as EDIFACT.

Written with the standard library's ``EmailMessage``; whatever sends the outbox's mail sets the envelope. The
answer goes to the address the document came from when it is known, from the address it was sent to, in the
same thread (In-Reply-To).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from pipeline.acknowledgments.sources import MailFacts
from schemas import BusinessDocument, DocumentKind

KIND_FR = {DocumentKind.ORDER: ("votre commande", "Commande"), DocumentKind.INVOICE: ("votre facture", "Facture"),
           DocumentKind.CREDIT_NOTE: ("votre avoir", "Avoir"),
           DocumentKind.DELIVERY_NOTE: ("votre bon de livraison", "Bon de livraison"),
           DocumentKind.ORDER_RESPONSE: ("votre accusé de réception de commande", "Accusé de réception")}
KIND_EN = {DocumentKind.ORDER: "order", DocumentKind.INVOICE: "invoice", DocumentKind.CREDIT_NOTE: "credit note",
           DocumentKind.DELIVERY_NOTE: "delivery note", DocumentKind.ORDER_RESPONSE: "order response"}
SUBJECT = {"accepted": ("enregistrée", "received"),
           "changed": ("enregistrée avec corrections", "received with corrections"),
           "rejected": ("refusée", "rejected")}
FEMININE = {DocumentKind.ORDER, DocumentKind.INVOICE}  # "enregistrée" or "enregistré"
WIDTHS = (5, 16, 30, 14, 13, 12)


@dataclass(frozen=True)
class MailAnswer:
    """What the mail says: about which document, the answer, why, and what people corrected."""

    document_id: int
    response: str  # accepted, changed, rejected
    document: BusinessDocument | None  # None for a file with no business document in it
    file_name: str | None = None
    reason: str | None = None
    corrected: tuple[str, ...] = ()  # field paths, e.g. lines[0].quantity


def acknowledgment_mail(answer: MailAnswer, origin: MailFacts | None, sent: datetime) -> EmailMessage:
    mail = EmailMessage(policy=policy.SMTP)
    if origin and origin.recipient:
        mail["From"] = origin.recipient
    to = origin.sender if origin else None
    if to:
        mail["To"] = to
    mail["Subject"] = _subject(answer)
    mail["Date"] = format_datetime(sent)
    mail["Message-ID"] = make_msgid(f"adv-ack-{answer.document_id}", domain="adv-intake.invalid")
    if origin and origin.message_id:
        mail["In-Reply-To"] = origin.message_id
        mail["References"] = origin.message_id
    mail["X-ADV-Document"] = str(answer.document_id)
    mail["X-ADV-Response"] = answer.response
    mail.set_content(f"{_french(answer)}\n\n{'-' * 40}\nEnglish version\n\n{_english(answer)}\n", charset="utf-8")
    return mail


def _subject(answer: MailAnswer) -> str:
    doc = answer.document
    fr, en = SUBJECT[answer.response]
    if doc is None:
        name = answer.file_name or "document"
        return f"Document {name} {'refusé' if answer.response == 'rejected' else 'reçu'} / Document {name} {en}"
    number = f" {doc.number}" if doc.number else ""
    label_fr = KIND_FR[doc.kind][1]
    fr_word = fr if doc.kind in FEMININE else fr.replace("enregistrée", "enregistré").replace("refusée", "refusé")
    return f"{label_fr}{number} {fr_word} / {KIND_EN[doc.kind].capitalize()}{number} {en}"


def _french(answer: MailAnswer) -> str:
    doc = answer.document
    lines = ["Bonjour,", ""]
    if doc is None:
        name = answer.file_name or "que vous nous avez envoyé"
        lines.append(f"Le document {name} n'a pas pu être traité et a été refusé.")
    else:
        what = KIND_FR[doc.kind][0] + (f" {doc.number}" if doc.number else "") + _french_date(doc.issue_date)
        registered, as_is = ("enregistrée", "telle quelle") if doc.kind in FEMININE else ("enregistré", "tel quel")
        if answer.response == "accepted":
            lines.append(f"Nous avons bien reçu {what} et l'avons {registered} {as_is}.")
        elif answer.response == "changed":
            lines.append(f"Nous avons bien reçu {what} et l'avons {registered} après correction de : "
                         f"{', '.join(answer.corrected)}. Merci de vérifier ces valeurs ci-dessous.")
        else:
            lines.append(f"Nous ne pouvons pas accepter {what}.")
    if answer.response == "rejected" and answer.reason:
        lines.append(f"Motif : {answer.reason}")
    if doc is not None and doc.lines:
        lines += ["", *_table(doc, ("Ligne", "Article", "Désignation", "Quantité", "Prix unitaire", "Montant HT"))]
        if doc.totals.net is not None:
            lines.append(f"Total HT : {doc.totals.net} {doc.currency or ''}".rstrip())
    lines += ["", f"Notre référence : document {answer.document_id}.", "",
              "Cordialement,", "L'administration des ventes"]
    return "\n".join(lines)


def _english(answer: MailAnswer) -> str:
    doc = answer.document
    lines = ["Hello,", ""]
    if doc is None:
        name = answer.file_name or "you sent us"
        lines.append(f"The document {name} could not be processed and was rejected.")
    else:
        what = f"your {KIND_EN[doc.kind]}" + (f" {doc.number}" if doc.number else "") + (
            f" of {doc.issue_date.isoformat()}" if doc.issue_date else "")
        if answer.response == "accepted":
            lines.append(f"We have received {what} and registered it as it is.")
        elif answer.response == "changed":
            lines.append(f"We have received {what} and registered it after correcting: {', '.join(answer.corrected)}. "
                         "Please check these values below.")
        else:
            lines.append(f"We cannot accept {what}.")
    if answer.response == "rejected" and answer.reason:
        lines.append(f"Reason: {answer.reason}")
    if doc is not None and doc.lines:
        lines += ["", *_table(doc, ("Line", "Item", "Description", "Quantity", "Unit price", "Net amount"))]
        if doc.totals.net is not None:
            lines.append(f"Total excluding VAT: {doc.totals.net} {doc.currency or ''}".rstrip())
    lines += ["", f"Our reference: document {answer.document_id}.", "", "Kind regards,", "Sales administration"]
    return "\n".join(lines)


def _french_date(day: date | None) -> str:
    return f" du {day:%d/%m/%Y}" if day else ""


def _table(doc: BusinessDocument, header: tuple[str, ...]) -> list[str]:
    """The lines as a fixed-width text table (mail readers show plain text in a monospaced font, mostly)."""
    rows = [header]
    for index, line in enumerate(doc.lines):
        item = line.gtin or line.seller_item_id or line.buyer_item_id or ""
        quantity = f"{line.quantity} {line.unit or ''}".strip() if line.quantity is not None else ""
        rows.append((str(line.line_no or index + 1), item, line.description or "", quantity,
                     "" if line.unit_price is None else str(line.unit_price),
                     "" if line.net_amount is None else str(line.net_amount)))
    return ["  ".join(_cell(value, width, right=i >= 3) for i, (value, width) in enumerate(zip(row, WIDTHS)))
            .rstrip() for row in rows]


def _cell(value: str, width: int, right: bool) -> str:
    value = value if len(value) <= width else value[: width - 1] + "…"
    return value.rjust(width) if right else value.ljust(width)
