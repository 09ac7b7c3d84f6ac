"""Map one EDIFACT message (ORDERS, INVOIC, DESADV, ORDRSP; D96A, D01B, EANCOM) to a canonical document.

The walk is a small state machine: the last group trigger (NAD, LIN, ALC, …) says what an RFF,
DTM, MOA or TAX that follows belongs to. Values that do not parse become findings with the
segment they came from; the message is still mapped as far as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parsers.edifact_envelope import Message, where
from parsers.edifact_syntax import Segment
from parsers.edifact_values import add_days, company_ids, is_digits, line_number, parse_date, parse_decimal
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
from schemas.units import normalise_unit

SUPPORTED = {"ORDERS": DocumentKind.ORDER, "INVOIC": DocumentKind.INVOICE, "DESADV": DocumentKind.DELIVERY_NOTE,
             "ORDRSP": DocumentKind.ORDER_RESPONSE}

# Which QTY qualifier (code list 6063) is "the" quantity of a line, by kind of document.
_QUANTITY_QUALIFIERS = {
    DocumentKind.ORDER: ("21", "1"),
    DocumentKind.INVOICE: ("47", "46", "12", "1"),
    DocumentKind.CREDIT_NOTE: ("47", "61", "46", "12", "1"),
    DocumentKind.DELIVERY_NOTE: ("12", "1", "21"),
    DocumentKind.ORDER_RESPONSE: ("113", "21", "12", "1"),
}
_ITEM_TYPES = {"EN": "gtin", "SRV": "gtin", "UP": "gtin", "IN": "buyer_item_id", "BP": "buyer_item_id",
               "SA": "seller_item_id", "VN": "seller_item_id", "MF": "seller_item_id"}
_SELLER_ROLES = ("SU", "SE", "II")
_BUYER_ROLES = ("BY", "IV", "OB")
_SHIP_TO_ROLES = ("DP", "ST", "CN", "UC")
_LINE_RESPONSES = {"5": "accepted", "3": "changed", "4": "changed", "6": "changed", "1": "changed",
                   "7": "rejected", "2": "rejected"}
_DOCUMENT_RESPONSES = {"29": "accepted", "4": "changed", "27": "rejected"}
_HEADER_TRIGGERS = {"NAD", "CUX", "PAT", "TDT", "TOD", "ALC", "TAX", "LOC", "PAC", "CPS", "FTX", "GIN"}


@dataclass
class _Value:
    value: Any
    at: Provenance


@dataclass
class _LineBuilder:
    segment: Segment
    fields: dict[str, _Value] = field(default_factory=dict)
    quantities: dict[str, _Value] = field(default_factory=dict)
    descriptions: list[str] = field(default_factory=list)
    description_at: Provenance | None = None
    trigger: str = "LIN"


class MessageMapper:
    """Reads one message's segments into a canonical document. Use :func:`map_message`."""

    def __init__(self, message: Message, sha256: str) -> None:
        self.message = message
        self.sha256 = sha256
        self.kind = SUPPORTED[message.type]
        self.decimal = message.interchange.delimiters.decimal
        self.header: dict[str, _Value] = {}
        self.parties: dict[str, tuple[dict[str, Any], dict[str, Provenance]]] = {}
        self.lines: list[_LineBuilder] = []
        self.totals: dict[str, _Value] = {}
        self.header_tax_rates: list[_Value] = []
        self.allowances: list[_Value] = []
        self.charges: list[_Value] = []
        self.findings: list[Finding] = list(message.findings)
        self.trigger: str | None = None  # last group trigger in header/summary
        self.party_role: str | None = None
        self.alc_kind: str | None = None
        self.summary = False
        self.line_count: _Value | None = None
        self.payment_days: _Value | None = None  # PAT: due N days after the invoice date

    # -- entry ----------------------------------------------------------------------------------

    def map(self):
        for seg in self.message.segments[1:-1] if self._closed else self.message.segments[1:]:
            handler = getattr(self, f"_{seg.tag.lower()}", None)
            if handler is not None:
                try:
                    handler(seg)
                except ValueError as exc:
                    self.findings.append(
                        error("EDI_BAD_VALUE", f"Segment {seg.tag} (number {seg.number}) has a value we cannot "
                              f"read: {exc}.", field=seg.tag, location=where(seg))
                    )
        return self._build()

    @property
    def _closed(self) -> bool:
        return len(self.message.segments) > 1 and self.message.segments[-1].tag == "UNT"

    # -- header segments ------------------------------------------------------------------------

    def _bgm(self, seg: Segment) -> None:
        code = seg.get(0, 0)
        if self.kind is DocumentKind.INVOICE and code == "381":
            self.kind = DocumentKind.CREDIT_NOTE
        self._set(self.header, "number", seg.get(1, 0), seg, "2.1")
        function = seg.get(2, 0)
        if self.kind is DocumentKind.ORDER_RESPONSE and function in _DOCUMENT_RESPONSES:
            self._set(self.header, "response", _DOCUMENT_RESPONSES[function], seg, "3")
        elif function in ("1", "3"):
            self.findings.append(
                error("EDI_CANCELLATION", f"This message cancels document {seg.get(1, 0)}; cancellations are "
                      "never applied automatically.", field="number", location=where(seg, "3"))
            )

    def _dtm(self, seg: Segment) -> None:
        qualifier, raw, fmt = seg.get(0, 0), seg.get(0, 1), seg.get(0, 2)
        if raw is None:
            return
        if self.lines and not self.summary:
            return  # line-level dates (e.g. per-line delivery) are not in the model yet
        if self.trigger in ("NAD", "RFF_LINKED"):
            return  # dates of a reference (DTM 171) or of a party
        value = parse_date(raw, fmt)
        target = {
            "137": "issue_date", "3": "issue_date", "4": "issue_date",
            "2": "requested_delivery_date", "64": "requested_delivery_date_early",
            "63": "requested_delivery_date_late", "69": "promised_delivery_date",
            "35": "actual_delivery_date", "17": "estimated_delivery_date", "11": "despatch_date",
            "13": "due_date", "140": "due_date", "209": "payment_basis_date",
        }.get(qualifier)
        if target:
            self._set(self.header, target, value, seg, "1.2")

    def _rff(self, seg: Segment) -> None:
        qualifier, ref = seg.get(0, 0), seg.get(0, 1)
        if ref is None:
            return
        if self.lines and not self.summary:
            line = self.lines[-1]
            if qualifier == "ON":
                self._set(line.fields, "order_ref", ref, seg, "1.2")
                if seg.get(0, 2):
                    self._set(line.fields, "order_line_no", line_number(seg.get(0, 2)), seg, "1.3")
            elif qualifier == "LI":
                self._set(line.fields, "order_line_no", line_number(ref), seg, "1.2")
            return
        if self.trigger == "NAD" and self.party_role:
            self._party_reference(qualifier, ref, seg)
            return
        target = {"ON": "order_ref", "DQ": "delivery_note_ref", "AAK": "delivery_note_ref", "CT": "contract_ref",
                  "IV": "invoice_ref"}.get(qualifier)
        if target:
            self._set(self.header, target, ref, seg, "1.2")
        self.trigger = "RFF_LINKED"

    def _nad(self, seg: Segment) -> None:
        self.trigger = "NAD"
        role = seg.get(0, 0)
        self.party_role = role
        if role is None:
            return
        values: dict[str, Any] = {}
        at: dict[str, Provenance] = {}
        ident, agency = seg.get(1, 0), seg.get(1, 2)
        if ident:
            if agency == "9" or (agency is None and len(ident) == 13 and is_digits(ident)):
                values["gln"], at["gln"] = ident, where(seg, "2.1")
            elif (ids := company_ids(ident)) and agency in ("5", "107", "100", None):
                for key, value in ids.items():
                    values[key], at[key] = value, where(seg, "2.1")
            else:
                values["internal_id"], at["internal_id"] = ident, where(seg, "2.1")
        name = " ".join(c for c in (seg.elements[3] if len(seg.elements) > 3 else ()) if c) or None
        if name is None and len(seg.elements) > 2:
            name = " ".join(c for c in seg.elements[2] if c) or None  # C058, unstructured name and address
        if name:
            values["name"], at["name"] = name, where(seg, "4")
        street = " ".join(c for c in (seg.elements[4] if len(seg.elements) > 4 else ()) if c) or None
        address = Address(street=street, city=seg.get(5, 0), postal_code=seg.get(7, 0), country=seg.get(8, 0))
        if any(address.model_dump().values()):
            values["address"], at["address"] = address, where(seg, "5")
        self.parties[role] = (values, at)

    def _party_reference(self, qualifier: str | None, ref: str, seg: Segment) -> None:
        values, at = self.parties[self.party_role]  # type: ignore[index]
        if qualifier == "VA":
            values["vat_id"], at["vat_id"] = ref.replace(" ", ""), where(seg, "1.2")
        elif qualifier in ("XA", "GN", "FC"):
            for key, value in company_ids(ref).items():
                values[key], at[key] = value, where(seg, "1.2")
        elif qualifier in ("IT", "API", "YC1") and "internal_id" not in values:
            values["internal_id"], at["internal_id"] = ref, where(seg, "1.2")

    def _cux(self, seg: Segment) -> None:
        self.trigger = "CUX"
        if seg.get(0, 0) in ("2", None) and seg.get(0, 1):
            self._set(self.header, "currency", seg.get(0, 1), seg, "1.2")

    def _pat(self, seg: Segment) -> None:
        self.trigger = "PAT"
        # PAT+1++5:3:D:30 : 30 days after the reference date (3 = invoice date)
        if seg.get(2, 1) == "3" and seg.get(2, 2) == "D":
            self.payment_days = _Value(seg.get(2, 3), where(seg, "3.4"))

    def _uns(self, seg: Segment) -> None:
        if seg.get(0, 0) == "S":
            self.summary = True
            self.trigger = None

    def _cnt(self, seg: Segment) -> None:
        if seg.get(0, 0) == "2":
            self.line_count = _Value(line_number(seg.get(0, 1)), where(seg, "1.2"))

    # -- line segments --------------------------------------------------------------------------

    def _lin(self, seg: Segment) -> None:
        line = _LineBuilder(segment=seg)
        self.lines.append(line)
        self.trigger = None
        number = line_number(seg.get(0, 0))
        self._set(line.fields, "line_no", number if number is not None else len(self.lines), seg, "1")
        if self.kind is DocumentKind.ORDER_RESPONSE and seg.get(1, 0) in _LINE_RESPONSES:
            self._set(line.fields, "response", _LINE_RESPONSES[seg.get(1, 0)], seg, "2")
        item, item_type = seg.get(2, 0), seg.get(2, 1)
        if item:
            target = _ITEM_TYPES.get(item_type or "", "gtin" if is_digits(item) and len(item) in (8, 12, 13, 14)
                                     else "seller_item_id")
            self._set(line.fields, target, item, seg, "3.1")

    def _pia(self, seg: Segment) -> None:
        if not self.lines:
            return
        line = self.lines[-1]
        for index, element in enumerate(seg.elements[1:], start=2):
            if not element or not element[0]:
                continue
            target = _ITEM_TYPES.get(element[1] if len(element) > 1 else "")
            if target and target not in line.fields:
                self._set(line.fields, target, element[0], seg, f"{index}.1")

    def _imd(self, seg: Segment) -> None:
        if not self.lines:
            return
        line = self.lines[-1]
        if len(seg.elements) > 2 and len(seg.elements[2]) > 6:
            self.findings.append(
                error("EDI_TOO_MANY_COMPONENTS", f"The description in segment {seg.number} has "
                      f"{len(seg.elements[2])} components where at most 6 are allowed: a ':' in the text is "
                      "probably not escaped, so the description is cut.",
                      field=f"lines[{len(self.lines) - 1}].description", location=where(seg, "3"))
            )
        text = " ".join(c for c in (seg.elements[2][3:5] if len(seg.elements) > 2 else ()) if c)
        if text:
            line.descriptions.append(text)
            line.description_at = line.description_at or where(seg, "3.4")

    def _qty(self, seg: Segment) -> None:
        if not self.lines or self.summary:
            return
        qualifier = seg.get(0, 0) or ""
        value = parse_decimal(seg.get(0, 1))
        unit = normalise_unit(seg.get(0, 2))
        self.lines[-1].quantities[qualifier] = _Value((value, unit), where(seg, "1.2"))

    def _pri(self, seg: Segment) -> None:
        if not self.lines:
            return
        line = self.lines[-1]
        qualifier, price = seg.get(0, 0), parse_decimal(seg.get(0, 1))
        if price is None:
            return
        basis = parse_decimal(seg.get(0, 4))
        if basis:
            price = price / basis
        if qualifier == "AAA" or ("unit_price" not in line.fields and qualifier in ("AAB", "INV", "CAL", None)):
            self._set(line.fields, "unit_price", price, seg, "1.2")

    def _moa(self, seg: Segment) -> None:
        qualifier, amount = seg.get(0, 0), parse_decimal(seg.get(0, 1))
        if amount is None:
            return
        if self.trigger == "ALC" and qualifier in ("204", "23", "8", "25"):
            (self.allowances if self.alc_kind == "A" else self.charges).append(_Value(amount, where(seg, "1.2")))
            return
        if self.lines and not self.summary:
            if qualifier in ("203", "66", "146") and "net_amount" not in self.lines[-1].fields:
                self._set(self.lines[-1].fields, "net_amount", amount, seg, "1.2")
            return
        target = {"79": "net", "125": "taxable", "176": "tax", "124": "tax", "150": "tax", "77": "gross",
                  "86": "gross", "128": "gross", "39": "gross", "9": "payable", "260": "allowances",
                  "131": "allowances_charges", "259": "charges"}.get(qualifier)
        if target:
            self._set(self.totals, target, amount, seg, "1.2")

    def _tax(self, seg: Segment) -> None:
        rate = parse_decimal(seg.get(4, 3)) if seg.get(4, 3) else None
        if self.lines and not self.summary:
            self.lines[-1].trigger = "TAX"
            if rate is not None:
                self._set(self.lines[-1].fields, "tax_rate", rate, seg, "5.4")
            return
        self.trigger = "TAX"
        if rate is not None and not self.summary:
            self.header_tax_rates.append(_Value(rate, where(seg, "5.4")))

    def _alc(self, seg: Segment) -> None:
        if self.lines and not self.summary:
            self.lines[-1].trigger = "ALC"
            return  # line allowances are already netted in MOA 203
        self.trigger = "ALC"
        self.alc_kind = seg.get(0, 0)

    # -- building the document ------------------------------------------------------------------

    def _set(self, target: dict[str, _Value], name: str, value: Any, seg: Segment, element: str) -> None:
        if value is None:
            return
        target.setdefault(name, _Value(value, where(seg, element)))

    def _build(self):
        provenance: dict[str, Provenance] = {}
        header: dict[str, Any] = {}

        def take(name: str, source: dict[str, _Value], key: str | None = None) -> None:
            if (value := source.get(key or name)) is not None:
                header[name] = value.value
                provenance[name] = value.at

        for name in ("number", "issue_date", "currency", "order_ref", "delivery_note_ref", "contract_ref"):
            take(name, self.header)
        kind = self.kind
        if kind is DocumentKind.ORDER:
            self._first_date(header, provenance, "requested_delivery_date",
                             ("requested_delivery_date", "requested_delivery_date_early",
                              "requested_delivery_date_late"))
        elif kind is DocumentKind.ORDER_RESPONSE:
            self._first_date(header, provenance, "requested_delivery_date",
                             ("promised_delivery_date", "requested_delivery_date"))
            take("response", self.header)
        elif kind is DocumentKind.DELIVERY_NOTE:
            self._first_date(header, provenance, "delivery_date",
                             ("actual_delivery_date", "estimated_delivery_date", "requested_delivery_date",
                              "despatch_date"))
        else:
            take("due_date", self.header)
            pending = self.payment_days
            if "due_date" not in header and pending and header.get("issue_date"):
                header["due_date"] = add_days(header["issue_date"], pending.value)
                provenance["due_date"] = pending.at

        for role_name, roles in (("seller", _SELLER_ROLES), ("buyer", _BUYER_ROLES), ("ship_to", _SHIP_TO_ROLES)):
            for role in roles:
                if role in self.parties:
                    values, at = self.parties[role]
                    header[role_name] = Party(**values)
                    for key, where_ in at.items():
                        provenance[f"{role_name}.{key}"] = where_
                    break

        lines = [self._build_line(i, line, provenance) for i, line in enumerate(self.lines)]
        totals, totals_provenance = self._build_totals()
        provenance.update(totals_provenance)
        self._check_line_count(lines)

        source = Source(format="edifact", sha256=self.sha256, locator=self.message.locator,
                        message_type=self.message.type_string, sender=self.message.interchange.sender,
                        interchange_ref=self.message.interchange.control_ref)
        model = MODELS[kind]
        return model(kind=kind, lines=tuple(lines), totals=totals, source=source, findings=tuple(self.findings),
                     provenance=provenance, **header)

    def _first_date(self, header: dict, provenance: dict, name: str, candidates: tuple[str, ...]) -> None:
        for candidate in candidates:
            if (value := self.header.get(candidate)) is not None:
                header[name], provenance[name] = value.value, value.at
                return

    def _build_line(self, index: int, line: _LineBuilder, provenance: dict[str, Provenance]) -> Line:
        values: dict[str, Any] = {}
        prefix = f"lines[{index}]"
        for name, value in line.fields.items():
            values[name] = value.value
            provenance[f"{prefix}.{name}"] = value.at
        for qualifier in _QUANTITY_QUALIFIERS[self.kind]:
            if qualifier in line.quantities:
                quantity = line.quantities[qualifier]
                values["quantity"], values["unit"] = quantity.value
                provenance[f"{prefix}.quantity"] = quantity.at
                provenance[f"{prefix}.unit"] = quantity.at
                break
        else:
            if line.quantities:
                qualifiers = ", ".join(sorted(line.quantities))
                self.findings.append(
                    warning("EDI_QUANTITY_QUALIFIER", f"Line {values.get('line_no')} has quantities with qualifier "
                            f"{qualifiers} only; none of them is the {self.kind.value.replace('_', ' ')} quantity.",
                            field=f"{prefix}.quantity", location=line.segment and where(line.segment))
                )
        if line.descriptions:
            values["description"] = " ".join(line.descriptions)
            provenance[f"{prefix}.description"] = line.description_at  # type: ignore[assignment]
        if "tax_rate" not in values and len({v.value for v in self.header_tax_rates}) == 1:
            values["tax_rate"] = self.header_tax_rates[0].value
            provenance[f"{prefix}.tax_rate"] = self.header_tax_rates[0].at
        return Line(**values)

    def _build_totals(self):
        values: dict[str, Decimal] = {}
        provenance: dict[str, Provenance] = {}
        for name in ("net", "tax", "gross", "payable", "allowances", "charges"):
            if (value := self.totals.get(name)) is not None:
                values[name], provenance[f"totals.{name}"] = value.value, value.at
        if "allowances" not in values and self.allowances:
            values["allowances"] = sum((v.value for v in self.allowances), Decimal(0))
            provenance["totals.allowances"] = self.allowances[0].at
        if "charges" not in values and self.charges:
            values["charges"] = sum((v.value for v in self.charges), Decimal(0))
            provenance["totals.charges"] = self.charges[0].at
        return Totals(**values), provenance

    def _check_line_count(self, lines: list[Line]) -> None:
        if self.line_count is not None and self.line_count.value != len(lines):
            self.findings.append(
                error("EDI_CNT_MISMATCH", f"CNT says the message has {self.line_count.value} lines, but it has "
                      f"{len(lines)}: lines may have been lost.", field="lines", location=self.line_count.at)
            )


def map_message(message: Message, sha256: str):
    """The canonical document of a supported message (see ``SUPPORTED``)."""
    return MessageMapper(message, sha256).map()
