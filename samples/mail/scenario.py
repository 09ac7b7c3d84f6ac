"""One mail's content before it is worded: who writes, what they order, for when, where; and its truth.

A template set (``templates_dev``, ``templates_heldout``) words it. The truth follows the documented reading
(docs/nlp.md): "lundi prochain" is the next Monday after the sending day, "sous 48h" two days after it,
"semaine 50" the Monday of ISO week 50, a date without a year the next such date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from corpus import (BY_ITEM, CUSTOMERS, PRODUCTS, UNKNOWN_SITES, Customer, LineTruth, Mail, Product, Truth,
                    business_days, next_weekday, quantity_for, sent_time, strip_accents, unit_word, with_typo)

CLASSES = ("order", "order", "order", "order", "order", "order", "order", "order", "change", "cancel",
           "question", "complaint", "out_of_office", "other")


@dataclass
class LineSpec:
    product: Product
    quantity: int
    unit: str  # "" when counted without a unit word
    unit_word: str
    description: str
    ref: str | None
    ref_field: str | None


@dataclass
class DateSpec:
    kind: str  # dm | numeric | full | weekday_next | weekday | tomorrow | hours | days | business | week | next_week
    value: date | None
    amount: int = 0
    weekday: int = 0


@dataclass
class Context:
    language: str
    customer: Customer
    person: tuple[str, str]
    sent: datetime
    lines: list[LineSpec] = field(default_factory=list)
    date: DateSpec | None = None
    site: tuple[str | None, str | None, str, str] | None = None  # (name, street, postcode, city)
    site_style: str = "full"  # full | town (only "dépôt de Lyon")
    number: str | None = None
    number_in_subject: bool = False
    earlier: str | None = None  # the order a change or cancel is about
    with_company: bool = True
    with_siret: bool = False
    with_phone: bool = True
    with_address: bool = False

    @property
    def email(self) -> str:
        first, last = self.person
        return f"{strip_accents(first).lower()}.{strip_accents(last).lower().replace(' ', '')}@{self.customer.domain}"

    @property
    def full_name(self) -> str:
        return f"{self.person[0]} {self.person[1]}"


def _date_spec(sent: date, rng: random.Random) -> DateSpec | None:
    kind = rng.choice(("dm", "dm", "numeric", "full", "weekday_next", "weekday", "tomorrow", "hours", "days",
                       "business", "week", "next_week", "none", "none"))
    if kind == "none":
        return None
    if kind in ("dm", "numeric", "full"):
        return DateSpec(kind, sent + timedelta(days=rng.randint(2, 25)))
    if kind in ("weekday_next", "weekday"):
        weekday = rng.randrange(0, 5)
        return DateSpec(kind, next_weekday(sent, weekday), weekday=weekday)
    if kind == "tomorrow":
        return DateSpec(kind, sent + timedelta(days=1))
    if kind == "hours":
        hours = rng.choice((24, 48, 72))
        return DateSpec(kind, sent + timedelta(days=hours // 24), amount=hours)
    if kind == "days":
        days = rng.choice((3, 5, 8, 10))
        return DateSpec(kind, sent + timedelta(days=days), amount=days)
    if kind == "business":
        days = rng.choice((2, 3, 5))
        return DateSpec(kind, business_days(sent, days), amount=days)
    if kind == "week":
        target = sent + timedelta(days=rng.randint(7, 30))
        week = target.isocalendar().week
        return DateSpec(kind, date.fromisocalendar(target.isocalendar().year, week, 1), amount=week)
    monday = sent - timedelta(days=sent.weekday()) + timedelta(days=7)
    return DateSpec("next_week", monday)


def _line(customer: Customer, product: Product, language: str, rng: random.Random, refs: str) -> LineSpec:
    unit = rng.choice(product.units)
    quantity = quantity_for(product, unit, rng)
    description = rng.choice(getattr(product, language))
    word = unit_word(unit, quantity, language) if unit else ""
    ref = ref_field = None
    own = dict(customer.items).get(product.item_id)
    if refs == "all" or (refs == "some" and rng.random() < 0.5):
        choice = rng.random()
        if own and choice < 0.7:
            ref, ref_field = own, "buyer_item_id"
        elif choice < 0.9:
            ref, ref_field = product.item_id, "seller_item_id"
        else:
            ref, ref_field = product.gtin, "gtin"
    return LineSpec(product, quantity, unit, word, description, ref, ref_field)


def context(kind: str, rng: random.Random) -> Context:
    language = "en" if rng.random() < 0.2 else "fr"
    customer = rng.choice(CUSTOMERS)
    ctx = Context(language, customer, rng.choice(customer.people), sent_time(rng))
    sent = ctx.sent.date()
    if kind in ("order", "change"):
        refs = rng.choice(("none", "some", "all", "all"))
        count = rng.choice((1, 1, 2, 2, 3, 3, 4, 5))
        for product in rng.sample(PRODUCTS, count):
            ctx.lines.append(_line(customer, product, language, rng, refs))
        ctx.date = _date_spec(sent, rng)
        where = rng.random()
        if where < 0.35 and customer.depots:
            ctx.site = rng.choice(customer.depots)
            ctx.site_style = "town" if rng.random() < 0.25 else "full"
        elif where < 0.5:
            ctx.site = (None, customer.street, customer.postal_code, customer.city)
        elif where < 0.6 and customer.code is None:
            ctx.site = rng.choice(UNKNOWN_SITES)
        if rng.random() < 0.45:
            ctx.number = rng.choice((f"BC-2025-{rng.randint(100, 999)}", f"{rng.randint(4500000, 4599999)}",
                                     f"CDE{rng.randint(10000, 99999)}", f"PO-{rng.randint(1000, 9999)}"))
            ctx.number_in_subject = rng.random() < 0.4
    if kind in ("change", "cancel"):
        ctx.earlier = rng.choice((f"{rng.randint(4000, 4999)}", f"BC-2025-{rng.randint(100, 999)}",
                                  f"PO-{rng.randint(1000, 9999)}"))
    ctx.with_company = rng.random() < 0.85 or customer.code is None
    ctx.with_siret = rng.random() < (0.2 if customer.code else 0.6)
    ctx.with_phone = rng.random() < 0.7
    ctx.with_address = rng.random() < 0.3
    return ctx


def truth_of(kind: str, ctx: Context) -> Truth:
    truth = Truth(kind=kind, language=ctx.language, issue_date=ctx.sent.date().isoformat())
    if kind not in ("order", "change"):
        if kind == "cancel":
            truth.order_ref = ctx.earlier
        return truth
    truth.number = ctx.number
    truth.order_ref = ctx.earlier
    truth.requested_delivery_date = ctx.date.value.isoformat() if ctx.date and ctx.date.value else None
    truth.customer_code = ctx.customer.code
    truth.customer_name = ctx.customer.name if ctx.with_company else None
    truth.customer_siret = ctx.customer.siret if ctx.with_siret else None
    if ctx.site is not None:
        name, street, postcode, city = ctx.site
        if ctx.site_style == "town":
            truth.ship_to = {"street": None, "postal_code": None, "city": city}
        else:
            truth.ship_to = {"street": street.split(", ")[-1], "postal_code": postcode, "city": city}
    for spec in ctx.lines:
        truth.lines.append(LineTruth(spec.product.item_id, str(spec.quantity), spec.unit or "C62", spec.description,
                                     spec.ref, spec.ref_field))
    return truth


def apply_noise(mail: Mail, rng: random.Random, ctx: Context) -> Mail:
    """Typos in descriptions, a mail written without accents; the truth follows what is written."""
    truth = mail.truth
    for line in truth.lines:
        if rng.random() < 0.12 and line.description in mail.body:
            slipped = with_typo(line.description, rng)
            mail.body = mail.body.replace(line.description, slipped, 1)
            line.description = slipped
            truth.noise.append("typo")
    if rng.random() < 0.12:
        mail.body = strip_accents(mail.body)
        for line in truth.lines:
            line.description = strip_accents(line.description)
        if truth.customer_name:
            truth.customer_name = strip_accents(truth.customer_name)
        if truth.ship_to:
            truth.ship_to = {k: strip_accents(v) if v else v for k, v in truth.ship_to.items()}
        truth.noise.append("no accents")
    return mail


def build(kind: str, rng: random.Random, templates, name: str) -> Mail:
    """A mail of class ``kind`` worded by ``templates``."""
    ctx = context(kind, rng)
    subject, body = templates.write(kind, ctx, rng)
    truth = truth_of(kind, ctx)
    mail = Mail(name, ctx.email, ctx.full_name, subject, ctx.sent, body, truth)
    mail = apply_noise(mail, rng, ctx)
    history = templates.history(ctx, rng)
    if history:
        mail.body = mail.body.rstrip("\n") + "\n\n" + history
        truth.noise.append("quoted history")
    forwarded = templates.forward(ctx, mail, rng)
    if forwarded is not None:
        mail.sender, mail.sender_name, mail.subject, mail.body = forwarded
        truth.noise.append("forwarded")
    return mail


def product(item_id: str) -> Product:
    return BY_ITEM[item_id]
