"""OASIS UBL 2.x Invoice, CreditNote and Order (EN 16931, Peppol BIS, XRechnung UBL) to the canonical model."""

from __future__ import annotations

from typing import Any

from parsers.cii import CREDIT_NOTE_CODES, GLN, GTIN, INVOICE_CODES, SIREN, SIRET
from parsers.xml_mapping import Collected, build_document, company_numbers, line_number, party_from, unit_price
from parsers.xml_safe import (
    Element,
    Profile,
    compact_id,
    find,
    find_all,
    local_name,
    namespace,
    profile_name,
    text_of,
)
from schemas import DocumentKind, Source
from schemas.findings import warning
from schemas.units import normalise_unit

UBL_NAMESPACE_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
_ROOTS = {"Invoice": DocumentKind.INVOICE, "CreditNote": DocumentKind.CREDIT_NOTE, "Order": DocumentKind.ORDER}
_LINES = {"Invoice": ("InvoiceLine", "InvoicedQuantity"), "CreditNote": ("CreditNoteLine", "CreditedQuantity"),
          "Order": ("OrderLine/LineItem", "Quantity")}
# Party identifier schemes (ISO 6523 ICD) that carry a GLN, a SIRET or a SIREN.
_SCHEMES = {GLN: "gln", "GLN": "gln", SIRET: "siret", SIREN: "siren"}


def is_ubl(root: Element) -> bool:
    return namespace(root).startswith(UBL_NAMESPACE_PREFIX) and local_name(root) in _ROOTS


def ubl_profile(root: Element) -> Profile:
    guideline = text_of(find(root, "CustomizationID"))
    return Profile(syntax=f"UBL {local_name(root)}", name=profile_name(guideline), guideline=guideline)


class UblMapper:
    """Reads one UBL document. Use :func:`map_ubl`."""

    def __init__(self, root: Element, sha256: str, source_format: str) -> None:
        self.root = root
        self.sha256 = sha256
        self.source_format = source_format
        self.root_name = local_name(root)
        self.profile = ubl_profile(root)
        self.values = Collected()

    def map(self):
        v, root = self.values, self.root
        kind = self._kind()
        order = kind is DocumentKind.ORDER
        header: dict[str, Any] = {
            "number": v.text("number", find(root, "ID")),
            "issue_date": v.date("issue_date", find(root, "IssueDate")),
            "currency": v.text("currency", find(root, "DocumentCurrencyCode")),
            "seller": self._party("seller", find(root, "SellerSupplierParty/Party" if order
                                                 else "AccountingSupplierParty/Party"),
                                  {"iban": v.read("seller.iban", find(root, "PaymentMeans/PayeeFinancialAccount/ID"),
                                                  compact_id)}),
            "buyer": self._party("buyer", find(root, "BuyerCustomerParty/Party" if order
                                               else "AccountingCustomerParty/Party")),
            "ship_to": self._ship_to(find(root, "Delivery")),
            "delivery_note_ref": v.text("delivery_note_ref", find(root, "DespatchDocumentReference/ID")),
            "contract_ref": v.text("contract_ref", find(root, "ContractDocumentReference/ID")),
        }
        if order:
            period = find(root, "Delivery/RequestedDeliveryPeriod")
            header["requested_delivery_date"] = (v.date("requested_delivery_date", find(period, "StartDate"))
                                                 or v.date("requested_delivery_date", find(period, "EndDate")))
        else:
            header["order_ref"] = v.text("order_ref", find(root, "OrderReference/ID"))
            header["due_date"] = (v.date("due_date", find(root, "DueDate"))
                                  or v.date("due_date", find(root, "PaymentMeans/PaymentDueDate")))
        line_path, quantity_name = _LINES[self.root_name]
        lines = [self._line(i, line, quantity_name, kind) for i, line in enumerate(find_all(root, line_path))]
        totals = self._totals(header.get("currency"), order)
        source = Source(format=self.source_format, sha256=self.sha256, message_type=self.profile.message_type,
                        locator=f"{self.root_name} ({self.profile.name})")
        return build_document(kind, header, lines, totals, v, source, self.profile)

    def _kind(self) -> DocumentKind:
        kind = _ROOTS[self.root_name]
        if kind is not DocumentKind.INVOICE:
            return kind
        code = self.values.text("type_code", find(self.root, "InvoiceTypeCode"))
        self.values.provenance.pop("type_code", None)
        if code in CREDIT_NOTE_CODES:
            return DocumentKind.CREDIT_NOTE
        if code not in INVOICE_CODES:
            self.values.findings.append(warning(
                "XML_UNKNOWN_TYPE_CODE", f"Document type code {code or '(none)'} is not one we know; it was read as an "
                "invoice.", field="kind"))
        return kind

    def _party(self, role: str, party: Element | None, values: dict[str, Any] | None = None):
        if party is None:
            return None
        v = self.values
        values = values or {}
        values["name"] = v.first(f"{role}.name", [find(party, "PartyName/Name"),
                                                  find(party, "PartyLegalEntity/RegistrationName")])
        for element in (find(party, "EndpointID"), *find_all(party, "PartyIdentification/ID"),
                        find(party, "PartyLegalEntity/CompanyID")):
            if element is None:
                continue
            scheme = _SCHEMES.get(element.get("schemeID") or "")
            if scheme and not values.get(scheme):
                values[scheme] = v.read(f"{role}.{scheme}", element, compact_id)
            elif element.get("schemeID") is None and local_name(element.getparent()) == "PartyIdentification":
                values.setdefault("internal_id", v.text(f"{role}.internal_id", element))
        for scheme in find_all(party, "PartyTaxScheme"):
            if text_of(find(scheme, "TaxScheme/ID")) in (None, "VAT"):
                values["vat_id"] = v.read(f"{role}.vat_id", find(scheme, "CompanyID"), compact_id)
                break
        company_numbers(role, values, v)
        address = find(party, "PostalAddress")
        if address is not None:
            values["address"] = self._address(role, address)
        return party_from(values)

    def _address(self, role: str, address: Element) -> dict[str, Any]:
        v = self.values
        return {
            "street": v.text(f"{role}.address.street", find(address, "StreetName")),
            "city": v.text(f"{role}.address.city", find(address, "CityName")),
            "postal_code": v.text(f"{role}.address.postal_code", find(address, "PostalZone")),
            "country": v.text(f"{role}.address.country", find(address, "Country/IdentificationCode")),
        }

    def _ship_to(self, delivery: Element | None):
        if delivery is None:
            return None
        v = self.values
        location = find(delivery, "DeliveryLocation")
        party = find(delivery, "DeliveryParty")
        values: dict[str, Any] = {}
        location_id = find(location, "ID")
        if location_id is not None and location_id.get("schemeID") in (GLN, "GLN"):
            values["gln"] = v.read("ship_to.gln", location_id, compact_id)
        if party is not None:
            return self._party("ship_to", party, values) or (party_from(values) if values else None)
        if location is not None and find(location, "Address") is not None:
            values["address"] = self._address("ship_to", find(location, "Address"))
        return party_from(values)

    def _line(self, index: int, line: Element, quantity_name: str, kind: DocumentKind) -> dict[str, Any]:
        v, at = self.values, f"lines[{index}]"
        item = find(line, "Item")
        quantity = find(line, quantity_name)
        price = find(line, "Price")
        values: dict[str, Any] = {
            "line_no": v.read(f"{at}.line_no", find(line, "ID"), line_number),
            "gtin": None,
            "seller_item_id": v.text(f"{at}.seller_item_id", find(item, "SellersItemIdentification/ID")),
            "buyer_item_id": v.text(f"{at}.buyer_item_id", find(item, "BuyersItemIdentification/ID")),
            "description": v.first(f"{at}.description", [find(item, "Name"), find(item, "Description")]),
            "quantity": v.amount(f"{at}.quantity", quantity),
            "unit": v.read(f"{at}.unit", quantity, normalise_unit, attribute="unitCode"),
            "unit_price": unit_price(v.amount(f"{at}.unit_price", find(price, "PriceAmount")),
                                     v.amount(f"{at}.price_basis", find(price, "BaseQuantity"))),
            "net_amount": v.amount(f"{at}.net_amount", find(line, "LineExtensionAmount")),
            "tax_rate": v.amount(f"{at}.tax_rate", find(item, "ClassifiedTaxCategory/Percent")),
        }
        v.provenance.pop(f"{at}.price_basis", None)
        standard = find(item, "StandardItemIdentification/ID")
        if standard is not None and standard.get("schemeID") in (GTIN, "GTIN", None):
            values["gtin"] = v.text(f"{at}.gtin", standard)
        if kind is not DocumentKind.ORDER:
            values["order_line_no"] = v.read(f"{at}.order_line_no", find(line, "OrderLineReference/LineID"),
                                             line_number)
        return values

    def _totals(self, currency: str | None, order: bool) -> dict[str, Any]:
        v = self.values
        monetary = find(self.root, "AnticipatedMonetaryTotal" if order else "LegalMonetaryTotal")
        taxes = find_all(self.root, "TaxTotal/TaxAmount")
        tax = next((t for t in taxes if currency and t.get("currencyID") == currency), taxes[0] if taxes else None)
        return {
            "net": v.amount("totals.net", find(monetary, "LineExtensionAmount")),
            "allowances": v.amount("totals.allowances", find(monetary, "AllowanceTotalAmount")),
            "charges": v.amount("totals.charges", find(monetary, "ChargeTotalAmount")),
            "tax": v.amount("totals.tax", tax),
            "gross": v.amount("totals.gross", find(monetary, "TaxInclusiveAmount")),
            "payable": v.amount("totals.payable", find(monetary, "PayableAmount")),
        }


def map_ubl(root: Element, sha256: str, source_format: str):
    """The canonical document of a UBL Invoice, CreditNote or Order root element."""
    return UblMapper(root, sha256, source_format).map()
