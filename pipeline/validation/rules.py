"""Document-level rules. Each is a function of (document, context) returning findings, registered in a layer.

Adding a rule is one decorated function; its codes go in docs/findings.md (a test checks).
Line-level checks run vectorised in ``lines.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

from stdnum import ean, iban
from stdnum.eu import vat
from stdnum.fr import siren, siret

from pipeline.validation.context import ValidationContext
from schemas import BusinessDocument, DocumentKind, Finding
from schemas.findings import error, warning

Rule = Callable[[BusinessDocument, ValidationContext], Iterable[Finding]]
LAYERS: dict[str, list[Rule]] = {"required": [], "identifiers": [], "arithmetic": [], "en16931": [], "business": []}
CENT = Decimal("0.01")
INVOICES = (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)


def rule(layer: str) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        LAYERS[layer].append(function)
        return function

    return register


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- required fields -------------------------------------------------------------------------------


@rule("required")
def required_header_fields(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    if not doc.number:
        yield error("MISSING_NUMBER", f"The {doc.kind.value.replace('_', ' ')} has no number.", field="number")
    if doc.issue_date is None:
        yield warning("MISSING_ISSUE_DATE", "The document has no issue date.", field="issue_date")
    if not doc.lines and doc.kind is not DocumentKind.ORDER_RESPONSE:
        yield error("NO_LINES", "The document has no lines.", field="lines")
    if doc.kind is DocumentKind.ORDER and doc.buyer is None:
        yield error("MISSING_BUYER", "The order does not say who the buyer is.", field="buyer")
    if doc.kind in INVOICES and doc.seller is None:
        yield error("MISSING_SELLER", "The invoice does not say who the seller is.", field="seller")


# -- identifiers ------------------------------------------------------------------------------------


@rule("identifiers")
def party_identifiers(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    """GLN, SIREN, SIRET, VAT id and IBAN check digits, with python-stdnum."""
    checks = (("gln", "INVALID_GLN", lambda v: len(v) == 13 and ean.is_valid(v), "GLN"),
              ("siren", "INVALID_SIREN", siren.is_valid, "SIREN"),
              ("siret", "INVALID_SIRET", siret.is_valid, "SIRET"),
              ("vat_id", "INVALID_VAT_ID", vat.is_valid, "VAT number"),
              ("iban", "INVALID_IBAN", iban.is_valid, "IBAN"))
    for role in ("seller", "buyer", "ship_to"):
        party = getattr(doc, role)
        if party is None:
            continue
        for attribute, code, is_valid, label in checks:
            value = getattr(party, attribute)
            if value and not is_valid(value):
                yield error(code, f"The {role.replace('_', '-')} {label} {value} is not valid (wrong length or "
                            "check digit).", field=f"{role}.{attribute}")


# -- arithmetic -------------------------------------------------------------------------------------


@rule("arithmetic")
def document_totals(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    """Lines add up to the net total; net - allowances + charges + tax = gross; payable <= gross."""
    totals = doc.totals
    nets = [line.net_amount for line in doc.lines]
    if totals.net is not None and nets and all(n is not None for n in nets):
        line_sum = sum(nets, Decimal(0))
        if abs(line_sum - totals.net) > ctx.tolerance:
            yield error("TOTALS_MISMATCH", f"The lines add up to {line_sum}, but the total of lines says "
                        f"{totals.net}.", field="totals.net")
    if totals.gross is not None and totals.net is not None and totals.tax is not None:
        expected = totals.net - (totals.allowances or 0) + (totals.charges or 0) + totals.tax
        if abs(expected - totals.gross) > ctx.tolerance:
            yield error("TOTALS_MISMATCH", f"Net {totals.net} - allowances {totals.allowances or 0} + charges "
                        f"{totals.charges or 0} + tax {totals.tax} = {expected}, but the total says {totals.gross}.",
                        field="totals.gross")
    if totals.payable is not None and totals.gross is not None and totals.payable > totals.gross + ctx.tolerance:
        yield error("PAYABLE_EXCEEDS_TOTAL", f"The amount due {totals.payable} is more than the total "
                    f"{totals.gross}.", field="totals.payable")


@rule("arithmetic")
def tax_by_rate(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    """Tax = sum over rates of round(net at that rate x rate), when every line carries its rate."""
    if doc.totals.tax is None or not doc.lines or doc.totals.allowances or doc.totals.charges:
        return  # document-level allowances and charges carry their own rates, which we do not hold
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in doc.lines:
        if line.net_amount is None or line.tax_rate is None:
            return
        bases[line.tax_rate] += line.net_amount
    expected = sum((money(base * rate / 100) for rate, base in bases.items()), Decimal(0))
    if abs(expected - doc.totals.tax) > ctx.tolerance * len(bases):
        rates = ", ".join(f"{rate}%" for rate in sorted(bases))
        yield error("TAX_MISMATCH", f"Tax at {rates} on the lines comes to {expected}, but the document says "
                    f"{doc.totals.tax}.", field="totals.tax")
