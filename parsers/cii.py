"""UN/CEFACT Cross Industry Invoice and Order-X to the canonical model.

One mapping reads four vocabularies by local names: CII D16B (Factur-X, ZUGFeRD 2.x, XRechnung CII),
Order-X (the same blocks around an order), ZUGFeRD 1.0 (``CrossIndustryDocument``, older block names)
and the ZUGFeRD release candidate (``CBFBUY`` invoices without namespaces on their children).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parsers.xml_mapping import Collected, build_document, company_numbers, line_number, party_from, unit_price
from parsers.xml_safe import Element, Profile, compact_id, find, find_all, local_name, namespace, profile_name
from schemas import DocumentKind, Source
from schemas.findings import error, warning
from schemas.units import normalise_unit

CII_ROOTS = ("CrossIndustryInvoice", "CrossIndustryDocument", "SCRDMCCBDACIOMessageStructure")
ZUGFERD_RC_NAMESPACE = "urn:un:unece:uncefact:data:standard:CBFBUY:5"

# UNTDID 1001 document codes that are credit notes; every other invoice code stays an invoice.
CREDIT_NOTE_CODES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
INVOICE_CODES = {"71", "80", "82", "84", "102", "130", "202", "203", "204", "211", "218", "219", "295", "325",
                 "326", "331", "380", "382", "383", "384", "385", "386", "387", "388", "389", "390", "393", "394",
                 "395", "456", "457", "527", "553", "575", "623", "633", "751", "780", "817", "870", "875", "876",
                 "877", "935"}
ORDER_CODES = {"220": DocumentKind.ORDER, "226": DocumentKind.ORDER, "227": DocumentKind.ORDER,
               "230": DocumentKind.ORDER, "231": DocumentKind.ORDER_RESPONSE}
ORDER_CHANGE = "230"
GLN, GTIN, SIREN, SIRET, VAT = "0088", "0160", "0002", "0009", "VA"
DELIVERY_NOTE_REFERENCES = ("DespatchAdviceReferencedDocument", "DeliveryNoteReferencedDocument")  # D16B, ZUGFeRD 1


@dataclass(frozen=True)
class Vocabulary:
    """Block names, which ZUGFeRD 1.0 spelled differently from CII D16B."""

    context: str
    document: str
    transaction: str
    agreement: str
    delivery: str
    settlement: str
    summation: str
    line_agreement: str
    line_delivery: str
    line_settlement: str
    line_summation: str
    rate: str


D16B = Vocabulary("ExchangedDocumentContext", "ExchangedDocument", "SupplyChainTradeTransaction",
                  "ApplicableHeaderTradeAgreement", "ApplicableHeaderTradeDelivery", "ApplicableHeaderTradeSettlement",
                  "SpecifiedTradeSettlementHeaderMonetarySummation", "SpecifiedLineTradeAgreement",
                  "SpecifiedLineTradeDelivery", "SpecifiedLineTradeSettlement",
                  "SpecifiedTradeSettlementLineMonetarySummation", "RateApplicablePercent")
ZF1 = Vocabulary("SpecifiedExchangedDocumentContext", "HeaderExchangedDocument", "SpecifiedSupplyChainTradeTransaction",
                 "ApplicableSupplyChainTradeAgreement", "ApplicableSupplyChainTradeDelivery",
                 "ApplicableSupplyChainTradeSettlement", "SpecifiedTradeSettlementMonetarySummation",
                 "SpecifiedSupplyChainTradeAgreement", "SpecifiedSupplyChainTradeDelivery",
                 "SpecifiedSupplyChainTradeSettlement", "SpecifiedTradeSettlementMonetarySummation",
                 "ApplicablePercent")


def is_cii(root: Element) -> bool:
    name = local_name(root)
    return name in CII_ROOTS or (name == "Invoice" and namespace(root) == ZUGFERD_RC_NAMESPACE)


def cii_profile(root: Element) -> Profile:
    name = local_name(root)
    words = D16B if name in ("CrossIndustryInvoice", "SCRDMCCBDACIOMessageStructure") else ZF1
    guideline = _text(root, f"{words.context}/GuidelineSpecifiedDocumentContextParameter/ID")
    if name == "SCRDMCCBDACIOMessageStructure":
        syntax = "Order-X"
    elif name == "CrossIndustryDocument":
        syntax = "ZUGFeRD 1.0"
    elif name == "Invoice":
        syntax = "ZUGFeRD RC"
    elif guideline and "zugferd.de:2p0" in guideline:
        syntax = "ZUGFeRD 2.0"
    else:
        syntax = "CII"
    return Profile(syntax=syntax, name=profile_name(guideline), guideline=guideline)


def _text(element: Element | None, path: str) -> str | None:
    found = find(element, path)
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


class CiiMapper:
    """Reads one CII document. Use :func:`map_cii`."""

    def __init__(self, root: Element, sha256: str, source_format: str) -> None:
        self.root = root
        self.sha256 = sha256
        self.source_format = source_format
        self.profile = cii_profile(root)
        self.words = ZF1 if self.profile.syntax in ("ZUGFeRD 1.0", "ZUGFeRD RC") else D16B
        self.values = Collected()
        w = self.words
        self.document = find(root, w.document)
        self.transaction = find(root, w.transaction)
        self.agreement = find(self.transaction, w.agreement)
        self.delivery = find(self.transaction, w.delivery)
        self.settlement = find(self.transaction, w.settlement)

    def map(self):
        v, w = self.values, self.words
        kind = self._kind()
        header: dict[str, Any] = {
            "number": v.text("number", find(self.document, "ID")),
            "issue_date": v.date("issue_date", find(self.document, "IssueDateTime")),
            "currency": v.first("currency", [find(self.settlement, "InvoiceCurrencyCode"),
                                             find(self.settlement, "OrderCurrencyCode")]),
            "seller": self._party("seller", find(self.agreement, "SellerTradeParty"), find(
                self.settlement, "SpecifiedTradeSettlementPaymentMeans/PayeePartyCreditorFinancialAccount/IBANID")),
            "buyer": self._party("buyer", find(self.agreement, "BuyerTradeParty")),
            "ship_to": self._party("ship_to", find(self.delivery, "ShipToTradeParty")),
            "delivery_note_ref": self._reference("delivery_note_ref", self.delivery, DELIVERY_NOTE_REFERENCES),
            "contract_ref": self._reference("contract_ref", self.agreement, ("ContractReferencedDocument",)),
        }
        if kind is not DocumentKind.ORDER:
            header["order_ref"] = self._reference("order_ref", self.agreement, ("BuyerOrderReferencedDocument",))
        if kind in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE):
            header["due_date"] = v.date("due_date", find(self.settlement,
                                                         "SpecifiedTradePaymentTerms/DueDateDateTime"))
        else:
            event = find(self.delivery, "RequestedDeliverySupplyChainEvent")
            header["requested_delivery_date"] = (
                v.date("requested_delivery_date", find(event, "OccurrenceDateTime"))
                or v.date("requested_delivery_date", find(event, "OccurrenceSpecifiedPeriod/StartDateTime")))
        items = find_all(self.transaction, "IncludedSupplyChainTradeLineItem")
        # ZUGFeRD 1.0 allows text-only items (a note between lines): no product, no quantity, no amount.
        items = [item for item in items if find(item, "SpecifiedTradeProduct") is not None
                 or find(item, f"{w.line_delivery}/*") is not None
                 or find(item, f"{w.line_settlement}/{w.line_summation}") is not None]
        lines = [self._line(index, item, kind) for index, item in enumerate(items)]
        totals = self._totals(find(self.settlement, w.summation), header.get("currency"))
        source = Source(format=self.source_format, sha256=self.sha256, message_type=self.profile.message_type,
                        locator=f"{local_name(self.root)} ({self.profile.name})")
        return build_document(kind, header, lines, totals, v, source, self.profile)

    # -- pieces ---------------------------------------------------------------------------------

    def _kind(self) -> DocumentKind:
        code = self.values.text("type_code", find(self.document, "TypeCode"))
        self.values.provenance.pop("type_code", None)  # not a canonical field
        if self.profile.syntax == "Order-X":
            kind = ORDER_CODES.get(code or "220", DocumentKind.ORDER)
            if code == ORDER_CHANGE:
                self.values.findings.append(error(
                    "XML_ORDER_CHANGE", "This Order-X document (type 230) changes an earlier order; changes are "
                    "never applied automatically.", field="kind"))
            elif code and code not in ORDER_CODES:
                self.values.findings.append(warning(
                    "XML_UNKNOWN_TYPE_CODE", f"Document type code {code} is not one we know; it was read as an order.",
                    field="kind"))
            return kind
        if code in CREDIT_NOTE_CODES:
            return DocumentKind.CREDIT_NOTE
        if code not in INVOICE_CODES:
            self.values.findings.append(warning(
                "XML_UNKNOWN_TYPE_CODE", f"Document type code {code or '(none)'} is not one we know; it was read as an "
                "invoice.", field="kind"))
        return DocumentKind.INVOICE

    def _reference(self, path: str, block: Element | None, names: tuple[str, ...]) -> str | None:
        for name in names:
            for child in ("IssuerAssignedID", "ID"):
                value = self.values.text(path, find(block, f"{name}/{child}"))
                if value:
                    return value
        return None

    def _party(self, role: str, element: Element | None, iban: Element | None = None):
        if element is None:
            return None
        v = self.values
        values: dict[str, Any] = {
            "iban": v.read(f"{role}.iban", iban, compact_id),
            "name": v.text(f"{role}.name", find(element, "Name")),
            "gln": v.text(f"{role}.gln", find(element, f"GlobalID[@schemeID='{GLN}']")),
            "internal_id": v.text(f"{role}.internal_id", find(element, "ID")),
            "vat_id": v.read(f"{role}.vat_id", find(element, f"SpecifiedTaxRegistration/ID[@schemeID='{VAT}']"),
                             compact_id),
        }
        legal = find(element, "SpecifiedLegalOrganization")
        siret = v.read(f"{role}.siret", find(legal, f"ID[@schemeID='{SIRET}']"), compact_id) or v.read(
            f"{role}.siret", find(element, f"GlobalID[@schemeID='{SIRET}']"), compact_id)
        siren = v.read(f"{role}.siren", find(legal, f"ID[@schemeID='{SIREN}']"), compact_id)
        values.update(siret=siret, siren=siren)
        company_numbers(role, values, v)
        address = find(element, "PostalTradeAddress")
        if address is not None:
            values["address"] = {
                "street": v.text(f"{role}.address.street", find(address, "LineOne")),
                "city": v.text(f"{role}.address.city", find(address, "CityName")),
                "postal_code": v.text(f"{role}.address.postal_code", find(address, "PostcodeCode")),
                "country": v.text(f"{role}.address.country", find(address, "CountryID")),
            }
        return party_from(values)

    def _line(self, index: int, item: Element, kind: DocumentKind) -> dict[str, Any]:
        v, w, at = self.values, self.words, f"lines[{index}]"
        product = find(item, "SpecifiedTradeProduct")
        agreement = find(item, w.line_agreement)
        delivery = find(item, w.line_delivery)
        settlement = find(item, w.line_settlement)
        quantity_names = {DocumentKind.ORDER: ("RequestedQuantity", "AgreedQuantity", "BilledQuantity"),
                          DocumentKind.ORDER_RESPONSE: ("AgreedQuantity", "RequestedQuantity")}.get(
            kind, ("BilledQuantity",))
        quantity_element = next((q for q in (find(delivery, n) for n in quantity_names) if q is not None), None)
        price = find(agreement, "NetPriceProductTradePrice")
        line: dict[str, Any] = {
            "line_no": v.read(f"{at}.line_no", find(item, "AssociatedDocumentLineDocument/LineID"), line_number),
            "gtin": v.text(f"{at}.gtin", find(product, f"GlobalID[@schemeID='{GTIN}']")),
            "seller_item_id": v.text(f"{at}.seller_item_id", find(product, "SellerAssignedID")),
            "buyer_item_id": v.text(f"{at}.buyer_item_id", find(product, "BuyerAssignedID")),
            "description": v.first(f"{at}.description", [find(product, "Name"), find(product, "Description")]),
            "quantity": v.amount(f"{at}.quantity", quantity_element),
            "unit": v.read(f"{at}.unit", quantity_element, normalise_unit, attribute="unitCode"),
            "unit_price": unit_price(v.amount(f"{at}.unit_price", find(price, "ChargeAmount")),
                                     v.amount(f"{at}.price_basis", find(price, "BasisQuantity"))),
            "net_amount": v.amount(f"{at}.net_amount", find(settlement, f"{w.line_summation}/LineTotalAmount")),
            "tax_rate": v.amount(f"{at}.tax_rate", find(settlement, f"ApplicableTradeTax/{w.rate}")),
        }
        v.provenance.pop(f"{at}.price_basis", None)
        if kind is not DocumentKind.ORDER:
            order = find(agreement, "BuyerOrderReferencedDocument")
            line["order_ref"] = v.text(f"{at}.order_ref", find(order, "IssuerAssignedID"))
            line["order_line_no"] = v.read(f"{at}.order_line_no", find(order, "LineID"), line_number)
        return line

    def _totals(self, summation: Element | None, currency: str | None) -> dict[str, Any]:
        v = self.values
        taxes = find_all(summation, "TaxTotalAmount")
        # A document invoiced in one currency may state its VAT in another too: take the one in its own.
        tax = next((t for t in taxes if currency and t.get("currencyID") == currency), None)
        if tax is None:
            tax = next((t for t in taxes if not t.get("currencyID")), taxes[0] if taxes else None)
        return {
            "net": v.amount("totals.net", find(summation, "LineTotalAmount")),
            "allowances": v.amount("totals.allowances", find(summation, "AllowanceTotalAmount")),
            "charges": v.amount("totals.charges", find(summation, "ChargeTotalAmount")),
            "tax": v.amount("totals.tax", tax),
            "gross": v.amount("totals.gross", find(summation, "GrandTotalAmount")),
            "payable": v.amount("totals.payable", find(summation, "DuePayableAmount")),
        }


def map_cii(root: Element, sha256: str, source_format: str):
    """The canonical document of a CII / ZUGFeRD / Order-X root element."""
    return CiiMapper(root, sha256, source_format).map()
