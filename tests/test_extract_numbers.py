"""Numbers, percents, quantities and dates as French, German and English documents print them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from extractors.numbers import (currency_of, parse_amount, parse_date, parse_percent, parse_quantity,
                                uses_decimal_comma)


@pytest.mark.parametrize("text, value", [
    ("1 234,56", "1234.56"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"), ("1'234.56", "1234.56"),
    ("1\u202f234,56", "1234.56"), ("198,00", "198.00"), ("9,9000", "9.9000"), ("0.025 €", "0.025"),
    ("12,50 €", "12.50"), ("€12.50", "12.50"), ("EUR 1,234.00", "1234.00"), ("-5,00", "-5.00"),
    ("(5.00)", "-5.00"), ("5,00-", "-5.00"), ("1.234.567", "1234567"), ("1234", "1234"), ("−3,10", "-3.10"),
])
def test_amounts_in_every_format(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "12%", "2019-06-10", "1,234,56", "1.234.56", "4000001123452",
                                  "FR11999999998", "1 2 3", "--5"])
def test_things_that_are_not_amounts(text):
    assert parse_amount(text) is None


def test_a_lone_comma_with_three_digits_follows_the_document():
    assert parse_amount("3,500") == Decimal("3500")  # no hint: English thousands
    assert parse_amount("3,500", decimal_comma=True) == Decimal("3.500")
    assert parse_amount("1.500", decimal_comma=False) == Decimal("1.500")
    assert parse_amount("1.500", decimal_comma=True) == Decimal("1500")


def test_the_decimal_mark_is_read_from_the_money_or_the_language():
    assert uses_decimal_comma(["12,50", "1 234,00", "total"]) is True
    assert uses_decimal_comma(["12.50", "1,234.00"]) is False
    assert uses_decimal_comma(["Bon", "de", "livraison", "3,500"]) is True  # French words, no money
    assert uses_decimal_comma(["Delivery", "note", "for", "the", "order"]) is False
    assert uses_decimal_comma(["42"]) is None


def test_percents_and_quantities():
    assert parse_percent("20%") == Decimal(20) and str(parse_percent("20%")) == "20"
    assert parse_percent("5,5 %") == Decimal("5.5") and parse_percent("19,00%") == Decimal(19)
    assert parse_percent("19") is None
    assert parse_quantity("20Unit(s)") == (Decimal(20), "Unit(s)")
    assert parse_quantity("1,5 kg") == (Decimal("1.5"), "kg")
    assert parse_quantity("3") == (Decimal(3), None)
    assert parse_quantity("pièce") is None


@pytest.mark.parametrize("text, value", [
    ("13/11/2017", date(2017, 11, 13)), ("05.03.2018", date(2018, 3, 5)), ("2019-06-10", date(2019, 6, 10)),
    ("31.12.99", date(1999, 12, 31)), ("13 novembre 2017", date(2017, 11, 13)), ("1er mars 2020", date(2020, 3, 1)),
    ("March 20, 2023", date(2023, 3, 20)), ("20 Mar 2023", date(2023, 3, 20)), ("5. Dezember 2024", date(2024, 12, 5)),
    ("12/31/2023", date(2023, 12, 31)), ("(05.03.2018)", date(2018, 3, 5)),
])
def test_dates(text, value):
    assert parse_date(text) == value


def test_ambiguous_dates_follow_the_document_order():
    assert parse_date("11/03/2017") == date(2017, 3, 11)
    assert parse_date("11/03/2017", day_first=False) == date(2017, 11, 3)


@pytest.mark.parametrize("text", ["31/02/2020", "2020-13-01", "12/2020", "Nr. 471102", "1.234,56", "99.99.99"])
def test_not_dates(text):
    assert parse_date(text) is None


def test_currencies():
    assert [currency_of(t) for t in ("EUR", "(EUR)", "€", "Euro", "usd", "XYZ")] == ["EUR", "EUR", "EUR", "EUR",
                                                                                     "USD", None]
