"""Line-table header rows: which words name the columns, and the x-range of each column.

The header is a line whose words name at least two kinds of column, one of them a description or item id
and one a quantity or a money column; lines just above and below it that only hold header words
("Prix" / "unitaire", "Positions-" / "betrag") join it. Each column's x-range is its header words' range,
widened over the words printed tight against them ("Qté livrée").
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.columns import ITEM_ID_IF_DESCRIPTION_TAKEN, MODIFIERS, QUANTITY_IF_AMOUNT_TAKEN
from extractors.geometry import LabelHit, PhraseIndex, TextLine, squash
from extractors.numbers import parse_amount, parse_date
from schemas.layout import Word


@dataclass(frozen=True)
class Column:
    name: str
    x0: float
    x1: float
    header: str


@dataclass(frozen=True)
class Header:
    lines: tuple[TextLine, ...]
    columns: tuple[Column, ...]
    page: int  # the page the columns apply to (a table that goes on without a repeated header carries them)

    @property
    def last_index(self) -> int:
        return max(line.index for line in self.lines)

    @property
    def names(self) -> set[str]:
        return {c.name for c in self.columns}

    @property
    def key(self) -> str:
        return "amount" if "amount" in self.names else "quantity"


def find_header(index: PhraseIndex, lines: list[TextLine], start: int, page: int | None = None) -> Header | None:
    """The first header row at or after line ``start`` (on ``page`` only, when given)."""
    for line in lines[start:]:
        if page is not None and line.page != page:
            return None
        header = _header_at(index, lines, line)
        if header:
            return header
    return None


def _header_at(index: PhraseIndex, lines: list[TextLine], line: TextLine) -> Header | None:
    if not _looks_like_header(line, index.find([line])):
        return None
    band = [line]
    for step in (-1, 1):
        edge = line
        for offset in range(1, 5):
            position = line.index + step * offset
            if not 0 <= position < len(lines) or lines[position].page != line.page:
                break
            other = lines[position]
            gap = (edge.top - other.bottom) if step < 0 else (other.top - edge.bottom)
            if gap > 0.9 * line.height or not header_like(index, other):
                break
            band.append(other)
            edge = other
    columns: list[Column] = []
    for member in sorted(band, key=lambda m: abs(m.index - line.index)):  # the main line's words first
        hits = index.find([member])
        claimed = {i for hit in hits for i in range(hit.start, hit.end)}
        for hit in hits:
            x0, x1 = _phrase_span(member, hit.start, hit.end, claimed)
            columns = _add_column(columns, Column(hit.name, x0, x1, member.text_of(hit.start, hit.end)))
    columns = _resolve_ambiguity(sorted(columns, key=lambda c: c.x0))
    if not ({"amount", "quantity"} & {c.name for c in columns}):
        return None
    return Header(tuple(sorted(band, key=lambda m: m.index)), tuple(columns), line.page)


def header_like(index: PhraseIndex, line: TextLine) -> bool:
    """A line of header words only (no amount, no date): part of a header band, or another table's header."""
    if any(parse_amount(w.text) is not None or parse_date(w.text) for w in line.words):
        return False
    hits = index.find([line])
    covered = sum(h.end - h.start for h in hits) + sum(1 for k in line.keys if k in MODIFIERS or not k)
    return bool(hits) and covered >= 0.5 * len(line.words) or covered == len(line.words)


def _looks_like_header(line: TextLine, hits: list[LabelHit]) -> bool:
    names = {h.name for h in hits}
    if not names & {"description", "item_id"} or not names & {"quantity", "amount", "unit_price"}:
        return False
    if len(names) < 2:
        return False
    if any(parse_amount(w.text) is not None for w in line.words if w.text not in ("#",)):
        return False
    covered = sum(h.end - h.start for h in hits) + sum(1 for k in line.keys if k in MODIFIERS)
    return covered >= 0.6 * len(line.words)


def _phrase_span(line: TextLine, start: int, end: int, claimed: set[int]) -> tuple[float, float]:
    """A header word's x-range, widened over the unclaimed words printed tight against it ("Qté livrée")."""
    words = line.words
    while end < len(words) and end not in claimed and _tight(words[end - 1], words[end]):
        end += 1
    while start > 0 and start - 1 not in claimed and _tight(words[start - 1], words[start]):
        start -= 1
    return words[start].bbox[0], words[end - 1].bbox[2]


def _tight(left: Word, right: Word) -> bool:
    return right.bbox[0] - left.bbox[2] < 0.6 * (left.bbox[3] - left.bbox[1])


def _add_column(columns: list[Column], new: Column) -> list[Column]:
    for i, column in enumerate(columns):
        overlap = min(column.x1, new.x1) - max(column.x0, new.x0)
        if overlap > 0.3 * min(column.x1 - column.x0, new.x1 - new.x0):
            if column.name == new.name:
                columns[i] = Column(column.name, min(column.x0, new.x0), max(column.x1, new.x1), column.header)
            return columns
    return [*columns, new]


def _resolve_ambiguity(columns: list[Column]) -> list[Column]:
    """Two columns of one kind: the rightmost money column is the amount, the leftmost 'article' an item id."""
    amounts = [c for c in columns if c.name == "amount"]
    if len(amounts) > 1:
        for column in amounts[:-1]:
            if squash(column.header) in QUANTITY_IF_AMOUNT_TAKEN and not any(c.name == "quantity" for c in columns):
                columns[columns.index(column)] = Column("quantity", column.x0, column.x1, column.header)
            else:
                columns.remove(column)
    descriptions = [c for c in columns if c.name == "description"]
    if len(descriptions) > 1:
        for column in descriptions:
            if squash(column.header) in ITEM_ID_IF_DESCRIPTION_TAKEN:
                columns[columns.index(column)] = Column("item_id", column.x0, column.x1, column.header)
                break
    quantities = [c for c in columns if c.name == "quantity"]
    for column in quantities[:-1]:  # "Qté commandée | Qté livrée": the last one is what the document states
        columns.remove(column)
    prices = [c for c in columns if c.name == "unit_price"]
    if len(prices) > 1 and not any(c.name == "amount" for c in columns):
        last = prices[-1]
        columns[columns.index(last)] = Column("amount", last.x0, last.x1, last.header)
    return columns


