"""Wording helpers both template sets share: month and weekday names, "de"/"d'", phone numbers."""

from __future__ import annotations

import random
from datetime import date

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def de(text: str) -> str:
    """French "de" before a noun phrase: "d'essuie-mains", "de gants"."""
    return "d'" + text if text[:1].lower() in "aeiouyéèêœh" else "de " + text


def day_fr(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS_FR[day.month - 1]}"


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def phone(rng: random.Random, international: bool = False) -> str:
    digits = [f"{rng.randint(10, 99)}" for _ in range(4)]
    area = rng.choice(("4", "5", "1", "2"))
    if international:
        return f"+33 {area} {' '.join(digits)}"
    return f"0{area} {' '.join(digits)}"


def spaced_siret(siret: str, rng: random.Random) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" if rng.random() < 0.5 else siret
