"""Party identifiers printed on a page: VAT ids, SIREN/SIRET and GLN, read with python-stdnum.

A value with the right shape next to its label is kept even when its check digit is wrong (the sender
printed it; a person should see it), with ``checksum_ok`` False so the extractor can flag it. Without a
label, only a value whose check digit is right is believed (a random 9-digit number is not a SIREN).
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import ean
from stdnum.eu import vat
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren, siret

from extractors.geometry import LabelHit, TextLine, squash
from schemas.layout import Word

VAT_PREFIXES = frozenset(code.upper() for code in vat.MEMBER_STATES) | {"EL", "XI"}


@dataclass(frozen=True)
class Identifier:
    kind: str  # "vat_id", "siren", "siret", "gln"
    value: str
    words: tuple[Word, ...]
    line: TextLine
    label: LabelHit | None
    checksum_ok: bool


def _check(module, value: str) -> bool | None:
    """True when valid, False when only the check digit is wrong, None when it is not that kind of number."""
    try:
        module.validate(value)
        return True
    except InvalidChecksum:
        return False
    except ValidationError:
        return None


def _vat_at(words: tuple[Word, ...]) -> tuple[str, int, bool] | None:
    """A VAT id starting at ``words[0]``, possibly spread over a few words (``FR 11 123 456 782``)."""
    first = words[0].text.strip(":;,()").upper()
    if len(first) < 2 or first[:2] not in VAT_PREFIXES:
        return None
    best, joined = None, ""
    for count, word in enumerate(words[:6], start=1):
        part = word.text.strip(":;,()").upper().replace(".", "").replace("-", "")
        if count > 1 and not part.isalnum():
            break
        joined += part
        if len(joined) > 15:
            break
        ok = _check(vat, joined)
        if ok is not None and joined[2:].isalnum() and any(c.isdigit() for c in joined):
            best = (joined, count, ok)
    return best


def _digits_at(words: tuple[Word, ...], lengths: tuple[int, ...]) -> tuple[str, int] | None:
    """Digits possibly grouped by spaces (``123 456 782 00077``) adding up to one of ``lengths``."""
    best, joined = None, ""
    for count, word in enumerate(words[:5], start=1):
        part = word.text.strip(":;,.()")
        if not part.isdigit():
            break
        joined += part
        if len(joined) in lengths:
            best = (joined, count)
        if len(joined) >= max(lengths):
            break
    return best


def find_identifiers(lines: list[TextLine], labels: list[LabelHit]) -> list[Identifier]:
    """Every identifier on the given lines; ``labels`` are the IDENTIFIER_LABELS hits on them."""
    by_line: dict[int, list[LabelHit]] = {}
    for hit in labels:
        by_line.setdefault(hit.line.index, []).append(hit)
    found: list[Identifier] = []
    for line in lines:
        line_labels = by_line.get(line.index, [])
        index = 0
        while index < len(line.words):
            label = _nearest_label_left(line_labels, index)
            identifier = _identifier_at(line, index, label)
            if identifier:
                found.append(identifier)
                index += len(identifier.words)
            else:
                index += 1
    return found


def _nearest_label_left(hits: list[LabelHit], index: int) -> LabelHit | None:
    """The label that ends at most three words before ``index`` (``SIRET : 123…``, ``TVA intra : FR…``)."""
    before = [h for h in hits if h.end <= index and index - h.end <= 3]
    return max(before, key=lambda h: h.end) if before else None


def _identifier_at(line: TextLine, index: int, label: LabelHit | None) -> Identifier | None:
    words = line.words[index:]
    name = label.name if label else None
    found = _vat_at(words)
    if found and (name in (None, "vat", "buyer_vat") or found[2]):
        value, count, ok = found
        if ok or name in ("vat", "buyer_vat"):
            return Identifier("vat_id", value, words[:count], line, label, ok)
    if name in ("siret", "siren") or name is None:
        digits = _digits_at(words, (9, 14))
        if digits:
            value, count = digits
            kind = "siret" if len(value) == 14 else "siren"
            ok = bool(_check(siret if kind == "siret" else siren, value))
            if name in ("siret", "siren") or (ok and kind == "siret" and _near_word(line, index, "siret")):
                return Identifier(kind, value, words[:count], line, label, ok)
    if name == "gln" or _near_word(line, index, "gln"):
        digits = _digits_at(words, (13,))
        if digits:
            value, count = digits
            return Identifier("gln", value, words[:count], line, label, ean.is_valid(value))
    return None


def _near_word(line: TextLine, index: int, key: str) -> bool:
    return any(k.startswith(key) for k in line.keys[max(0, index - 3):index]) or (
        index + 1 < len(line.keys) and squash(line.words[index + 1].text) == key)
