"""Business rules: each a function of one document returning findings, registered with its codes.

Adding a rule is one decorated function here; ``RULES`` is the list validation runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from stdnum import ean

from schemas import BusinessDocument, DocumentKind, Finding
from schemas.findings import error, warning
from schemas.units import is_known_unit

Rule = Callable[[BusinessDocument, Decimal], Iterable[Finding]]
RULES: list[Rule] = []
CENT = Decimal("0.01")


def rule(function: Rule) -> Rule:
    RULES.append(function)
    return function


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@rule
def required_header_fields(doc: BusinessDocument, tolerance: Decimal) -> Iterable[Finding]:
    if not doc.number:
        yield error("MISSING_NUMBER", f"The {doc.kind.value.replace('_', ' ')} has no number.", field="number")
    if doc.issue_date is None:
        yield warning("MISSING_ISSUE_DATE", "The document has no issue date.", field="issue_date")
    if not doc.lines and doc.kind is not DocumentKind.ORDER_RESPONSE:
        yield error("NO_LINES", "The document has no lines.", field="lines")
    if doc.kind is DocumentKind.ORDER and doc.buyer is None:
        yield error("MISSING_BUYER", "The order does not say who the buyer is.", field="buyer")
    if doc.kind in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE) and doc.seller is None:
        yield error("MISSING_SELLER", "The invoice does not say who the seller is.", field="seller")


@rule
def line_amounts(doc: BusinessDocument, tolerance: Decimal) -> Iterable[Finding]:
    """net = quantity x unit price, within the tolerance (prices may have more decimals than cents)."""
    for i, line in enumerate(doc.lines):
        if line.quantity is None or line.unit_price is None or line.net_amount is None:
            continue
        expected = _money(line.quantity * line.unit_price)
        if abs(expected - line.net_amount) > tolerance:
            yield error(
                "LINE_TOTAL_MISMATCH",
                f"Line {line.line_no or i + 1}: {line.quantity} x {line.unit_price} = {expected}, "
                f"but the line amount says {line.net_amount}.",
                field=f"lines[{i}].net_amount",
            )


@rule
def document_totals(doc: BusinessDocument, tolerance: Decimal) -> Iterable[Finding]:
    totals = doc.totals
    nets = [line.net_amount for line in doc.lines]
    if totals.net is not None and nets and all(n is not None for n in nets):
        line_sum = sum(nets, Decimal(0))
        if abs(line_sum - totals.net) > tolerance:
            yield error(
                "TOTALS_MISMATCH",
                f"The lines add up to {line_sum}, but the total of lines says {totals.net}.",
                field="totals.net",
            )
    if totals.gross is not None and totals.net is not None and totals.tax is not None:
        expected = totals.net - (totals.allowances or 0) + (totals.charges or 0) + totals.tax
        if abs(expected - totals.gross) > tolerance:
            yield error(
                "TOTALS_MISMATCH",
                f"Net {totals.net} - allowances {totals.allowances or 0} + charges {totals.charges or 0} + tax "
                f"{totals.tax} = {expected}, but the total says {totals.gross}.",
                field="totals.gross",
            )


@rule
def tax_by_rate(doc: BusinessDocument, tolerance: Decimal) -> Iterable[Finding]:
    """Tax = sum over rates of round(net at that rate x rate), when every line carries its rate."""
    if doc.totals.tax is None or not doc.lines:
        return
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in doc.lines:
        if line.net_amount is None or line.tax_rate is None:
            return
        bases[line.tax_rate] += line.net_amount
    if doc.totals.allowances or doc.totals.charges:
        return  # document-level allowances and charges carry their own rates; not modelled yet
    expected = sum((_money(base * rate / 100) for rate, base in bases.items()), Decimal(0))
    if abs(expected - doc.totals.tax) > tolerance * len(bases):
        rates = ", ".join(f"{rate}%" for rate in sorted(bases))
        yield error(
            "TAX_MISMATCH",
            f"Tax at {rates} on the lines comes to {expected}, but the document says {doc.totals.tax}.",
            field="totals.tax",
        )


@rule
def identifiers(doc: BusinessDocument, tolerance: Decimal) -> Iterable[Finding]:
    for i, line in enumerate(doc.lines):
        if line.gtin and line.gtin.isdigit() and not ean.is_valid(line.gtin):
            yield error("INVALID_GTIN", f"Line {line.line_no or i + 1}: GTIN {line.gtin} has a wrong check digit.",
                        field=f"lines[{i}].gtin")
    for role in ("seller", "buyer", "ship_to"):
        party = getattr(doc, role)
        if party is not None and party.gln and not (len(party.gln) == 13 and ean.is_valid(party.gln)):
            yield error("INVALID_GLN", f"The {role.replace('_', '-')} GLN {party.gln} is not a valid 13-digit GLN.",
                        field=f"{role}.gln")


@rule
def units(doc: BusinessDocument, tolerance: Decimal) -> Iterable[Finding]:
    for i, line in enumerate(doc.lines):
        if line.unit and not is_known_unit(line.unit):
            yield warning("UNKNOWN_UNIT", f"Line {line.line_no or i + 1}: unit {line.unit} is not one we know; "
                          "check the quantity means what it seems.", field=f"lines[{i}].unit")
