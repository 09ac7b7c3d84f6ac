"""The words our rules read, French and English, in one place: units, numbers, dates, cues.

Keys are lower-case and without accents (``fold``), so "Pièces", "pieces" and "PIECES" are one entry; a mail
written without accents reads like one with them.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents ("Désinfectant" -> "desinfectant"), for comparisons only (spans use the original)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")


# Unit words to UN/ECE Rec 20 codes (Rec 21 package codes where EANCOM senders use them, as extractors/units.py).
UNITS: dict[str, str] = {
    **dict.fromkeys(("carton", "cartons", "ctn", "ctns", "crt", "cartons", "carton(s)", "cartonnage"), "CT"),
    **dict.fromkeys(("palette", "palettes", "pal", "pal.", "pallet", "pallets", "palette(s)"), "PX"),
    **dict.fromkeys(("piece", "pieces", "pce", "pces", "pcs", "pc", "pièce(s)", "piece(s)", "pcs."), "H87"),
    **dict.fromkeys(("unite", "unites", "u", "u.", "unit", "units", "unité(s)", "unite(s)", "exemplaires"), "C62"),
    **dict.fromkeys(("each", "ea"), "EA"),
    **dict.fromkeys(("kg", "kgs", "kilo", "kilos", "kilogramme", "kilogrammes", "kilogram", "kilograms"), "KGM"),
    **dict.fromkeys(("g", "gr", "grammes", "gramme", "grams"), "GRM"),
    **dict.fromkeys(("tonne", "tonnes", "t"), "TNE"),
    **dict.fromkeys(("l", "litre", "litres", "liter", "liters", "lt"), "LTR"),
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters", "ml"), "MTR"),
    **dict.fromkeys(("boite", "boites", "box", "boxes", "bte", "btes"), "BX"),
    **dict.fromkeys(("caisse", "caisses", "case", "cases", "cagette", "cagettes", "crate", "crates"), "CS"),
    **dict.fromkeys(("paquet", "paquets", "pack", "packs", "colis", "package", "packages", "packet", "packets",
                     "lot", "lots"), "PK"),
    **dict.fromkeys(("sac", "sacs", "bag", "bags", "sachet", "sachets"), "BG"),
    **dict.fromkeys(("bouteille", "bouteilles", "btl", "bottle", "bottles"), "BO"),
    **dict.fromkeys(("bidon", "bidons", "can", "cans", "canette", "canettes", "jerrican", "jerricans"), "CA"),
    **dict.fromkeys(("rouleau", "rouleaux", "roll", "rolls"), "RO"),
    **dict.fromkeys(("tube", "tubes"), "TU"),
    **dict.fromkeys(("douzaine", "douzaines", "dozen", "dozens", "dz"), "DZN"),
    **dict.fromkeys(("paire", "paires", "pair", "pairs"), "PR"),
    **dict.fromkeys(("fardeau", "fardeaux", "pack(s)"), "PK"),
}
# Units that also measure a product ("1 L", "25 kg", "100 m"): after a description they are part of it.
MEASURES = frozenset({"KGM", "GRM", "TNE", "LTR", "MTR"})
# "m" and "l" alone are letters as often as units (taille M, format L): only after a digit, glued or not.
LETTER_UNITS = frozenset({"m", "l", "g", "t", "u", "ml"})

NUMBER_WORDS: dict[str, int] = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100,
}
# Words that make a quantity approximate or ambiguous: a person must confirm it.
APPROXIMATE = frozenset({"environ", "env", "env.", "approx", "approx.", "approximately", "about", "around",
                         "dizaine", "vingtaine", "trentaine", "centaine", "quelques", "plusieurs", "some",
                         "several", "maybe", "peut-etre", "max", "maximum", "minimum", "mini", "~"})
ALTERNATIVE = frozenset({"ou", "or", "a", "à", "-", "to", "/"})  # "10 ou 12 cartons", "10 à 12", "10-12"

MONTHS: dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3, "avril": 4, "avr": 4, "apr": 4, "april": 4, "mai": 5, "may": 5, "juin": 6,
    "jun": 6, "june": 6, "juillet": 7, "juil": 7, "jul": 7, "july": 7, "aout": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9, "octobre": 10, "oct": 10, "october": 10, "novembre": 11,
    "nov": 11, "november": 11, "decembre": 12, "dec": 12, "december": 12,
}
WEEKDAYS: dict[str, int] = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
}

# Words around a date that say it is when the goods are wanted (rather than when something else happened).
DELIVERY_CUES = frozenset({"livrer", "livraison", "livre", "livres", "livrez", "livrees", "livree", "recevoir",
                           "reception", "pour", "avant", "d'ici", "ici", "au", "plus", "tard", "deliver",
                           "delivery", "delivered", "by", "before", "for", "on", "arrive", "arrival", "receive",
                           "expedition", "expedier", "ship", "shipping", "dispatch", "souhaitee", "souhaitée",
                           "prevue", "needed", "required", "besoin", "desired", "requested", "le"})
# Words before a date that say it is not the delivery date ("notre commande du 12 novembre", "votre mail du…").
PAST_CUES = frozenset({"du", "dated", "reçu", "recu", "envoye", "envoyee", "passee", "passe", "depuis", "since",
                       "hier", "yesterday", "dernier", "derniere", "last", "facture", "invoice", "ecrit", "wrote",
                       "mail", "email", "courrier", "of"})

# Labels that introduce a product code.
REF_LABELS = frozenset({"ref", "réf", "ref.", "réf.", "reference", "référence", "references", "références", "code",
                        "article", "art", "art.", "item", "sku", "code article", "produit", "product", "no",
                        "n°", "nº", "#", "part", "ean", "gtin", "ean13"})
BUYER_REF_LABELS = frozenset({"notre", "nos", "our", "n/", "n/ref", "n/réf"})  # "notre réf." = the buyer's code
# Labels that introduce an order number.
ORDER_WORDS = frozenset({"commande", "commandes", "cde", "cdes", "cmd", "cmde", "bc", "po", "order", "orders",
                         "bon", "purchase"})
NUMBER_LABELS = frozenset({"n°", "nº", "no", "no.", "n", "numero", "numéro", "num", "num.", "#", "number", "nr",
                           "ref", "réf", "ref.", "réf.", "reference", "référence", ":", "de", "d'achat", "order",
                           "commande"})

# Street words that open a French (or English) street line.
STREET_WORDS = frozenset({"rue", "avenue", "av", "av.", "ave", "boulevard", "bd", "bd.", "blvd", "chemin", "route",
                          "rte", "allee", "place", "quai", "impasse", "cours", "square", "zi", "za", "zac", "zone",
                          "parc", "lieu-dit", "lieudit", "street", "st", "road", "rd", "lane", "way", "voie",
                          "faubourg", "passage", "esplanade", "rond-point", "mail", "parvis", "promenade"})
