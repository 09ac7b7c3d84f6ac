"""What the engine reads from the order database: lines as frames, pack sizes, tolerances, and the scope of a run.

Returns and credit notes: a credit note is an invoice of kind ``credit_note``; a return is a delivery note whose
header names the delivery note it takes goods back from (``delivery_note_ref``, EDIFACT RFF+DQ or RFF+AAK on
a DESADV), since the order database has no return message of its own yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from sqlalchemy import Select, func, literal, or_, select
from sqlalchemy.orm import Session

from pipeline.db.models import (
    DeliveryLine,
    DeliveryNoteRow,
    InvoiceLine,
    InvoiceRow,
    Order,
    OrderLine,
    PartyRow,
    ReconciliationPackSize,
    ReconciliationTolerance,
)
from pipeline.reconcile.frames import LINES, PACKS, TOLERANCES
from schemas.reconciliation import Tolerance

DEFAULT_PARTY = "*"  # the tolerance row that replaces the built-in defaults


@dataclass(frozen=True)
class Scope:
    """Which results a run computes and replaces: documents dated on or after ``since`` (the engine also reads
    ``lookback_days`` before it, for what they refer to) of the parties ``party_ids`` (all when None)."""

    since: date | None = None
    party_ids: frozenset[int] | None = None
    customer: str | None = None  # as the user gave it
    lookback_days: int = 90

    @property
    def read_from(self) -> date | None:
        return self.since - timedelta(days=self.lookback_days) if self.since else None


def party_key(identifier: str) -> str:
    """A party as people write it (a GLN, a VAT number, or already a key such as ``gln:…``) as ``parties.key``."""
    identifier = identifier.strip()
    if ":" in identifier or identifier == DEFAULT_PARTY:
        return identifier
    if identifier.isdigit() and len(identifier) == 13:
        return f"gln:{identifier}"
    if len(identifier) > 2 and identifier[:2].isalpha() and identifier[2:].isalnum():
        return f"vat:{identifier.upper()}"
    return f"name:{identifier.casefold()}"


def find_parties(session: Session, customer: str) -> frozenset[int]:
    """Ids of the parties ``customer`` designates: by key, GLN, VAT number or name (case-insensitive)."""
    text = customer.strip()
    rows = session.scalars(select(PartyRow.id).where(or_(
        PartyRow.key == party_key(text), PartyRow.gln == text, PartyRow.vat_id == text.upper(),
        func.lower(PartyRow.name) == text.casefold())))
    return frozenset(rows)


def _frame(session: Session, query: Select) -> pl.DataFrame:
    rows = session.execute(query).all()
    if not rows:
        return pl.DataFrame(schema=LINES)
    return pl.DataFrame([tuple(row) for row in rows], schema=LINES, orient="row")


def _line_columns(line, header, doc_date, ref_order, ref_line, ref_note, reverse) -> list:
    """The LINES columns, in order, for one kind of document."""
    columns = {
        "line_id": line.id, "doc_id": header.id, "doc_no": header.number, "line_no": line.line_no,
        "seller_id": header.seller_id, "buyer_id": header.buyer_id, "doc_date": doc_date, "gtin": line.gtin,
        "seller_item_id": line.seller_item_id, "buyer_item_id": line.buyer_item_id, "description": line.description,
        "quantity": line.quantity, "unit": line.unit, "unit_price": line.unit_price, "ref_order": ref_order,
        "ref_line": ref_line, "ref_note": ref_note, "reverse": reverse,
    }
    return [value.label(name) if hasattr(value, "label") else literal(value).label(name)
            for name, value in columns.items()]


def _scoped(query: Select, header, doc_date, scope: Scope) -> Select:
    if scope.read_from is not None:
        query = query.where(doc_date >= scope.read_from)
    if scope.party_ids is not None:
        ids = sorted(scope.party_ids)
        query = query.where(or_(header.buyer_id.in_(ids), header.seller_id.in_(ids)))
    return query


def order_lines(session: Session, scope: Scope = Scope()) -> pl.DataFrame:
    columns = _line_columns(OrderLine, Order, Order.issue_date, None, None, None, False)
    query = select(*columns).join(Order, OrderLine.order_id == Order.id).order_by(OrderLine.id)
    return _frame(session, _scoped(query, Order, Order.issue_date, scope))


def delivery_lines(session: Session, scope: Scope = Scope()) -> pl.DataFrame:
    header, doc_date = DeliveryNoteRow, func.coalesce(DeliveryNoteRow.delivery_date, DeliveryNoteRow.issue_date)
    columns = _line_columns(DeliveryLine, header, doc_date, func.coalesce(DeliveryLine.order_ref, header.order_ref),
                            DeliveryLine.order_line_no, header.delivery_note_ref, header.delivery_note_ref.is_not(None))
    query = select(*columns).join(header, DeliveryLine.delivery_note_id == header.id).order_by(DeliveryLine.id)
    return _frame(session, _scoped(query, header, doc_date, scope))


def invoice_lines(session: Session, scope: Scope = Scope()) -> pl.DataFrame:
    header = InvoiceRow
    columns = _line_columns(InvoiceLine, header, header.issue_date,
                            func.coalesce(InvoiceLine.order_ref, header.order_ref), InvoiceLine.order_line_no,
                            header.delivery_note_ref, header.kind == "credit_note")
    query = select(*columns).join(header, InvoiceLine.invoice_id == header.id).order_by(InvoiceLine.id)
    return _frame(session, _scoped(query, header, header.issue_date, scope))


def pack_sizes(session: Session) -> pl.DataFrame:
    """Pack sizes (``frames.PACKS``). Today from ``reconciliation_pack_sizes``; master data will take over here."""
    rows = session.execute(select(ReconciliationPackSize.item, ReconciliationPackSize.unit,
                                  ReconciliationPackSize.contains, ReconciliationPackSize.base_unit)).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=PACKS, orient="row") if rows else pl.DataFrame(schema=PACKS)


def tolerances(session: Session) -> tuple[pl.DataFrame, Tolerance]:
    """Tolerances per party id (``frames.TOLERANCES``), and the defaults (the ``*`` row, else the built-in ones)."""
    rows = session.execute(select(ReconciliationTolerance)).scalars().all()
    default = Tolerance()
    by_key: dict[str, ReconciliationTolerance] = {}
    for row in rows:
        if row.party == DEFAULT_PARTY:
            default = Tolerance(quantity_abs=row.quantity_abs, quantity_pct=row.quantity_pct,
                                price_abs=row.price_abs, price_pct=row.price_pct)
        else:
            by_key[party_key(row.party)] = row
    parties = session.execute(select(PartyRow.id, PartyRow.key).where(PartyRow.key.in_(list(by_key)))).all() \
        if by_key else []
    frame = [(party_id, by_key[key].quantity_abs, by_key[key].quantity_pct, by_key[key].price_abs,
              by_key[key].price_pct) for party_id, key in parties]
    table = pl.DataFrame(frame, schema=TOLERANCES, orient="row") if frame else pl.DataFrame(schema=TOLERANCES)
    return table, default


def save_config(session: Session, tolerance_rows: list[dict], pack_rows: list[dict]) -> None:
    """Replace the tolerances and pack sizes (what ``adv reconcile config load`` does)."""
    session.query(ReconciliationTolerance).delete()
    session.query(ReconciliationPackSize).delete()
    for row in tolerance_rows:
        session.add(ReconciliationTolerance(
            party=party_key(str(row["party"])), note=row.get("note"),
            **{name: _decimal(row.get(name)) for name in ("quantity_abs", "quantity_pct", "price_abs", "price_pct")}))
    for row in pack_rows:
        session.add(ReconciliationPackSize(item=str(row["item"]), unit=str(row["unit"]).upper(),
                                           contains=_decimal(row["contains"]),
                                           base_unit=str(row.get("base_unit", "C62")).upper()))


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))
