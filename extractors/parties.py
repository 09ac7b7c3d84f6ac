"""Seller, buyer and ship-to: who they are (name) and the identifiers printed near them.

Rules, in order, for an identifier:
1. its own label names its owner (``N° TVA client`` → buyer);
2. it sits in a party block: under (or right of) an anchor such as ``Facturé à`` / ``Bill to`` / ``Käufer``,
   in that anchor's column, with no other anchor in between;
3. otherwise it is the issuer's (letterhead, footer): the seller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.geometry import Found, LabelHit, TextLine, squash
from schemas.layout import Word
from extractors.identifiers import Identifier
from extractors.numbers import fold, parse_date

ROLES = ("seller", "buyer", "ship_to")
_NOT_A_NAME = re.compile(r"^[\W\d_]+$|@|https?:|www\.|^(tel|tél|fax|phone|page)\b", re.I)


@dataclass
class PartyFound:
    name: Found | None = None
    identifiers: dict[str, Identifier] = field(default_factory=dict)  # kind -> first one found
    address: Found | None = None  # value: dict of Address fields


def assign_identifiers(identifiers: list[Identifier], anchors: list[LabelHit], issuer: str = "seller"
                       ) -> dict[str, PartyFound]:
    """Each identifier to its party; ``issuer`` is the role of whoever printed the document (the buyer
    issues a purchase order), which owns the letterhead and footer identifiers."""
    parties = {role: PartyFound() for role in ROLES}
    for identifier in identifiers:
        role = _owner(identifier, anchors) or issuer
        if role == "ship_to" and identifier.kind != "gln":
            role = "buyer"  # a VAT id or SIRET in the delivery block is the buyer's company
        parties[role].identifiers.setdefault(identifier.kind, identifier)
    return parties


def _owner(identifier: Identifier, anchors: list[LabelHit]) -> str | None:
    if identifier.label and identifier.label.name.startswith("buyer_"):
        return "buyer"
    word = identifier.words[0]
    x, top = word.bbox[0], word.bbox[1]
    best, best_distance = None, None
    for anchor in anchors:
        if anchor.line.page != identifier.line.page or anchor.line.top > top + 2:
            continue
        same_line = anchor.line.index == identifier.line.index
        if same_line and anchor.x1 > x:
            continue
        if not same_line and not _in_column(anchor, x, anchors):
            continue
        distance = top - anchor.line.top
        if distance > 260:  # a party block is a dozen lines at most
            continue
        if best_distance is None or distance < best_distance:
            best, best_distance = anchor, distance
    return best.name if best else None


def _in_column(anchor: LabelHit, x: float, anchors: list[LabelHit]) -> bool:
    """Whether ``x`` lies in the column that starts at ``anchor`` (up to the next anchor on its right)."""
    if x < anchor.x0 - 15:
        return False
    for other in anchors:
        if other is anchor or other.line.page != anchor.line.page:
            continue
        if anchor.x0 + 20 < other.x0 <= x + 5 and abs(other.line.top - anchor.line.top) < 40:
            return False
    return True


def party_name(lines: list[TextLine], anchor: LabelHit, stop_anchors: list[LabelHit]) -> Found | None:
    """The first line of a party block: right of its anchor, else the first line below in its column."""
    rest = [w for w in anchor.line.words[anchor.end:] if w.text not in (":", "-")]
    candidates: list[tuple] = []
    height = anchor.words[-1].bbox[3] - anchor.words[-1].bbox[1]
    if rest and not _NOT_A_NAME.search(rest[0].text) and rest[0].bbox[0] - anchor.x1 < 3 * height:
        segment = _segment(rest)
        candidates.append(segment)
    for line in lines[anchor.line.index + 1: anchor.line.index + 5]:
        if line.page != anchor.line.page or line.top - anchor.line.bottom > 60:
            break
        if any(a.line.index == line.index for a in stop_anchors):
            break
        column = [w for w in line.words if anchor.x0 - 15 <= w.bbox[0] < anchor.x0 + 200]
        if column:
            candidates.append(_segment(column))
    for words in candidates:
        text = " ".join(w.text for w in words).strip(" :-")
        if len(text) >= 2 and not _NOT_A_NAME.search(text) and ":" not in text:
            return Found(text, tuple(words), anchor.line.page, 0.7)
    return None


_NOT_LETTERHEAD = {"facture", "invoice", "rechnung", "avoir", "commande", "order", "date", "datum", "page", "seite",
                   "tel", "fax", "phone", "bon", "purchase", "delivery", "lieferschein", "gutschrift", "credit",
                   "po", "no", "nr", "number", "nummer", "numero", "ref", "reference"}


def letterhead_name(lines: list[TextLine], skip: set[int]) -> Found | None:
    """The issuer's name when no anchor names it: the first block of text at the top of page 1 that is not a
    title, a label or a number (``skip`` holds the lines of the table and of party blocks)."""
    for line in lines[:8]:
        if line.page != 1 or line.index in skip:
            continue
        rest = list(line.words)
        while rest:
            words = _segment(rest)
            rest = rest[len(words):]
            text = " ".join(w.text for w in words).strip(" :-")
            keys = {squash(w.text) for w in words}
            wordy = any(len(w.text) >= 3 and w.text.isalpha() for w in words)
            if (wordy and not _NOT_A_NAME.search(text) and ":" not in text and not parse_date(text)
                    and not any(c.isdigit() for c in text[:4]) and not keys & _NOT_LETTERHEAD):
                return Found(text, tuple(words), 1, 0.5)
    return None


def _segment(words: list) -> list:
    """Leading words up to the first wide gap (the next column) or separator dash."""
    result = [words[0]]
    for previous, word in zip(words, words[1:]):
        height = previous.bbox[3] - previous.bbox[1]
        if word.bbox[0] - previous.bbox[2] > 1.5 * height or word.text in ("-", "–", "●", "|", "•"):
            break
        result.append(word)
    return result


_POSTAL_CITY = re.compile(r"(?:^|[,–|•●-]\s*|\s)(?:(?P<prefix>[A-Z]{1,2})[- ])?(?P<code>\d{4,5})\s+"
                          r"(?P<city>[^\W\d_][^\d,–|•●]*?)(?:,\s*(?P<country>[A-Z]{2}))?\s*$")
COUNTRIES = {"france": "FR", "deutschland": "DE", "germany": "DE", "allemagne": "DE", "belgique": "BE",
             "belgium": "BE", "belgie": "BE", "schweiz": "CH", "suisse": "CH", "switzerland": "CH", "nederland": "NL",
             "netherlands": "NL", "italia": "IT", "italie": "IT", "espana": "ES", "espagne": "ES", "osterreich": "AT",
             "austria": "AT", "luxembourg": "LU", "united kingdom": "GB", "royaume-uni": "GB"}
PREFIX_COUNTRY = {"D": "DE", "DE": "DE", "F": "FR", "FR": "FR", "B": "BE", "BE": "BE", "CH": "CH", "NL": "NL",
                  "A": "AT", "AT": "AT", "L": "LU", "LU": "LU"}


def party_address(lines: list[TextLine], name: Found, stop_lines: set[int]) -> Found | None:
    """Street, postal code, city and country from the lines under a party's name, in its column.

    The postal line ends with ``69002 Lyon``, ``D-63571 Gelnhausen`` or ``75018 PARIS, FR``; the street is
    what stands before it on that line (``Hohe Straße 12, 50667 Köln``) or the line above it; the country the
    line below when it names one."""
    first = name.words[0]
    start = next((line.index for line in lines if first in line.words), None)
    if start is None:
        return None
    x0 = first.bbox[0]
    block: list[list[Word]] = []
    previous = lines[start]
    for line in lines[start + 1:start + 7]:
        if line.page != previous.page or line.index in stop_lines or line.top - previous.bottom > 2.5 * line.height:
            break
        words = [w for w in line.words if x0 - 15 <= w.bbox[0] < x0 + 230]
        if words:
            block.append(_column_words(words))
        previous = line
    for i, words in enumerate(block):
        text = " ".join(w.text for w in words)
        match = _POSTAL_CITY.search(text)
        if not match or not match.group("city").strip():
            continue
        address = {"postal_code": match.group("code"), "city": match.group("city").strip(" -–")}
        before = text[:match.start()].strip(" ,–-|•●")
        if before and any(c.isalpha() for c in before):
            address["street"] = before
        elif i > 0 and any(c.isalpha() for w in block[i - 1] for c in w.text) and block[i - 1][0] not in name.words:
            address["street"] = " ".join(w.text for w in block[i - 1])
            words = block[i - 1] + words
        country = match.group("country") or _country(block[i + 1] if i + 1 < len(block) else None)
        country = country or PREFIX_COUNTRY.get(match.group("prefix") or "")
        if country:
            address["country"] = country
        return Found(address, tuple(words), name.page, 0.75)
    return None


def _column_words(words: list[Word]) -> list[Word]:
    """The words of a line in one column: up to the first wide gap (the next column)."""
    result = [words[0]]
    for previous, word in zip(words, words[1:]):
        if word.bbox[0] - previous.bbox[2] > 1.5 * (previous.bbox[3] - previous.bbox[1]):
            break
        result.append(word)
    return result


def _country(words) -> str | None:
    if not words:
        return None
    return COUNTRIES.get(fold(" ".join(w.text for w in words)).strip(" ,."))
