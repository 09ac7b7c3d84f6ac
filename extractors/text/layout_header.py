"""The free-text components on a page layout: header fields the layout rules did not find.

A scanned or PDF order whose header follows no table still says "Commande n° 4512", "livraison semaine 50" or
"SIRET 412 345 670 00126" somewhere in its prose. ``header_fields`` joins the layout's text lines, reads them
with the same spaCy pipeline as e-mails, and maps each span back to the words it covers, so the values keep
their page and box (``extractors.geometry.Found``). Wiring: in ``extractors.document._header`` call it with the
paths still missing, and ``out.put`` what it returns.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date

from extractors.geometry import Found, TextLine
from extractors.text.components import spans
from extractors.text.codes import digits
from extractors.text.header import delivery_date, order_numbers
from extractors.text.model import nlp

FIELDS = ("number", "requested_delivery_date", "order_ref", "buyer.siret")


class _Joined:
    """The layout's lines as one text, and which word each character came from."""

    def __init__(self, lines: list[TextLine]) -> None:
        parts, self.starts, self.words = [], [], []
        offset = 0
        for line in lines:
            for k, word in enumerate(line.words):
                if k:
                    parts.append(" ")
                    offset += 1
                self.starts.append(offset)
                self.words.append((line, word))
                parts.append(word.text)
                offset += len(word.text)
            parts.append("\n")
            offset += 1
        self.text = "".join(parts)

    def found(self, value, start: int, end: int, confidence: float) -> Found | None:
        first, last = bisect_right(self.starts, start) - 1, bisect_right(self.starts, max(start, end - 1)) - 1
        if first < 0:
            return None
        covered = self.words[first:last + 1]
        page = covered[0][0].page
        words = tuple(word for line, word in covered if line.page == page)
        return Found(value, words, page, confidence)


def header_fields(lines: list[TextLine], missing: Iterable[str] = FIELDS, issue_date: date | None = None
                  ) -> dict[str, Found]:
    """Values for the ``missing`` header paths that the prose of the page gives, each with its words."""
    wanted = set(missing) & set(FIELDS)
    if not wanted or not lines:
        return {}
    joined = _Joined(lines)
    doc = nlp()(joined.text)
    result: dict[str, Found] = {}
    numbers = order_numbers(doc, 0, len(doc.text), None)
    for path, value in (("number", numbers.number), ("order_ref", numbers.earlier)):
        if path in wanted and value is not None:
            found = joined.found(str(value.value), value.start, value.end, value.confidence * 0.9)
            if found is not None:
                result[path] = found
    if "requested_delivery_date" in wanted:
        chosen = delivery_date(doc, 0, len(doc.text), None, issue_date).chosen
        if chosen is not None:
            found = joined.found(chosen.value, chosen.start, chosen.end, chosen.confidence * 0.9)
            if found is not None:
                result["requested_delivery_date"] = found
    if "buyer.siret" in wanted:
        for code in spans(doc, "adv_codes", ["SIRET"]):
            found = joined.found(digits(code.text), code.start_char, code.end_char, 0.8)
            if found is not None:
                result["buyer.siret"] = found
                break
    return result
