"""Body rows of a line table: words to columns, values out of cells, one item from several text lines.

Every word of a body line goes to the column it overlaps most (or the nearest one). An item may span
several lines: the description wraps, a stylesheet prints the amount a line lower, an item code and a GTIN
stand under the description. Lines that read "label: number" ("Bruttopreis : 9,90") are attributes, not
description. A printed gross price with a discount column becomes the net unit price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from stdnum import ean

from extractors.columns import NUMERIC
from extractors.geometry import Found, TextLine, read_words
from extractors.numbers import parse_amount, parse_percent, parse_quantity
from extractors.table_header import Column
from extractors.units import unit_code
from schemas.layout import Word

ANNOTATION = re.compile(r"^[^:]{1,40}:\s*\(?[-+]?[\d.,\s]+\)?\s*€?\)?$")  # "Bruttopreis : 9,90", "(Brut: 65,00)"
_CODE = re.compile(r"^(?=.*[\d_-])[A-Za-z0-9][A-Za-z0-9._/-]{2,}$")  # TB100A4, BF-JUSPOM, ART_1254


@dataclass
class Part:
    """One text line of an item, its words by column."""

    line: TextLine
    cells: dict[str, list[Word]]
    annotation: bool  # "Bruttopreis : 9,90": an attribute, neither description nor the item's values


@dataclass
class Row:
    parts: list[Part] = field(default_factory=list)
    values: dict[str, tuple] = field(default_factory=dict)  # column -> (value, words), first one wins

    def add(self, part: Part, values: dict[str, tuple]) -> None:
        self.parts.append(part)
        for column, value in values.items():
            self.values.setdefault(column, value)


@dataclass(frozen=True)
class TableLine:
    """One item of the table: each field as a ``Found`` (value, words, confidence)."""

    fields: dict[str, Found]


def assign(line: TextLine, columns: tuple[Column, ...]) -> dict[str, list[Word]]:
    """Each word under the column it overlaps most, else the nearest one ("19 %" moves as one word)."""
    cells: dict[str, list[Word]] = {}
    for word in _glue_percent(line.words):
        best, best_score = None, None
        for column in columns:
            overlap = min(word.bbox[2], column.x1) - max(word.bbox[0], column.x0)
            score = overlap if overlap > 0 else -min(abs(word.bbox[0] - column.x1), abs(column.x0 - word.bbox[2]))
            if best_score is None or score > best_score:
                best, best_score = column, score
        if best is not None:
            cells.setdefault(best.name, []).append(word)
    return cells


def _glue_percent(words: tuple[Word, ...]) -> list[Word]:
    glued: list[Word] = []
    for word in words:
        if word.text == "%" and glued and parse_amount(glued[-1].text) is not None:
            previous = glued.pop()
            box = (previous.bbox[0], min(previous.bbox[1], word.bbox[1]), word.bbox[2],
                   max(previous.bbox[3], word.bbox[3]))
            word = previous.model_copy(update={"text": f"{previous.text} %", "bbox": box,
                                               "confidence": min(previous.confidence, word.confidence)})
        glued.append(word)
    return glued


def line_values(cells: dict[str, list[Word]], decimal_comma: bool | None) -> dict[str, tuple]:
    """The values a line holds, by column: (value, words)."""
    values = {}
    for column in (*NUMERIC, "line_no"):
        found = _value(cells.get(column, []), column, decimal_comma)
        if found:
            values[column] = found
    return values


def _value(words: list[Word], column: str, decimal_comma: bool | None = None):
    if not words:
        return None
    if column in ("amount", "unit_price"):
        return _last_value(words, partial(parse_amount, decimal_comma=decimal_comma))
    if column == "quantity":
        return _first_value(words, partial(parse_quantity, decimal_comma=decimal_comma))
    if column in ("tax_rate", "discount"):
        return _first_value(words, parse_percent) or _first_value(words, _bare_rate)
    if column == "line_no":
        text = words[0].text.rstrip(".")
        return (int(text), (words[0],)) if text.isdigit() and len(text) <= 4 else None
    return None


def _first_value(words: list[Word], reader):
    """The leftmost value in a cell (a description may run into the quantity column: "bouteille en 30")."""
    for start in range(len(words)):
        found = read_words(words[start:], reader, 3)
        if found:
            return found
    return None


def _last_value(words: list[Word], reader):
    """The rightmost value in a cell (``4,55 € 10%`` has one; ``(CH) 60,00`` ends with it)."""
    for start in range(len(words) - 1, -1, -1):
        found = read_words(words[start:], reader, 3)
        if found and start + len(found[1]) >= len(words) - 1:
            return found
    return None


def _bare_rate(text: str) -> Decimal | None:
    value = parse_amount(text)
    if value is None or not 0 <= value <= 100:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def table_line(row: Row) -> TableLine:
    page = row.parts[0].line.page
    fields: dict[str, Found] = {}
    for column, name in (("amount", "net_amount"), ("unit_price", "unit_price"), ("tax_rate", "tax_rate"),
                         ("discount", "discount"), ("line_no", "line_no")):
        if column in row.values:
            value, words = row.values[column]
            fields[name] = Found(value, words, page, 0.9)
    if "quantity" in row.values:
        (value, unit_text), words = row.values["quantity"]
        fields["quantity"] = Found(value, words, page, 0.9)
        unit = unit_code(unit_text) if unit_text else None
        if unit is None:  # the unit column, else a unit word next to the quantity
            candidates = [w for part in row.parts for w in part.cells.get("unit", [])]
            candidates += [w for part in row.parts for w in part.cells.get("quantity", []) if w not in words]
            unit_word = next((w for w in candidates if unit_code(w.text)), None)
            if unit_word is not None:
                unit, words = unit_code(unit_word.text), (unit_word,)
        if unit:
            fields["unit"] = Found(unit, words, page, 0.8)
    cells = [part.cells for part in row.parts]
    _identify(fields, cells, page)
    _describe(fields, [part for part in row.parts if not part.annotation], page)
    if {"discount", "unit_price", "quantity", "net_amount"} <= set(fields):
        _apply_discount(fields)
    return TableLine(fields)


def _identify(fields: dict[str, Found], cells_list: list[dict[str, list[Word]]], page: int) -> None:
    """Item codes from the item-id column, GTINs anywhere in the row (a valid 8/13/14-digit EAN)."""
    for cells in cells_list:
        for word in cells.get("item_id", []):
            text = word.text.strip("()[],;:")
            if text.isdigit() and len(text) in (8, 13, 14) and ean.is_valid(text):
                fields.setdefault("gtin", Found(text, (word,), page, 0.85))
            elif _CODE.match(text):
                fields.setdefault("seller_item_id", Found(text, (word,), page, 0.7))
        for words in cells.values():
            for word in words:
                text = word.text.strip("()[],;:").removeprefix("GTIN:").removeprefix("EAN:")
                if text.isdigit() and len(text) in (13, 14) and ean.is_valid(text):
                    fields.setdefault("gtin", Found(text, (word,), page, 0.8))


def _describe(fields: dict[str, Found], parts: list[Part], page: int) -> None:
    """The description column's words over the item's lines (words of other columns that are plainly text,
    such as a long description running under the price column, count too)."""
    words: list[Word] = []
    for part in parts:
        line_words = list(part.cells.get("description", []))
        for column in ("quantity", "unit_price", "amount"):
            line_words += [w for w in part.cells.get(column, []) if _is_text(w.text)]
        line_words.sort(key=lambda w: w.bbox[0])
        text = " ".join(w.text for w in line_words)
        if not line_words or re.match(r"^\(?(GTIN|EAN|GLN)\b", text, re.I):
            continue
        if all(w.text.strip("()").isdigit() and len(w.text.strip("()")) >= 8 for w in line_words):
            continue
        words.extend(line_words)
    if words:
        fields["description"] = Found(" ".join(w.text for w in words), tuple(words), page, 0.85)


def _is_text(text: str) -> bool:
    """A word that is neither a number, a percent, a currency nor a unit: it belongs to a description."""
    if any(c.isdigit() for c in text) or unit_code(text) or text in ("€", "$", "£", "%", "-", "EUR"):
        return False
    return sum(c.isalpha() for c in text) >= 2


def _apply_discount(fields: dict[str, Found]) -> None:
    """A printed gross price with a discount column: the net unit price is what the amount was built from."""
    price, discount = fields["unit_price"], fields["discount"]
    quantity, amount = fields["quantity"].value, fields["net_amount"].value
    net_price = price.value * (1 - discount.value / 100)
    if quantity and abs(net_price * quantity - amount) <= Decimal("0.01") * max(1, quantity):
        fields["unit_price"] = Found(net_price.normalize(), price.words + discount.words, price.page, 0.8)
