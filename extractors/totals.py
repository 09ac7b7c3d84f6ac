"""Document totals: every labelled amount is a candidate; the chosen set is the one that adds up.

Labels are read outside the line table. A generic label (``Total``, ``TVA``) only counts at the start of a
line or of a column; the value is the rightmost amount on the label's line (``TVA 20 % 81,90 16,38`` →
16,38), else the amount under the label. Among the candidates, the choice prefers specific labels and
sets where net − allowances + charges + tax = gross and net = the sum of the lines.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from itertools import product

from extractors.geometry import Found, PhraseIndex, TextLine, starts_segment, value_below, values_right
from extractors.labels import GENERIC_TOTAL_LABELS, SPECIFIC_TOTAL_LABELS
from extractors.numbers import parse_amount, uses_decimal_comma

ALLOWANCE_LABELS = {
    "allowances": ["gesamtbetrag der abschläge", "summe abschläge", "summe der abschläge", "total remises",
                   "remise globale", "total allowances", "total discount"],
    "charges": ["gesamtbetrag der zuschläge", "summe zuschläge", "summe der zuschläge", "total frais",
                "total charges", "frais de port"],
    "prepaid": ["erhaltene anzahlungen", "montant déjà payé", "acompte versé", "already paid", "prepaid amount",
                "anzahlung"],
}
FIELDS = ("net", "tax", "gross", "payable", "allowances", "charges")
CENT = Decimal("0.01")


class TotalsRules:
    def __init__(self, extra: dict[str, list[str]] | None = None) -> None:
        extra = extra or {}
        specific = {name: list(extra.get(f"totals.{name}", [])) + phrases
                    for name, phrases in SPECIFIC_TOTAL_LABELS.items()}
        self.index = PhraseIndex({**{name: specific[name] + GENERIC_TOTAL_LABELS[name] for name in specific},
                                  **ALLOWANCE_LABELS})
        self.generic_from = {name: len(phrases) for name, phrases in specific.items()}

    def candidates(self, lines: list[TextLine], skip: set[int]) -> dict[str, list[tuple[Found, int]]]:
        found: dict[str, list[tuple[Found, int]]] = {name: [] for name in FIELDS}
        comma = uses_decimal_comma(w.text for line in lines for w in line.words)
        read_amount = partial(parse_amount, decimal_comma=comma)
        for hit in self.index.find(line for line in lines if line.index not in skip):
            if hit.name == "prepaid":
                continue
            generic = hit.name in self.generic_from and hit.priority >= self.generic_from[hit.name]
            if generic and not starts_segment(hit.line, hit.start):
                continue
            values = values_right(hit.line, hit.end, read_amount)
            values = [v for v in values if not _is_percent_or_rate(hit.line, v)]
            if values:
                value, words = values[-1]
                rule = 0.7 if generic else 0.95
            else:
                below = value_below(lines, hit, read_amount)
                if not below:
                    continue
                value, words = below
                rule = 0.6 if generic else 0.85
            if hit.name in ("allowances", "charges"):
                value = abs(value)
            found[hit.name].append((Found(value, words, hit.line.page, rule), hit.priority + (50 if generic else 0)))
        return found

    def choose(self, candidates: dict[str, list[tuple[Found, int]]], line_sum: Decimal | None) -> dict[str, Found]:
        """The combination of candidates that adds up best (see the module docstring)."""
        options = {}
        for name in ("net", "tax", "gross"):
            ranked = sorted(candidates[name], key=lambda c: (c[1], -c[0].words[0].bbox[1] * 0))[:6]
            if name == "tax":
                ranked += _summed_tax(candidates[name])
            options[name] = [None, *ranked]
        allowances = _best(candidates["allowances"])
        charges = _best(candidates["charges"])
        best, best_score = None, None
        for net, tax, gross in product(options["net"], options["tax"], options["gross"]):
            score = sum(_weight(c) for c in (net, tax, gross))
            if net and tax and gross:
                expected = net[0].value - (allowances.value if allowances else 0) + (
                    charges.value if charges else 0) + tax[0].value
                if abs(expected - gross[0].value) <= CENT:
                    score += 3
                elif abs(net[0].value + tax[0].value - gross[0].value) <= CENT:
                    score += 2.5
            if net and line_sum is not None and abs(net[0].value - line_sum) <= CENT:
                score += 1
            if best_score is None or score > best_score:
                best, best_score = (net, tax, gross), score
        chosen = {name: c[0] for name, c in zip(("net", "tax", "gross"), best) if c is not None}
        payable = _best(candidates["payable"])
        if payable:
            chosen["payable"] = payable
        if allowances:
            chosen["allowances"] = allowances
        if charges:
            chosen["charges"] = charges
        return chosen


def _weight(candidate) -> float:
    if candidate is None:
        return 0.0
    found, priority = candidate
    return 1.0 / (1 + priority / 10) * found.rule_confidence


def _best(candidates: list[tuple[Found, int]]) -> Found | None:
    return min(candidates, key=lambda c: c[1])[0] if candidates else None


def _summed_tax(candidates: list[tuple[Found, int]]) -> list[tuple[Found, int]]:
    """Per-rate tax lines without a tax total: their sum is a candidate too."""
    generic = [c for c in candidates if c[1] >= 50]
    lines = {c[0].words[0].bbox[1] for c in generic}
    if len(generic) < 2 or len(lines) < 2:
        return []
    total = sum((c[0].value for c in generic), Decimal(0))
    words = tuple(w for c in generic for w in c[0].words)
    return [(Found(total, words, generic[0][0].page, 0.6), 60)]


def _is_percent_or_rate(line: TextLine, value) -> bool:
    """``19`` in ``USt. 19 %``: followed by a percent sign."""
    last = value[1][-1]
    position = line.words.index(last)
    return position + 1 < len(line.words) and line.words[position + 1].text.startswith("%")
