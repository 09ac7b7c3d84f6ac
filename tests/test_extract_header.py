"""Header rules per language on synthetic layouts: kind, number, dates, parties, identifiers, totals, profiles.

Layouts are built from words and boxes (``row``), the way an OCR engine would hand them over, so these
tests never need a PDF and also cover layouts with confidences below 1.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from extractors import extract_documents
from extractors.geometry import build_lines
from extractors.profiles import load_profile, match_profile
from schemas.layout import Layout, Page, Word

SIZE = 10.0


def row(y: float, *cells: tuple[float, str], confidence: float = 1.0, size: float = SIZE) -> list[Word]:
    """Words of one printed line: each cell is (x, text); words inside a cell are a narrow space apart."""
    words = []
    for x, text in cells:
        for token in text.split():
            width = len(token) * size * 0.5
            words.append(Word(text=token, bbox=(x, y, x + width, y + size), confidence=confidence))
            x += width + size * 0.3
    return words


def layout(*pages: list[Word], method: str = "pdf-text") -> Layout:
    return Layout(method=method, pages=tuple(Page(number=i, width=595, height=842, words=tuple(words))
                                             for i, words in enumerate(pages, start=1)))


def extract(*pages: list[Word], method: str = "pdf-text"):
    extraction = extract_documents(layout(*pages, method=method), "0" * 64, "pdf")
    assert len(extraction.documents) == 1, extraction
    return extraction.documents[0]


def table_fr(y: float) -> list[Word]:
    return [*row(y, (40, "Désignation"), (300, "Qté"), (360, "Prix unitaire"), (480, "Montant HT")),
            *row(y + 16, (40, "Café moulu 250 g"), (300, "10"), (380, "10,00"), (490, "100,00"))]


def french_invoice(confidence: float = 1.0) -> list[Word]:
    return [
        *row(40, (40, "BioFrais Distribution"), (420, "FACTURE"), size=14, confidence=confidence),
        *row(60, (40, "1 rue de la Tour"), (420, "N° FA-2026-0001"), confidence=confidence),
        *row(72, (40, "94150 Rungis"), confidence=confidence),
        *row(84, (40, "SIRET : 387 654 320 00515 - TVA : FR96387654320"), confidence=confidence),
        *row(110, (340, "Date de facture : 13/11/2025"), confidence=confidence),
        *row(122, (340, "Date d'échéance : 13/12/2025"), confidence=confidence),
        *row(134, (340, "Votre commande n° : CMD-0311"), confidence=confidence),
        *row(170, (340, "Facturé à"), confidence=confidence),
        *row(182, (340, "Maison Durand SAS"), confidence=confidence),
        *row(194, (340, "12 rue de la République"), confidence=confidence),
        *row(206, (340, "69002 Lyon"), confidence=confidence),
        *row(218, (340, "N° TVA : FR96412345670"), confidence=confidence),
        *table_fr(260),
        *row(320, (360, "Total HT"), (490, "100,00"), confidence=confidence),
        *row(332, (360, "TVA 20 %"), (495, "20,00"), confidence=confidence),
        *row(344, (360, "Total TTC"), (490, "120,00 €"), confidence=confidence),
    ]


def test_french_invoice_header():
    doc = extract(french_invoice())
    assert (doc.kind.value, doc.number, doc.issue_date, doc.due_date) == (
        "invoice", "FA-2026-0001", date(2025, 11, 13), date(2025, 12, 13))
    assert doc.order_ref == "CMD-0311" and doc.currency == "EUR"
    assert (doc.seller.name, doc.seller.vat_id, doc.seller.siret) == (
        "BioFrais Distribution", "FR96387654320", "38765432000515")
    assert doc.seller.address.postal_code == "94150" and doc.seller.address.city == "Rungis"
    assert (doc.buyer.name, doc.buyer.vat_id, doc.buyer.address.street) == (
        "Maison Durand SAS", "FR96412345670", "12 rue de la République")
    assert (doc.totals.net, doc.totals.tax, doc.totals.gross) == (Decimal("100.00"), Decimal("20.00"),
                                                                   Decimal("120.00"))
    assert not doc.findings


def test_every_value_has_provenance_with_page_box_and_confidence():
    doc = extract(french_invoice())
    number = doc.provenance["number"]
    assert (number.method, number.page) == ("pdf-text", 1) and number.confidence >= 0.7
    assert number.bbox[0] >= 420 and 60 <= number.bbox[1] <= 70
    for path in ("issue_date", "seller.vat_id", "buyer.name", "totals.gross", "lines[0].quantity",
                 "lines[0].description", "kind"):
        assert path in doc.provenance, path


def test_word_confidences_flow_into_the_values_and_low_ones_go_to_review():
    doc = extract(french_invoice(confidence=0.45), method="ocr")
    assert doc.provenance["number"].method == "ocr"
    assert doc.provenance["number"].confidence < 0.45
    low = [f for f in doc.findings if f.code == "LOW_CONFIDENCE"]
    assert low and all(f.is_error and f.location is not None for f in low)
    assert {"number", "issue_date"} <= {f.field for f in low}


def test_english_invoice_header():
    doc = extract([
        *row(40, (40, "INVOICE"), size=22),
        *row(80, (40, "Feinkost Müller GmbH"), (360, "Invoice No."), (480, "INV-2026-00731")),
        *row(92, (40, "Hohe Straße 12, 50667 Köln"), (360, "Invoice Date"), (480, "March 20, 2026")),
        *row(104, (40, "VAT ID DE812345673"), (360, "Due Date"), (480, "April 19, 2026")),
        *row(150, (40, "Bill To")),
        *row(162, (40, "Brasserie Saint-Éloi SARL")),
        *row(240, (40, "Description"), (300, "Qty"), (360, "Unit Price"), (480, "Amount")),
        *row(256, (40, "Bretzels x50"), (300, "6"), (370, "21.30"), (490, "127.80")),
        *row(300, (380, "Subtotal"), (490, "127.80")),
        *row(312, (380, "VAT"), (495, "7.03")),
        *row(324, (380, "Total"), (490, "134.83")),
    ])
    assert (doc.number, doc.issue_date, doc.due_date) == ("INV-2026-00731", date(2026, 3, 20), date(2026, 4, 19))
    assert doc.seller.vat_id == "DE812345673" and doc.buyer.name == "Brasserie Saint-Éloi SARL"
    assert doc.seller.address.city == "Köln" and doc.seller.address.street == "Hohe Straße 12"
    assert (doc.totals.net, doc.totals.tax, doc.totals.gross) == (Decimal("127.80"), Decimal("7.03"),
                                                                   Decimal("134.83"))


def test_german_invoice_header():
    doc = extract([
        *row(40, (40, "Handelsrechnung Nr. 471102 vom 05.03.2018"), size=14),
        *row(80, (40, "Verkäufer:")),
        *row(92, (40, "Lieferant GmbH")),
        *row(104, (40, "Globale Nummer: 4000001123452")),
        *row(116, (40, "USt-IdNr.: DE136695976")),
        *row(140, (40, "Käufer:")),
        *row(152, (40, "Kunden AG Mitte")),
        *row(164, (40, "GLN 4000001987658")),
        *row(176, (40, "Bestellnummer: B-4711")),
        *row(220, (40, "Bezeichnung"), (300, "Menge"), (360, "Einzelpreis"), (480, "Gesamt")),
        *row(236, (40, "Trennblätter A4"), (300, "20"), (370, "9,90"), (485, "198,00")),
        *row(280, (360, "Nettobetrag"), (485, "198,00")),
        *row(292, (360, "MwSt 19 %"), (490, "37,62")),
        *row(304, (360, "Bruttobetrag"), (485, "235,62")),
    ])
    assert (doc.kind.value, doc.number, doc.issue_date) == ("invoice", "471102", date(2018, 3, 5))
    assert (doc.seller.gln, doc.seller.vat_id) == ("4000001123452", "DE136695976")
    assert (doc.buyer.name, doc.buyer.gln) == ("Kunden AG Mitte", "4000001987658")
    assert doc.order_ref == "B-4711"
    assert (doc.totals.net, doc.totals.tax, doc.totals.gross) == (Decimal("198.00"), Decimal("37.62"),
                                                                   Decimal("235.62"))


def kind_of(title: str, body: list[Word] = ()) -> str:
    return extract([*row(40, (40, title), size=16), *body, *table_fr(200)]).kind.value


def test_the_title_says_the_kind_in_three_languages():
    assert kind_of("Avoir N° AV-12") == "credit_note"
    assert kind_of("Gutschrift 4711") == "credit_note"
    assert kind_of("Bon de livraison BL-1") == "delivery_note"
    assert kind_of("Lieferschein 88") == "delivery_note"
    assert kind_of("Bon de commande CMD-1") == "order"
    assert kind_of("Purchase order PO-7") == "order"
    assert kind_of("Delivery note DN-3") == "delivery_note"
    # body text that names another document does not beat the title
    assert kind_of("Rechnung 4711", row(100, (40, "Rechnung gemäß Bestellung vom 01.03.2018"))) == "invoice"


def test_a_purchase_order_is_issued_by_the_buyer():
    doc = extract([
        *row(40, (40, "Maison Durand SAS"), (400, "BON DE COMMANDE"), size=14),
        *row(60, (40, "SIRET : 41234567000126"), (400, "N° CMD-2026-0311")),
        *row(110, (340, "Date : 29/05/2026")),
        *row(122, (340, "Date de livraison souhaitée : 11/06/2026")),
        *row(170, (340, "Fournisseur")),
        *row(182, (340, "BioFrais Distribution")),
        *row(194, (340, "N° TVA : FR96387654320")),
        *table_fr(260),
    ])
    assert doc.kind.value == "order" and doc.requested_delivery_date == date(2026, 6, 11)
    assert (doc.buyer.name, doc.buyer.siret) == ("Maison Durand SAS", "41234567000126")
    assert (doc.seller.name, doc.seller.vat_id) == ("BioFrais Distribution", "FR96387654320")


def test_a_wrong_check_digit_next_to_its_label_is_kept_as_printed():
    doc = extract([*row(40, (40, "Rechnung Nr. 1")), *row(60, (40, "USt-IdNr.: DE123456789")),
                   *row(80, (40, "Datum: 01.02.2024")), *table_fr(200),
                   *row(260, (360, "Gesamtbetrag"), (490, "100,00"))])
    assert doc.seller.vat_id == "DE123456789"  # validation flags it (INVALID_VAT_ID); extraction keeps what is printed


def test_a_bare_number_is_not_taken_for_a_siren():
    doc = extract([*row(40, (40, "Facture N° 12")), *row(60, (40, "Tél. 732 829 320")), *table_fr(200)])
    assert doc.seller is None or doc.seller.siren is None


def test_a_missing_issue_date_is_a_finding_naming_the_field():
    doc = extract([*row(40, (40, "Facture N° 12"), size=14), *table_fr(200),
                   *row(260, (360, "Total TTC"), (490, "100,00"))])
    assert doc.issue_date is None
    assert [f.field for f in doc.findings if f.code == "FIELD_MISSING"] == ["issue_date"]


def test_us_dates_are_recognised_from_the_document_itself():
    doc = extract([*row(40, (40, "Invoice FA-8"), size=14), *row(60, (40, "Invoice Date 11/03/2017")),
                   *row(72, (40, "Paid 11/17/2017")), *table_fr(200)])
    assert doc.issue_date == date(2017, 11, 3)


def test_totals_that_add_up_win_over_a_nearer_label():
    doc = extract([*row(40, (40, "Facture N° 9"), size=14), *row(60, (40, "Date : 02/01/2024")), *table_fr(200),
                   *row(260, (360, "Total HT"), (490, "100,00")),
                   *row(272, (360, "TVA 5,5 % sur 40,00"), (495, "2,20")),
                   *row(284, (360, "TVA 20 % sur 60,00"), (490, "12,00")),
                   *row(296, (360, "Total TTC"), (490, "114,20"))])
    assert (doc.totals.net, doc.totals.tax, doc.totals.gross) == (Decimal("100.00"), Decimal("14.20"),
                                                                   Decimal("114.20"))


# -- supplier profiles ---------------------------------------------------------------------------------
def moulin(vat: str) -> list[Word]:
    return [*row(30, (40, f"Au bon moulin SARL - TVA : {vat}")), *row(60, (40, "Facture FA-2017-0010"), size=14),
            *row(90, (40, "Date de facture 13/11/2017")), *row(102, (40, "Votre référence PO445")),
            *table_fr(200)]


def test_the_example_profile_adds_its_label_words():
    with_profile = extract(moulin("FR11999999998"))
    assert with_profile.order_ref == "PO445"
    assert match_profile(build_lines(layout(moulin("FR11999999998")))).name == "Au bon moulin"
    # another sender printing "Votre référence" gets no such reading
    assert match_profile(build_lines(layout([*row(30, (40, "Autre SARL")), *table_fr(200)]))) is None
    assert extract([*row(30, (40, "Autre SARL")), *row(60, (40, "Facture FA-1"), size=14),
                    *row(102, (40, "Votre référence PO445")), *table_fr(200)]).order_ref is None


def test_a_profile_is_one_yaml_file_and_a_bad_one_says_why(tmp_path):
    good = tmp_path / "acme.yaml"
    good.write_text("name: Acme\nmatch: {keywords: [acme, widgets]}\nlabels: {number: [document acme]}\n")
    profile = load_profile(good)
    assert profile.keywords == ("acme", "widgets") and profile.labels["number"] == ["document acme"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\ncolumn: {}\n")
    try:
        load_profile(bad)
    except ValueError as exc:
        assert "column" in str(exc) and "bad.yaml" in str(exc)
    else:
        raise AssertionError("an unknown key must be refused")


def test_a_label_word_the_ocr_engine_doubts_does_not_hide_the_value():
    words = [*row(40, (40, "BON DE COMMANDE"), size=14), *row(60, (40, "N° de commande : CMD-8405")),
             *row(72, (40, "Date de commande : 16/04/2026")),
             *row(84, (40, "Date de livraison")), *row(84, (128, "sounhaitée"), confidence=0.36),
             *row(84, (190, ": 24/04/2026")), *table_fr(200)]
    doc = extract(words, method="ocr")
    assert doc.requested_delivery_date == date(2026, 4, 24)
    assert doc.provenance["requested_delivery_date"].confidence > 0.5
    # a sure word still stops the reading: "Date de facture associée" is not the invoice date
    other = extract([*row(40, (40, "FACTURE N° F-23"), size=14),
                     *row(60, (40, "Date de facture associée : 01/01/2026")),
                     *row(72, (40, "Date : 31/01/2026")), *table_fr(200)])
    assert other.issue_date == date(2026, 1, 31)
