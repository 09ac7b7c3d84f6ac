"""CII (Factur-X, ZUGFeRD 1.0/2.x, XRechnung) and Order-X XML into the canonical model, read safely."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import CORPUS
from lxml import etree

from parsers.registry import parser_for
from parsers.xml_document import XmlParser
from parsers.xml_safe import profile_name

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}

CREDIT_NOTE = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="{rsm}" xmlns:ram="{ram}" xmlns:udt="{udt}">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended</ram:ID>
 </ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>AV-77</ram:ID><ram:TypeCode>381</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20260105</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedTradeProduct><ram:GlobalID schemeID="0160">3760001001013</ram:GlobalID>
    <ram:SellerAssignedID>BF-101</ram:SellerAssignedID><ram:BuyerAssignedID>MD-9</ram:BuyerAssignedID>
    <ram:Name>Jus de pomme</ram:Name></ram:SpecifiedTradeProduct>
   <ram:SpecifiedLineTradeAgreement>
    <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-1</ram:IssuerAssignedID><ram:LineID>3</ram:LineID>
    </ram:BuyerOrderReferencedDocument>
    <ram:NetPriceProductTradePrice><ram:ChargeAmount>235.00</ram:ChargeAmount>
     <ram:BasisQuantity unitCode="C62">100</ram:BasisQuantity></ram:NetPriceProductTradePrice>
   </ram:SpecifiedLineTradeAgreement>
   <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="PCS">2</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
   <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:RateApplicablePercent>5.50</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>4.70</ram:LineTotalAmount>
    </ram:SpecifiedTradeSettlementLineMonetarySummation>
   </ram:SpecifiedLineTradeSettlement>
  </ram:IncludedSupplyChainTradeLineItem>
  <ram:ApplicableHeaderTradeAgreement>
   <ram:SellerTradeParty><ram:ID>SUP-4</ram:ID><ram:GlobalID schemeID="0088">3760001000023</ram:GlobalID>
    <ram:Name>BioFrais Distribution</ram:Name>
    <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">523456788</ram:ID></ram:SpecifiedLegalOrganization>
    <ram:PostalTradeAddress><ram:PostcodeCode>69007</ram:PostcodeCode><ram:LineOne>8 avenue du Marché</ram:LineOne>
     <ram:CityName>Lyon</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">12/345/678</ram:ID></ram:SpecifiedTaxRegistration>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR 31 523 456 788</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Maison Durand SAS</ram:Name>
    <ram:SpecifiedLegalOrganization><ram:ID schemeID="0009">41234567800017</ram:ID></ram:SpecifiedLegalOrganization>
   </ram:BuyerTradeParty>
   <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-1</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
   <ram:ContractReferencedDocument><ram:IssuerAssignedID>CT-2026</ram:IssuerAssignedID></ram:ContractReferencedDocument>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery>
   <ram:ShipToTradeParty><ram:GlobalID schemeID="0088">3012345000017</ram:GlobalID><ram:Name>Entrepôt</ram:Name>
   </ram:ShipToTradeParty>
   <ram:DespatchAdviceReferencedDocument><ram:IssuerAssignedID>BL-9</ram:IssuerAssignedID>
   </ram:DespatchAdviceReferencedDocument>
  </ram:ApplicableHeaderTradeDelivery>
  <ram:ApplicableHeaderTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementPaymentMeans><ram:PayeePartyCreditorFinancialAccount>
    <ram:IBANID>FR76 3000 6000 0112 3456 7890 189</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
   </ram:SpecifiedTradeSettlementPaymentMeans>
   <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20260204</udt:DateTimeString>
   </ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:LineTotalAmount>4.70</ram:LineTotalAmount><ram:ChargeTotalAmount>0.00</ram:ChargeTotalAmount>
    <ram:AllowanceTotalAmount>0.00</ram:AllowanceTotalAmount><ram:TaxBasisTotalAmount>4.70</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="USD">0.29</ram:TaxTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">0.26</ram:TaxTotalAmount>
    <ram:GrandTotalAmount>4.96</ram:GrandTotalAmount><ram:DuePayableAmount>4.96</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
""".format(**NS)


def parse(data: bytes | str):
    data = data.encode() if isinstance(data, str) else data
    parser = parser_for(data)
    assert parser is not None and parser.name == "xml"
    return parser.parse(data)


def corpus(path: str) -> bytes:
    file = CORPUS / path
    if not file.is_file():
        pytest.skip(f"{file} is not here")
    return file.read_bytes()


def test_a_cii_credit_note_is_mapped_field_by_field():
    result = parse(CREDIT_NOTE)
    [doc] = result.documents
    assert (doc.kind.value, doc.number, str(doc.issue_date), str(doc.due_date), doc.currency) == (
        "credit_note", "AV-77", "2026-01-05", "2026-02-04", "EUR")
    assert (doc.order_ref, doc.delivery_note_ref, doc.contract_ref) == ("PO-1", "BL-9", "CT-2026")
    seller, buyer = doc.seller, doc.buyer
    assert (seller.gln, seller.vat_id, seller.siren, seller.internal_id) == (
        "3760001000023", "FR31523456788", "523456788", "SUP-4")
    assert seller.iban == "FR7630006000011234567890189" and seller.address.city == "Lyon"
    assert (buyer.siret, buyer.siren) == ("41234567800017", "412345678")  # the SIREN is the SIRET's first 9 digits
    assert doc.ship_to.gln == "3012345000017"
    [line] = doc.lines
    assert (line.line_no, line.gtin, line.seller_item_id, line.buyer_item_id, line.description) == (
        1, "3760001001013", "BF-101", "MD-9", "Jus de pomme")
    assert (line.quantity, line.unit, line.unit_price, line.net_amount, line.tax_rate) == (
        Decimal("2"), "H87", Decimal("2.35"), Decimal("4.70"), Decimal("5.50"))  # price per 100 divided out
    assert (line.order_ref, line.order_line_no) == ("PO-1", 3)
    totals = doc.totals
    assert (totals.net, totals.tax, totals.gross, totals.payable) == (
        Decimal("4.70"), Decimal("0.26"), Decimal("4.96"), Decimal("4.96"))  # the tax in the document's currency
    assert doc.source.message_type == "CII:EXTENDED" and result.envelope_keys
    assert not doc.findings


def test_every_provenance_path_is_an_xpath_to_the_value():
    [doc] = parse(CREDIT_NOTE).documents
    tree = etree.fromstring(CREDIT_NOTE.encode())
    assert len(doc.provenance) > 30
    for field, where in doc.provenance.items():
        assert where.method == "xml" and where.confidence == 1.0
        found = tree.xpath(where.path, namespaces=NS)
        assert found, f"{field}: {where.path} finds nothing"
        text = found[0] if isinstance(found[0], str) else found[0].text
        assert text and text.strip(), field
    assert doc.provenance["lines[0].unit"].path.endswith("ram:BilledQuantity/@unitCode")
    assert doc.provenance["totals.tax"].path.endswith("ram:TaxTotalAmount[2]")


@pytest.mark.parametrize(("urn", "profile"), [
    ("urn:factur-x.eu:1p0:minimum", "MINIMUM"),
    ("urn:factur-x.eu:1p0:basicwl", "BASIC WL"),
    ("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic", "BASIC"),
    ("urn:cen.eu:en16931:2017", "EN 16931"),
    ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", "EXTENDED"),
    ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", "XRECHNUNG"),
    ("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort", "COMFORT"),
    ("urn:zugferd.de:2p0:minimum", "MINIMUM"),
    ("urn:order-x.eu:1p0:basic", "BASIC"),
    ("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", "PEPPOL BIS 3"),
    ("urn:example:something-else", "urn:example:something-else"),
])
def test_profiles_are_named(urn, profile):
    assert profile_name(urn) == profile


def test_zugferd_1_comfort_invoice():
    [doc] = parse(corpus("facturx/zugferd-corpus__ZUGFeRD_1p0_COMFORT_Einfach.xml")).documents
    assert doc.kind.value == "invoice" and doc.number == "471102" and doc.source.message_type == "ZUGFeRD 1.0:COMFORT"
    assert len(doc.lines) == 2 and doc.totals.gross == Decimal("529.87")
    assert doc.lines[0].unit_price is not None and doc.lines[0].tax_rate == Decimal("19.00")
    assert doc.provenance["number"].path.startswith("/rsm:CrossIndustryDocument/rsm:HeaderExchangedDocument")


def test_zugferd_1_text_only_items_are_not_lines():
    [doc] = parse(corpus("facturx/zugferd-corpus__ZUGFeRD_1p0_BASIC_Rechnungskorrektur.xml")).documents
    assert all(line.quantity is not None for line in doc.lines)
    assert "LINE_NOT_IDENTIFIED" not in {f.code for f in doc.findings}


def test_order_x_is_an_order_with_requested_quantities():
    [doc] = parse(corpus("xml/akretion-factur-x__order-x-basic.xml")).documents
    assert doc.kind.value == "order" and doc.number == "PO123456789" and doc.source.message_type == "Order-X:BASIC"
    assert [line.quantity for line in doc.lines] == [Decimal("6"), Decimal("10.00"), Decimal("6")]
    assert doc.lines[1].unit_price == Decimal("10")  # 20.00 per basis quantity 2
    assert doc.buyer.vat_id == "FR05987654321" and doc.order_ref is None


def test_minimum_profile_says_why_it_has_no_lines():
    [doc] = parse(corpus("xml/akretion-factur-x__factur-x-minimum.xml")).documents
    assert not doc.lines and "XML_PROFILE_WITHOUT_LINES" in {f.code for f in doc.findings}


def test_an_order_change_is_never_applied_automatically():
    change = (CREDIT_NOTE.replace("CrossIndustryInvoice:100", "SCRDMCCBDACIOMessageStructure:100")
              .replace("rsm:CrossIndustryInvoice", "rsm:SCRDMCCBDACIOMessageStructure")
              .replace("<ram:TypeCode>381</ram:TypeCode>", "<ram:TypeCode>230</ram:TypeCode>")
              .replace("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", "urn:order-x.eu:1p0:basic")
              .replace("CrossIndustryInvoice:100", "data:SCRDMCCBDACIOMessageStructure:100"))
    [doc] = parse(change).documents
    assert doc.kind.value == "order" and "XML_ORDER_CHANGE" in {f.code for f in doc.findings if f.is_error}


def test_a_bad_value_is_a_finding_with_its_path():
    [doc] = parse(CREDIT_NOTE.replace("<ram:LineTotalAmount>4.70</ram:LineTotalAmount><ram:Charge",
                                      "<ram:LineTotalAmount>4,70</ram:LineTotalAmount><ram:Charge")).documents
    [finding] = [f for f in doc.findings if f.code == "XML_BAD_VALUE"]
    assert finding.field == "totals.net" and "LineTotalAmount" in finding.location.path
    assert doc.totals.net is None


def test_entities_and_dtds_are_refused():
    xxe = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           f'<rsm:CrossIndustryInvoice xmlns:rsm="{NS["rsm"]}"><rsm:ExchangedDocument>&e;</rsm:ExchangedDocument>'
           '</rsm:CrossIndustryInvoice>')
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><Invoice>&lol3;</Invoice>')
    for hostile in (xxe, laughs):
        result = parse(hostile)
        assert not result.documents and [f.code for f in result.findings] == ["XML_UNSAFE"]


@pytest.mark.parametrize("junk", [
    b"<?xml version='1.0'?>",
    b"<rsm:CrossIndustryInvoice xmlns:rsm='x'>",
    b"<?xml version='1.0' encoding='klingon'?><a/>",
    b"\xef\xbb\xbf<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'>\xff\xfe</Invoice>",
    CREDIT_NOTE.encode()[:900],
])
def test_malformed_xml_is_a_coded_finding(junk):
    result = XmlParser().parse(junk)
    assert not result.documents and result.findings[0].code == "XML_MALFORMED"


def test_other_xml_is_kept_with_its_root_named():
    result = parse(b'<?xml version="1.0"?><catalogue xmlns="urn:example:catalogue"><item/></catalogue>')
    [finding] = result.findings
    assert finding.code == "XML_UNKNOWN_SCHEMA" and "{urn:example:catalogue}catalogue" in finding.message


@pytest.mark.parametrize("other", [b"<!DOCTYPE html><html><body>hi</body></html>", b"<html><p>x</p></html>",
                                   b"UNA:+.? 'UNB+UNOC:3", b"%PDF-1.7", b"just text <b>"])
def test_html_and_other_formats_are_not_sniffed_as_xml(other):
    assert not XmlParser().sniff(other)


def test_the_same_invoice_in_cii_and_ubl_has_one_identity():
    cii = parse(corpus("facturx/zugferd-corpus__zugferd_2p1_EN16931_Einfach.xml"))
    ubl = parse(corpus("xml/zugferd-corpus__EN16931_Einfach.ubl.xml"))
    assert cii.envelope_keys and cii.envelope_keys == ubl.envelope_keys
