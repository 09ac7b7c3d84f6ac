"""Identifiers and numbers that are not quantities: e-mail, phone, SIRET/SIREN, VAT, GTIN, money, times, postcodes.

They are found first so the later components (quantities above all) do not read "04 78 12 34 56" as five
quantities or "12,50 €" as one.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans
from stdnum import ean
from stdnum.fr import siren, siret

_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple((label, re.compile(pattern, re.IGNORECASE)) for label, pattern in (
    ("EMAIL", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("URL", r"(?:https?://|www\.)\S+"),
    ("SIRET", r"(?<![\d-])\d{3}[ \u00a0.]?\d{3}[ \u00a0.]?\d{3}[ \u00a0.]?\d{5}(?![\d-])"),
    ("SIREN", r"(?<=SIREN)\s*:?\s*\d{3}[ \u00a0.]?\d{3}[ \u00a0.]?\d{3}(?!\d)"),
    ("VAT", r"\b(?:FR|BE|DE|LU|IT|ES)\s?[0-9A-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}\b"),
    ("GTIN", r"(?<![\d-])\d{13,14}(?![\d-])"),
    ("PHONE", r"(?<![\d/])(?:\+\d{2}[\s.]?(?:\(0\)\s?)?|\b0)[1-9](?:[\s.-]?\d{2}){4}(?![\d/])"),
    ("MONEY", r"(?:€|\$|£)\s?\d+(?:[.,]\d+)?|\d+(?:[ .]\d{3})*(?:[.,]\d+)?\s?(?:€|\$|£|eur\b|euros?\b|ht\b|ttc\b)"),
    ("PERCENT", r"\d+(?:[.,]\d+)?\s?%"),
    ("TIME", r"(?<![\w/])\d{1,2}\s?(?:[hH]|:)\s?\d{2}(?![\d/])|(?<!sous )(?<!dans )(?<!under )(?<!within )"
             r"(?<!in )(?<![\w/])\d{1,2}\s?h(?:eures?)?\b"),
    ("POSTCODE", r"(?<![\d\w])(?:0[1-9]|[1-8]\d|9[0-5]|97)\s?\d{3}(?=[ \t]+(?:[A-ZÀ-Ý]|[Cc]edex))"),
))
_VALID = {"SIRET": lambda v: siret.is_valid(v), "SIREN": lambda v: siren.is_valid(v),
          "GTIN": lambda v: ean.is_valid(v)}


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# Product and order codes glued by hyphens or slashes, with a letter and a digit ("HP-GNM100", "BC-2025-118"):
# one token each, whatever the French tokenizer's infix rules made of them.
_CODE = re.compile(r"(?<![\w/.-])(?=[\w/.-]*[A-Za-z])(?=[\w/.-]*\d)[A-Za-z0-9]+(?:[-/_.][A-Za-z0-9]+)+(?![\w/-])")


def merge_codes(doc: Doc) -> None:
    with doc.retokenize() as retokenizer:
        for match in _CODE.finditer(doc.text):
            span = doc.char_span(match.start(), match.end())
            if span is not None and len(span) > 1:
                retokenizer.merge(span)


@Language.factory("adv_codes")
class CodeFinder:
    """Labels identifiers by pattern (check digits verified with python-stdnum) in ``doc.spans["adv_codes"]``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        merge_codes(doc)
        found = []
        for label, pattern in _PATTERNS:
            for match in pattern.finditer(doc.text):
                text = match.group(0).strip()
                if label in _VALID and not _VALID[label](digits(text)):
                    continue
                start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
                span = doc.char_span(start, start + len(text), label=label, alignment_mode="expand")
                if span is not None:
                    found.append(span)
        doc.spans["adv_codes"] = filter_spans(found)  # the longest wins: a SIRET over the phone inside it
        return doc
