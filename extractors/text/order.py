"""The purchase order a mail asks for, put together from what the rules read, each value with its span."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from extractors.text.addresses import FoundAddress
from extractors.text.customer import Buyer
from extractors.text.found import TextValue
from extractors.text.header import DeliveryDate, OrderNumbers
from extractors.text.lines import OrderLine
from extractors.text.products import Match, ProductIndex
from schemas import Address, Finding, Line, Party, Provenance, PurchaseOrder, Source
from schemas.findings import error, warning

MIN_CONFIDENCE = 0.5  # below this a value goes to a person (NLP_LOW_CONFIDENCE)
DEFAULT_UNIT = "C62"  # "20 gants nitrile": twenty of them


@dataclass
class OrderBuilder:
    """Values by canonical path, with their provenance, and the findings met on the way."""

    values: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def put(self, path: str, found: TextValue | None, value: Any = None) -> Any:
        if found is None:
            return None
        self.values[path] = found.value if value is None else value
        self.provenance[path] = found.provenance()
        return self.values[path]


def _party(out: OrderBuilder, role: str, name: TextValue | None, ids: dict[str, TextValue | None],
           address: FoundAddress | None) -> Party | None:
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = out.put(f"{role}.name", name)
    for kind, found in ids.items():
        if found is not None:
            values[kind] = out.put(f"{role}.{kind}", found)
    if address is not None:
        parts = {"street": address.street, "postal_code": address.postal_code, "city": address.city,
                 "country": address.country}
        fields = {k: out.put(f"{role}.address.{k}", v) for k, v in parts.items() if v is not None}
        if fields:
            values["address"] = Address(**fields)
        if address.name is not None and "name" not in values:
            values["name"] = out.put(f"{role}.name", address.name)
    return Party(**values) if values else None


def _line(out: OrderBuilder, i: int, line: OrderLine, match: Match | None) -> Line:
    path = f"lines[{i}]"
    values: dict[str, Any] = {"line_no": i + 1}
    if line.quantity is not None:
        values["quantity"] = out.put(f"{path}.quantity", line.quantity)
    unit = line.unit or (line.quantity.but(value=DEFAULT_UNIT, confidence=0.7) if line.quantity else None)
    if unit is not None:
        values["unit"] = out.put(f"{path}.unit", unit)
    if line.description is not None:
        values["description"] = out.put(f"{path}.description", line.description)
    ref = line.reference
    if ref is not None:
        kind = _written_kind(line.reference_kind, match)
        values[kind] = out.put(f"{path}.{kind}", ref, value=str(ref.value))
    if match is not None and match.product is not None and values.get("seller_item_id") != match.product.item_id:
        anchor = line.reference if match.how != "description" else line.description
        values["seller_item_id"] = match.product.item_id
        # the item id comes from master data, found from the code or description at this span
        out.provenance[f"{path}.seller_item_id"] = (anchor.but(confidence=match.score, method="masterdata").provenance()
                                                    if anchor else Provenance(method="masterdata",
                                                                              confidence=match.score))
    return Line(**values)


def _written_kind(kind: str | None, match: Match | None) -> str:
    """Which field a code as written goes in: a GTIN; our item id; else the customer's own code."""
    if kind == "gtin":
        return "gtin"
    if match is None:  # no catalogue: "notre réf." is the customer's, any other code is taken to be ours
        return "buyer_item_id" if kind == "buyer" else "seller_item_id"
    return "seller_item_id" if match.how == "item_id" else "buyer_item_id"


def build_order(*, sha256: str, sender: str | None, locator: str, sent: date | None, sent_at: str | None,
                numbers: OrderNumbers, delivery: DeliveryDate, buyer: Buyer, buyer_address: FoundAddress | None,
                ship_to: FoundAddress | None, lines: list[OrderLine], index: ProductIndex | None,
                change: str | None, kind_confidence: float) -> PurchaseOrder:
    out = OrderBuilder()
    number = out.put("number", numbers.number, value=str(numbers.number.value) if numbers.number else None)
    if sent is not None:
        out.values["issue_date"] = sent
        out.provenance["issue_date"] = Provenance(method="nlp", confidence=1.0, path="sent_at")
    requested = out.put("requested_delivery_date", delivery.chosen)
    order_ref = out.put("order_ref", numbers.earlier, value=str(numbers.earlier.value) if numbers.earlier else None)
    party = _party(out, "buyer", buyer.name, {"siret": buyer.siret, "siren": buyer.siren, "vat_id": buyer.vat_id},
                   buyer_address)
    ship = _party(out, "ship_to", None, {}, ship_to)
    customer_id = getattr(buyer.company, "id", None)
    built = []
    for i, line in enumerate(lines):
        match = _match(index, line, customer_id)
        built.append(_line(out, i, line, match))
        _line_findings(out, i, line, match, index)
    _findings(out, numbers, delivery, change, sent, lines)
    document = PurchaseOrder(
        number=number, issue_date=out.values.get("issue_date"), requested_delivery_date=requested,
        buyer=party, ship_to=ship, order_ref=order_ref, lines=tuple(built),
        source=Source(format="email" if sender else "text", sha256=sha256, locator=locator, sender=sender),
        provenance={**out.provenance, "kind": Provenance(method="nlp", confidence=round(kind_confidence, 3))},
    )
    return document.with_findings(out.findings)


def _match(index: ProductIndex | None, line: OrderLine, customer_id: int | None) -> Match | None:
    if index is None:
        return None
    if line.reference is not None:
        found = index.by_code(str(line.reference.value), customer_id)
        if found is not None:
            return found
    if line.description is not None:
        return index.by_description(str(line.description.value))
    return Match(None, "none", 0.0)


def _line_findings(out: OrderBuilder, i: int, line: OrderLine, match: Match | None, index: ProductIndex | None
                   ) -> None:
    path = f"lines[{i}]"
    if line.approximate and line.quantity is not None:
        written = out.provenance[f"{path}.quantity"]
        out.findings.append(error("NLP_AMBIGUOUS_QUANTITY", f"Line {i + 1}: the mail gives no exact quantity "
                                  f"(read {line.quantity.value} from an approximate or alternative amount); ask the "
                                  "customer how many they want.", field=f"{path}.quantity", location=written))
    if index is not None and match is not None and match.product is None:
        written = line.reference.value if line.reference else (line.description.value if line.description else "?")
        closest = ", ".join(f"{item} ({score:.0%})" for item, score in match.candidates) or "none close"
        location = out.provenance.get(f"{path}.description") or out.provenance.get(f"{path}.quantity")
        out.findings.append(warning("NLP_UNMATCHED_PRODUCT", f"Line {i + 1}: {written!r} matches no product of ours "
                                    f"by code or description (closest: {closest}); pick the product.",
                                    field=f"{path}", location=location))


def _findings(out: OrderBuilder, numbers: OrderNumbers, delivery: DeliveryDate, change: str | None,
              sent: date | None, lines: list[OrderLine]) -> None:
    if change is not None and numbers.earlier is not None:
        out.findings.append(error("NLP_ORDER_CHANGE", f"This mail {'cancels' if change == 'cancel' else 'changes'} "
                                  f"order {numbers.earlier.value}; changes are never applied automatically: update "
                                  "that order by hand.", field="order_ref", location=out.provenance.get("order_ref")))
    if delivery.conflicting is not None:
        out.findings.append(error("NLP_AMBIGUOUS_DATE", f"The mail gives two delivery dates, {delivery.chosen.value} "
                                  f"and {delivery.conflicting.value}; {delivery.chosen.value} was taken. Check which "
                                  "one the customer wants.", field="requested_delivery_date",
                                  location=delivery.conflicting.provenance()))
    if delivery.chosen is None and delivery.unresolved is not None and sent is None:
        out.findings.append(warning("NLP_UNRESOLVED_DATE", f"The mail asks for delivery {delivery.unresolved.value!r}, "
                                    "which needs the day it was sent, and the message has no date.",
                                    field="requested_delivery_date", location=delivery.unresolved.provenance()))
    for other in numbers.others:
        out.findings.append(warning("NLP_SEVERAL_NUMBERS", f"The mail also names order number {other.value}; "
                                    f"{numbers.number.value if numbers.number else '?'} was taken as this order's.",
                                    field="number", location=other.provenance()))
    for path, provenance in out.provenance.items():
        if provenance.confidence < MIN_CONFIDENCE and not path.endswith("quantity"):
            out.findings.append(error("NLP_LOW_CONFIDENCE", f"The {path} was read with confidence "
                                      f"{provenance.confidence:.2f} (below {MIN_CONFIDENCE}); check it against the "
                                      "mail.", field=path, location=provenance))
