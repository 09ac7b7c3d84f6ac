"""UN/ECE Recommendation 20 unit codes that order, invoice and delivery documents use.

Not the whole recommendation (it has ~2 000 codes), the ones ADV documents carry, plus the
Rec 21 package codes that EANCOM senders put in QTY. Unknown codes are kept as sent and
flagged by validation, so adding one here is the only change needed to accept it.
"""

from __future__ import annotations

UNITS: dict[str, str] = {
    "C62": "one (unit)",
    "H87": "piece",
    "EA": "each",
    "PCE": "piece (Rec 20 rev. 1, still common in EANCOM)",
    "NAR": "number of articles",
    "SET": "set",
    "PR": "pair",
    "DZN": "dozen",
    "KGM": "kilogram",
    "GRM": "gram",
    "TNE": "tonne",
    "LTR": "litre",
    "MLT": "millilitre",
    "MTR": "metre",
    "CMT": "centimetre",
    "MTK": "square metre",
    "MTQ": "cubic metre",
    "HUR": "hour",
    "DAY": "day",
    "CT": "carton",
    "CS": "case",
    "BX": "box",
    "PK": "pack",
    "PF": "pallet",
    "PX": "pallet",
    "BG": "bag",
    "BO": "bottle",
    "CA": "can",
    "RO": "roll",
    "TU": "tube",
    "XBX": "box (Rec 21)",
    "XCT": "carton (Rec 21)",
    "XPK": "package (Rec 21)",
    "XPX": "pallet (Rec 21)",
}

DEFAULT_UNIT = "C62"

# Codes senders use that are not Rec 20 but mean one of the above without doubt.
ALIASES: dict[str, str] = {
    "PCS": "H87",
    "PC": "H87",
    "ST": "H87",  # German "Stück"
    "STK": "H87",
    "KG": "KGM",
    "L": "LTR",
    "M": "MTR",
    "UNIT": "C62",
    "UN": "C62",
}


def normalise_unit(code: str | None) -> str | None:
    """Upper-case a unit code and resolve well-known aliases; unknown codes are returned as sent."""
    if code is None:
        return None
    code = code.strip().upper()
    if not code:
        return None
    return ALIASES.get(code, code)


def is_known_unit(code: str) -> bool:
    return code in UNITS
