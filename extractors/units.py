"""Printed unit names (``Stk``, ``Unit(s)``, ``pièces``, ``kg``) to UN/ECE Rec 20 codes."""

from __future__ import annotations

from extractors.geometry import squash
from schemas.units import is_known_unit, normalise_unit

UNIT_WORDS: dict[str, str] = {
    "c62": "C62", "unit": "C62", "units": "C62", "units1": "C62", "unite": "C62", "unites": "C62", "u": "C62",
    "un": "C62", "ea": "EA", "each": "EA", "stk": "H87", "stck": "H87", "stuck": "H87", "st": "H87",
    "pce": "H87", "pcs": "H87", "pc": "H87", "piece": "H87", "pieces": "H87", "pc1": "H87", "h87": "H87",
    "kg": "KGM", "kgm": "KGM", "kilo": "KGM", "g": "GRM", "grm": "GRM", "t": "TNE", "l": "LTR", "ltr": "LTR",
    "liter": "LTR", "liters": "LTR", "litre": "LTR", "litres": "LTR", "m": "MTR", "mtr": "MTR", "m2": "MTK",
    "m²": "MTK", "m3": "MTQ", "h": "HUR", "hr": "HUR", "hrs": "HUR", "hour": "HUR", "hours": "HUR",
    "heure": "HUR", "heures": "HUR", "std": "HUR", "stunde": "HUR", "stunden": "HUR", "day": "DAY",
    "days": "DAY", "jour": "DAY", "jours": "DAY", "tag": "DAY", "tage": "DAY", "set": "SET", "pair": "PR",
    "paar": "PR", "box": "BX", "carton": "CT", "cartons": "CT", "case": "CS", "cases": "CS", "ct": "CT", "cs": "CS",
    "karton": "CT", "pal": "PX", "palette": "PX", "pallet": "PX",
    "pack": "PK", "paquet": "PK", "ro": "RO", "rouleau": "RO", "rolle": "RO", "pauschal": "C62", "psch": "C62",
    "lot": "SET", "forfait": "C62", "ls": "C62",
}


def unit_code(text: str) -> str | None:
    """The Rec 20 code for a printed unit, or None when the word is not a unit we recognise."""
    key = squash(text.replace("(s)", "s").replace("(S)", "s"))
    if key in UNIT_WORDS:
        return UNIT_WORDS[key]
    code = normalise_unit(text.strip(".()"))
    return code if code and is_known_unit(code) and len(code) >= 2 else None
