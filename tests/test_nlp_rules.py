"""The free-text reader's rules one by one: dates, quantities, quoted history, classes, products, layouts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from extractors.text import not_an_order_class, read_free_text, sent_day
from extractors.text.message import read_body
from schemas.layout import FreeText

SENT = "2025-11-19T09:30:00+01:00"  # a Wednesday


def read(text: str, subject: str | None = "Commande", sent_at: str | None = SENT, catalogue=None,
         sender: str | None = "achats@maison-durand.example"):
    return read_free_text(FreeText(text=text, sender=sender, sender_name="Claire Martin", subject=subject,
                                   sent_at=sent_at), "0" * 64, catalogue)


def order(text: str, **kwargs):
    extraction = read(text, **kwargs)
    assert len(extraction.documents) == 1, extraction
    return extraction.documents[0]


@pytest.mark.parametrize("phrase, expected", [
    ("pour le 3 décembre", date(2025, 12, 3)),
    ("le 1er décembre 2025", date(2025, 12, 1)),
    ("pour le 03/12", date(2025, 12, 3)),
    ("le 03/12/2025", date(2025, 12, 3)),
    ("pour le 5 janvier", date(2026, 1, 5)),  # no year: the next 5 January
    ("pour lundi prochain", date(2025, 11, 24)),
    ("pour vendredi", date(2025, 11, 21)),
    ("pour demain", date(2025, 11, 20)),
    ("sous 48h", date(2025, 11, 21)),
    ("sous 3 jours ouvrés", date(2025, 11, 24)),
    ("semaine 50", date(2025, 12, 8)),
    ("en S50", date(2025, 12, 8)),
    ("la semaine prochaine", date(2025, 11, 24)),
    ("fin de semaine prochaine", date(2025, 11, 28)),
    ("by December 3rd", date(2025, 12, 3)),
    ("within 2 working days", date(2025, 11, 21)),
])
def test_delivery_dates_are_read_relative_to_the_day_the_mail_was_sent(phrase, expected):
    document = order(f"Bonjour,\nMerci de nous livrer 12 cartons de gants nitrile taille M {phrase}.\nCordialement")
    assert document.requested_delivery_date == expected
    provenance = document.provenance["requested_delivery_date"]
    assert provenance.method == "nlp" and provenance.span is not None


def test_a_replay_years_later_reads_the_same_date_and_a_mail_without_date_says_so():
    text = "Bonjour,\nMerci de nous livrer 12 cartons de gants nitrile lundi prochain.\nCordialement"
    assert order(text).requested_delivery_date == date(2025, 11, 24)
    undated = order(text, sent_at=None)
    assert undated.requested_delivery_date is None and undated.issue_date is None
    assert "NLP_UNRESOLVED_DATE" in {f.code for f in undated.findings}


def test_a_date_the_order_was_placed_is_not_the_delivery_date():
    document = order("Bonjour,\nSuite à notre commande du 12 novembre, merci de livrer 4 palettes de farine T55 "
                     "pour le 28 novembre.\nCordialement")
    assert document.requested_delivery_date == date(2025, 11, 28)


def test_the_issue_example_reads_into_lines_units_date_and_depot():
    text = ("Bonjour, merci de nous livrer 12 cartons de gants nitrile taille M réf. GN-204 et 3 palettes de sacs "
            "poubelle 100L pour le 3 décembre à notre dépôt de Lyon.\n\nCordialement,\nJean Dupont\n"
            "Maison Durand SAS")
    document = order(text)
    assert [(line.quantity, line.unit) for line in document.lines] == [(Decimal(12), "CT"), (Decimal(3), "PX")]
    assert document.lines[0].description == "gants nitrile taille M"
    assert document.lines[0].seller_item_id == "GN-204"
    assert document.lines[1].description == "sacs poubelle 100L"
    assert document.requested_delivery_date == date(2025, 12, 3)
    assert document.ship_to.address.city == "Lyon"
    assert document.buyer.name == "Maison Durand SAS"
    start, end = document.provenance["lines[1].quantity"].span
    assert text[start:end] == "3"


@pytest.mark.parametrize("written, quantity, unit", [
    ("- 20 bouteilles de jus de pomme bio 1 L", "20", "BO"),
    ("- 2,5 kg de comté AOP", "2.5", "KGM"),
    ("- 100 m de film étirable", "100", "MTR"),
    ("- 24 boxes of nitrile gloves", "24", "BX"),
    ("- douze boîtes de thé vert", "12", "BX"),
    ("- 6 each of hand towels", "6", "EA"),
    ("- 40 pièces de cornichons", "40", "H87"),
    ("- Gants nitrile taille M : 12 cartons", "12", "CT"),
    ("- HP-GNM100 x 12", "12", "C62"),
    ("- 20 plateaux repas Méditerranée", "20", "C62"),
])
def test_quantities_carry_their_rec20_unit(written, quantity, unit):
    document = order(f"Bonjour,\nVoici notre commande :\n{written}\n\nCordialement")
    assert [(str(line.quantity), line.unit) for line in document.lines] == [(quantity, unit)]


def test_an_approximate_quantity_goes_to_a_person():
    document = order("Bonjour,\nMerci de nous livrer 10 ou 12 cartons de gants nitrile.\nCordialement")
    finding = next(f for f in document.findings if f.code == "NLP_AMBIGUOUS_QUANTITY")
    assert finding.severity == "error" and finding.field == "lines[0].quantity"


def test_quoted_history_and_signature_are_not_read_as_order_lines():
    text = ("Bonjour,\nMerci de nous livrer 5 cartons de gants nitrile.\n\nCordialement,\nClaire Martin\n"
            "Tél : 04 78 12 34 56\n\nLe mar. 18 nov. 2025 à 10:02, BioFrais <commandes@biofrais.example> a écrit :\n"
            "> Votre commande de 10 cartons de sacs poubelle est partie.\n")
    body = read_body(text)
    assert body.end == text.index("Le mar.") and text[body.signature:].startswith("Cordialement")
    document = order(text)
    assert [line.quantity for line in document.lines] == [Decimal(5)]


def test_a_forward_is_read_for_the_message_it_forwards():
    text = ("Pour saisie, merci.\n\n---------- Message transféré ----------\nDe : Marc Vidal "
            "<marc.vidal@comptoirs-lyonnais.example>\nDate : 18/11/2025 10:00\nObjet : Commande\n\nBonjour,\n"
            "Merci de nous livrer 8 cartons de gants nitrile M.\n\nCordialement,\nMarc Vidal\n"
            "Les Comptoirs Lyonnais\n")
    document = order(text, sender="jean.commercial@biofrais.example", subject="TR: Commande")
    assert document.source.sender == "marc.vidal@comptoirs-lyonnais.example"
    assert document.buyer.name == "Les Comptoirs Lyonnais" and len(document.lines) == 1


@pytest.mark.parametrize("subject, text, kind", [
    ("Réponse automatique : Commande", "Bonjour,\nJe suis absente du bureau jusqu'au 2 décembre inclus.\n", "out_of_office"),
    ("Question", "Bonjour,\nAvez-vous des gants nitrile en stock ? Quel serait le délai pour 30 cartons ?\n", "question"),
    ("Réclamation", "Bonjour,\nNous avons reçu 3 cartons abîmés sur les 12 livrés hier. Merci de nous faire un "
                    "avoir.\n", "complaint"),
    ("Règlement", "Bonjour,\nLe virement de la facture F-2025-118 a été effectué ce jour.\n", "other"),
])
def test_mails_that_are_not_orders_say_what_they_are(subject, text, kind):
    extraction = read(text, subject=subject)
    assert not extraction.documents
    (finding,) = extraction.findings
    assert (finding.code, finding.severity, not_an_order_class(finding.message)) == ("NOT_AN_ORDER", "info", kind)


def test_cancelling_or_replacing_an_earlier_order_is_for_a_person_to_apply():
    cancel = read("Bonjour,\nMerci d'annuler notre commande n° 4512.\nCordialement", subject="Annulation")
    assert not cancel.documents and [f.code for f in cancel.findings] == ["NLP_ORDER_CHANGE"]
    change = order("Bonjour,\nCette commande annule et remplace la commande 4512 :\n- 6 cartons de gants nitrile\n"
                   "\nCordialement")
    assert change.order_ref == "4512" and change.number is None
    assert any(f.code == "NLP_ORDER_CHANGE" and f.severity == "error" for f in change.findings)


def test_buyer_identity_from_siret_and_signature():
    document = order("Bonjour,\nMerci de nous livrer 4 cartons de café moulu.\n\nBien cordialement,\nKarim Haddad\n"
                     "Gérant - Restaurant Le Vieux Port SARL\nSIRET : 812 345 676 00124\n",
                     sender="karim@vieuxport-resto.example")
    assert document.buyer.name == "Restaurant Le Vieux Port SARL"
    assert document.buyer.siret == "81234567600124"


def test_product_master_matches_customer_codes_and_descriptions(catalogue_data):
    document = order("Bonjour,\nMerci de nous livrer :\n- 12 cartons réf. CL-GANT-NIT-M\n- 6 cartons d'essuie mains "
                     "pliés 2 plis\n- 3 cartons de chaussettes en laine\n\nCordialement,\nMarc Vidal\n",
                     sender="marc.vidal@comptoirs-lyonnais.example", catalogue=catalogue_data)
    gloves, towels, socks = document.lines
    assert (gloves.buyer_item_id, gloves.seller_item_id) == ("CL-GANT-NIT-M", "HP-GNM100")
    assert towels.seller_item_id == "HP-EMP2P"
    assert document.provenance["lines[1].seller_item_id"].method == "masterdata"
    assert socks.seller_item_id is None
    assert [f.field for f in document.findings if f.code == "NLP_UNMATCHED_PRODUCT"] == ["lines[2]"]
    assert document.buyer.name == "Les Comptoirs Lyonnais"  # from the signature, confirmed by master data


@pytest.fixture(scope="module")
def catalogue_data():
    from test_nlp_samples import load_bench

    return load_bench().catalogue()


@pytest.mark.parametrize("junk", ["", " \n\n ", "\x00\x01\x02" * 50, "Bonjour " * 20000, "12 " * 5000,
                                  "> > >\n" * 100, "Le 3 a écrit :\n" * 10])
def test_junk_text_never_raises(junk):
    extraction = read(junk)
    assert all(f.code != "EXTRACTION_FAILED" for f in extraction.findings)


def test_sent_day_reads_iso_and_rfc_2822_in_the_senders_time_zone():
    assert sent_day("2025-11-19T23:30:00-05:00") == date(2025, 11, 19)
    assert sent_day("Wed, 19 Nov 2025 23:30:00 -0500") == date(2025, 11, 19)
    assert sent_day("not a date") is None and sent_day(None) is None


def test_layout_header_fields_keep_their_words_and_boxes():
    from extractors.geometry import build_lines
    from extractors.text.layout_header import header_fields
    from schemas.layout import Layout, Page, Word

    words, top = [], 10.0
    for text in ("BON DE COMMANDE", "Commande n° BC-2025-118 du 02/12/2025", "Livraison semaine 50",
                 "SIRET : 412 345 670 00126"):
        left = 10.0
        for word in text.split():
            words.append(Word(text=word, bbox=(left, top, left + 6 * len(word), top + 10), confidence=0.9))
            left += 6 * len(word) + 4
        top += 20
    lines = build_lines(Layout(method="ocr", pages=(Page(number=1, width=600, height=800, words=tuple(words)),)))
    found = header_fields(lines, issue_date=date(2025, 12, 2))
    assert found["number"].value == "BC-2025-118" and [w.text for w in found["number"].words] == ["BC-2025-118"]
    assert found["requested_delivery_date"].value == date(2025, 12, 8)
    assert found["buyer.siret"].value == "41234567000126" and found["buyer.siret"].page == 1
    assert header_fields(lines, missing=["number"]).keys() == {"number"}
