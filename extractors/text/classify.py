"""Is this mail an order? Weighs the cue phrases (``cues.py``) against the order lines found.

Classes: ``order``; ``change`` (lines that replace or change an earlier order); ``cancel`` (an earlier order is
cancelled or changed, with no new lines); and the mails that are not orders: ``question``, ``complaint``,
``out_of_office``, ``other``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span

NOT_ORDERS = ("question", "complaint", "out_of_office", "other")
_SENTENCE_END = re.compile(r"[.!?\n]")


def asked(doc: Doc, start_char: int, question_cues: list[Span]) -> bool:
    """Whether the sentence around ``start_char`` is a question about the goods rather than a request for them
    ("Could you send me a quote for 3 pallets?"; but "Pouvez-vous nous livrer 12 cartons ?" is an order)."""
    text = doc.text
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start_char)), default=0)
    end_match = _SENTENCE_END.search(text, start_char)
    end = end_match.start() if end_match else len(text)
    return end < len(text) and text[end] == "?" and any(begin <= c.start_char < end for c in question_cues)


@dataclass(frozen=True)
class Signals:
    body: Counter  # cue label -> count in the mail's own text (signature excluded)
    subject: Counter  # cue label -> count in the subject
    lines: int  # order lines found (not counting those asked about: "un devis pour 3 palettes ?")
    questions: int  # question marks in the mail's own text
    earlier_order: bool  # an order number next to "annule", "remplace", "modifie"…
    dated: bool  # a delivery date was found


@dataclass(frozen=True)
class Verdict:
    kind: str
    confidence: float
    reason: str


def classify(s: Signals) -> Verdict:
    body, subject = s.body, s.subject
    away = body["OUT_OF_OFFICE"] + 3 * subject["OUT_OF_OFFICE"]
    if subject["OUT_OF_OFFICE"] or (away >= 2 and s.lines == 0) or (away and not s.lines and not body["ORDER"]):
        return Verdict("out_of_office", 0.95 if subject["OUT_OF_OFFICE"] else 0.8, "an automatic absence reply")
    if s.earlier_order and (body["CANCEL"] or body["CHANGE"] or subject["CANCEL"] or subject["CHANGE"]):
        if s.lines:
            return Verdict("change", 0.85, "new lines for an earlier order")
        return Verdict("cancel", 0.85, "an earlier order is cancelled or changed")
    complaint = body["COMPLAINT"] + 2 * subject["COMPLAINT"]
    question = body["QUESTION"] + s.questions + 2 * subject["QUESTION"]
    ordering = 2 * body["ORDER"] + body["DELIVERY"] + 2 * subject["ORDER"] + s.dated
    other = body["OTHER"] + 2 * subject["OTHER"]
    if s.lines:
        if complaint >= 2 and complaint >= ordering:
            return Verdict("complaint", 0.7, "quantities, but written about a delivery that went wrong")
        if question >= 2 and question > ordering and not body["ORDER"]:
            return Verdict("question", 0.7, "quantities, but asked about rather than ordered")
        if other >= 2 and other > ordering:
            return Verdict("other", 0.6, "quantities, but about invoices or payment")
        confidence = 0.95 if ordering >= 2 else 0.75
        return Verdict("order", confidence, f"{s.lines} order line(s)")
    if complaint and complaint >= question:
        return Verdict("complaint", 0.8, "a complaint")
    if question:
        return Verdict("question", 0.75, "a question")
    if other:
        return Verdict("other", 0.7, "about invoices, payment or news, not an order")
    if body["ORDER"] >= 2 or (body["ORDER"] and subject["ORDER"]):
        return Verdict("order", 0.5, "ordering words but no line could be read")
    return Verdict("other", 0.6, "no order line and no ordering words")
