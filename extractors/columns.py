"""Line-table header words: which column a header word names (description, quantity, unit price…).

Data, like ``labels``: a supplier profile may add header words for its own column names.
"""

from __future__ import annotations

COLUMN_WORDS: dict[str, list[str]] = {
    "line_no": ["pos", "pos.", "position", "ligne", "line", "lfd. nr", "lfd nr", "#", "n°", "nr", "no", "item no"],
    "item_id": ["référence", "réf", "ref", "code article", "code", "réf. article", "art-nr", "art.-nr", "art nr",
                "art.nr", "unsere art.nr", "artikelnummer", "artikel-nr", "artikelnr", "item code", "product code",
                "part no", "part number", "sku", "item id", "article no", "ean", "gtin"],
    "description": ["désignation", "designation", "nom & designation", "description", "libellé", "libelle",
                    "produit", "product", "product/service", "item", "items", "bezeichnung", "beschreibung",
                    "artikelbeschreibung", "leistung", "leistungsbeschreibung", "artikel", "article", "prestation",
                    "service", "details", "name", "articles", "produkt", "text"],
    "quantity": ["quantité", "quantite", "qté", "qte", "qty", "quantity", "quant.", "menge", "anzahl", "nombre",
                 "nb", "hours", "heures", "stunden", "qty.", "quantités", "delivered", "livré", "geliefert"],
    "unit": ["unité", "unite", "unit", "uom", "u.", "einheit", "me", "meng.-einheit", "mengeneinheit"],
    "unit_price": ["prix unitaire", "prix unitaire ht", "p.u. ht", "p.u.", "pu ht", "pu", "prix unit.", "prix u.",
                   "unit price", "price per unit", "price/unit", "unit cost", "rate", "price", "prix",
                   "einzelpreis", "einzelpreis netto", "nettopreis", "preis/einheit", "preis", "stückpreis",
                   "e-preis", "ep", "tarif"],
    "amount": ["montant ht", "montant", "total ht", "prix ht", "prix total", "total", "amount", "line total",
               "net amount", "total price", "subtotal", "gesamtpreis", "gesamt", "betrag", "gesamtbetrag",
               "positionsbetrag", "entgelt", "nettobetrag", "summe", "wert", "netto", "gp", "g-preis"],
    "tax_rate": ["taux tva", "% tva", "tva %", "tva", "taux", "vat %", "vat", "tax %", "tax rate", "tax", "mwst",
                 "mwst.", "mwst %", "ust.", "ust", "ust. %", "ust %", "steuer", "steuersatz", "vat rate"],
    "discount": ["remise", "rem.", "rabais", "discount", "disc.", "rabatt", "nachlass"],
}

# Words that qualify a column title printed on another header line ("Prix" / "unitaire", "Betrag" / "ohne USt.").
MODIFIERS = {"ht", "ttc", "net", "netto", "brutto", "ohne", "inkl", "excl", "incl", "hors", "taxes", "(eur)", "eur",
             "€", "%", "unitaire", "pour", "per", "in", "en", "(€)", "de", "du", "la", "le", "the", "of", "je",
             "pro", "(art)", "(ht)", "usd", "chf", "excl.", "incl."}

# Header words that mean "quantity" when another column already claims the money amount ("Amount | … | Total").
QUANTITY_IF_AMOUNT_TAKEN = {"amount", "anzahl", "montant"}
# Header words that mean "item id" when another column is the description ("Article | Désignation").
ITEM_ID_IF_DESCRIPTION_TAKEN = {"article", "artikel", "item", "produit", "product"}

NUMERIC = {"quantity", "unit_price", "amount", "tax_rate", "discount"}
