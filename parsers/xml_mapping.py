"""Collecting values from an XML document with their XPath, and building the canonical document.

The CII and UBL mappings only say where each value lives; this module reads it (text, amount,
date, identifier), records where it came from (``method: "xml"``, the XPath, confidence 1.0) and
turns a value it cannot read into an ``XML_BAD_VALUE`` finding instead of an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parsers.xml_safe import Element, Profile, find, parse_amount, parse_xml_date, text_of, xpath_of
from schemas import (
    Address,
    DocumentKind,
    Finding,
    Line,
    Party,
    Provenance,
    Source,
    Totals,
)
from schemas.documents import MODELS
from schemas.findings import error, warning

def located(element: Element, attribute: str | None = None) -> Provenance:
    return Provenance(method="xml", confidence=1.0, path=xpath_of(element, attribute))


@dataclass
class Collected:
    """Values read so far for one document, keyed by canonical field path, with their provenance."""

    provenance: dict[str, Provenance] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def read(self, path: str, element: Element | None, convert: Callable[[str], Any] | None = None,
             attribute: str | None = None) -> Any:
        """The value of ``element`` (or of its ``attribute``) for field ``path``; None when absent or unreadable."""
        if element is None:
            return None
        raw = element.get(attribute) if attribute else text_of(element)
        if raw is None or not raw.strip():
            return None
        where = located(element, attribute)
        try:
            value = convert(raw) if convert else raw.strip()
        except ValueError as exc:
            self.findings.append(error("XML_BAD_VALUE", f"{path}: {exc} (at {where.path}).", field=path,
                                       location=where))
            return None
        if value is not None:
            self.provenance[path] = where
        return value

    def text(self, path: str, element: Element | None) -> str | None:
        return self.read(path, element)

    def amount(self, path: str, element: Element | None) -> Decimal | None:
        return self.read(path, element, parse_amount)

    def date(self, path: str, element: Element | None):
        """A CII date element (``udt:DateTimeString`` inside it, or its own text) or a UBL ISO date."""
        if element is None:
            return None
        inner = find(element, "DateTimeString")
        target = inner if inner is not None else element
        return self.read(path, target, lambda raw: parse_xml_date(raw, target.get("format")))

    def first(self, path: str, elements: list[Element | None], convert: Callable[[str], Any] | None = None) -> Any:
        """The first of ``elements`` that holds a value."""
        for element in elements:
            value = self.read(path, element, convert)
            if value is not None:
                return value
        return None


def party_from(values: dict[str, Any]) -> Party | None:
    """A party from collected values (``address`` holds the address fields), None when nothing was found."""
    address = {k: v for k, v in values.pop("address", {}).items() if v is not None}
    values = {k: v for k, v in values.items() if v is not None}
    if address:
        values["address"] = Address(**address)
    return Party(**values) if values else None


def company_numbers(role: str, values: dict[str, Any], collected: Collected) -> None:
    """SIREN and SIRET by their length: senders often file a 14-digit SIRET under the SIREN scheme (0002).

    A SIRET's first nine digits are its company's SIREN, so the SIREN is filled from it when missing.
    """
    where = collected.provenance
    for sent, other, length in (("siren", "siret", 14), ("siret", "siren", 9)):
        value = values.get(sent)
        if value and value.isdigit() and len(value) == length and not values.get(other):
            values[other], values[sent] = value, None
            where[f"{role}.{other}"] = where.pop(f"{role}.{sent}")
    siret = values.get("siret")
    if siret and siret.isdigit() and len(siret) == 14 and not values.get("siren"):
        values["siren"] = siret[:9]
        where[f"{role}.siren"] = where[f"{role}.siret"]


def build_document(kind: DocumentKind, header: dict[str, Any], lines: list[dict[str, Any]], totals: dict[str, Any],
                   collected: Collected, source: Source, profile: Profile):
    """The canonical document, with a warning when the profile carries no lines by design."""
    findings = list(collected.findings)
    if not lines and not profile.has_lines:
        findings.append(warning("XML_PROFILE_WITHOUT_LINES", f"The {profile.name} profile carries no lines, only the "
                                "totals; the lines are in the visible PDF, so someone has to check them.",
                                field="lines"))
    model = MODELS[kind]
    header = {k: v for k, v in header.items() if v is not None}
    return model(kind=kind, source=source, findings=tuple(findings), provenance=collected.provenance,
                 lines=tuple(Line(**{k: v for k, v in line.items() if v is not None}) for line in lines),
                 totals=Totals(**{k: v for k, v in totals.items() if v is not None}), **header)


def unit_price(price: Decimal | None, basis: Decimal | None) -> Decimal | None:
    """A net price per one unit: a price given per 100 or per 1 000 units is divided out."""
    if price is None or basis is None or basis in (0, 1):
        return price
    per_unit = price / basis
    if per_unit.as_tuple().exponent < -6:  # type: ignore[operator]
        per_unit = per_unit.quantize(Decimal("0.000001"))
    return per_unit


def line_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) > 0 else None


def envelope_key(doc) -> str | None:
    """The identity of a business document whatever its bytes: its kind, its issuer and its number.

    The same invoice arrives as a Factur-X PDF and, in the same mail, as its XML; or twice in two
    mails. The issuer is the seller of an invoice and the buyer of an order.
    """
    issuer = doc.buyer if doc.kind in (DocumentKind.ORDER,) else doc.seller
    if not doc.number or issuer is None or issuer.key is None:
        return None
    return f"xml:{doc.kind.value}:{issuer.key}/{doc.number}"
