"""UBL 2.1 invoices, credit notes and orders (EN 16931, XRechnung, Peppol) into the canonical model."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import CORPUS
from lxml import etree

from parsers.xml_document import XmlParser

ORDER = b"""<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
       xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
       xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order:3</cbc:CustomizationID>
  <cbc:ID>PO-88</cbc:ID>
  <cbc:IssueDate>2026-01-10</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:BuyerCustomerParty><cac:Party>
    <cbc:EndpointID schemeID="0009">41234567800017</cbc:EndpointID>
    <cac:PartyIdentification><cbc:ID>CLIENT-12</cbc:ID></cac:PartyIdentification>
    <cac:PartyIdentification><cbc:ID schemeID="0088">3012345000017</cbc:ID></cac:PartyIdentification>
    <cac:PartyLegalEntity><cbc:RegistrationName>Maison Durand SAS</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:BuyerCustomerParty>
  <cac:SellerSupplierParty><cac:Party><cac:PartyName><cbc:Name>BioFrais</cbc:Name></cac:PartyName></cac:Party>
  </cac:SellerSupplierParty>
  <cac:Delivery>
    <cac:DeliveryLocation><cbc:ID schemeID="0088">3012345000055</cbc:ID>
      <cac:Address><cbc:StreetName>3 quai Saint-Antoine</cbc:StreetName><cbc:CityName>Lyon</cbc:CityName>
      <cbc:PostalZone>69002</cbc:PostalZone><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>
      </cac:Address></cac:DeliveryLocation>
    <cac:RequestedDeliveryPeriod><cbc:StartDate>2026-01-15</cbc:StartDate></cac:RequestedDeliveryPeriod>
  </cac:Delivery>
  <cac:AnticipatedMonetaryTotal><cbc:LineExtensionAmount currencyID="EUR">28.20</cbc:LineExtensionAmount>
    <cbc:PayableAmount currencyID="EUR">29.75</cbc:PayableAmount></cac:AnticipatedMonetaryTotal>
  <cac:OrderLine><cac:LineItem>
    <cbc:ID>1</cbc:ID><cbc:Quantity unitCode="C62">12</cbc:Quantity>
    <cbc:LineExtensionAmount currencyID="EUR">28.20</cbc:LineExtensionAmount>
    <cac:Price><cbc:PriceAmount currencyID="EUR">23.50</cbc:PriceAmount><cbc:BaseQuantity>10</cbc:BaseQuantity></cac:Price>
    <cac:Item><cbc:Name>Jus de pomme bio 1 L</cbc:Name>
      <cac:BuyersItemIdentification><cbc:ID>MD-9</cbc:ID></cac:BuyersItemIdentification>
      <cac:StandardItemIdentification><cbc:ID schemeID="0160">3760001001013</cbc:ID></cac:StandardItemIdentification>
      <cac:ClassifiedTaxCategory><cbc:Percent>5.5</cbc:Percent></cac:ClassifiedTaxCategory>
    </cac:Item>
  </cac:LineItem></cac:OrderLine>
</Order>
"""


def corpus(path: str) -> bytes:
    file = CORPUS / path
    if not file.is_file():
        pytest.skip(f"{file} is not here")
    return file.read_bytes()


def one_document(data: bytes):
    parser = XmlParser()
    assert parser.sniff(data)
    result = parser.parse(data)
    [doc] = result.documents
    return doc


def test_xrechnung_ubl_invoice():
    doc = one_document(corpus("xml/zugferd-corpus__XRECHNUNG_Einfach.ubl.xml"))
    assert (doc.kind.value, doc.number, str(doc.issue_date), doc.currency) == ("invoice", "471102", "2024-11-15", "EUR")
    assert doc.source.message_type == "UBL Invoice:XRECHNUNG"
    assert doc.seller.gln == "4000001123452" and doc.seller.vat_id == "DE123456789"  # the VAT, not the tax number
    assert doc.seller.iban == "DE02120300000000202051"
    assert doc.buyer.internal_id == "GE2020211"
    assert doc.totals.gross == Decimal("529.87") and doc.totals.payable == Decimal("529.87")
    first = doc.lines[0]
    assert (first.quantity, first.unit, first.unit_price, first.gtin) == (
        Decimal("20"), "H87", Decimal("9.9"), "4012345001235")
    assert doc.provenance["lines[0].gtin"].path == ("/Invoice/cac:InvoiceLine[1]/cac:Item/"
                                                     "cac:StandardItemIdentification/cbc:ID")


def test_ubl_credit_note():
    doc = one_document(corpus("xml/zugferd-corpus__ubl-tc434-creditnote1.xml"))
    assert doc.kind.value == "credit_note" and doc.number == "018304 / 28865"
    assert doc.totals.payable == Decimal("100.11") and doc.lines and doc.lines[0].quantity is not None


def test_ubl_order_with_price_basis_and_delivery_location():
    doc = one_document(ORDER)
    assert (doc.kind.value, doc.number, str(doc.requested_delivery_date)) == ("order", "PO-88", "2026-01-15")
    assert (doc.buyer.name, doc.buyer.siret, doc.buyer.siren, doc.buyer.gln, doc.buyer.internal_id) == (
        "Maison Durand SAS", "41234567800017", "412345678", "3012345000017", "CLIENT-12")
    assert doc.ship_to.gln == "3012345000055" and doc.ship_to.address.city == "Lyon"
    [line] = doc.lines
    assert (line.quantity, line.unit_price, line.net_amount, line.buyer_item_id, line.tax_rate) == (
        Decimal("12"), Decimal("2.35"), Decimal("28.20"), "MD-9", Decimal("5.5"))
    assert doc.totals.net == Decimal("28.20") and doc.totals.payable == Decimal("29.75")
    tree = etree.fromstring(ORDER)
    namespaces = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
                  "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
    for field, where in doc.provenance.items():  # the default namespace has no prefix: match on local names
        path = "/".join(step if ":" in step or not step or step.startswith("@")
                        else f"*[local-name()='{step.split('[')[0]}']"
                        for step in where.path.split("/"))
        assert tree.xpath(path, namespaces=namespaces), f"{field}: {where.path}"


def test_an_unknown_type_code_is_read_as_an_invoice_with_a_warning():
    data = corpus("xml/zugferd-corpus__EN16931_Einfach.ubl.xml").replace(
        b"<cbc:InvoiceTypeCode>380<", b"<cbc:InvoiceTypeCode>999<")
    doc = one_document(data)
    assert doc.kind.value == "invoice" and "XML_UNKNOWN_TYPE_CODE" in {f.code for f in doc.findings}
