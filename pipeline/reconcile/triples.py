"""Result rows from the engine's pairs and leftovers, and the outcome of each.

Rows, by ``check``:
- ``quantity``: a delivery line and an invoice line set against each other (what is left of either line goes on
  its first pair), or a delivery line or an invoice line left alone;
- ``price``: an invoice line tied to an order line (kept only when the prices differ beyond tolerance);
- ``order``: an order line nothing was delivered or invoiced against.

Rows carry ids and numbers only; ``describe`` adds document numbers, items and descriptions for people.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipeline.reconcile.frames import (BY_DATE, BY_NOTE, CHECK, DECIMAL, OUTCOME, PAIRING, conform_expressions,
                                      decimal_text)
from pipeline.reconcile.tolerances import within
from schemas.reconciliation import Outcome

ZERO = pl.lit(0, DECIMAL)
ORDER_ATTRIBUTES = ["o_date", "o_qty", "o_price", "o_unit"]
QUANTITY, PRICE, ORDER = (pl.lit(name, CHECK) for name in ("quantity", "price", "order"))


def attributes(frame: pl.DataFrame, p: str, key: str) -> pl.DataFrame:
    """A delivery (``p`` = d) or invoice (i) line's columns for result rows, each prefixed, with its order's."""
    return frame.select(
        pl.col("line_id").alias(key), pl.col("doc_date").alias(f"{p}_date"), pl.col("o_id").alias(f"{p}_o"),
        pl.col("anchor_method").alias(f"{p}_method"), pl.col("base_unit").alias(f"{p}_unit"),
        pl.col("price").alias(f"{p}_price"), pl.col("seller_id").alias(f"{p}_seller"),
        pl.col("buyer_id").alias(f"{p}_buyer"), pl.col("reverse").alias(f"{p}_reverse"),
        pl.col("qty").alias(f"{p}_qty"), pl.col("group").alias(f"{p}_group"),
        pl.col("doc_no" if p == "d" else "ref_note").alias(f"{p}_note_key"),
        *[pl.col(name).alias(f"{p}_{name}") for name in ORDER_ATTRIBUTES],
    )


def clean_rows(deliveries: pl.DataFrame, invoices: pl.DataFrame, d_rows: np.ndarray, i_rows: np.ndarray,
               by_note: np.ndarray) -> pl.DataFrame:
    """Result rows (``frames.RESULTS`` columns, in order, without the labels) of the pairs ``clean_pairs`` settled,
    given as positions in the delivery and invoice frames: same quantity and unit, so matched, nothing to classify.

    Only the columns such a row shows are gathered; the rest of a line's columns serve differences only."""
    d = deliveries.select("line_id", "doc_date", "o_id", "anchor_method", "base_unit", "seller_id", "buyer_id",
                          "reverse", "qty", "o_date", "o_qty", "o_price")[d_rows]
    i = invoices.select(pl.col("line_id").alias("i_id"), pl.col("doc_date").alias("i_date"),
                        pl.col("anchor_method").alias("i_method"), pl.col("price").alias("i_price"),
                        pl.col("qty").alias("i_qty"))[i_rows]
    sign = pl.when(pl.col("reverse")).then(pl.lit(-1, DECIMAL)).otherwise(pl.lit(1, DECIMAL))
    pairing = pl.Series(by_note).replace_strict({True: BY_NOTE, False: BY_DATE}, return_dtype=PAIRING)
    return d.hstack(i).hstack([pairing.alias("pairing")]).select(conform_expressions({
        "check": QUANTITY, "outcome": _outcome(Outcome.MATCHED), "order_line_id": pl.col("o_id"),
        "delivery_line_id": pl.col("line_id"), "invoice_line_id": pl.col("i_id"), "seller_id": pl.col("seller_id"),
        "buyer_id": pl.col("buyer_id"), "reverse": pl.col("reverse"), "unit": pl.col("base_unit"),
        "qty_ordered": pl.col("o_qty"), "qty_delivered": pl.col("qty") * sign, "qty_invoiced": pl.col("i_qty") * sign,
        "qty_difference": ZERO, "price_ordered": pl.col("o_price"), "price_invoiced": pl.col("i_price"),
        "amount_at_stake": ZERO, "delivery_method": pl.col("anchor_method"), "invoice_method": pl.col("i_method"),
        "pairing": pl.col("pairing"), "scope_date": pl.max_horizontal("o_date", "doc_date", "i_date"),
    }))


def paired_rows(deliveries: pl.DataFrame, invoices: pl.DataFrame, pairs: pl.DataFrame, delivery_rest: pl.DataFrame,
                invoice_rest: pl.DataFrame, notes: tuple[pl.DataFrame, pl.DataFrame]) -> pl.DataFrame:
    """Rows of the general path: each pair with what is left of its lines on their first pair, each line alone."""
    d = attributes(deliveries, "d", "delivery_line_id")
    i = attributes(invoices, "i", "invoice_line_id")
    d_rest = delivery_rest.select(pl.col("id").alias("delivery_line_id"), pl.col("rest").alias("d_rest"))
    i_rest = invoice_rest.select(pl.col("id").alias("invoice_line_id"), pl.col("rest").alias("i_rest"))

    paired = (pairs.join(d, on="delivery_line_id").join(i, on="invoice_line_id")
              .join(d_rest, on="delivery_line_id", how="left").join(i_rest, on="invoice_line_id", how="left"))
    # A line's leftover goes on its first pair: the one its delivery note reference made, else the earliest. A
    # document arriving later then adds pairs without moving the difference to another row (and dispute).
    paired = paired.sort(["pairing", "i_date", "invoice_line_id"]).with_columns(
        d_first=pl.col("delivery_line_id").is_first_distinct())
    paired = paired.sort(["pairing", "d_date", "delivery_line_id"]).with_columns(
        i_first=pl.col("invoice_line_id").is_first_distinct())
    paired = paired.with_columns(
        check=QUANTITY, order_line_id=pl.coalesce("d_o", "i_o"),
        delivered=(pl.col("qty") + pl.when("d_first").then(pl.col("d_rest")).otherwise(ZERO)).cast(DECIMAL),
        invoiced=(pl.col("qty") + pl.when("i_first").then(pl.col("i_rest")).otherwise(ZERO)).cast(DECIMAL),
    ).drop("qty", "d_first", "i_first", "d_rest", "i_rest")

    lone_d = (d.join(pairs.select("delivery_line_id"), on="delivery_line_id", how="anti")
              .join(d_rest, on="delivery_line_id", how="left")
              .with_columns(check=QUANTITY, order_line_id=pl.col("d_o"),
                            delivered=pl.col("d_rest").cast(DECIMAL), invoiced=ZERO).drop("d_rest"))
    lone_i = (i.join(pairs.select("invoice_line_id"), on="invoice_line_id", how="anti")
              .join(i_rest, on="invoice_line_id", how="left")
              .with_columns(check=QUANTITY, order_line_id=pl.col("i_o"), delivered=ZERO,
                            invoiced=pl.col("i_rest").cast(DECIMAL)).drop("i_rest"))
    rows = pl.concat([paired, lone_d, lone_i], how="diagonal_relaxed")
    d_notes, i_notes = notes
    return rows.join(d_notes, on="delivery_line_id", how="left").join(i_notes, on="invoice_line_id", how="left")


def netting_notes(netting: dict[str, pl.DataFrame], deliveries: pl.DataFrame,
                  invoices: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What netting did, as a sentence per delivery line (``d_note``) and per invoice line (``i_note``).
    ``deliveries`` and ``invoices`` give the numbers: ``line_id``, ``doc_no``, ``line_no``."""
    involved_i = pl.concat([netting["invoices"]["left_id"], netting["invoices"]["right_id"]]).implode()
    involved_d = pl.concat([netting["deliveries"]["left_id"], netting["deliveries"]["right_id"]]).implode()
    names_i = invoices.filter(pl.col("line_id").is_in(involved_i)).select(
        pl.col("line_id").alias("invoice_line_id"), pl.col("doc_no").alias("i_no"), pl.col("line_no").alias("i_line"))
    names_d = deliveries.filter(pl.col("line_id").is_in(involved_d)).select(
        pl.col("line_id").alias("delivery_line_id"), pl.col("doc_no").alias("d_no"), pl.col("line_no").alias("d_line"))
    credits = (netting["invoices"].join(names_i, left_on="left_id", right_on="invoice_line_id")
               .join(names_i.rename({"i_no": "c_no", "i_line": "c_line"}), left_on="right_id",
                     right_on="invoice_line_id"))
    returns = (netting["deliveries"].join(names_d, left_on="left_id", right_on="delivery_line_id")
               .join(names_d.rename({"d_no": "r_no", "d_line": "r_line"}), left_on="right_id",
                     right_on="delivery_line_id"))
    qty = decimal_text(pl.col("qty"))
    i_notes = pl.concat([
        credits.select(pl.col("left_id").alias("invoice_line_id"),
                       pl.format("{} credited by credit note {} line {}", qty, "c_no", "c_line").alias("text")),
        credits.select(pl.col("right_id").alias("invoice_line_id"),
                       pl.format("corrects over-billing of {} on invoice {} line {}", qty, "i_no", "i_line")
                       .alias("text")),
    ])
    d_notes = pl.concat([
        returns.select(pl.col("left_id").alias("delivery_line_id"),
                       pl.format("{} returned on {} line {}", qty, "r_no", "r_line").alias("text")),
        returns.select(pl.col("right_id").alias("delivery_line_id"),
                       pl.format("takes back {} delivered on {} line {} and not billed", qty, "d_no", "d_line")
                       .alias("text")),
    ])
    fold = pl.col("text").sort().str.join("; ")
    return (d_notes.group_by("delivery_line_id").agg(fold.alias("d_note")),
            i_notes.group_by("invoice_line_id").agg(fold.alias("i_note")))


def price_rows(invoices: pl.DataFrame) -> pl.DataFrame:
    """Invoice lines tied to an order line whose price is not exactly the ordered one (tolerance comes later)."""
    differs = (pl.col("price") != pl.col("o_price")) | (pl.col("base_unit") != pl.col("o_unit"))
    # The mask first, then the rows: filtering the whole frame would copy every column of every line.
    candidates = invoices.filter(invoices.select(pl.col("o_id").is_not_null() & differs.fill_null(False)).to_series())
    return attributes(candidates, "i", "invoice_line_id").with_columns(
        check=PRICE, order_line_id=pl.col("i_o"), invoiced=pl.col("i_qty"))


def order_rows(side: pl.DataFrame, deliveries: pl.DataFrame, invoices: pl.DataFrame) -> pl.DataFrame:
    """Order lines (``side``: see ``anchor.order_side``) that no delivery and no invoice line is tied to."""
    # Order lines are marked by position (o_row), so finding the untouched ones needs no join.
    touched = pl.concat([deliveries["o_row"], invoices["o_row"]]).drop_nulls()
    untouched = side.filter(~pl.repeat(False, side.height, eager=True).scatter(touched, True))
    return untouched.select(pl.col("o_id").alias("order_line_id"), "seller_id", "buyer_id", *ORDER_ATTRIBUTES,
                            check=ORDER, delivered=ZERO, invoiced=ZERO)


def resolve(rows: pl.DataFrame) -> pl.DataFrame:
    """One set of order and party columns per row, whichever side (delivery, invoice, order) brought them."""
    return rows.with_columns(
        *[pl.coalesce(name, f"d_{name}", f"i_{name}").alias(name) for name in ORDER_ATTRIBUTES],
        seller_id=pl.coalesce("seller_id", "d_seller", "i_seller"),
        buyer_id=pl.coalesce("buyer_id", "d_buyer", "i_buyer"),
        reverse=pl.coalesce("i_reverse", "d_reverse", pl.lit(False)),
    )


def needs_tolerance() -> pl.Expr:
    """Rows whose outcome depends on a tolerance: a price that differs, or a pair whose quantities differ."""
    return (pl.col("check") == "price") | (
        pl.col("delivery_line_id").is_not_null() & pl.col("invoice_line_id").is_not_null()
        & (pl.col("delivered") != pl.col("invoiced")))


def _outcome(name: Outcome) -> pl.Expr:
    return pl.lit(name.value, OUTCOME)


def classify(rows: pl.DataFrame) -> pl.DataFrame:
    """Outcome, signed quantities, amount at stake and notes of each row (``resolve``d, tolerances added)."""
    has_d, has_i = pl.col("delivery_line_id").is_not_null(), pl.col("invoice_line_id").is_not_null()
    check = pl.col("check")
    diff = (pl.col("invoiced") - pl.col("delivered")).cast(DECIMAL)
    unit_clash = has_d & has_i & (pl.col("d_unit") != pl.col("i_unit")).fill_null(False)
    quantity_ok = within(diff, pl.col("delivered"), "quantity_abs", "quantity_pct")
    price_diff = (pl.col("i_price") - pl.col("o_price")).cast(DECIMAL)
    price_clash = (pl.col("i_unit") != pl.col("o_unit")).fill_null(False)
    price_ok = within(price_diff, pl.col("o_price"), "price_abs", "price_pct")
    # A price compares only when both sides have one.
    rows = rows.filter((check != "price") | (pl.col("i_price").is_not_null() & pl.col("o_price").is_not_null()
                                             & (price_clash | ~price_ok)))

    outcome = (
        pl.when(check == "order").then(_outcome(Outcome.ORDERED_NOT_DELIVERED))
        .when(check == "price").then(_outcome(Outcome.PRICE_DIFFERENCE))
        .when(has_d & has_i).then(
            pl.when(unit_clash).then(_outcome(Outcome.QUANTITY_DIFFERENCE))
            .when(quantity_ok).then(_outcome(Outcome.MATCHED))
            .otherwise(_outcome(Outcome.QUANTITY_DIFFERENCE)))
        .when(has_d).then(pl.when(pl.col("delivered") == ZERO).then(_outcome(Outcome.MATCHED))
                          .otherwise(_outcome(Outcome.DELIVERED_NOT_INVOICED)))
        .otherwise(pl.when(pl.col("invoiced") == ZERO).then(_outcome(Outcome.MATCHED))
                   .otherwise(_outcome(Outcome.INVOICED_NOT_DELIVERED)))
    )
    rows = rows.with_columns(outcome=outcome)

    sign = pl.when(pl.col("reverse")).then(pl.lit(-1, DECIMAL)).otherwise(pl.lit(1, DECIMAL))
    matched = pl.col("outcome") == Outcome.MATCHED.value
    invoice_price = pl.coalesce("i_price", "o_price")
    due_price = pl.coalesce("o_price", "d_price", "i_price")
    stake = (
        pl.when(matched).then(ZERO)
        .when(check == "order").then(-(pl.col("o_qty") * pl.col("o_price")))
        .when(check == "price").then(price_diff * pl.col("invoiced") * sign)
        .when(has_d & has_i).then(diff * invoice_price * sign)
        .when(has_d).then(-pl.col("delivered") * due_price * sign)
        .otherwise(pl.col("invoiced") * invoice_price * sign)
    )
    is_quantity = check == "quantity"
    tolerated = has_d & has_i & ~unit_clash & (diff != ZERO) & matched & is_quantity
    note = pl.concat_str([
        pl.when(tolerated).then(pl.format("within tolerance (difference {})", decimal_text(diff * sign))),
        pl.when(unit_clash & is_quantity).then(
            pl.format("units differ ({} delivered, {} invoiced) and no pack size converts them", "d_unit", "i_unit")),
        pl.when(price_clash & (check == "price")).then(
            pl.format("units differ ({} ordered, {} invoiced) and no pack size converts them", "o_unit", "i_unit")),
        pl.col("d_note"), pl.col("i_note"),
    ], separator="; ", ignore_nulls=True)
    return rows.with_columns(
        unit=pl.coalesce("i_unit", "d_unit", "o_unit"),
        qty_ordered=pl.col("o_qty"),
        qty_delivered=pl.when(is_quantity).then(pl.col("delivered") * sign),
        qty_invoiced=pl.when(check == "order").then(None).otherwise(pl.col("invoiced") * sign),
        qty_difference=pl.when(is_quantity).then(diff * sign),
        price_ordered=pl.col("o_price"), price_invoiced=pl.col("i_price"),
        amount_at_stake=stake.cast(DECIMAL),
        delivery_method=pl.col("d_method"), invoice_method=pl.col("i_method"),
        note=pl.when(note != "").then(note),
        proposal=pl.lit(None, pl.Utf8),
        scope_date=pl.max_horizontal("o_date", "d_date", "i_date"),
    )


def describe(results: pl.DataFrame, orders: pl.DataFrame, deliveries: pl.DataFrame,
             invoices: pl.DataFrame) -> pl.DataFrame:
    """``results`` with document numbers, line numbers, item and description, for people (``frames.LABELS``)."""
    def names(frame: pl.DataFrame, key: str, number: str, line: str, p: str) -> pl.DataFrame:
        return frame.select(pl.col("line_id").alias(key), pl.col("doc_no").alias(number), pl.col("line_no").alias(line),
                            pl.coalesce("gtin", "seller_item_id", "buyer_item_id").alias(f"{p}_item"),
                            pl.col("description").alias(f"{p}_description"))

    described = (
        results.drop("order_no", "order_line_no", "delivery_note_no", "delivery_line_no", "invoice_no",
                     "invoice_line_no", "item", "description", strict=False)
        .join(names(orders, "order_line_id", "order_no", "order_line_no", "o"), on="order_line_id", how="left")
        .join(names(deliveries, "delivery_line_id", "delivery_note_no", "delivery_line_no", "d"),
              on="delivery_line_id", how="left")
        .join(names(invoices, "invoice_line_id", "invoice_no", "invoice_line_no", "i"), on="invoice_line_id",
              how="left")
    )
    return described.with_columns(item=pl.coalesce("i_item", "d_item", "o_item"),
                                  description=pl.coalesce("o_description", "i_description", "d_description"))
