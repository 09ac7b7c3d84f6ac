"""Order numbers ("commande n° 4512", "PO#4500123", "bon de commande BC-2025-118") and product codes
("réf. GN-204", "notre code CL-GANT-NIT-M", "EAN 3760456001026", a bare "HP-GNM100").

A product code's ``span._.adv`` says whose code it is: ``seller`` (our reference, what customers copy from
the catalogue — the default), ``buyer`` ("notre réf.", "our code") or ``gtin``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.text.components import claimed, spans
from extractors.text.vocabulary import NUMBER_LABELS, ORDER_WORDS, UNITS

_GLUED_ORDER = re.compile(r"^(?:po|bc|cde|cmd|cmde)[#:.\-]?([a-z0-9][\w/-]*\d[\w/-]*)$")
_SHAPED = re.compile(r"^[A-Z]{2,}[A-Z0-9]*(?:[-/.][A-Z0-9]+)+$|^[A-Z]{2,}\d{2,}[A-Z0-9]*$|^\d+(?:[-/.][A-Z0-9]+)*-[A-Z]+\d*$")
_REF_LABELS = {"ref", "ref.", "reference", "references", "code", "article", "art", "art.", "item", "sku", "ean",
               "gtin", "ean13", "codes", "refs", "articles", "items", "n/ref", "v/ref", "part"}
_SKIPPED = {".", ":", "n°", "no", "no.", "#", "nº", "article", "produit", "-", "=", "code", "interne", "client",
            "fournisseur", "catalogue", "number"}
_BUYER = {"notre", "nos", "our", "n/ref", "n/", "interne", "client"}
_SELLER = {"votre", "vos", "your", "v/ref", "v/", "fournisseur", "catalogue"}
_ORDER_SKIPPED = (set(NUMBER_LABELS) - {"de", "order", "commande"}) | {"is", "est", "was", "."}


@dataclass(frozen=True)
class Reference:
    kind: str  # seller | buyer | gtin | order
    label_start: int | None  # first token of the label ("réf", "notre code"), when there is one
    confidence: float
    chars: tuple[int, int] | None = None  # the value's characters when it is glued to its label ("PO#4500123")

    def value(self, span: Span) -> str:
        text = span.doc.text[self.chars[0]:self.chars[1]] if self.chars else span.text
        return text.strip()

    def where(self, span: Span) -> tuple[int, int]:
        return self.chars or (span.start_char, span.end_char)


def _code_like(text: str) -> bool:
    return sum(c.isdigit() for c in text) >= 2 or bool(_SHAPED.match(text))


def _value_end(doc: Doc, j: int) -> int:
    """A value may run over tokens glued together ("2025", "-", "118" with no space between)."""
    end = j + 1
    while (end + 1 < len(doc) and not doc[end - 1].whitespace_ and doc[end].text in ("-", "/", "_")
           and not doc[end].whitespace_ and doc[end + 1].text[:1].isalnum()):
        end += 2
    return end


def _order_numbers(doc: Doc, taken: set[int]) -> list[Span]:
    found = []
    i = 0
    while i < len(doc):
        text = doc[i]._.fold
        if i in taken:
            i += 1
            continue
        glued = _GLUED_ORDER.match(text)
        if glued and doc[i].text[:2].isupper():
            span = Span(doc, i, i + 1, label="ORDER_NO")
            span._.adv = Reference("order", i, 0.9, (doc[i].idx + glued.start(1), doc[i].idx + len(doc[i].text)))
            found.append(span)
            i += 1
            continue
        if text not in ORDER_WORDS or (text in ("bc", "po") and not doc[i].text.isupper()):
            i += 1
            continue
        j = i + 1
        if text == "bon" and doc[j:j + 2].text.lower() in ("de commande", "de cde"):
            j += 2
        elif text == "bon":
            i += 1
            continue
        if text == "purchase" and j < len(doc) and doc[j]._.fold == "order":
            j += 1
        while j < len(doc) and (doc[j]._.fold in _ORDER_SKIPPED or doc[j].is_space) and j - i < 6:
            j += 1
        if j < len(doc) and j not in taken and _code_like(doc[j].text) and not _followed_by_unit(doc, j):
            end = _value_end(doc, j)
            span = Span(doc, j, end, label="ORDER_NO")
            span._.adv = Reference("order", i, 0.95 if j > i + 1 else 0.85)
            found.append(span)
            i = end
            continue
        i += 1
    return found


def _followed_by_unit(doc: Doc, j: int) -> bool:
    return j + 1 < len(doc) and doc[j + 1]._.fold in UNITS


def _product_refs(doc: Doc, taken: set[int]) -> list[Span]:
    found: list[Span] = []
    used: set[int] = set()
    for gtin in spans(doc, "adv_codes", ["GTIN"]):
        span = Span(doc, gtin.start, gtin.end, label="PRODUCT_REF")
        span._.adv = Reference("gtin", _label_before(doc, gtin.start), 0.95)
        found.append(span)
        used.update(range(gtin.start, gtin.end))
    for i, token in enumerate(doc):
        if i in taken or i in used or token._.fold.rstrip(".") not in {label.rstrip(".") for label in _REF_LABELS}:
            continue
        j = i + 1
        while j < len(doc) and (doc[j]._.fold in _SKIPPED or doc[j].is_space) and j - i < 5:
            j += 1
        if j >= len(doc) or j in taken or j in used or not _code_like(doc[j].text) or _followed_by_unit(doc, j):
            continue
        start = i
        if i > 0 and doc[i - 1]._.fold in _BUYER | _SELLER:
            start = i - 1
        owner = {doc[k]._.fold for k in range(max(0, i - 1), j)}
        kind = "buyer" if owner & _BUYER else "seller"
        end = _value_end(doc, j)
        span = Span(doc, j, end, label="PRODUCT_REF")
        span._.adv = Reference(kind, start, 0.95)
        found.append(span)
        used.update(range(j, end))
    for i, token in enumerate(doc):
        if i in taken or i in used or not _SHAPED.match(token.text) or token._.fold in UNITS:
            continue
        if not any(c.isdigit() for c in token.text) and token.text.count("-") < 2:
            continue  # "SAINT-ETIENNE" is a city; a code without digits needs three parts ("CL-GANT-NIT-M")
        span = Span(doc, i, i + 1, label="PRODUCT_REF")
        span._.adv = Reference("seller", None, 0.8)
        found.append(span)
    return sorted(found, key=lambda s: s.start)


def _label_before(doc: Doc, start: int) -> int | None:
    for k in range(start - 1, max(-1, start - 4), -1):
        if doc[k]._.fold.rstrip(".") in {label.rstrip(".") for label in _REF_LABELS}:
            return k
    return None


@Language.factory("adv_references")
class ReferenceFinder:
    """Labels ``ORDER_NO`` and ``PRODUCT_REF`` spans in ``doc.spans["adv_refs"]``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        taken = claimed(doc, "adv_codes", "adv_dates")
        taken -= {i for s in spans(doc, "adv_codes", ["GTIN"]) for i in range(s.start, s.end)}
        orders = _order_numbers(doc, taken)
        taken |= {i for s in orders for i in range(s.start, s.end)}
        doc.spans["adv_refs"] = orders + _product_refs(doc, taken)
        return doc
