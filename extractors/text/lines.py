"""Order lines from the labelled text: a quantity opens a line; its description and product code follow it
(or, in "Gants nitrile M : 12 cartons", come before it on the same text line).

Works text line by text line. A quantity opens an order line when it stands where a person starts one: at
the start of a line or a bullet, after a separator ("et", ",", ";", "+"), after a verb ("livrer 12 cartons"),
or at the end of a line that names a product. A measure inside a description ("jus de pomme 1 L",
"farine 25 kg") does not.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extractors.text.components import spans
from extractors.text.found import TextValue
from extractors.text.quantities import Quantity
from extractors.text.references import Reference
from extractors.text.vocabulary import MEASURES, STREET_WORDS, UNITS

BULLETS = {"-", "*", "•", "–", "—", "·", "o", "+", "→", ">", "=>", "▪", "◦"}
SEPARATORS = {",", ";", "+", "et", "and", "&", "puis", "plus", "/", "(", "|", "ainsi", "que", "egalement",
              "aussi", "also", "avec", "with", "x", "×", ":", "qte", "quantite", "qty", "quantity", "soit"}
STRONG_SEPARATORS = {",", ";", "+", "et", "and", "&", "puis", "plus", "/", "|", "que", "ainsi", "also"}
TRIGGERS = {"livrer", "envoyer", "commander", "expedier", "preparer", "besoin", "faut", "faudrait", "need", "send",
            "ship", "deliver", "order", "like", "want", "prendre", "prendrons", "prendrai", "recevoir", "supply",
            "reserver", "voudrais", "voudrions", "souhaitons", "souhaiterions", "souhaiterais", "commandons",
            "commande", "rajouter", "ajouter", "add", "book", "dispatch", "parvenir", "fournir", "please", "svp",
            "merci", "require", "requires", "needs", "also", "egalement", "then", "encore", "de", "d'", "of", "pour"}
FILLERS = {"de", "d'", "du", "des", "of", "x", "×", "*", ":", "-", "–", "the", "la", "le", "les", "l'"}
STOPS = {"svp", "stp", "merci", "please", "thanks", "asap", "urgent", "avant", "before", "des", "dès", "livre",
         "livres", "livrer", "livraison", "delivered", "delivery", "deliver", "a", "au", "aux", "at", "to", "sur",
         "on", "chez", "pour", "for", "by", "d'ici", "sous", "within", "comme", "as", "si", "if", "qui", "que",
         "en", "dans", "in", "le", "the", "ce", "cette", "this", "et", "and", "ou", "or", "au", "car", "because",
         "mais", "but", "demain", "tomorrow", "ainsi", "egalement", "aussi", "also"}
# after these a "pour", "à", "le"… still belongs to the description ("gants pour cuisine", "sacs à vrac")
NOT_PRODUCTS = {"h", "heures", "heure", "jours", "jour", "days", "day", "semaines", "semaine", "weeks", "week",
                "mois", "months", "ans", "years", "minutes", "min", "personnes", "people", "persons", "fois", "times",
                "euros", "euro", "eur", "%", "ht", "ttc", "couverts", "ans", "fois", "lignes", "ligne", "lines",
                "references", "refs", "articles", "items", "produits", "products", "colis", "commandes", "orders",
                "exemplaires", "pages", "cl", "cm", "mm", "er", "eme", "e", "st", "nd", "rd", "th", "kw",
                *STREET_WORDS}
QUALIFIERS = {"taille", "size", "format", "couleur", "color", "colour", "coloris", "modele", "model", "parfum",
              "bio", "aop", "t", "ref", "reference", "contenance", "lot", "longueur", "length", "type"}


@dataclass
class OrderLine:
    quantity: TextValue | None
    unit: TextValue | None
    description: TextValue | None
    reference: TextValue | None  # value: the code as written; ``kind`` in ``reference_kind``
    reference_kind: str | None
    approximate: bool = False


class TextLines:
    """Maps tokens to the text line they are on."""

    def __init__(self, doc: Doc) -> None:
        self.breaks = [i for i, c in enumerate(doc.text) if c == "\n"]

    def of(self, char: int) -> int:
        return bisect.bisect_left(self.breaks, char)


def read_lines(doc: Doc, start: int, end: int) -> list[OrderLine]:
    """The order lines between characters ``start`` and ``end`` (the mail's own text, signature excluded)."""
    lines = TextLines(doc)
    refs = [s for s in spans(doc, "adv_refs", ["PRODUCT_REF"]) if start <= s.start_char < end]
    dates = [s for s in spans(doc, "adv_dates") if start <= s.start_char < end]
    by_line: dict[int, list[Span]] = {}
    for span in spans(doc, "adv_quantities"):
        if start <= span.start_char < end:
            by_line.setdefault(lines.of(span.start_char), []).append(span)
    result: list[OrderLine] = []
    for number in sorted(by_line):
        tokens = [t for t in doc if lines.of(t.idx) == number and not t.is_space and start <= t.idx < end]
        openers = [q for q in by_line[number] if _opens_line(doc, q, tokens, False)]
        if not openers:
            openers = [q for q in by_line[number] if _opens_line(doc, q, tokens, True)][-1:]
        result.extend(_line_items(doc, tokens, openers, refs, dates))
    return result


PRONOUNS = {"nous", "us", "me", "moi", "m'", "leur", "lui", "vous", "you", "nos", "our"}


def _previous(doc: Doc, i: int, tokens: list[Token]) -> Token | None:
    """The token before ``i`` on its text line, over pronouns ("livrer nous 12", "send us 12")."""
    first = tokens[0].i if tokens else i
    k = i - 1
    while k >= first and doc[k].is_space:
        k -= 1
    if k > first and doc[k]._.fold in PRONOUNS and (doc[k - 1]._.fold in TRIGGERS or doc[k - 1]._.fold_lemma in
                                                     TRIGGERS):
        k -= 1
    return doc[k] if k >= first else None


def _is_bullet(token: Token, tokens: list[Token]) -> bool:
    return token.i == tokens[0].i and (token.text in BULLETS or token.text.rstrip(").") .isdigit() and
                                       token.text[-1:] in ").")


def _position(doc: Doc, span: Span, tokens: list[Token]) -> tuple[bool, bool, Token | None, Token | None]:
    """(where a person starts a line, at the end of its text line, the token before, the token after)."""
    before = _previous(doc, span.start, tokens)
    after = doc[span.end] if span.end < len(doc) and not doc[span.end].is_space else None
    at_end = all(t.is_punct for t in tokens if t.i >= span.end)
    start = (before is None or _is_bullet(before, tokens) or before._.fold in SEPARATORS
             or before._.fold in TRIGGERS or before._.fold_lemma in TRIGGERS or before.text in ("(", ":", "-", "–")
             or before.text.endswith(":"))
    if before is not None and before._.fold in ("de", "d'", "of", "pour"):
        earlier = _previous(doc, before.i, tokens)
        start = earlier is not None and (earlier._.fold in TRIGGERS or earlier._.fold_lemma in TRIGGERS)
    return start, at_end, before, after


def _opens_line(doc: Doc, span: Span, tokens: list[Token], trailing: bool) -> bool:
    """Whether a quantity opens an order line; ``trailing`` allows "Comté AOP : 5 kg" (nothing opened the line)."""
    quantity: Quantity = span._.adv
    start, at_end, before, after = _position(doc, span, tokens)
    words_before = any(t.is_alpha and t.i < span.start for t in tokens)
    if trailing:  # "Comté AOP : 5 kg", "Plateaux repas | 12": a separator between the product and its quantity
        return at_end and words_before and before is not None and (before.text in ("-", "–", "x", "=", "|", "×")
                                                                   or before.text.endswith(":"))
    if quantity.unit in MEASURES and before is not None and before.is_alpha and before._.fold not in SEPARATORS \
            and before._.fold not in TRIGGERS:
        return False  # "jus de pomme bio 1 L", "farine T65 25 kg"
    if quantity.explicit:
        return start
    if quantity.value != quantity.value.to_integral_value() or quantity.value > 9999 or quantity.value <= 0:
        return False
    return start and after is not None and after.is_alpha and after._.fold not in NOT_PRODUCTS and not after.like_num


def _line_items(doc: Doc, tokens: list[Token], openers: list[Span], refs: list[Span], dates: list[Span]
                ) -> list[OrderLine]:
    if not openers:
        return []
    first = tokens[0].i + (1 if _is_bullet(tokens[0], tokens) else 0)
    last = tokens[-1].i + 1
    starts = [first]
    for previous, span in zip(openers, openers[1:]):
        k = span.start - 1
        while k >= previous.end and doc[k]._.fold not in STRONG_SEPARATORS:
            k -= 1
        starts.append(k + 1 if k >= previous.end else span.start)
    ends = starts[1:] + [last]
    items = []
    for span, seg_start, seg_end in zip(openers, starts, ends):
        items.append(_item(doc, span, seg_start, seg_end, refs, dates))
    return items


def _item(doc: Doc, span: Span, seg_start: int, seg_end: int, refs: list[Span], dates: list[Span]) -> OrderLine:
    quantity: Quantity = span._.adv
    inside = [r for r in refs if seg_start <= r.start < seg_end]
    ref = inside[0] if inside else None
    blocked = set()
    for r in inside:
        info: Reference = r._.adv
        blocked.update(range(info.label_start if info.label_start is not None else r.start, r.end))
    for d in dates:
        blocked.update(range(d.start, d.end))
    description = _description_after(doc, span.end, seg_end, blocked)
    if description is None:
        description = _description_before(doc, seg_start, span.start, blocked)
    confidence = 0.95 if quantity.unit else (0.85 if quantity.explicit else 0.75)
    if quantity.approximate:
        confidence = 0.4
    number = TextValue(quantity.value, *quantity.number, confidence)
    unit = TextValue(quantity.unit, *quantity.unit_chars, 0.95) if quantity.unit and quantity.unit_chars else None
    reference = None
    if ref is not None:
        info = ref._.adv
        reference = TextValue(info.value(ref), *info.where(ref), info.confidence)
    return OrderLine(number, unit, description, reference, ref._.adv.kind if ref is not None else None,
                     quantity.approximate)


def _description_after(doc: Doc, i: int, end: int, blocked: set[int]) -> TextValue | None:
    while i < end and (doc[i]._.fold in FILLERS or doc[i].is_space):
        i += 1
    start = i
    while i < end and i not in blocked and not _stops(doc, i, start):
        i += 1
    return _value(doc, start, i)


def _stops(doc: Doc, i: int, start: int) -> bool:
    token = doc[i]
    if token.text in (".", "!", "?", ";", ")", "\n") or token.is_space or token.text == "(" and _code_follows(doc, i):
        return token.text != "." or not (i > start and doc[i - 1]._.fold in ("ref", "art", "env", "cl"))
    if token.text == ",":
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        return nxt is None or not (nxt.is_alpha and nxt.is_lower and nxt._.fold in QUALIFIERS)
    if token._.fold in STOPS and i > start:
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        return token._.fold not in ("a", "pour", "en", "sur", "for", "in", "with", "de") or nxt is None or \
            not nxt.is_alpha or nxt._.fold in ("le", "la", "les", "l'", "notre", "nos", "our", "the", "livrer",
                                               "livraison", "delivery", "partir", "votre", "vos", "your", "demain",
                                               "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
    return token._.fold in ("svp", "stp", "merci", "please") or (token.like_num and i > start and _unit_follows(doc, i))


def _code_follows(doc: Doc, i: int) -> bool:
    return any(doc[k]._.fold.rstrip(".") in ("ref", "reference", "code", "article", "art", "item", "ean", "sku")
               for k in range(i + 1, min(i + 3, len(doc))))


def _unit_follows(doc: Doc, i: int) -> bool:
    return i + 1 < len(doc) and doc[i + 1]._.fold in UNITS and doc[i + 1]._.fold not in ("l", "m", "g", "kg")


_BREAKS = {"(", ")", "[", "]", ":", ";", "|", "\t", "=", "/"}


def _description_before(doc: Doc, start: int, end: int, blocked: set[int]) -> TextValue | None:
    """ "Gants nitrile M (réf. X) : 12 cartons": the last stretch of words before the quantity, codes left out."""
    chunks: list[list[int]] = [[]]
    for k in range(start, end):
        token = doc[k]
        if k in blocked or token.text in _BREAKS or token.text in BULLETS and token.whitespace_ \
                or token._.fold in ("qte", "quantite", "qty", "quantity"):
            chunks.append([])
        elif not token.is_space:
            chunks[-1].append(k)
    for chunk in reversed(chunks):
        while chunk and (doc[chunk[0]]._.fold in FILLERS or doc[chunk[0]].is_punct):
            chunk.pop(0)
        while chunk and (doc[chunk[-1]]._.fold in FILLERS or doc[chunk[-1]].is_punct):
            chunk.pop()
        if chunk and any(doc[k].is_alpha and len(doc[k].text) > 1 for k in chunk):
            return _value(doc, chunk[0], chunk[-1] + 1)
    return None


def _value(doc: Doc, start: int, end: int) -> TextValue | None:
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in (")",) or doc[end - 1].is_space
                           or doc[end - 1]._.fold in ("de", "d'", "of", "et", "and", "la", "le", "les", "the")):
        end -= 1
    if end <= start or not any(t.is_alpha and len(t.text) > 1 for t in doc[start:end]):
        return None
    span = doc[start:end]
    if span.text.count("(") != span.text.count(")") and span.text.endswith(")"):
        end -= 1
        span = doc[start:end]
    confidence = 0.85 if len(span) >= 2 else 0.7
    return TextValue(span.text, span.start_char, span.end_char, confidence)
