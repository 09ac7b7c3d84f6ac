"""The frames the matching engine works on: one schema for order, delivery and invoice lines, and its result.

Quantities and money are ``Decimal(38, 6)`` columns: exact like the database's NUMERIC(18, 6), and polars
adds, multiplies and sums them natively (i128 underneath), so there is no float anywhere and no scaling
convention to get wrong. Party and line ids are the database ids (``Int64``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from schemas.reconciliation import Outcome

DECIMAL = pl.Decimal(38, 6)

# One line of an order, a delivery note (or return note) or an invoice (or credit note).
LINES: dict[str, pl.DataType] = {
    "line_id": pl.Int64,
    "doc_id": pl.Int64,
    "doc_no": pl.Utf8,
    "line_no": pl.Int64,
    "seller_id": pl.Int64,
    "buyer_id": pl.Int64,
    "doc_date": pl.Date,
    "gtin": pl.Utf8,
    "seller_item_id": pl.Utf8,
    "buyer_item_id": pl.Utf8,
    "description": pl.Utf8,
    "quantity": DECIMAL,
    "unit": pl.Utf8,
    "unit_price": DECIMAL,
    "ref_order": pl.Utf8,  # the order the line says it belongs to (line RFF+ON, else the header's)
    "ref_line": pl.Int64,  # the order line it says it belongs to
    "ref_note": pl.Utf8,  # invoices: the delivery note the header names (RFF+DQ); returns: the note returned
    "reverse": pl.Boolean,  # a return note or a credit note: goods or money going back
}

# Pack sizes: one ``unit`` of ``item`` (GTIN or seller item id) holds ``contains`` of ``base_unit``.
PACKS: dict[str, pl.DataType] = {"item": pl.Utf8, "unit": pl.Utf8, "contains": DECIMAL, "base_unit": pl.Utf8}

# Tolerances per party id (customer or supplier); see schemas.reconciliation.Tolerance.
TOLERANCES: dict[str, pl.DataType] = {
    "party_id": pl.Int64, "quantity_abs": DECIMAL, "quantity_pct": DECIMAL, "price_abs": DECIMAL, "price_pct": DECIMAL,
}

CHECK = pl.Enum(["quantity", "price", "order"])
OUTCOME = pl.Enum([outcome.value for outcome in Outcome])
METHOD = pl.Enum(["order line reference", "order reference + item", "delivery note reference + item",
                  "item in date window"])
BY_NOTE, BY_DATE = "delivery note reference", "date order"  # how an invoice line was set against a delivery line
PAIRING = pl.Enum([BY_NOTE, BY_DATE])

# Columns ``describe`` adds for people (numbers, item, description); the engine itself needs only ids.
LABELS = ("order_no", "order_line_no", "delivery_note_no", "delivery_line_no", "invoice_no", "invoice_line_no", "item",
          "description")

# One result: a line triple (any part may be missing) and how it compares.
RESULTS: dict[str, pl.DataType] = {
    "check": CHECK,  # quantity | price | order
    "outcome": OUTCOME,
    "order_line_id": pl.Int64,
    "delivery_line_id": pl.Int64,
    "invoice_line_id": pl.Int64,
    "seller_id": pl.Int64,
    "buyer_id": pl.Int64,
    "order_no": pl.Utf8,
    "order_line_no": pl.Int64,
    "delivery_note_no": pl.Utf8,
    "delivery_line_no": pl.Int64,
    "invoice_no": pl.Utf8,
    "invoice_line_no": pl.Int64,
    "reverse": pl.Boolean,  # a return / credit note triple (quantities shown negative)
    "item": pl.Utf8,
    "description": pl.Utf8,
    "unit": pl.Utf8,  # the base unit every quantity of the row is in
    "qty_ordered": DECIMAL,
    "qty_delivered": DECIMAL,
    "qty_invoiced": DECIMAL,
    "qty_difference": DECIMAL,  # invoiced - delivered
    "price_ordered": DECIMAL,  # per base unit
    "price_invoiced": DECIMAL,
    "amount_at_stake": DECIMAL,  # + the invoice bills more than is due, - less (see docs/reconciliation.md)
    "delivery_method": METHOD,  # how the delivery line was tied to its order line
    "invoice_method": METHOD,
    "pairing": PAIRING,  # how the invoice line was set against the delivery line
    "note": pl.Utf8,  # what else a person should know (netted by a credit note, within tolerance, ...)
    "proposal": pl.Utf8,  # a fuzzy guess for a line nothing identified; never applied
    "scope_date": pl.Date,  # the latest date of the documents involved (what --since filters on)
}


def lines_frame(rows: Iterable[Mapping[str, Any]] = ()) -> pl.DataFrame:
    """A LINES frame from dicts (missing keys are null)."""
    rows = [{name: row.get(name) for name in LINES} for row in rows]
    return pl.DataFrame(rows, schema=LINES, orient="row") if rows else pl.DataFrame(schema=LINES)


def packs_frame(rows: Iterable[Mapping[str, Any]] = ()) -> pl.DataFrame:
    rows = [{name: row.get(name) for name in PACKS} for row in rows]
    return pl.DataFrame(rows, schema=PACKS, orient="row") if rows else pl.DataFrame(schema=PACKS)


def tolerances_frame(rows: Iterable[Mapping[str, Any]] = ()) -> pl.DataFrame:
    rows = [{name: row.get(name) for name in TOLERANCES} for row in rows]
    return pl.DataFrame(rows, schema=TOLERANCES, orient="row") if rows else pl.DataFrame(schema=TOLERANCES)


def conform(frame: pl.DataFrame | pl.LazyFrame, schema: Mapping[str, pl.DataType]):
    """``frame`` with exactly ``schema``'s columns, in order and cast (missing ones null)."""
    present = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    return frame.select([
        (pl.col(name) if name in present else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    ])


def conform_expressions(columns: Mapping[str, pl.Expr], schema: Mapping[str, pl.DataType] = RESULTS) -> list[pl.Expr]:
    """One expression per column of ``schema``, in order and cast: ``columns``' where given, else null."""
    return [columns.get(name, pl.lit(None)).cast(dtype).alias(name) for name, dtype in schema.items()]


def decimal_text(expr: pl.Expr) -> pl.Expr:
    """A decimal column as text for a sentence, without trailing zeros (``2.500000`` -> ``2.5``)."""
    return expr.cast(pl.Utf8).str.replace(r"(\.\d*?)0+$", "${1}").str.replace(r"\.$", "")
