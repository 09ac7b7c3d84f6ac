"""Fictional trading partners and their product catalogues, with valid GS1 and French identifiers.

Every check digit comes from python-stdnum, so a sample that fails on an identifier fails because
it was broken on purpose, never because the generator computed a digit wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from stdnum import ean, luhn
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva
from stdnum.iso7064 import mod_11_10


def gs1(body: str) -> str:
    """A GLN or GTIN-13 from its first 12 digits."""
    assert len(body) == 12 and body.isdigit(), body
    return body + ean.calc_check_digit(body)


def sscc(company_prefix: str, serial: int) -> str:
    """An SSCC (pallet label): extension digit, GS1 company prefix, serial, check digit; 18 digits."""
    body = "3" + company_prefix + str(serial).zfill(16 - len(company_prefix))
    return body + ean.calc_check_digit(body)


def wrong_check_digit(code: str) -> str:
    """The same GS1 number with its check digit off by one: what a keying error looks like."""
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def siren(body: str) -> str:
    """A SIREN from its first 8 digits (Luhn)."""
    number = body + luhn.calc_check_digit(body)
    return fr_siren.validate(number)


def siret(siren_number: str, nic: str) -> str:
    """A SIRET: the SIREN, a 4-digit establishment number and a Luhn digit over all of it."""
    body = siren_number + nic
    return fr_siret.validate(body + luhn.calc_check_digit(body))


def french_vat(siren_number: str) -> str:
    """The intra-community VAT number of a French company (FR + key + SIREN)."""
    number = "FR" + fr_siren.to_tva(siren_number)
    fr_tva.validate(number)
    return number


def german_vat(body: str) -> str:
    """A German USt-IdNr from its first 8 digits (ISO 7064 mod 11,10)."""
    return "DE" + body + mod_11_10.calc_check_digit(body)


@dataclass(frozen=True)
class Company:
    name: str
    gln: str
    street: str
    city: str
    postal_code: str
    country: str
    vat_id: str
    siret: str | None = None  # French establishments only
    customer_code: str | None = None  # what its supplier calls it (plain EDIFACT, code list 91/92)

    @property
    def siren(self) -> str | None:
        return self.siret[:9] if self.siret else None


def _french(name: str, gln_body: str, siren_body: str, nic: str, street: str, postal_code: str, city: str,
            customer_code: str | None = None) -> Company:
    number = siren(siren_body)
    return Company(name=name, gln=gs1(gln_body), street=street, city=city, postal_code=postal_code, country="FR",
                   vat_id=french_vat(number), siret=siret(number, nic), customer_code=customer_code)


# -- buyers ---------------------------------------------------------------------------------------

MAISON_DURAND = _french("Maison Durand SAS", "301234500001", "41234567", "0012",
                        "12 rue de la République", "69002", "Lyon")
EPICERIE_DU_MARCHE = _french("L'Épicerie du Marché", "301987600001", "52345678", "0027",
                             "3 place du Marché des Capucins", "33000", "Bordeaux")
COMPTOIRS_LYONNAIS = _french("Les Comptoirs Lyonnais", "302456700001", "63456789", "0034",
                             "45 quai Saint-Vincent", "69001", "Lyon", customer_code="CLI-0042")
BRASSERIE_SAINT_ELOI = _french("Brasserie Saint-Éloi SARL", "303567800001", "74567891", "0019",
                               "8 avenue Jean-Jaurès", "31000", "Toulouse")

# Delivery points: identified by their GLN and a name, as EANCOM senders usually leave them.
DURAND_WAREHOUSE = _french("Maison Durand Entrepôt Vénissieux", "301234500101", "41234567", "0038",
                           "5 rue du Progrès", "69200", "Vénissieux")
EPICERIE_SHOP = _french("L'Épicerie du Marché Chartrons", "301987600101", "52345678", "0043",
                        "61 rue Notre-Dame", "33000", "Bordeaux")

# -- sellers --------------------------------------------------------------------------------------

BIOFRAIS = _french("BioFrais Distribution", "376012300001", "38765432", "0051",
                   "Bâtiment C2, 1 rue de la Tour", "94150", "Rungis")
HYGIENE_PRO = _french("Hygiène Pro Équipements SAS", "376045600001", "49876543", "0065",
                      "27 rue des Tanneurs", "59000", "Lille")
FEINKOST_MULLER = Company(name="Feinkost Müller GmbH", gln=gs1("401234500001"), street="Hohe Straße 12",
                          city="Köln", postal_code="50667", country="DE", vat_id=german_vat("81234567"))


# -- catalogues -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    gtin: str
    seller_item_id: str
    description: str
    unit: str  # UN/ECE Rec 20 as EANCOM senders write it
    unit_price: Decimal  # per one unit, with as many decimals as the price list has (2 to 4)
    tax_rate: Decimal  # French VAT: 20, 10 or 5.5


def _product(gtin_body: str, item: str, description: str, unit: str, price: str, rate: str) -> Product:
    return Product(gs1(gtin_body), item, description, unit, Decimal(price), Decimal(rate))


BIOFRAIS_CATALOGUE = (
    _product("376012300101", "BF-CAF250", "Café moulu pur arabica 250 g", "PCE", "3.4500", "5.5"),
    _product("376012300118", "BF-HOV1L", "Huile d'olive vierge extra 1 L", "PCE", "8.25", "5.5"),
    _product("376012300125", "BF-COMTE18", "Comté AOP affiné 18 mois", "KGM", "17.35", "5.5"),
    _product("376012300132", "BF-FAR55", "Farine de blé T55 1 kg", "PCE", "0.9875", "5.5"),
    _product("376012300149", "BF-SENCHA", "Thé vert Sencha bio 100 g", "PCE", "4.125", "5.5"),
    _product("376012300156", "BF-JUSPOM", "Jus de pommes pressées 1 L bouteille en verre consignée",
             "PCE", "2.79", "5.5"),
    _product("376012300163", "BF-PLMED", "Plateau repas « Méditerranée »", "PCE", "12.50", "10"),
    _product("376012300170", "BF-BIERE24", "Bière blonde artisanale 33 cl", "CT", "28.80", "20"),
)
# Not in Latin-1 (œ): only UTF-8 samples may carry it.
BIOFRAIS_EGGS = _product("376012300187", "BF-OEUFS12", "Œufs frais plein air x12", "PCE", "3.90", "5.5")

HYGIENE_PRO_CATALOGUE = (
    _product("376045600102", "HP-GNM100", "Gants nitrile taille M", "CT", "7.90", "20"),
    _product("376045600119", "HP-EMP2P", "Essuie-mains pliés 2 plis", "CT", "24.60", "20"),
    _product("376045600126", "HP-LVECO1", "Liquide vaisselle écologique 1 L", "PCE", "2.185", "20"),
    # ':' and "'" and '+' are service characters: pydifact must escape them with the release character.
    _product("376045600133", "HP-DSF5L", "Désinfectant surfaces 5 L : prêt à l'emploi", "PCE", "18.4000", "20"),
    _product("376045600140", "HP-SAC100", "Sacs poubelle 100 L + liens", "CT", "15.75", "20"),
)

FEINKOST_CATALOGUE = (
    _product("401234500107", "FM-BRZ50", "Bretzels précuits surgelés x50", "CT", "21.30", "5.5"),
    _product("401234500114", "FM-GURK720", "Cornichons aigres-doux 720 ml", "PCE", "2.4350", "5.5"),
    _product("401234500121", "FM-WEISS50", "Bière de froment Weißbier 50 cl", "CT", "31.20", "20"),
)
