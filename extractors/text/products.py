"""Matching order lines to the product master: by GTIN, by our item id, by the customer's own code, else by
description (rapidfuzz), when a catalogue is loaded; without one the codes are kept as written.

The catalogue is anything shaped like ``pipeline.masterdata.MasterData`` (``products`` and ``customer_items``
polars frames, ``customers.resolve(party, email)``): extractors may not import the pipeline, so this is a
protocol, and the index built from it is cached per frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl
from rapidfuzz import fuzz, process

from extractors.text.vocabulary import fold

MATCH_SCORE = 82.0  # a description this close (0-100) to one product, and clearly closer than to any other
MARGIN = 6.0
SUGGEST_SCORE = 60.0


class Directory(Protocol):
    def resolve(self, party: Any, email: str | None = None) -> Any: ...


class Catalogue(Protocol):
    """What ``read_free_text`` needs of master data (``pipeline.masterdata.MasterData`` has it)."""

    products: pl.DataFrame  # product_id, item_id, product_gtin, product_description
    customer_items: pl.DataFrame  # customer_id, customer_item_id, product_id
    customers: Directory


@dataclass(frozen=True)
class Product:
    product_id: int
    item_id: str
    gtin: str | None
    description: str


@dataclass(frozen=True)
class Match:
    product: Product | None
    how: str  # gtin | item_id | customer_item | description | none
    score: float  # 0-1
    written_as: str | None = None  # the customer's own code, when that is what matched
    candidates: tuple[tuple[str, float], ...] = ()  # for the reviewer when nothing matched well enough


def _key(code: str) -> str:
    return re.sub(r"[\s.]", "", code).upper()


_WORDS = re.compile(r"[^a-z0-9]+")
_GLUED = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")


def _normalise(text: str) -> str:
    """Folded words, numbers apart from their units ("33cl" and "33 cl" are one wording)."""
    return " ".join(_GLUED.sub(" ", _WORDS.sub(" ", fold(text))).split())


class ProductIndex:
    """Lookups over one catalogue's products, built once per catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        frame = catalogue.products
        self.products = [Product(row["product_id"], row["item_id"], row["product_gtin"], row["product_description"])
                         for row in frame.iter_rows(named=True)]
        self.by_item = {_key(p.item_id): p for p in self.products}
        self.by_gtin = {p.gtin: p for p in self.products if p.gtin}
        self.by_id = {p.product_id: p for p in self.products}
        self.customer_items = {(row["customer_id"], _key(row["customer_item_id"])): row["product_id"]
                               for row in catalogue.customer_items.iter_rows(named=True)}
        self.descriptions = [_normalise(p.description) for p in self.products]

    def by_code(self, code: str, customer_id: int | None) -> Match | None:
        key = _key(code)
        if key.isdigit() and key in self.by_gtin:
            return Match(self.by_gtin[key], "gtin", 1.0)
        if key in self.by_item:
            return Match(self.by_item[key], "item_id", 1.0)
        if customer_id is not None and (customer_id, key) in self.customer_items:
            return Match(self.by_id.get(self.customer_items[(customer_id, key)]), "customer_item", 1.0, code)
        if customer_id is None:  # a customer code of someone: only when one customer uses it
            owners = {pid for (cid, item), pid in self.customer_items.items() if item == key}
            if len(owners) == 1:
                return Match(self.by_id.get(owners.pop()), "customer_item", 0.8, code)
        return None

    def by_description(self, text: str) -> Match:
        query = _normalise(text)
        if not query or not self.descriptions:
            return Match(None, "none", 0.0)
        scored = process.extract(query, self.descriptions, scorer=_score, limit=3)
        best = scored[0]
        second = scored[1][1] if len(scored) > 1 else 0.0
        candidates = tuple((self.products[i].item_id, round(s / 100, 2)) for _, s, i in scored if s >= SUGGEST_SCORE)
        if best[1] >= MATCH_SCORE and best[1] - second >= MARGIN:
            return Match(self.products[best[2]], "description", round(best[1] / 100, 3), candidates=candidates)
        return Match(None, "none", 0.0, candidates=candidates)


def _score(query: str, choice: str, **_: Any) -> float:
    """Every word of the mail's wording should be in the product's name (abbreviations and typos allowed),
    and the wording should say a good part of the name."""
    return 0.6 * fuzz.token_set_ratio(query, choice) + 0.4 * fuzz.token_sort_ratio(query, choice)


_cache: dict[int, tuple[pl.DataFrame, ProductIndex]] = {}


def index_for(catalogue: Catalogue | None) -> ProductIndex | None:
    """The index of a catalogue with products (cached while the same frame is in use)."""
    if catalogue is None or catalogue.products is None or catalogue.products.is_empty():
        return None
    key = id(catalogue.products)
    cached = _cache.get(key)
    if cached is None or cached[0] is not catalogue.products or cached[1].catalogue is not catalogue:
        _cache.clear()  # one catalogue at a time is what a run uses
        cached = (catalogue.products, ProductIndex(catalogue))
        _cache[key] = cached
    return cached[1]
