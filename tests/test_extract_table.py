"""Line tables by geometry: columns from header words, multi-line descriptions, split cells, subtotal and
carry-forward rows, tables over page breaks (with and without a repeated header), discounts."""

from __future__ import annotations

from decimal import Decimal

from test_extract_header import layout, row

from extractors.geometry import build_lines
from extractors.table import TableReader

D = Decimal
HEADER = ((40, "Réf."), (100, "Désignation"), (300, "Qté"), (340, "Unité"), (380, "Prix unitaire"),
          (480, "Montant HT"), (540, "TVA"))


def item(y: float, ref: str, text: str, qty: str, price: str, amount: str, rate: str = "20 %", unit: str = "pièce"):
    return row(y, (40, ref), (100, text), (300, qty), (340, unit), (390, price), (490, amount), (540, rate))


def read(*pages):
    table = TableReader().read(build_lines(layout(*pages)))
    return [{name: found.value for name, found in line.fields.items()} for line in table.lines]


def test_columns_come_from_the_header_words():
    lines = read([*row(200, *HEADER), *item(216, "BF-CAF250", "Café moulu 250 g", "24", "3,4500", "82,80", "5,5 %")])
    assert lines == [{"seller_item_id": "BF-CAF250", "description": "Café moulu 250 g", "quantity": D(24),
                      "unit": "H87", "unit_price": D("3.4500"), "net_amount": D("82.80"), "tax_rate": D("5.5")}]


def test_a_description_over_several_lines_is_joined():
    lines = read([*row(200, *HEADER),
                  *item(216, "BF-JUS", "Jus de pommes pressées 1 L,", "30", "2,79", "83,70"),
                  *row(227, (100, "bouteille en verre consignée")),
                  *row(238, (100, "(consigne remboursée au retour)")),
                  *item(254, "BF-FAR", "Farine T55", "40", "0,9875", "39,50")])
    assert [line["description"] for line in lines] == [
        "Jus de pommes pressées 1 L, bouteille en verre consignée (consigne remboursée au retour)", "Farine T55"]
    assert [line["quantity"] for line in lines] == [D(30), D(40)]


def test_a_cell_printed_on_the_line_below_still_belongs_to_its_item():
    # the amount sits lower than the rest of the row, as some stylesheets print it
    lines = read([*row(200, (40, "Pos"), (100, "Beschreibung"), (300, "Menge"), (380, "Nettopreis"),
                     (480, "Nettobetrag")),
                  *row(216, (40, "1"), (100, "Trennblätter A4"), (300, "20 Stk"), (385, "9,90")),
                  *row(227, (490, "198,00")),
                  *row(238, (100, "Bruttopreis : 9,90")),
                  *row(254, (40, "2"), (100, "Joghurt Banane"), (300, "50 Stk"), (385, "5,50")),
                  *row(265, (490, "275,00"))])
    assert [(line["line_no"], line["quantity"], line["net_amount"], line["description"]) for line in lines] == [
        (1, D(20), D("198.00"), "Trennblätter A4"), (2, D(50), D("275.00"), "Joghurt Banane")]


def test_subtotal_rows_are_not_items_and_totals_end_the_table():
    lines = read([*row(200, *HEADER),
                  *item(216, "A-1", "Article un", "1", "10,00", "10,00"),
                  *row(232, (100, "Sous-total"), (490, "10,00")),
                  *item(248, "A-2", "Article deux", "2", "5,00", "10,00"),
                  *row(280, (380, "Total HT"), (490, "20,00")),
                  *row(292, (380, "TVA 20 %"), (495, "4,00"))])
    assert [line["seller_item_id"] for line in lines] == ["A-1", "A-2"]


def test_a_table_over_two_pages_with_carry_forward_rows():
    first = [*row(40, (40, "Facture n° F-1 du 01/02/2024")), *row(200, *HEADER)]
    first += [w for i in range(20) for w in item(216 + 16 * i, f"P-{i:02d}", f"Produit {i}", "1", "1,00", "1,00")]
    first += row(540, (100, "Total à reporter"), (490, "20,00"))
    second = [*row(40, (40, "Facture n° F-1 (suite)")), *row(80, *HEADER), *row(96, (100, "Report"), (490, "20,00"))]
    second += [w for i in range(20, 25) for w in item(112 + 16 * (i - 20), f"P-{i:02d}", f"Produit {i}", "1",
                                                      "1,00", "1,00")]
    second += row(220, (380, "Total HT"), (490, "25,00"))
    lines = read(first, second)
    assert [line["seller_item_id"] for line in lines] == [f"P-{i:02d}" for i in range(25)]
    assert sum(line["net_amount"] for line in lines) == D("25.00")


def test_a_table_going_on_without_a_repeated_header():
    first = [*row(200, *HEADER), *item(216, "P-1", "Produit un", "1", "2,00", "2,00")]
    second = [*row(30, (40, "BioFrais Distribution - page 2")),
              *item(60, "P-2", "Produit deux", "3", "2,00", "6,00"),
              *row(100, (380, "Total HT"), (490, "8,00"))]
    assert [line["seller_item_id"] for line in read(first, second)] == ["P-1", "P-2"]


def test_a_discount_column_gives_the_net_unit_price():
    lines = read([*row(200, (40, "Description"), (250, "Quantité"), (320, "Prix unitaire"), (400, "Rem."),
                     (480, "Prix HT")),
                  *row(216, (40, "Nougat 250g"), (250, "20"), (330, "4,55"), (400, "10%"), (490, "81,90"))])
    assert (lines[0]["unit_price"], lines[0]["net_amount"]) == (D("4.095"), D("81.90"))


def test_no_header_no_table():
    assert read([*row(100, (40, "Bonjour, voici notre catalogue 2026.")), *row(120, (40, "Café 3,45"))]) == []
