"""Line tables by geometry: a header row names the columns, body rows fall under them.

1. ``table_header`` finds the header row and each column's x-range.
2. ``table_cells`` puts every word of a body line under a column and reads the values.
3. Here: a line that repeats a value the current item already has (a quantity, an amount, a position
   number) starts a new item; other lines add to the current one (wrapped descriptions, codes, GTINs).
   Subtotal and carry-forward rows ("Sous-total", "Report", "Übertrag") are skipped; a totals label, the title
   of the next section or another table's header ends the table; so does a wide gap before a line with no
   values. At the foot of a page the table goes on below its repeated header on the next page, or, without
   one, at the first line there that reads as an item under the same columns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from extractors.columns import COLUMN_WORDS
from extractors.geometry import PhraseIndex, TextLine
from extractors.labels import SECTION_TITLES, SPECIFIC_TOTAL_LABELS, SUBTOTAL_ROW, TOTAL_LABELS
from extractors.numbers import uses_decimal_comma
from extractors.table_cells import ANNOTATION, Part, Row, TableLine, assign, line_values, table_line
from extractors.table_header import Header, find_header, header_like


@dataclass(frozen=True)
class Table:
    lines: tuple[TableLine, ...]
    used_lines: frozenset[int]  # text lines that belong to the table (header rules skip them)
    headers: tuple[Header, ...]


class TableReader:
    """Reads the first line table of a layout; ``column_words`` replaces the header vocabulary (profiles)."""

    def __init__(self, column_words: dict[str, list[str]] | None = None) -> None:
        self.columns = PhraseIndex(column_words or COLUMN_WORDS)
        self.subtotal = PhraseIndex({"subtotal": SUBTOTAL_ROW})
        self.sections = PhraseIndex({"section": SECTION_TITLES})
        self.totals = PhraseIndex(TOTAL_LABELS)
        self.specific_totals = {name: len(phrases) for name, phrases in SPECIFIC_TOTAL_LABELS.items()}

    def find_header(self, lines: list[TextLine], start: int, page: int | None = None) -> Header | None:
        return find_header(self.columns, lines, start, page)

    def read(self, lines: list[TextLine], start: int = 0) -> Table:
        """The first line table at or after line ``start``, across pages."""
        comma = uses_decimal_comma(w.text for line in lines for w in line.words)
        header = self.find_header(lines, start)
        if header is None:
            return Table((), frozenset(), ())
        headers, rows, used = [header], [], {line.index for line in header.lines}
        index, last_line = header.last_index + 1, header.lines[-1]
        while index < len(lines):
            line = lines[index]
            if line.page != header.page:  # the table runs over the page: its header again, or its next row
                following = self.find_header(lines, index, page=line.page)
                if following is not None and len(following.names & header.names) >= min(3, len(header.names)):
                    header = following
                    headers.append(header)
                    used |= {member.index for member in header.lines}
                    index, last_line = header.last_index + 1, header.lines[-1]
                    continue
                resume = self._next_row_on_page(lines, index, header)
                if resume is None:
                    break
                header = replace(header, page=lines[resume].page)
                index, last_line = resume, lines[resume]
                continue
            if self.subtotal.find([line]):  # "Report", "Total à reporter", "Übertrag": not an item
                used.add(line.index)
                index += 1
                continue
            if self._ends_table(line):
                break
            part = Part(line, assign(line, header.columns), ANNOTATION.match(line.text) is not None)
            values = {} if part.annotation else line_values(part.cells, comma)
            gap = line.top - last_line.bottom
            if not values and gap > 5 * line.height:
                break
            # A line starts a new item when it repeats a value the current item already has (or a position no.)
            collides = rows and any(c in rows[-1].values for c in values if c in ("quantity", "amount", "unit_price"))
            if not rows or collides or ("line_no" in values and "line_no" in rows[-1].values):
                rows.append(Row())
            rows[-1].add(part, values)
            used.add(line.index)
            last_line = line
            index += 1
        items = [row for row in rows if header.key in row.values]
        return Table(tuple(table_line(row) for row in items), frozenset(used), tuple(headers))

    def _next_row_on_page(self, lines: list[TextLine], index: int, header: Header) -> int | None:
        """Without a repeated header, the table goes on at the first line of the new page that reads as an
        item under the same columns (two values or more); page headings before it are skipped."""
        page = lines[index].page
        for candidate in lines[index:index + 15]:
            if candidate.page != page or self._ends_table(candidate):
                return None
            values = line_values(assign(candidate, header.columns), None)
            if len(set(values) & {"quantity", "unit_price", "amount"}) >= 2:
                return candidate.index
        return None

    def _ends_table(self, line: TextLine) -> bool:
        """A totals label or a section title starts the line, or a specific total ("Total HT") is in it."""
        if self._starts_with(self.sections, line):
            return True
        if header_like(self.columns, line) and len(self.columns.find([line])) >= 2:
            return True  # the header of the next table (a tax breakdown, payment terms)
        return any(hit.start == 0 or hit.priority < self.specific_totals[hit.name] for hit in self.totals.find([line]))

    @staticmethod
    def _starts_with(index: PhraseIndex, line: TextLine) -> bool:
        return any(hit.start == 0 for hit in index.find([line]))
