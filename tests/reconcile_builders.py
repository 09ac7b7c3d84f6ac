"""A small ledger of orders, deliveries and invoices written by hand for the matching engine's tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import polars as pl

from pipeline.reconcile.engine import Settings, reconcile_frames
from pipeline.reconcile.frames import lines_frame, packs_frame, tolerances_frame

SELLER, BUYER, OTHER_BUYER = 1, 2, 3
DAY = date(2026, 11, 2)
GTIN_A, GTIN_B, GTIN_C = "3760000000017", "3760000000024", "3760000000031"


def d(value) -> Decimal:
    return Decimal(str(value))


@dataclass
class Ledger:
    orders: list[dict] = field(default_factory=list)
    deliveries: list[dict] = field(default_factory=list)
    invoices: list[dict] = field(default_factory=list)
    packs: list[dict] = field(default_factory=list)
    tolerances: list[dict] = field(default_factory=list)
    ids: count = field(default_factory=lambda: count(1))

    def _line(self, doc_no: str, line_no: int, day: int, buyer: int, gtin: str | None, qty, unit: str,
              price, **extra) -> dict:
        return {"line_id": next(self.ids), "doc_id": hash(doc_no) % 10_000, "doc_no": doc_no, "line_no": line_no,
                "seller_id": SELLER, "buyer_id": buyer, "doc_date": DAY + timedelta(days=day), "gtin": gtin,
                "quantity": d(qty), "unit": unit, "unit_price": None if price is None else d(price), **extra}

    def order(self, no: str, *lines: tuple, day: int = 0, buyer: int = BUYER, unit: str = "C62") -> None:
        """``lines``: (gtin, quantity, unit price[, description])."""
        for n, (gtin, qty, price, *rest) in enumerate(lines, start=1):
            self.orders.append(self._line(no, n, day, buyer, gtin, qty, unit, price,
                                          description=rest[0] if rest else f"item {gtin}"))

    def delivery(self, no: str, *lines: tuple, day: int = 1, buyer: int = BUYER, unit: str = "C62",
                 returns: str | None = None, order: str | None = None) -> None:
        """``lines``: (order no, order line no, gtin, quantity); a return note when ``returns`` names a note."""
        for n, (ref_order, ref_line, gtin, qty, *rest) in enumerate(lines, start=1):
            self.deliveries.append(self._line(no, n, day, buyer, gtin, qty, rest[0] if rest else unit, None,
                                              ref_order=ref_order or order, ref_line=ref_line, ref_note=returns,
                                              reverse=returns is not None, description=f"item {gtin}"))

    def invoice(self, no: str, *lines: tuple, day: int = 2, buyer: int = BUYER, unit: str = "C62",
                note: str | None = None, order: str | None = None, credit: bool = False) -> None:
        """``lines``: (order no, order line no, gtin, quantity, unit price[, unit[, description]])."""
        for n, (ref_order, ref_line, gtin, qty, price, *rest) in enumerate(lines, start=1):
            self.invoices.append(self._line(no, n, day, buyer, gtin, qty, rest[0] if rest else unit, price,
                                            ref_order=ref_order or order, ref_line=ref_line, ref_note=note,
                                            reverse=credit, description=rest[1] if len(rest) > 1 else f"item {gtin}"))

    def pack(self, item: str, unit: str, contains) -> None:
        self.packs.append({"item": item, "unit": unit, "contains": d(contains), "base_unit": "C62"})

    def tolerance(self, party: int, **limits) -> None:
        self.tolerances.append({"party_id": party, **{k: d(v) for k, v in limits.items()}})

    def run(self, settings: Settings = Settings()) -> pl.DataFrame:
        return reconcile_frames(lines_frame(self.orders), lines_frame(self.deliveries), lines_frame(self.invoices),
                                packs_frame(self.packs), tolerances_frame(self.tolerances), settings)


def outcomes(results: pl.DataFrame) -> set[tuple]:
    """(outcome, order no, order line, note no, note line, invoice no, invoice line) of every row."""
    return {tuple(row) for row in results.select(
        "outcome", "order_no", "order_line_no", "delivery_note_no", "delivery_line_no", "invoice_no",
        "invoice_line_no").iter_rows()}


def row(results: pl.DataFrame, **where) -> dict:
    """The one row matching ``where`` (column=value)."""
    found = results.filter(pl.all_horizontal([pl.col(k) == v for k, v in where.items()]))
    assert found.height == 1, f"{found.height} rows match {where}:\n{results}"
    return found.row(0, named=True)
