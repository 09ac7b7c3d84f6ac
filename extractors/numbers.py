"""Numbers and dates as printed in French, German and English documents, read into Decimal and date.

``1 234,56`` / ``1.234,56`` / ``1,234.56`` / ``1'234.56`` / ``-5,00`` / ``(5.00)`` / ``12,50 €`` all read as
amounts; ``13/11/2017``, ``05.03.2018``, ``2019-06-10``, ``13 novembre 2017``, ``March 20, 2023`` as dates.
Every function returns None for text that is not what it looks for: callers try words in turn.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₹": "INR", "¥": "JPY", "CHF": "CHF", "Fr.": "CHF"}
ISO_CURRENCIES = frozenset("EUR USD GBP CHF JPY CAD AUD INR SEK NOK DKK PLN CZK HUF CNY RON BGN".split())

_CURRENCY_AFFIX = re.compile(r"^(?:[€$£₹¥]|EUR|USD|GBP|CHF|INR)\s*|\s*(?:[€$£₹¥]|EUR|USD|GBP|CHF|INR)$")
# groups of three after a thousands separator (space, dot, comma, apostrophe, narrow no-break space)
_AMOUNT = re.compile(r"^[+-]?(?:\d{1,3}(?:[ .,'\u202f\u00a0]\d{3})+|\d+)(?:[.,]\d+)?$")


def _clean(text: str) -> str:
    return text.strip().replace("\u2212", "-").replace("\u2013", "-")


def parse_amount(text: str, decimal_comma: bool | None = None) -> Decimal | None:
    """A money amount or price; the last separator followed by 1, 2 or 4+ digits is the decimal one.

    ``1,234`` and ``3,500`` are ambiguous: a document that writes decimal commas elsewhere
    (``decimal_comma=True``) means 3.5, an English one means thousands. Without a hint, thousands.
    """
    raw = _clean(text)
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        raw, negative = raw[1:-1], True
    raw = _CURRENCY_AFFIX.sub("", raw).strip()
    if raw.endswith("-") and raw[:-1].strip():  # "5,00-" (German accounting)
        raw, negative = raw[:-1].strip(), not negative
    raw = _CURRENCY_AFFIX.sub("", raw).strip()
    if not raw or not _AMOUNT.match(raw):
        return None
    sign = -1 if raw[0] == "-" else 1
    raw = raw.lstrip("+-")
    separators = [(i, c) for i, c in enumerate(raw) if not c.isdigit()]
    if separators:
        last_index, last = separators[-1]
        decimals = len(raw) - last_index - 1
        earlier = {c for _, c in separators[:-1]}
        if last in earlier or last in " '\u202f\u00a0":
            grouping = True  # "1.234.567", "1 234": every separator groups thousands
        elif earlier:
            grouping = False  # "1.234,56", "1,234.56": the last one is the decimal separator
        else:
            # "1.234" or "1,234" alone: thousands, except "0,025" (a unit price) or the document's decimal mark
            decimal_mark = {True: ",", False: "."}.get(decimal_comma) if decimal_comma is not None else None
            grouping = decimals == 3 and raw[:last_index] != "0" and last != decimal_mark
        if grouping:
            if decimals != 3:
                return None
            raw = re.sub(r"\D", "", raw)
        else:
            raw = re.sub(r"\D", "", raw[:last_index]) + "." + raw[last_index + 1:]
    if len(raw.split(".")[0]) > 10 and not separators:
        return None  # a GLN, an IBAN fragment or a phone number, not an amount
    try:
        value = Decimal(raw) * sign
    except InvalidOperation:
        return None
    return -value if negative else value


_QUANTITY = re.compile(r"^([+-]?\d[\d .,']*?)\s*([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ.()²³]*)?$")


def parse_quantity(text: str, decimal_comma: bool | None = None) -> tuple[Decimal, str | None] | None:
    """A quantity with an optional unit glued to it: ``20``, ``1,5``, ``20Unit(s)``, ``3 PCE``."""
    match = _QUANTITY.match(_clean(text))
    if not match:
        return None
    value = parse_amount(match.group(1), decimal_comma)
    if value is None:
        return None
    return value, match.group(2)


_PERCENT = re.compile(r"^([+-]?\d{1,3}(?:[.,]\d+)?)\s*%$")


def parse_percent(text: str) -> Decimal | None:
    """``20%``, ``5,5 %``, ``19,00%``; a bare number is not a percent."""
    match = _PERCENT.match(_clean(text))
    if not match:
        return None
    value = Decimal(match.group(1).replace(",", "."))
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


MONTHS = {
    # French
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12, "janv": 1, "fevr": 2, "avr": 4, "juil": 7,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # German
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "marz": 3, "maerz": 3, "mar": 3, "april": 4, "apr": 4,
    "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "oktober": 10,
    "okt": 10, "dezember": 12, "dez": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10, "november": 11,
    "december": 12,
}


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a word, for matching labels and month names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NUMERIC_DATE = re.compile(r"^(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})$")


def _make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000 if year < 70 else 1900
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, day_first: bool = True) -> date | None:
    """A date written with digits (``13/11/2017``, ``05.03.18``, ``2019-06-10``) or with a month name."""
    raw = _clean(text).rstrip(".,;)").lstrip("(")
    match = _NUMERIC_DATE.match(raw)
    if match:
        a, _, b, c = match.groups()
        if len(a) == 4:
            return _make_date(int(a), int(b), int(c))
        if len(c) not in (2, 4):
            return None
        first, second, year = int(a), int(b), int(c)
        if first > 12 or (day_first and second <= 12):
            return _make_date(year, second, first)
        return _make_date(year, first, second)
    return _parse_named_month(raw)


_NAMED = re.compile(r"^(?:(\d{1,2})(?:er|st|nd|rd|th)?\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})"
                    r"|([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))$")


def _parse_named_month(raw: str) -> date | None:
    match = _NAMED.match(raw)
    if not match:
        return None
    if match.group(1):
        day, month_name, year = match.group(1), match.group(2), match.group(3)
    else:
        month_name, day, year = match.group(4), match.group(5), match.group(6)
    month = MONTHS.get(fold(month_name))
    return _make_date(int(year), month, int(day)) if month else None


def currency_of(text: str) -> str | None:
    """The ISO 4217 code a word names: ``EUR``, ``(EUR)``, ``€``, ``Euro``."""
    word = text.strip("():.,;[]").upper()
    if word in ISO_CURRENCIES:
        return word
    if word in ("EURO", "EUROS"):
        return "EUR"
    return CURRENCY_SYMBOLS.get(text.strip())


_TWO_DECIMALS = re.compile(r"^-?[\d.,' ]*\d([.,])\d{2}(?:\s*€)?$")


def uses_decimal_comma(words) -> bool | None:
    """Whether a document writes numbers with a decimal comma (12,50) rather than a point (12.50).

    Money with two decimals decides; a document without any (a delivery note) is judged by its language:
    French and German write decimal commas, English decimal points. None when nothing tells."""
    commas = points = latin = english = 0
    for word in words:
        match = _TWO_DECIMALS.match(word)
        if match:
            commas += match.group(1) == ","
            points += match.group(1) == "."
        key = word.casefold()
        latin += key in _COMMA_LANGUAGE_WORDS
        english += key in _POINT_LANGUAGE_WORDS
    if commas != points:
        return commas > points
    if latin != english:
        return latin > english
    return None


_COMMA_LANGUAGE_WORDS = {"de", "du", "des", "la", "le", "les", "et", "à", "und", "der", "die", "das", "für", "mit",
                         "von", "zu"}
_POINT_LANGUAGE_WORDS = {"the", "and", "of", "to", "for", "with", "your", "our", "by"}
