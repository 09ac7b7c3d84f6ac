"""Header fields by rules anchored on labels: document kind, number, dates, currency, references.

Each rule looks for its label words, then reads the value to the right on the same line or just below in
the label's column. A value found next to a specific label (``Date d'échéance``) is surer than one found
next to a generic one (``Date``) or by a fallback (the first date on the page), and says so in its confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.geometry import (Found, LabelHit, PhraseIndex, TextLine, read_words, squash, starts_segment,
                                 value_below, value_right)
from extractors.labels import (CURRENCY_LABELS, DATE_LABELS, GENERIC_NUMBER_LABELS, KIND_TITLES, NUMBER_LABELS,
                               NUMBER_MARKERS, REFERENCE_LABELS)
from extractors.numbers import currency_of, parse_amount, parse_date, parse_percent
from schemas import DocumentKind

_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9/_.\-]*$")
DATE_FIELDS_BY_KIND = {
    DocumentKind.INVOICE: ("issue_date", "due_date", "delivery_date"),
    DocumentKind.CREDIT_NOTE: ("issue_date", "due_date", "delivery_date"),
    DocumentKind.ORDER: ("issue_date", "requested_delivery_date"),
    DocumentKind.ORDER_RESPONSE: ("issue_date", "requested_delivery_date"),
    DocumentKind.DELIVERY_NOTE: ("issue_date", "delivery_date"),
}


def read_reference(text: str) -> str | None:
    """A document number or reference: one token with at least one digit that is not a date or an amount."""
    token = text.strip().lstrip("#:").rstrip(".,;:)")
    if len(token) < 2 or len(token) > 40 or " " in token or not _REFERENCE.match(token):
        return None
    if parse_date(token) or parse_percent(token):
        return None
    if re.fullmatch(r"[\d.]*\d,\d{2}|\d{1,3}(\.\d{3})*,\d{2}|\d+\.\d{2}", token):
        return None  # 12,50 / 1.234,56 / 12.50: an amount
    return token


TITLE_DATE_WORDS = {"vom", "von", "du", "dated", "of"}
_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}$")


def day_first(lines: list[TextLine]) -> bool:
    """Whether the document writes 03/11/2017 for 3 November: any date with a first part over 12 says yes,
    one with a second part over 12 says no (US style); French and German are day-first by default."""
    votes = 0
    for line in lines:
        for word in line.words:
            match = _SLASHED.match(word.text.strip(".,;()"))
            if match:
                first, second = int(match.group(1)), int(match.group(2))
                votes += (first > 12) - (second > 12)
    return votes >= 0


def date_reader(first_day: bool):
    return lambda text: parse_date(text, day_first=first_day)


@dataclass(frozen=True)
class Title:
    kind: DocumentKind
    hit: LabelHit | None
    confidence: float


_TITLES = PhraseIndex(KIND_TITLES)


def document_kind(lines: list[TextLine], skip: set[int]) -> Title:
    """The kind the document's title says; the most prominent title word wins (big, early, line start)."""
    best, best_score = None, 0.0
    for hit in _TITLES.find(line for line in lines if line.index not in skip):
        score = _prominence(hit)
        if score > best_score:
            best, best_score = hit, score
    for line in lines:  # German compounds: Handelsrechnung, Mietrechnung, Teilrechnung…
        if line.index in skip or line.page > 1:
            continue
        for i, key in enumerate(line.keys):
            if len(key) > 8 and key.endswith("rechnung") and not key.startswith("rechnung"):
                hit = LabelHit(DocumentKind.INVOICE, line, i, i + 1, 0)
                score = _prominence(hit)
                if score > best_score:
                    best, best_score = hit, score
    if best is None:
        return Title(DocumentKind.INVOICE, None, 0.3)
    return Title(DocumentKind(best.name), best, 0.9 if starts_segment(best.line, best.start) else 0.7)


def _prominence(hit: LabelHit) -> float:
    height = max(w.bbox[3] - w.bbox[1] for w in hit.words)
    line = hit.line
    score = height * (1.6 if starts_segment(line, hit.start) else 1.0)
    score *= 1.5 if line.page == 1 else 0.5
    score *= 1.0 + max(0.0, 1.0 - line.top / 800)
    following = line.keys[hit.end] if hit.end < len(line.keys) else ""
    if following in {"a", "de", "du", "to", "from", "an", "fur", "gemass"} or line.keys[hit.start - 1:hit.start] in (
            ["de"], ["la"], ["votre"], ["your"], ["ihre"], ["date"]):
        score *= 0.3  # "Facture à régler…", "Date de facture", "votre commande": not a title
    return score


class HeaderRules:
    """The header rules for one kind of document, with a profile's extra label words merged in."""

    def __init__(self, kind: DocumentKind, extra: dict[str, list[str]] | None = None) -> None:
        extra = extra or {}
        self.kind = kind
        number = list(extra.get("number", [])) + NUMBER_LABELS.get(kind, [])
        self.numbers = PhraseIndex({"number": number, "generic": GENERIC_NUMBER_LABELS})
        dates = {name: list(extra.get(name, [])) + DATE_LABELS[name] for name in DATE_FIELDS_BY_KIND[kind]}
        self.dates = PhraseIndex(dates)
        references = {name: list(extra.get(name, [])) + phrases for name, phrases in REFERENCE_LABELS.items()
                      if not (name == "order_ref" and kind is DocumentKind.ORDER)
                      and not (name == "delivery_note_ref" and kind is DocumentKind.DELIVERY_NOTE)}
        self.references = PhraseIndex(references)
        self.currency = PhraseIndex({"currency": list(extra.get("currency", [])) + CURRENCY_LABELS})
        self.markers = {squash(m) for m in NUMBER_MARKERS}

    # -- number -------------------------------------------------------------------------------------
    def number(self, lines: list[TextLine], title: Title) -> Found | None:
        hits = self.numbers.find(lines)
        if title.hit is not None and self._marker_follows(title.hit):
            found = value_right(title.hit, read_reference, 1, skip=3)
            if found:  # "FACTURE N° : F2026…", "Rechnung Nr. 471102": the title names its own number
                return Found(found[0], found[1], title.hit.line.page, 0.95)
        specific = [h for h in hits if h.name == "number"]
        for hit in sorted(specific, key=lambda h: (h.priority, h.line.index)):
            found = value_right(hit, read_reference, 1) or value_below(lines, hit, read_reference, 1)
            if found:
                return Found(found[0], found[1], hit.line.page, 0.95)
        if title.hit is not None:
            found = value_right(title.hit, read_reference, 1, skip=3)
            if found:
                return Found(found[0], found[1], title.hit.line.page, 0.9)
            # "Invoice No." on the title line with the value under it, or "Nr." on the next line
            near = [h for h in hits if h.name == "generic" and 0 <= h.line.index - title.hit.line.index <= 3]
            for hit in near:
                found = value_right(hit, read_reference, 1) or value_below(lines, hit, read_reference, 1)
                if found:
                    return Found(found[0], found[1], hit.line.page, 0.75)
        return None

    def _marker_follows(self, hit: LabelHit) -> bool:
        keys = [k for k in hit.line.keys[hit.end:hit.end + 4] if k]
        return any(k in self.markers for k in keys[:3])

    # -- dates --------------------------------------------------------------------------------------
    def dates_found(self, lines: list[TextLine], title: Title, taken: set[int]) -> dict[str, Found]:
        found: dict[str, Found] = {}
        title_line = title.hit.line.index if title.hit else -1
        hits = [h for h in self.dates.find(lines)  # "vom", "du": only right after the title and its number
                if squash(h.line.text_of(h.start, h.end)) not in TITLE_DATE_WORDS or h.line.index == title_line]
        read_date = date_reader(day_first(lines))
        for name in DATE_FIELDS_BY_KIND[self.kind]:
            for hit in sorted((h for h in hits if h.name == name), key=lambda h: (h.priority, h.line.index)):
                if hit.line.index in taken and name == "issue_date" and hit.priority > 10:
                    continue
                value = value_right(hit, read_date, 4, skip=2) or value_below(lines, hit, read_date, 4)
                if value and not _same_words(value[1], found.values()):
                    generic = hit.priority >= len(DATE_LABELS[name]) - 3
                    found[name] = Found(value[0], value[1], hit.line.page, 0.75 if generic else 0.95)
                    break
        if "issue_date" not in found:
            fallback = self._first_date(lines, found.values(), taken, read_date)
            if fallback:
                found["issue_date"] = fallback
        return found

    @staticmethod
    def _first_date(lines: list[TextLine], already: object, taken: set[int], read_date) -> Found | None:
        """No issue-date label: the first date in the top half of page 1 that no other label claimed."""
        used = {id(w) for f in already for w in f.words}
        for line in lines:
            if line.page != 1 or line.top > 450 or line.index in taken:
                continue
            for i in range(len(line.words)):
                value = read_words(line.words[i:], read_date, 4)
                if value and not any(id(w) in used for w in value[1]):
                    return Found(value[0], value[1], 1, 0.6)
        return None

    # -- currency and references -------------------------------------------------------------------
    def currency_found(self, lines: list[TextLine]) -> Found | None:
        for hit in self.currency.find(lines):
            value = value_right(hit, currency_of, 1, skip=3)
            if value:
                return Found(value[0], value[1], hit.line.page, 0.95)
        counts: dict[str, list] = {}
        for line in lines:
            for word in line.words:
                text = word.text.strip("():.,;")
                code = currency_of(text) if text.isupper() or text in ("€", "$", "£") else None
                if code is None and word.text.endswith("€") and parse_amount(word.text) is not None:
                    code = "EUR"
                if code:
                    counts.setdefault(code, []).append((word, line.page))
        if not counts:
            return None
        code, seen = max(counts.items(), key=lambda item: len(item[1]))
        word, page = seen[0]
        return Found(code, (word,), page, 0.8 if code != "USD" else 0.6)

    def references_found(self, lines: list[TextLine], number: Found | None) -> dict[str, Found]:
        found: dict[str, Found] = {}
        taken = {id(w) for w in number.words} if number else set()
        for hit in sorted(self.references.find(lines), key=lambda h: (h.priority, h.line.index)):
            if hit.name in found:
                continue
            value = value_right(hit, read_reference, 1, skip=3) or value_below(lines, hit, read_reference, 1)
            if value and not any(id(w) in taken for w in value[1]):
                found[hit.name] = Found(value[0], value[1], hit.line.page, 0.85)
        return found


def _same_words(words, founds) -> bool:
    ids = {id(w) for w in words}
    return any(ids & {id(w) for w in f.words} for f in founds)
