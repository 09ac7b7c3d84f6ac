"""Header fields of a mail: the order number (or the earlier order it changes) and the requested delivery date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span

from extractors.text.components import spans
from extractors.text.dates import DateExpression
from extractors.text.found import TextValue
from extractors.text.lines import TextLines
from extractors.text.vocabulary import DELIVERY_CUES, PAST_CUES

_CHANGE_LABELS = ("CANCEL", "CHANGE")
CHANGE_WINDOW = 12  # tokens between "annule"/"remplace" and the order number it is about


@dataclass(frozen=True)
class OrderNumbers:
    number: TextValue | None
    earlier: TextValue | None  # the order this mail cancels or changes
    change: str | None  # "cancel" or "change"
    others: tuple[TextValue, ...] = ()  # more numbers than one: a person should look


def order_numbers(doc: Doc, start: int, end: int, subject: Doc | None) -> OrderNumbers:
    number = earlier = change = None
    others: list[TextValue] = []
    for source, path in ((doc, None), (subject, "subject")):
        if source is None:
            continue
        lines = TextLines(source)
        cues = [c for c in spans(source, "adv_cues", _CHANGE_LABELS)]
        for span in spans(source, "adv_refs", ["ORDER_NO"]):
            if path is None and not start <= span.start_char < end:
                continue
            info = span._.adv
            value = TextValue(info.value(span), *info.where(span), info.confidence, path=path)
            near = [c for c in cues if abs(c.start - span.start) <= CHANGE_WINDOW
                    and lines.of(c.start_char) == lines.of(span.start_char)]
            if near:
                kind = "cancel" if any(c.label_ == "CANCEL" for c in near) and \
                    not any(c.label_ == "CHANGE" for c in near) else "change"
                if earlier is None:
                    earlier, change = value, kind
                continue
            if number is None:
                number = value
            elif value.value != number.value and (earlier is None or value.value != earlier.value):
                others.append(value)
    if earlier is not None and number is not None and number.value == earlier.value:
        number = None
    return OrderNumbers(number, earlier, change, tuple(others))


@dataclass(frozen=True)
class DeliveryDate:
    chosen: TextValue | None
    conflicting: TextValue | None  # another date that reads as the delivery date just as well
    unresolved: TextValue | None  # a relative date that needs the sending day, which the mail lacks


def _score(doc: Doc, span: Span, lines: TextLines) -> float:
    expression: DateExpression = span._.adv
    line = lines.of(span.start_char)
    before = [t for t in doc[max(0, span.start - 6):span.start] if lines.of(t.idx) == line and not t.is_space]
    score = 1.0 + 0.5 * expression.relative
    folded = [t._.fold for t in before]
    if any(f in DELIVERY_CUES or f.startswith("livr") or f.startswith("deliver") for f in folded):
        score += 2
    if folded[-1:] and folded[-1] in PAST_CUES or folded[-2:-1] and folded[-2] in PAST_CUES and folded[-1] == "le":
        score -= 3
    after = [t._.fold for t in doc[span.end:span.end + 2]]
    if after[:1] in (["dernier"], ["derniere"], ["last"]) or after[:1] in (["ago"],):
        score -= 3
    return score


def delivery_date(doc: Doc, start: int, end: int, subject: Doc | None, sent: date | None) -> DeliveryDate:
    candidates: list[tuple[float, int, TextValue]] = []
    unresolved = None
    for source, path, bonus in ((doc, None, 0.0), (subject, "subject", -0.5)):
        if source is None:
            continue
        lines = TextLines(source)
        for span in spans(source, "adv_dates"):
            if path is None and not start <= span.start_char < end:
                continue
            expression: DateExpression = span._.adv
            resolved = expression.resolve(sent)
            if resolved is None:
                unresolved = unresolved or TextValue(span.text, span.start_char, span.end_char, 0.3, path=path)
                continue
            score = _score(source, span, lines) + bonus
            confidence = 0.9 if not expression.relative else 0.85
            if expression.inconsistent(sent):
                confidence = 0.45  # "lundi 16 décembre" on a Tuesday: which did they mean?
            candidates.append((score, span.start_char if path is None else 10**9,
                               TextValue(resolved, span.start_char, span.end_char, confidence, path=path)))
    candidates = [c for c in candidates if c[0] >= 1.0]
    if not candidates:
        return DeliveryDate(None, None, unresolved)
    candidates.sort(key=lambda c: (-c[0], c[1]))
    best = candidates[0]
    rival = next((c[2] for c in candidates[1:] if c[0] == best[0] and c[2].value != best[2].value
                  and c[2].path == best[2].path), None)
    return DeliveryDate(best[2], rival, unresolved)
