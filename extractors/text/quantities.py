"""Quantities with their unit: "12 cartons", "3 palettes", "2,5 kg", "100L", "x12", "douze boîtes", "Qté : 4".

Units become UN/ECE Rec 20 codes (``vocabulary.UNITS``). A number with no unit word is kept as a *bare*
candidate: the line reader decides from its place whether it is a quantity ("- 20 gants nitrile") or not.
"10 ou 12 cartons", "environ 10", "une dizaine" are marked approximate: a person must confirm them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.text.components import claimed
from extractors.text.vocabulary import APPROXIMATE, LETTER_UNITS, NUMBER_WORDS, UNITS

_NUMBER = re.compile(r"^(?:\d{1,6}(?:[.,]\d{1,3})?|0[.,]\d{1,3})$")
_GLUED = re.compile(r"^(\d{1,6}(?:[.,]\d{1,3})?)\s?([a-z()]+\.?)$")
_TIMES = re.compile(r"^[x×*](\d{1,5})$")
_LABELS = {"qte", "qte.", "quantite", "qty", "qty.", "quantity", "nb", "nombre", "quant", "qt", "qtes", "quantites"}
_ALTERNATIVE = {"ou", "or", "a", "-", "to", "/", "voire"}
_ROUND = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "cinquantaine": 50,
          "centaine": 100}


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str | None  # Rec 20 code; None when no unit word says it
    number: tuple[int, int]  # characters of the number
    unit_chars: tuple[int, int] | None
    explicit: bool  # a unit, a "x" or a "Qté" says it is a quantity
    approximate: bool = False


def _decimal(text: str) -> Decimal | None:
    if not _NUMBER.match(text) or (len(text) > 1 and text[0] == "0" and text[1].isdigit()):
        return None
    return Decimal(text.replace(",", "."))


def unit_of(doc: Doc, j: int, after_digit: bool) -> str | None:
    """The Rec 20 code of token ``j`` read as a unit word."""
    if j >= len(doc):
        return None
    token = doc[j]
    key = token._.fold
    if key in LETTER_UNITS:
        return UNITS[key] if after_digit and token.text not in ("M",) else None  # "taille M" is a size
    return UNITS.get(key) or UNITS.get(token._.fold_lemma) if not token.is_space else None


def _read(doc: Doc, i: int) -> tuple[int, Quantity] | None:
    token = doc[i]
    text, key = token.text, token._.fold
    start = token.idx
    if (match := _TIMES.match(key)) is not None:
        return i + 1, Quantity(Decimal(match[1]), None, (start + 1, start + len(text)), None, True)
    if (match := _GLUED.match(key)) is not None and (match[2].rstrip(".") in UNITS or match[2] == "x"):
        cut = start + len(match[1])
        unit = UNITS.get(match[2].rstrip("."))
        unit_chars = (start + len(text) - len(match[2]), start + len(text) - match[2].endswith(".")) if unit else None
        return i + 1, Quantity(Decimal(match[1].replace(",", ".")), unit, (start, cut), unit_chars, True)
    value = _decimal(text)
    if value is None and key in NUMBER_WORDS and unit_of(doc, i + 1, False):
        value = Decimal(NUMBER_WORDS[key])
    approximate = False
    if value is None and key in _ROUND and i + 2 < len(doc) and doc[i + 1]._.fold in ("de", "d'", "of"):
        value, approximate = Decimal(_ROUND[key]), True
        if (unit := unit_of(doc, i + 2, False)) is not None:
            end = doc[i + 2]
            return i + 3, Quantity(value, unit, (start, start + len(text)), (end.idx, end.idx + len(end.text)),
                                   True, True)
    if value is None:
        return None
    end, unit, unit_chars = i + 1, None, None
    explicit = False
    if (code := unit_of(doc, i + 1, token.text[:1].isdigit())) is not None:
        unit_token = doc[i + 1]
        end, unit, unit_chars, explicit = i + 2, code, (unit_token.idx, unit_token.idx + len(unit_token.text)), True
        if end < len(doc) and doc[end].text == "." and unit_token._.fold in ("pal", "bte", "btes", "u"):
            end += 1
    elif i + 1 < len(doc) and doc[i + 1]._.fold in ("x", "×", "*"):
        end, explicit = i + 2, True
    before = [doc[k]._.fold for k in range(max(0, i - 2), i)]
    if any(b in _LABELS for b in before) or (before and before[-1] in ("x", "×", "*")):
        explicit = True
    if before and before[-1] in APPROXIMATE:
        approximate = True
    # "10 ou 12 cartons", "10 à 12 cartons", "10-12 cartons": which one is meant is for a person to say
    if (unit is None and end + 1 < len(doc) and doc[i + 1]._.fold in _ALTERNATIVE
            and _decimal(doc[i + 2].text) is not None and unit_of(doc, i + 3, True)):
        unit_token = doc[i + 3]
        unit = unit_of(doc, i + 3, True)
        end, unit_chars, explicit, approximate = i + 4, (unit_token.idx, unit_token.idx + len(unit_token.text)), \
            True, True
    return end, Quantity(value, unit, (start, start + len(text)), unit_chars, explicit, approximate)


@Language.factory("adv_quantities")
class QuantityFinder:
    """Labels ``QTY`` spans (``span._.adv`` a ``Quantity``) in ``doc.spans["adv_quantities"]``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        taken = claimed(doc, "adv_codes", "adv_dates", "adv_refs")
        found = []
        i = 0
        while i < len(doc):
            read = None if i in taken else _read(doc, i)
            if read is None:
                i += 1
                continue
            end, quantity = read
            span = Span(doc, i, end, label="QTY")
            span._.adv = quantity
            found.append(span)
            i = end
        doc.spans["adv_quantities"] = found
        return doc
