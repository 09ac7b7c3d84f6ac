"""What the order e-mails are made of: customers, products, people, units, dates; the truth of each mail.

Shared by both template sets (``templates_dev.py`` for the samples and tests, ``templates_heldout.py`` for the
benchmark). Never imports our code: the mails check it. Products and customers are those of
``samples/masterdata`` (so matching against the product master can be measured), plus customers master data
does not know.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from stdnum import luhn


@dataclass(frozen=True)
class Customer:
    code: str | None  # master-data code; None for a customer master data does not know
    name: str
    siret: str
    domain: str
    street: str
    postal_code: str
    city: str
    people: tuple[tuple[str, str], ...]
    items: tuple[tuple[str, str], ...] = ()  # (our item id, the customer's own code)
    depots: tuple[tuple[str, str, str, str], ...] = ()  # (site name, street, postcode, city)


@dataclass(frozen=True)
class Unit:
    code: str
    fr: tuple[str, str]  # singular, plural
    en: tuple[str, str]


@dataclass(frozen=True)
class Product:
    item_id: str
    gtin: str
    fr: tuple[str, ...]  # how customers write it
    en: tuple[str, ...]
    units: tuple[str, ...]  # unit codes it is ordered in; "" = counted with no unit word ("20 plateaux repas")
    most: int = 30


UNITS = {u.code: u for u in (
    Unit("CT", ("carton", "cartons"), ("carton", "cartons")),
    Unit("PX", ("palette", "palettes"), ("pallet", "pallets")),
    Unit("BX", ("boîte", "boîtes"), ("box", "boxes")),
    Unit("BO", ("bouteille", "bouteilles"), ("bottle", "bottles")),
    Unit("BG", ("sac", "sacs"), ("bag", "bags")),
    Unit("PK", ("paquet", "paquets"), ("pack", "packs")),
    Unit("CS", ("caisse", "caisses"), ("case", "cases")),
    Unit("KGM", ("kg", "kg"), ("kg", "kg")),
    Unit("CA", ("bidon", "bidons"), ("can", "cans")),
    Unit("RO", ("rouleau", "rouleaux"), ("roll", "rolls")),
    Unit("H87", ("pièce", "pièces"), ("piece", "pieces")),
)}

PRODUCTS = (
    Product("HP-GNM100", "3760456001026", ("gants nitrile taille M", "gants en nitrile taille M", "gants nitrile M"),
            ("nitrile gloves size M", "nitrile gloves, size M", "medium nitrile gloves"), ("CT", "BX"), 40),
    Product("HP-EMP2P", "3760456001194", ("essuie-mains pliés 2 plis", "essuie-mains 2 plis", "essuie mains pliés"),
            ("2-ply folded hand towels", "folded paper towels 2-ply"), ("CT", "PX"), 60),
    Product("HP-LVECO1", "3760456001262", ("liquide vaisselle écologique 1 L", "liquide vaisselle éco 1L"),
            ("eco dishwashing liquid 1 L", "ecological washing-up liquid 1L"), ("BO", "CT"), 50),
    Product("HP-DSF5L", "3760456001330", ("désinfectant surfaces 5 L", "désinfectant pour surfaces 5L"),
            ("surface disinfectant 5 L", "5L surface disinfectant"), ("CA", "CT"), 20),
    Product("HP-SAC100", "3760456001408", ("sacs poubelle 100 L", "sacs poubelle 100 L avec liens",
                                           "sacs-poubelle 100 litres"),
            ("100 L bin bags", "bin liners 100 L with ties"), ("CT", "RO"), 36),
    Product("BF-CAF250", "3760123001014", ("café moulu pur arabica 250 g", "café moulu arabica 250g"),
            ("ground arabica coffee 250 g", "pure arabica ground coffee 250g"), ("PK", "CT"), 60),
    Product("BF-HOV1L", "3760123001182", ("huile d'olive vierge extra 1 L", "huile d'olive extra vierge 1L"),
            ("extra virgin olive oil 1 L", "olive oil extra virgin 1L"), ("BO", "CT"), 40),
    Product("BF-COMTE18", "3760123001250", ("comté AOP affiné 18 mois", "comté 18 mois"),
            ("Comté AOP aged 18 months", "18-month Comté"), ("KGM",), 15),
    Product("BF-FAR55", "3760123001328", ("farine de blé T55 1 kg", "farine T55 1kg"),
            ("T55 wheat flour 1 kg", "wheat flour T55 1kg"), ("PK", "CT", "BG"), 80),
    Product("BF-SENCHA", "3760123001496", ("thé vert sencha bio 100 g", "thé sencha bio 100g"),
            ("organic sencha green tea 100 g", "sencha green tea 100g"), ("BX", "PK"), 40),
    Product("BF-JUSPOM", "3760123001564", ("jus de pommes pressées 1 L", "jus de pomme 1 L en bouteille verre"),
            ("pressed apple juice 1 L", "apple juice 1L glass bottle"), ("BO", "CS"), 60),
    Product("BF-PLMED", "3760123001632", ("plateaux repas Méditerranée", "plateaux-repas « Méditerranée »"),
            ("Mediterranean meal trays", "meal trays Mediterranean"), ("",), 40),
    Product("BF-BIERE24", "3760123001700", ("bière blonde artisanale 33 cl", "bière blonde 33cl"),
            ("craft blonde beer 33 cl", "blonde craft beer 33cl"), ("CT", "CS", "PX"), 30),
    Product("BF-OEUFS12", "3760123001878", ("œufs frais plein air x12", "œufs plein air par 12"),
            ("free-range eggs x12", "fresh free range eggs (dozen)"), ("BX", "CT"), 30),
    Product("FM-BRZ50", "4012345001075", ("bretzels précuits surgelés x50", "bretzels surgelés x50"),
            ("frozen pre-baked pretzels x50", "pretzels frozen x50"), ("CT",), 20),
    Product("FM-GURK720", "4012345001143", ("cornichons aigres-doux 720 ml", "cornichons aigre-doux 720ml"),
            ("sweet and sour gherkins 720 ml", "gherkins sweet-sour 720ml"), ("CT", "H87"), 48),
)
BY_ITEM = {p.item_id: p for p in PRODUCTS}


def _siret(siren8: str, nic4: str) -> str:
    siren = siren8 + luhn.calc_check_digit(siren8)
    body = siren + nic4
    return body + luhn.calc_check_digit(body)


CUSTOMERS = (
    Customer("CLI-0007", "Maison Durand SAS", "41234567000126", "maison-durand.example", "12 rue de la République",
             "69002", "Lyon", (("Claire", "Martin"), ("Julien", "Roux"), ("Sophie", "Durand")),
             depots=(("Dépôt Lyon Sud", "48 avenue Jean Mermoz", "69008", "Lyon"),
                     ("Entrepôt de Vénissieux", "5 rue du Progrès", "69200", "Vénissieux"))),
    Customer("CLI-0019", "L'Épicerie du Marché", "52345678800273", "epicerie-du-marche.example",
             "3 place du Marché des Capucins", "33000", "Bordeaux", (("Nadia", "Benali"), ("Pierre", "Lagarde")),
             depots=(("Réserve des Chartrons", "21 quai des Chartrons", "33000", "Bordeaux"),)),
    Customer("CLI-0042", "Les Comptoirs Lyonnais", "63456789500343", "comptoirs-lyonnais.example",
             "45 quai Saint-Vincent", "69001", "Lyon", (("Marc", "Vidal"), ("Émilie", "Faure")),
             items=(("HP-GNM100", "CL-GANT-NIT-M"),),
             depots=(("Plateforme de Corbas", "ZI du Champ Dolin, 9 rue Marcel Mérieux", "69960", "Corbas"),)),
    Customer("CLI-0051", "Brasserie Saint-Éloi SARL", "74567891200197", "brasserie-saint-eloi.example",
             "8 avenue Jean-Jaurès", "31000", "Toulouse", (("Thomas", "Garcia"), ("Lucie", "Bernard"))),
    Customer(None, "Restaurant Le Vieux Port SARL", _siret("81234567", "0012"), "vieuxport-resto.example",
             "7 quai du Port", "13002", "Marseille", (("Karim", "Haddad"),)),
    Customer(None, "Cantine Bio Nantes SAS", _siret("82345671", "0025"), "cantinebio-nantes.example",
             "14 boulevard Gabriel Lauriol", "44300", "Nantes", (("Anne", "Le Goff"), ("Yann", "Morvan"))),
    Customer(None, "Hôtel des Alpes SA", _siret("83456712", "0031"), "hotel-des-alpes.example",
             "2 place de la Gare", "74000", "Annecy", (("Paul", "Girard"),)),
)
UNKNOWN_SITES = (("Entrepôt Nord", "17 rue de l'Industrie", "59650", "Villeneuve-d'Ascq"),
                 ("Cuisine centrale", "3 allée des Tilleuls", "44800", "Saint-Herblain"))
SUPPLIER = ("BioFrais Distribution", "commandes@biofrais.example")
PARIS = timezone(timedelta(hours=1))


@dataclass
class LineTruth:
    item_id: str
    quantity: str
    unit: str  # Rec 20 as the extractor should give it ("C62" when no unit word)
    description: str  # as written in the mail
    ref: str | None
    ref_field: str | None  # seller_item_id | buyer_item_id | gtin


@dataclass
class Truth:
    kind: str  # order | change | cancel | question | complaint | out_of_office | other
    language: str
    issue_date: str
    number: str | None = None
    order_ref: str | None = None
    requested_delivery_date: str | None = None
    customer_code: str | None = None
    customer_name: str | None = None  # as written in the signature, when it is
    customer_siret: str | None = None  # when the mail gives it
    ship_to: dict | None = None  # {"street", "postal_code", "city"} (street may be None)
    lines: list[LineTruth] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "lines"}
        data["lines"] = [dict(line.__dict__) for line in self.lines]
        return data


@dataclass
class Mail:
    name: str
    sender: str
    sender_name: str
    subject: str
    sent: datetime
    body: str
    truth: Truth


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c))).replace(
        "œ", "oe").replace("Œ", "OE")


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard in a word long enough to survive it."""
    if len(word) < 6 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def with_typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    words[i] = typo(words[i], rng)
    return " ".join(words)


def sent_time(rng: random.Random) -> datetime:
    day = date(2025, 10, 1) + timedelta(days=rng.randrange(0, 180))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, rng.randrange(7, 19), rng.choice((0, 5, 12, 20, 34, 41, 55)),
                    tzinfo=PARIS)


def business_days(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        n -= day.weekday() < 5
    return day


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def quantity_for(product: Product, unit: str, rng: random.Random) -> int:
    if unit == "PX":
        return rng.randint(1, 4)
    if unit == "KGM":
        return rng.choice((2, 3, 5, 8, 10, 12))
    return rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 24, 30, 36, 40, 48, 50, 60))


def unit_word(unit: str, quantity: int, language: str) -> str:
    forms = getattr(UNITS[unit], language)
    return forms[0] if quantity == 1 else forms[1]
