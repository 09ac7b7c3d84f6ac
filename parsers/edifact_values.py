"""EDIFACT data values: numbers with either decimal mark, dates in their format codes, identifiers."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"-?([0-9]+([.,][0-9]*)?|[.,][0-9]+)\Z")


def parse_decimal(value: str | None) -> Decimal | None:
    """A numeric data element. ISO 9735 lets senders use comma or full stop whatever UNA says."""
    if value is None:
        return None
    value = value.strip()
    if not _NUMBER.match(value):
        raise ValueError(f"{value!r} is not a number")
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules this out
        raise ValueError(f"{value!r} is not a number") from exc


# DTM format codes (UN/EDIFACT code list 2379) we read, as strptime patterns on a prefix.
_DATE_FORMATS: dict[str, tuple[str, int]] = {
    "102": ("%Y%m%d", 8),
    "203": ("%Y%m%d", 8),  # CCYYMMDDHHMM: the date part is what the model keeps
    "204": ("%Y%m%d", 8),
    "205": ("%Y%m%d", 8),
    "101": ("%y%m%d", 6),
    "201": ("%y%m%d", 6),
    "718": ("%Y%m%d", 8),  # CCYYMMDD-CCYYMMDD: a period; its first day
    "719": ("%Y%m%d", 8),
    "720": ("%Y%m%d", 8),
}


def parse_date(value: str | None, format_code: str | None) -> date | None:
    """A DTM date/time/period value in the given format (102 when the sender left it out)."""
    if value is None:
        return None
    code = format_code or "102"
    value = value.strip()
    if code == "616":  # CCYYWW: week of the year, the Monday of that ISO week
        if not re.fullmatch(r"[0-9]{6}", value):
            raise ValueError(f"{value!r} is not a CCYYWW week")
        return date.fromisocalendar(int(value[:4]), int(value[4:]), 1)
    if code == "802":  # a number of days from today is not a date we can trust to replay
        raise ValueError("relative dates (format 802) are not supported")
    try:
        pattern, length = _DATE_FORMATS[code]
    except KeyError:
        raise ValueError(f"date format code {code} is not supported") from None
    if len(value) < length or not is_digits(value[:length]):
        raise ValueError(f"{value!r} does not match date format {code}")
    return datetime.strptime(value[:length], pattern).date()


def add_days(start: date | None, days: str | None) -> date | None:
    if start is None or days is None or not is_digits(days):
        return None
    return start + timedelta(days=int(days))


def line_number(value: str | None) -> int | None:
    return int(value) if value is not None and is_digits(value) else None


def is_digits(value: str) -> bool:
    """ASCII digits only ("²".isdigit() is true, and int("²") fails)."""
    return value.isascii() and value.isdigit()


def company_ids(identifier: str) -> dict[str, str]:
    """SIREN (9 digits) or SIRET (14 digits) from a company registration reference."""
    compact = re.sub(r"[\s.]", "", identifier)
    if re.fullmatch(r"[0-9]{14}", compact):
        return {"siret": compact, "siren": compact[:9]}
    if re.fullmatch(r"[0-9]{9}", compact):
        return {"siren": compact}
    return {}
