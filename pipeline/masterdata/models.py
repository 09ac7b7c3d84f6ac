"""Master data tables, and what the exception queue remembers (corrections per sender)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pipeline.db.models import Base, utcnow


class _Company:
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)  # our own code for the company
    name: Mapped[str] = mapped_column(String(300))
    gln: Mapped[str | None] = mapped_column(String(13), index=True)
    siren: Mapped[str | None] = mapped_column(String(9))
    siret: Mapped[str | None] = mapped_column(String(14))
    vat_id: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))


class Customer(_Company, Base):
    __tablename__ = "customers"
    email_domains: Mapped[str | None] = mapped_column(Text)  # space-separated, e.g. "durand.fr durand-sas.com"


class Supplier(_Company, Base):
    __tablename__ = "suppliers"


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(String(50), unique=True)  # our item id
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    description: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(10), default="C62")
    pack_size: Mapped[Decimal | None]  # order quantities must be a multiple of it, when set


class CustomerItem(Base):
    """What a customer calls one of our products."""

    __tablename__ = "customer_items"
    __table_args__ = (UniqueConstraint("customer_id", "customer_item_id", name="uq_customer_items"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    customer_item_id: Mapped[str] = mapped_column(String(100))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))


class Price(Base):
    """A price list entry: the customer's price (or the list price when customer is null) for a period."""

    __tablename__ = "prices"
    __table_args__ = (UniqueConstraint("customer_id", "product_id", "valid_from", name="uq_prices"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    unit_price: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    tolerance_percent: Mapped[Decimal | None]  # default from settings when null


class Correction(Base):
    """A value a person corrected on a document from ``sender``: proposed again next time, never applied."""

    __tablename__ = "corrections"
    __table_args__ = (UniqueConstraint("sender", "field", "wrong", name="uq_corrections"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(200))  # canonical path with line indexes removed
    wrong: Mapped[str] = mapped_column(Text)
    right: Mapped[str] = mapped_column(Text)
    times: Mapped[int] = mapped_column(Integer, default=1)
    last_by: Mapped[str] = mapped_column(String(100))
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
