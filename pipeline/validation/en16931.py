"""EN 16931 business rules that concern the invoice fields we hold (BR-xx, BR-CO-xx), and French specifics.

Rules already enforced for every document under our own codes are not repeated here:
BR-02 → MISSING_NUMBER, BR-16 → NO_LINES, BR-27 → NEGATIVE_PRICE, BR-CO-10 and BR-CO-15 → TOTALS_MISMATCH.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.validation.context import ValidationContext
from pipeline.validation.rules import INVOICES, rule
from schemas import BusinessDocument, Finding
from schemas.findings import error, warning

_LINE_RULES = (
    ("BR-21", "line_no", "has no line identifier"),
    ("BR-22", "quantity", "has no invoiced quantity"),
    ("BR-23", "unit", "has no unit of measure for its quantity"),
    ("BR-24", "net_amount", "has no net amount"),
    ("BR-25", "description", "has no item name"),
    ("BR-26", "unit_price", "has no item net price"),
)


@rule("en16931")
def invoice_header(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    if doc.kind not in INVOICES:
        return
    if doc.issue_date is None:
        yield error("BR-03", "An invoice must have an issue date (EN 16931 BR-03).", field="issue_date")
    if not doc.currency:
        yield error("BR-05", "An invoice must state its currency (EN 16931 BR-05).", field="currency")
    for role, name_rule, address_rule, country_rule in (("seller", "BR-06", "BR-08", "BR-09"),
                                                         ("buyer", "BR-07", "BR-10", "BR-11")):
        party = getattr(doc, role)
        if party is None:
            continue  # MISSING_SELLER / the buyer check already says so
        if not party.name:
            yield error(name_rule, f"The invoice must give the {role}'s name (EN 16931 {name_rule}).",
                        field=f"{role}.name")
        if party.address is None:
            yield error(address_rule, f"The invoice must give the {role}'s postal address (EN 16931 "
                        f"{address_rule}).", field=f"{role}.address")
        elif not party.address.country:
            yield error(country_rule, f"The {role}'s address must have a country code (EN 16931 {country_rule}).",
                        field=f"{role}.address.country")
        if party.vat_id and not party.vat_id[:2].isalpha():
            yield error("BR-CO-9", f"The {role}'s VAT number {party.vat_id} must start with its ISO country code "
                        "(EN 16931 BR-CO-9).", field=f"{role}.vat_id")


@rule("en16931")
def invoice_lines(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    if doc.kind not in INVOICES:
        return
    for i, line in enumerate(doc.lines):
        for code, attribute, what in _LINE_RULES:
            if getattr(line, attribute) in (None, ""):
                yield error(code, f"Line {line.line_no or i + 1} {what} (EN 16931 {code}).",
                            field=f"lines[{i}].{attribute}")


@rule("en16931")
def french_seller_siren(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    """French B2B e-invoicing: a French seller is identified by its SIREN."""
    seller = doc.seller
    if doc.kind not in INVOICES or seller is None:
        return
    french = (seller.address and seller.address.country == "FR") or (seller.vat_id or "").startswith("FR")
    if french and not (seller.siren or seller.siret):
        yield warning("FR_SELLER_SIREN_MISSING", "The seller is French but the invoice does not give its SIREN, "
                      "which French e-invoicing requires.", field="seller.siren")
