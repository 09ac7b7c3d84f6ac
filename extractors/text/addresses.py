"""Delivery addresses: "livraison au 12 rue des Halles, 75001 Paris", an "Adresse de livraison :" block, or
just "à notre dépôt de Lyon". An address in the signature is the buyer's own, not where to deliver.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extractors.text.components import spans
from extractors.text.found import TextValue
from extractors.text.lines import TextLines
from extractors.text.vocabulary import STREET_WORDS

SITES = {"depot", "entrepot", "magasin", "site", "usine", "plateforme", "agence", "restaurant", "boutique",
         "warehouse", "store", "plant", "shop", "branch", "cuisine", "atelier", "succursale", "etablissement"}
_LINKS = {"de", "d'", "du", "a", "of", "in", "at", "sur"}
_DELIVERY = {"livraison", "livrer", "livre", "livrez", "deliver", "delivery", "ship", "shipping", "adresse",
             "address", "depot", "entrepot", "magasin", "site", "warehouse", "destinataire", "reception", "quai"}
_CITY_STOP = {"merci", "svp", "pour", "avant", "le", "la", "et", "des", "thanks", "please", "by", "for", "on",
              "with", "avec", "tel", "tél", "tél.", "france"}


@dataclass(frozen=True)
class FoundAddress:
    street: TextValue | None
    postal_code: TextValue | None
    city: TextValue | None
    name: TextValue | None
    country: TextValue | None
    delivery: bool  # near a delivery cue, rather than a letterhead or signature address

    @property
    def whole(self) -> tuple[int, int]:
        parts = [p for p in (self.name, self.street, self.postal_code, self.city) if p is not None]
        return min(p.start for p in parts), max(p.end for p in parts)


def find_addresses(doc: Doc, start: int, end: int) -> list[FoundAddress]:
    """Addresses with a postcode between ``start`` and ``end``, then site names ("dépôt de Lyon") without one."""
    lines = TextLines(doc)
    found = []
    for code in spans(doc, "adv_codes", ["POSTCODE"]):
        if not start <= code.start_char < end:
            continue
        city = _city(doc, code.end)
        street = _street_same_line(doc, code, lines) or _street_line_above(doc, code, lines)
        name = _site_name(doc, street.start if street else code.start_char, lines) if street else None
        country = None
        if city is not None and city.end < len(doc.text):
            rest = doc.text[city.end:city.end + 12].strip(" ,-\n").lower()
            if rest.startswith("france"):
                offset = doc.text.lower().index("france", city.end)
                country = TextValue("FR", offset, offset + 6, 0.95)
        postal = TextValue(code.text.replace(" ", ""), code.start_char, code.end_char, 0.9)
        found.append(FoundAddress(street, postal, city, name, country, _near_delivery(doc, code, lines)))
    if not found:
        found.extend(_sites(doc, start, end))
    return found


def _city(doc: Doc, i: int) -> TextValue | None:
    j = i
    while j < len(doc) and not doc[j].is_space and doc[j].text not in (",", ".", ";", "(", ")", "!", "?") \
            and doc[j]._.fold not in _CITY_STOP and (doc[j].text[:1].isupper() or doc[j].text in ("-", "sur", "en",
                                                                                                   "le", "les")
                                                      or doc[j].like_num and doc[j - 1]._.fold == "cedex"):
        if "\n" in doc[j].text_with_ws and j > i:
            j += 1
            break
        j += 1
    while j > i and doc[j - 1].text in ("-", "sur", "en", "le", "les"):
        j -= 1
    if j == i:
        return None
    span = doc[i:j]
    return TextValue(span.text, span.start_char, span.end_char, 0.85)


def _street_start(tokens: list[Token]) -> int | None:
    """Index in ``tokens`` where a street starts: "12 rue…", "12 bis avenue…", "ZI des Plaines", "rue…"."""
    for k, token in enumerate(tokens):
        fold = token._.fold.rstrip(".")
        if token.like_num and k + 1 < len(tokens):
            nxt = tokens[k + 1]._.fold.rstrip(".")
            if nxt in STREET_WORDS or (nxt in ("bis", "ter") and k + 2 < len(tokens)
                                       and tokens[k + 2]._.fold.rstrip(".") in STREET_WORDS):
                return k
        if fold in STREET_WORDS and fold not in ("st", "mail", "place", "site", "parc", "zone", "way", "square") \
                and (k == 0 or tokens[k - 1].text in (",", ":", "au", "à")):
            return k
    return None


def _street_same_line(doc: Doc, code: Span, lines: TextLines) -> TextValue | None:
    line = lines.of(code.start_char)
    tokens = [t for t in doc[max(0, code.start - 30):code.start] if lines.of(t.idx) == line and not t.is_space]
    k = _street_start(tokens)
    if k is None:
        return None
    end = len(tokens)
    while end > k and tokens[end - 1].text in (",", "-", "–"):
        end -= 1
    part = doc[tokens[k].i:tokens[end - 1].i + 1]
    return TextValue(part.text, part.start_char, part.end_char, 0.85) if end > k + 1 else None


def _street_line_above(doc: Doc, code: Span, lines: TextLines) -> TextValue | None:
    line = lines.of(code.start_char)
    for above in (line - 1, line - 2):
        tokens = [t for t in doc[max(0, code.start - 40):code.start] if lines.of(t.idx) == above and not t.is_space]
        if not tokens:
            continue
        k = _street_start(tokens)
        if k is not None:
            part = doc[tokens[k].i:tokens[-1].i + 1]
            text = part.text.rstrip(",")
            return TextValue(text, part.start_char, part.start_char + len(text), 0.8)
    return None


def _site_name(doc: Doc, street_start: int, lines: TextLines) -> TextValue | None:
    """The line above a street in an address block ("Dépôt Lyon Sud") when it names a place, not a label."""
    line = lines.of(street_start)
    tokens = [t for t in doc if lines.of(t.idx) == line - 1 and not t.is_space]
    if not tokens or tokens[-1].text == ":" or not tokens[0].text[:1].isupper() or len(tokens) > 6:
        return None
    if not any(t._.fold in SITES for t in tokens):
        return None
    part = doc[tokens[0].i:tokens[-1].i + 1]
    return TextValue(part.text, part.start_char, part.end_char, 0.7)


def _near_delivery(doc: Doc, code: Span, lines: TextLines) -> bool:
    line = lines.of(code.start_char)
    window = [t for t in doc[max(0, code.start - 60):code.start] if lines.of(t.idx) >= line - 3]
    return any(t._.fold in _DELIVERY or t._.fold.startswith("livr") for t in window)


def _sites(doc: Doc, start: int, end: int) -> list[FoundAddress]:
    """ "à notre dépôt de Lyon", "to our warehouse in Lyon": a site and its town, no street."""
    found = []
    for token in doc:
        if not start <= token.idx < end or token._.fold not in SITES:
            continue
        i = token.i + 1
        if i < len(doc) and doc[i]._.fold in _LINKS:
            i += 1
        j = i
        while j < len(doc) and (doc[j].text[:1].isupper() and doc[j].is_alpha or doc[j].text == "-" or
                                (doc[j].text[:1].isupper() and "-" in doc[j].text)):
            j += 1
        if j == i:
            continue
        name_start = token.i
        if token.i > 0 and doc[token.i - 1]._.fold in ("notre", "nos", "our", "le", "la", "l'", "the"):
            name_start = token.i - 1 if doc[token.i - 1]._.fold not in ("notre", "nos", "our") else token.i
        name = doc[name_start:j]
        city = doc[i:j]
        found.append(FoundAddress(None, None, TextValue(city.text, city.start_char, city.end_char, 0.6),
                                  TextValue(name.text, name.start_char, name.end_char, 0.6), None, True))
    return found
