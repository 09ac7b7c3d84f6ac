"""The business documents the e-mail samples carry: EDIFACT, CII (Factur-X), UBL, Order-X and a printed PDF.

Written from the standards, not from our parsers (the samples check them). Parties carry valid GLN,
SIREN and VAT numbers (check digits from python-stdnum); amounts are computed here, with Decimal,
so every total in a sample adds up unless the sample says otherwise.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree
from lxml.builder import ElementMaker
from stdnum import ean, luhn

CENT = Decimal("0.01")


def gln(body: str) -> str:
    return body + ean.calc_check_digit(body)


def siren(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def french_vat(siren_number: str) -> str:
    return f"FR{(12 + 3 * (int(siren_number) % 97)) % 97:02d}{siren_number}"


@dataclass(frozen=True)
class Company:
    name: str
    gln: str
    siren: str
    street: str
    postal_code: str
    city: str
    country: str = "FR"

    @property
    def vat(self) -> str:
        return french_vat(self.siren)


@dataclass(frozen=True)
class Item:
    gtin: str
    seller_id: str
    name: str
    quantity: Decimal
    unit: str
    price: Decimal
    tax_rate: Decimal

    @property
    def amount(self) -> Decimal:
        return money(self.quantity * self.price)


@dataclass(frozen=True)
class Trade:
    """One business document: who, when, what."""

    number: str
    issue_date: date
    seller: Company
    buyer: Company
    items: tuple[Item, ...]
    order_ref: str | None = None
    delivery_note_ref: str | None = None
    due_date: date | None = None
    delivery_date: date | None = None
    type_code: str = "380"

    @property
    def net(self) -> Decimal:
        return sum((item.amount for item in self.items), Decimal(0))

    def tax_by_rate(self) -> dict[Decimal, tuple[Decimal, Decimal]]:
        """rate -> (basis, tax), tax rounded per rate as EN 16931 does."""
        bases: dict[Decimal, Decimal] = {}
        for item in self.items:
            bases[item.tax_rate] = bases.get(item.tax_rate, Decimal(0)) + item.amount
        return {rate: (basis, money(basis * rate / 100)) for rate, basis in sorted(bases.items())}

    @property
    def tax(self) -> Decimal:
        return sum((tax for _, tax in self.tax_by_rate().values()), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def gtin(body: str) -> str:
    return body + ean.calc_check_digit(body)


# -- the cast -------------------------------------------------------------------------------------

DURAND = Company("Maison Durand SAS", gln("301234500001"), siren("41234567"), "12 rue des Halles", "75001", "Paris")
BIOFRAIS = Company("BioFrais Distribution", gln("376000100002"), siren("52345678"), "8 avenue du Marché",
                   "69007", "Lyon")
COMPTOIRS = Company("Les Comptoirs Lyonnais", gln("301234500005"), siren("63456789"), "3 quai Saint-Antoine",
                    "69002", "Lyon")
HYGIENE = Company("Hygiène Pro Équipements", gln("376000100009"), siren("74567890"), "45 rue de l'Industrie",
                  "59000", "Lille")

JUS = Item(gtin("376000100101"), "BF-101", "Jus de pomme bio 1 L", Decimal("12"), "C62", Decimal("2.35"),
           Decimal("5.5"))
FARINE = Item(gtin("376000100102"), "BF-102", "Farine de blé T65 bio 25 kg", Decimal("4"), "C62", Decimal("31.80"),
              Decimal("5.5"))
TORCHONS = Item(gtin("376000100103"), "HP-210", "Torchons microfibre (lot de 10)", Decimal("6"), "C62",
                Decimal("14.90"), Decimal("20"))
GANTS = Item(gtin("376000100104"), "HP-305", "Gants nitrile taille M (boîte de 100)", Decimal("10"), "C62",
             Decimal("7.45"), Decimal("20"))


# -- EDIFACT ----------------------------------------------------------------------------------------

def _edi_text(value: str) -> str:
    return "".join("?" + c if c in "?'+:" else c for c in value)


def edifact_order(trade: Trade, control_ref: str) -> bytes:
    """An EANCOM D96A ORDERS interchange with correct control counts."""
    body = [
        "UNH+1+ORDERS:D:96A:UN:EAN008",
        f"BGM+220+{_edi_text(trade.number)}+9",
        f"DTM+137:{trade.issue_date:%Y%m%d}:102",
    ]
    if trade.delivery_date:
        body.append(f"DTM+2:{trade.delivery_date:%Y%m%d}:102")
    body += [f"NAD+BY+{trade.buyer.gln}::9", f"NAD+SU+{trade.seller.gln}::9", f"NAD+DP+{trade.buyer.gln}::9",
             "CUX+2:EUR:9"]
    for number, item in enumerate(trade.items, start=1):
        body += [f"LIN+{number}++{item.gtin}:EN", f"PIA+1+{_edi_text(item.seller_id)}:SA",
                 f"IMD+F++:::{_edi_text(item.name)}", f"QTY+21:{item.quantity}", f"PRI+AAA:{item.price}"]
    body += ["UNS+S", f"CNT+2:{len(trade.items)}"]
    body.append(f"UNT+{len(body) + 1}+1")
    segments = [f"UNB+UNOC:3+{trade.buyer.gln}:14+{trade.seller.gln}:14+{trade.issue_date:%y%m%d}:0900+{control_ref}",
                *body, f"UNZ+1+{control_ref}"]
    return ("UNA:+.? '" + "'\n".join(segments) + "'\n").encode("latin-1")


# -- CII (Factur-X EN 16931) ------------------------------------------------------------------------

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _cii_date(maker: ElementMaker, udt: ElementMaker, name: str, value: date):
    return maker(name, udt.DateTimeString(f"{value:%Y%m%d}", format="102"))


def _cii_party(ram: ElementMaker, role: str, company: Company):
    return ram(role,
               ram.GlobalID(company.gln, schemeID="0088"),
               ram.Name(company.name),
               ram.SpecifiedLegalOrganization(ram.ID(company.siren, schemeID="0002")),
               ram.PostalTradeAddress(ram.PostcodeCode(company.postal_code), ram.LineOne(company.street),
                                      ram.CityName(company.city), ram.CountryID(company.country)),
               ram.SpecifiedTaxRegistration(ram.ID(company.vat, schemeID="VA")))


def cii_invoice(trade: Trade) -> bytes:
    """A Factur-X EN 16931 invoice."""
    rsm = ElementMaker(namespace=RSM, nsmap={"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})
    ram, udt = ElementMaker(namespace=RAM), ElementMaker(namespace=UDT)
    lines = []
    for number, item in enumerate(trade.items, start=1):
        lines.append(ram.IncludedSupplyChainTradeLineItem(
            ram.AssociatedDocumentLineDocument(ram.LineID(str(number))),
            ram.SpecifiedTradeProduct(ram.GlobalID(item.gtin, schemeID="0160"), ram.SellerAssignedID(item.seller_id),
                                      ram.Name(item.name)),
            ram.SpecifiedLineTradeAgreement(ram.NetPriceProductTradePrice(ram.ChargeAmount(str(item.price)))),
            ram.SpecifiedLineTradeDelivery(ram.BilledQuantity(str(item.quantity), unitCode=item.unit)),
            ram.SpecifiedLineTradeSettlement(
                ram.ApplicableTradeTax(ram.TypeCode("VAT"), ram.CategoryCode("S"),
                                       ram.RateApplicablePercent(_amount(item.tax_rate))),
                ram.SpecifiedTradeSettlementLineMonetarySummation(ram.LineTotalAmount(_amount(item.amount))))))
    agreement = [_cii_party(ram, "SellerTradeParty", trade.seller), _cii_party(ram, "BuyerTradeParty", trade.buyer)]
    if trade.order_ref:
        agreement.append(ram.BuyerOrderReferencedDocument(ram.IssuerAssignedID(trade.order_ref)))
    delivery = []
    if trade.delivery_date:
        delivery.append(ram.ActualDeliverySupplyChainEvent(_cii_date(ram, udt, "OccurrenceDateTime",
                                                                     trade.delivery_date)))
    if trade.delivery_note_ref:
        delivery.append(ram.DespatchAdviceReferencedDocument(ram.IssuerAssignedID(trade.delivery_note_ref)))
    taxes = [ram.ApplicableTradeTax(ram.CalculatedAmount(_amount(tax)), ram.TypeCode("VAT"),
                                    ram.BasisAmount(_amount(basis)), ram.CategoryCode("S"),
                                    ram.RateApplicablePercent(_amount(rate)))
             for rate, (basis, tax) in trade.tax_by_rate().items()]
    terms = [ram.SpecifiedTradePaymentTerms(_cii_date(ram, udt, "DueDateDateTime", trade.due_date))] \
        if trade.due_date else []
    gross = trade.gross
    settlement = ram.ApplicableHeaderTradeSettlement(
        ram.InvoiceCurrencyCode("EUR"), *taxes, *terms,
        ram.SpecifiedTradeSettlementHeaderMonetarySummation(
            ram.LineTotalAmount(_amount(trade.net)), ram.TaxBasisTotalAmount(_amount(trade.net)),
            ram.TaxTotalAmount(_amount(gross - trade.net), currencyID="EUR"), ram.GrandTotalAmount(_amount(gross)),
            ram.DuePayableAmount(_amount(gross))))
    root = rsm.CrossIndustryInvoice(
        rsm.ExchangedDocumentContext(ram.GuidelineSpecifiedDocumentContextParameter(ram.ID("urn:cen.eu:en16931:2017"))),
        rsm.ExchangedDocument(ram.ID(trade.number), ram.TypeCode(trade.type_code),
                              _cii_date(ram, udt, "IssueDateTime", trade.issue_date)),
        rsm.SupplyChainTradeTransaction(*lines, ram.ApplicableHeaderTradeAgreement(*agreement),
                                        ram.ApplicableHeaderTradeDelivery(*delivery), settlement))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- Order-X (BASIC) --------------------------------------------------------------------------------

ORDERX_RSM = "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"
ORDERX_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128"
ORDERX_UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128"


def orderx_order(trade: Trade) -> bytes:
    rsm = ElementMaker(namespace=ORDERX_RSM, nsmap={"rsm": ORDERX_RSM, "ram": ORDERX_RAM, "udt": ORDERX_UDT})
    ram, udt = ElementMaker(namespace=ORDERX_RAM), ElementMaker(namespace=ORDERX_UDT)
    lines = [ram.IncludedSupplyChainTradeLineItem(
        ram.AssociatedDocumentLineDocument(ram.LineID(str(number))),
        ram.SpecifiedTradeProduct(ram.GlobalID(item.gtin, schemeID="0160"), ram.SellerAssignedID(item.seller_id),
                                  ram.Name(item.name)),
        ram.SpecifiedLineTradeAgreement(ram.NetPriceProductTradePrice(ram.ChargeAmount(str(item.price)))),
        ram.SpecifiedLineTradeDelivery(ram.RequestedQuantity(str(item.quantity), unitCode=item.unit)),
        ram.SpecifiedLineTradeSettlement(
            ram.SpecifiedTradeSettlementLineMonetarySummation(ram.LineTotalAmount(_amount(item.amount)))))
        for number, item in enumerate(trade.items, start=1)]
    delivery = [ram.ShipToTradeParty(ram.GlobalID(trade.buyer.gln, schemeID="0088"), ram.Name(trade.buyer.name))]
    if trade.delivery_date:
        delivery.append(ram.RequestedDeliverySupplyChainEvent(_cii_date(ram, udt, "OccurrenceDateTime",
                                                                        trade.delivery_date)))
    root = rsm.SCRDMCCBDACIOMessageStructure(
        rsm.ExchangedDocumentContext(ram.GuidelineSpecifiedDocumentContextParameter(ram.ID("urn:order-x.eu:1p0:basic"))),
        rsm.ExchangedDocument(ram.ID(trade.number), ram.TypeCode("220"),
                              _cii_date(ram, udt, "IssueDateTime", trade.issue_date)),
        rsm.SupplyChainTradeTransaction(
            *lines,
            ram.ApplicableHeaderTradeAgreement(_orderx_party(ram, "SellerTradeParty", trade.seller),
                                               _orderx_party(ram, "BuyerTradeParty", trade.buyer)),
            ram.ApplicableHeaderTradeDelivery(*delivery),
            ram.ApplicableHeaderTradeSettlement(
                ram.OrderCurrencyCode("EUR"),
                ram.SpecifiedTradeSettlementHeaderMonetarySummation(
                    ram.LineTotalAmount(_amount(trade.net)), ram.TaxBasisTotalAmount(_amount(trade.net)),
                    ram.TaxTotalAmount(_amount(trade.tax), currencyID="EUR"),
                    ram.GrandTotalAmount(_amount(trade.gross))))))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _orderx_party(ram: ElementMaker, role: str, company: Company):
    return ram(role, ram.GlobalID(company.gln, schemeID="0088"), ram.Name(company.name),
               ram.PostalTradeAddress(ram.PostcodeCode(company.postal_code), ram.LineOne(company.street),
                                      ram.CityName(company.city), ram.CountryID(company.country)),
               ram.SpecifiedTaxRegistration(ram.ID(company.vat, schemeID="VA")))


# -- UBL --------------------------------------------------------------------------------------------

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"


def _ubl_party(cac: ElementMaker, cbc: ElementMaker, company: Company):
    return cac.Party(
        cbc.EndpointID(company.gln, schemeID="0088"),
        cac.PartyName(cbc.Name(company.name)),
        cac.PostalAddress(cbc.StreetName(company.street), cbc.CityName(company.city),
                          cbc.PostalZone(company.postal_code), cac.Country(cbc.IdentificationCode(company.country))),
        cac.PartyTaxScheme(cbc.CompanyID(company.vat), cac.TaxScheme(cbc.ID("VAT"))),
        cac.PartyLegalEntity(cbc.RegistrationName(company.name), cbc.CompanyID(company.siren, schemeID="0002")))


def ubl_invoice(trade: Trade, *, credit_note: bool = False) -> bytes:
    """A UBL 2.1 EN 16931 invoice, or credit note."""
    root_name = "CreditNote" if credit_note else "Invoice"
    namespace = f"urn:oasis:names:specification:ubl:schema:xsd:{root_name}-2"
    doc = ElementMaker(namespace=namespace, nsmap={None: namespace, "cac": CAC, "cbc": CBC})
    cac, cbc = ElementMaker(namespace=CAC), ElementMaker(namespace=CBC)
    euro = {"currencyID": "EUR"}
    head = [cbc.CustomizationID("urn:cen.eu:en16931:2017"), cbc.ID(trade.number),
            cbc.IssueDate(trade.issue_date.isoformat())]
    if trade.due_date and not credit_note:
        head.append(cbc.DueDate(trade.due_date.isoformat()))
    head.append(cbc.CreditNoteTypeCode("381") if credit_note else cbc.InvoiceTypeCode(trade.type_code))
    head.append(cbc.DocumentCurrencyCode("EUR"))
    if trade.order_ref:
        head.append(cac.OrderReference(cbc.ID(trade.order_ref)))
    if trade.delivery_note_ref:
        head.append(cac.DespatchDocumentReference(cbc.ID(trade.delivery_note_ref)))
    head += [cac.AccountingSupplierParty(_ubl_party(cac, cbc, trade.seller)),
             cac.AccountingCustomerParty(_ubl_party(cac, cbc, trade.buyer))]
    subtotals = [cac.TaxSubtotal(cbc.TaxableAmount(_amount(basis), **euro), cbc.TaxAmount(_amount(tax), **euro),
                                 cac.TaxCategory(cbc.ID("S"), cbc.Percent(_amount(rate)), cac.TaxScheme(cbc.ID("VAT"))))
                 for rate, (basis, tax) in trade.tax_by_rate().items()]
    head += [cac.TaxTotal(cbc.TaxAmount(_amount(trade.tax), **euro), *subtotals),
             cac.LegalMonetaryTotal(cbc.LineExtensionAmount(_amount(trade.net), **euro),
                                    cbc.TaxExclusiveAmount(_amount(trade.net), **euro),
                                    cbc.TaxInclusiveAmount(_amount(trade.gross), **euro),
                                    cbc.PayableAmount(_amount(trade.gross), **euro))]
    line_name, quantity_name = ("CreditNoteLine", "CreditedQuantity") if credit_note else ("InvoiceLine",
                                                                                             "InvoicedQuantity")
    for number, item in enumerate(trade.items, start=1):
        head.append(cac(line_name,
                        cbc.ID(str(number)), cbc(quantity_name, str(item.quantity), unitCode=item.unit),
                        cbc.LineExtensionAmount(_amount(item.amount), **euro),
                        cac.Item(cbc.Name(item.name), cac.SellersItemIdentification(cbc.ID(item.seller_id)),
                                 cac.StandardItemIdentification(cbc.ID(item.gtin, schemeID="0160")),
                                 cac.ClassifiedTaxCategory(cbc.ID("S"), cbc.Percent(_amount(item.tax_rate)),
                                                           cac.TaxScheme(cbc.ID("VAT")))),
                        cac.Price(cbc.PriceAmount(str(item.price), **euro))))
    return etree.tostring(doc(root_name, *head), xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- the printed invoice ----------------------------------------------------------------------------

def french_amount(value: Decimal) -> str:
    """1234.5 -> '1 234,50' as French invoices print it."""
    whole, cents = f"{value:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return " ".join(groups) + "," + cents


def invoice_pdf(trade: Trade, *, printed_total: Decimal | None = None) -> bytes:
    """A one-page invoice as a person reads it (reportlab, invariant: the same bytes every run)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(f"Facture {trade.number}")
    width, height = A4
    y = height - 60
    page.setFont("Helvetica-Bold", 16)
    page.drawString(50, y, trade.seller.name)
    page.setFont("Helvetica", 9)
    for text in (trade.seller.street, f"{trade.seller.postal_code} {trade.seller.city}",
                 f"SIREN {trade.seller.siren} - TVA {trade.seller.vat}"):
        y -= 13
        page.drawString(50, y, text)
    page.setFont("Helvetica", 10)
    for offset, text in enumerate((trade.buyer.name, trade.buyer.street,
                                   f"{trade.buyer.postal_code} {trade.buyer.city}")):
        page.drawString(340, height - 120 - 14 * offset, text)
    y = height - 200
    page.setFont("Helvetica-Bold", 13)
    page.drawString(50, y, f"FACTURE N° {trade.number}")
    page.setFont("Helvetica", 10)
    y -= 18
    page.drawString(50, y, f"Date : {trade.issue_date:%d/%m/%Y}")
    if trade.order_ref:
        page.drawString(220, y, f"Votre commande : {trade.order_ref}")
    if trade.due_date:
        y -= 14
        page.drawString(50, y, f"Échéance : {trade.due_date:%d/%m/%Y}")
    y -= 30
    page.setFont("Helvetica-Bold", 9)
    for x, title in ((50, "Réf."), (110, "Désignation"), (330, "Qté"), (370, "PU HT"), (430, "TVA"),
                     (480, "Montant HT")):
        page.drawString(x, y, title)
    page.setFont("Helvetica", 9)
    for item in trade.items:
        y -= 15
        page.drawString(50, y, item.seller_id)
        page.drawString(110, y, item.name)
        page.drawRightString(355, y, str(item.quantity))
        page.drawRightString(415, y, french_amount(item.price))
        page.drawRightString(465, y, f"{item.tax_rate} %")
        page.drawRightString(540, y, french_amount(item.amount))
    total = printed_total if printed_total is not None else trade.gross
    page.setFont("Helvetica", 10)
    for label, value in (("Total HT", trade.net), ("TVA", total - trade.net), ("Total TTC", total)):
        y -= 18 if label != "Total HT" else 36
        page.drawString(380, y, label)
        page.drawRightString(540, y, f"{french_amount(value)} EUR")
    page.showPage()
    page.save()
    return buffer.getvalue()
