"""Free text in, an order out: e-mails with no attachment, read with spaCy and rules we own.

``read_free_text`` is what the pipeline calls (through ``extractors.extract_text_documents``). It reads only the
new part of the mail (``message``), labels it with the shared spaCy pipeline (``model``, ``components``: codes,
dates, references, quantities, cues), decides whether it is an order at all (``classify``), and if so puts the
order together (``lines``, ``header``, ``customer``, ``addresses``, ``products``, ``order``). Every value carries
``method: "nlp"``, its character span in ``FreeText.text`` (or ``path: "subject"`` and a span in the subject)
and a confidence. The same components read header fields of PDFs and scans (``layout_header``).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from extractors import Extraction
from extractors.text.addresses import find_addresses
from extractors.text.classify import NOT_ORDERS, Signals, Verdict, asked, classify
from extractors.text.components import spans
from extractors.text.customer import read_buyer
from extractors.text.header import delivery_date, order_numbers
from extractors.text.lines import read_lines
from extractors.text.message import read_body
from extractors.text.model import nlp
from extractors.text.order import build_order
from extractors.text.products import Catalogue, index_for
from schemas import Party, Provenance
from schemas.findings import error, info
from schemas.layout import FreeText

log = logging.getLogger(__name__)

__all__ = ["Catalogue", "not_an_order_class", "read_free_text", "sent_day"]
NOT_AN_ORDER_PREFIX = "Not an order ("


def sent_day(sent_at: str | None) -> date | None:
    """The day the message was sent, as its own timestamp says (ISO 8601 or RFC 2822), in its own time zone."""
    if not sent_at:
        return None
    try:
        return datetime.fromisoformat(sent_at.strip()).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(sent_at).date()
    except (TypeError, ValueError, IndexError):
        return None


def read_free_text(text: FreeText, sha256: str, catalogue: Catalogue | None = None) -> Extraction:
    """The order a prose message asks for, or a ``NOT_AN_ORDER`` finding saying what the message is instead."""
    try:
        return _read(text, sha256, catalogue)
    except Exception as exc:  # a rule crashing is our bug: the message still goes to a person
        log.exception("free-text extraction failed on %s", sha256)
        return Extraction(findings=(error("EXTRACTION_FAILED", f"Reading the message failed ({type(exc).__name__}: "
                                          f"{exc}). This is a defect in ADV intake; the raw file is kept and can be "
                                          "retried after a fix."),), notes=("free-text extraction failed",))


def not_an_order_class(message: str) -> str | None:
    """The class (question, complaint, out_of_office, other) a ``NOT_AN_ORDER`` finding's message names."""
    if not message.startswith(NOT_AN_ORDER_PREFIX):
        return None
    return message[len(NOT_AN_ORDER_PREFIX):].split(")", 1)[0]


def _read(text: FreeText, sha256: str, catalogue: Catalogue | None) -> Extraction:
    body = read_body(text.text, text.subject)
    pipeline = nlp()
    doc = pipeline(body.text)
    subject = pipeline(text.subject) if text.subject else None
    sent = sent_day(text.sent_at)
    own = (body.start, body.signature)
    lines = read_lines(doc, *own)
    question_cues = spans(doc, "adv_cues", ["QUESTION"])
    lines = [line for line in lines if line.quantity is None or not asked(doc, line.quantity.start, question_cues)]
    numbers = order_numbers(doc, *own, subject)
    delivery = delivery_date(doc, *own, subject, sent)
    verdict = classify(Signals(
        body=Counter(c.label_ for c in spans(doc, "adv_cues") if own[0] <= c.start_char < own[1]),
        subject=Counter(c.label_ for c in spans(subject, "adv_cues")) if subject is not None else Counter(),
        lines=len(lines), questions=doc.text[own[0]:own[1]].count("?"),
        earlier_order=numbers.earlier is not None, dated=delivery.chosen is not None))
    where = "forwarded message" if body.forwarded_sender else "message text"
    notes = [f"{where}: characters {body.start}-{body.end} of {len(text.text)} read"
             f"{' (quoted history left out)' if body.quoted else ''}, signature from {body.signature}",
             f"{len(doc)} tokens, {len(lines)} order line(s), class {verdict.kind} ({verdict.reason})"]
    if verdict.kind in NOT_ORDERS:
        return Extraction(findings=(info("NOT_AN_ORDER", f"{NOT_AN_ORDER_PREFIX}{verdict.kind}): "
                                         f"{verdict.reason}. It was not loaded as an order.",
                                         location=Provenance(method="nlp", confidence=verdict.confidence)),),
                          notes=tuple(notes))
    if verdict.kind == "cancel":
        earlier = numbers.earlier
        return Extraction(findings=(error("NLP_ORDER_CHANGE", f"This mail cancels or changes order {earlier.value} "
                                          "and carries no new lines; changes are never applied automatically: "
                                          "update that order by hand.", field="order_ref",
                                          location=earlier.provenance()),), notes=tuple(notes))
    return _order(text, sha256, catalogue, body, doc, sent, lines, numbers, delivery, verdict, notes)


def _order(text, sha256, catalogue, body, doc, sent, lines, numbers, delivery, verdict: Verdict, notes):
    sender = body.forwarded_sender or text.sender
    buyer = read_buyer(doc, body.start, body.signature, body.end, None if body.forwarded_sender else
                       text.sender_name, sender, catalogue, Party)
    addresses = find_addresses(doc, body.start, body.end)
    in_text = [a for a in addresses if a.whole[0] < body.signature]
    in_signature = [a for a in addresses if a.whole[0] >= body.signature]
    ship_to = next((a for a in in_text if a.delivery), in_text[0] if in_text else None)
    document = build_order(
        sha256=sha256, sender=sender, locator=f"{'forwarded message' if body.forwarded_sender else 'message text'}"
        f" (characters {body.start}-{body.end})", sent=sent, sent_at=text.sent_at, numbers=numbers,
        delivery=delivery, buyer=buyer, buyer_address=in_signature[0] if in_signature else None, ship_to=ship_to,
        lines=lines, index=index_for(catalogue), change=numbers.change if verdict.kind == "change" else None,
        kind_confidence=verdict.confidence)
    notes.append(f"order {document.number or '?'}: {len(document.lines)} line(s), "
                 f"{len(document.provenance)} value(s) with provenance")
    return Extraction(documents=(document,), notes=tuple(notes))
