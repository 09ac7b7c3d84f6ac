"""The matching engine: order, delivery and invoice lines in, one result row per line triple out. Pure and
set-based (polars); no database, no loop over lines.

1. Quantities and prices go to base units (pack sizes), so cartons compare with pieces.
2. Delivery lines, then invoice lines, are tied to order lines (``anchor``): references, then item + window.
3. The common case is settled in one join: an invoice line naming its delivery note, alone against the one
   delivery line of the same order line on that note, for the same quantity in the same unit (``_clean_pairs``).
4. Every other order line (or, for lines tied to no order, seller + buyer + item) goes the general way
   (``_allocate_rest``): invoiced quantities are set against delivered ones, invoices naming their delivery note
   first, then first in first out by date; returns (delivery notes naming the note they take back) against
   credit notes the same way, in their own stream; what is left is netted: a credit note without a return
   corrects over-billing, a return without a credit note takes back goods that were not billed.
5. Each pair of lines, each line left alone, each price that differs and each order line nothing touched becomes
   a row with its outcome (``triples``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipeline.reconcile.allocate import allocate
from pipeline.reconcile.anchor import Window, anchor, latest_versions, order_key_hash, order_side, propose
from pipeline.reconcile.frames import DECIMAL, PAIRING, RESULTS, conform, packs_frame, tolerances_frame
from pipeline.reconcile.tolerances import with_tolerances
from pipeline.reconcile.triples import (
    attributes,
    classify,
    clean_rows,
    describe,
    netting_notes,
    order_rows,
    paired_rows,
    price_rows,
    resolve,
)
from pipeline.reconcile.units import to_base_units
from schemas.reconciliation import Tolerance

BY_NOTE = "delivery note reference"
BY_DATE = "date order"


@dataclass(frozen=True)
class Settings:
    """What the engine can be told: default tolerance, the item date window, and fuzzy proposals on or off."""

    default_tolerance: Tolerance = field(default_factory=Tolerance)
    window: Window = field(default_factory=Window)
    proposals: bool = True
    proposal_threshold: int = 80


CORE = ["line_id", "seller_id", "buyer_id", "doc_date", "doc_no", "ref_order", "ref_line", "ref_note", "gtin",
        "seller_item_id", "buyer_item_id", "item", "qty", "price", "base_unit", "reverse"]


def reconcile_frames(orders: pl.DataFrame, deliveries: pl.DataFrame, invoices: pl.DataFrame,
                     packs: pl.DataFrame | None = None, tolerances: pl.DataFrame | None = None,
                     settings: Settings = Settings(), described: bool = True) -> pl.DataFrame:
    """The result rows (``frames.RESULTS``) for these lines (``frames.LINES`` each). With ``described`` False the
    label columns (document numbers, item, description) stay null: ``triples.describe`` adds them."""
    packs = packs_frame() if packs is None else packs
    orders, deliveries, invoices = (_prepare(frame, packs) for frame in (orders, deliveries, invoices))
    # Matching needs ids, keys and numbers only; descriptions and the like stay out of the big joins.
    side = order_side(orders).with_row_index("o_row").with_columns(pl.col("o_row").cast(pl.Int64))
    if side.select(order_key_hash()).to_series().is_duplicated().any():
        side = latest_versions(side).drop("o_row").with_row_index("o_row").with_columns(pl.col("o_row").cast(pl.Int64))
    d_core = anchor(deliveries.select(CORE), side, settings.window)
    i_core = anchor(invoices.select(CORE), side, settings.window, notes=d_core)
    d_core, i_core = _groups(d_core, i_core)

    clean, d_rest, i_rest = _clean_pairs(d_core, i_core)
    rows = pl.concat([
        _allocate_rest(d_rest, i_rest, deliveries, invoices),
        price_rows(i_core),
        order_rows(side, d_core, i_core),
    ], how="diagonal_relaxed")
    # Lazily, so that polars fuses the column work of these steps into few passes over the rows.
    tolerances = tolerances_frame() if tolerances is None else tolerances
    rows = (rows.lazy().pipe(resolve).pipe(with_tolerances, tolerances, settings.default_tolerance)
            .pipe(classify).pipe(conform, RESULTS).collect())
    rows = pl.concat([conform(clean_rows(clean, BY_NOTE), RESULTS), rows])
    if settings.proposals:
        rows = _with_proposals(rows, d_rest, i_rest, deliveries, invoices, orders, settings)
    return describe(rows, orders, deliveries, invoices).select(list(RESULTS)) if described else rows


def _prepare(lines: pl.DataFrame, packs: pl.DataFrame) -> pl.DataFrame:
    # A missing party is party 0, so that two documents that both lack it can still meet on their references.
    lines = lines.with_columns(pl.col("seller_id").fill_null(0), pl.col("buyer_id").fill_null(0),
                               pl.col("reverse").fill_null(False))
    return to_base_units(lines, packs)


def _groups(deliveries: pl.DataFrame, invoices: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``group``: the order line; for lines tied to none, a negative id per seller + buyer + item."""
    keys = ["seller_id", "buyer_id", "item"]
    loose = pl.concat([frame.filter(pl.col("o_id").is_null() & pl.col("item").is_not_null()).select(keys)
                       for frame in (deliveries, invoices)]).unique().sort(keys)
    loose = loose.with_row_index("group").with_columns(-pl.col("group").cast(pl.Int64) - 1)

    def grouped(frame: pl.DataFrame) -> pl.DataFrame:
        group = frame["o_id"].alias("group")
        rows = group.is_null().arg_true()
        if len(rows):  # the few untied lines get their negative group written in place
            untied = frame[rows].select(keys).join(loose, on=keys, how="left", maintain_order="left")
            group = group.scatter(rows, untied["group"])
        return frame.with_columns(group)

    return grouped(deliveries), grouped(invoices)


def _clean_pairs(deliveries: pl.DataFrame, invoices: pl.DataFrame):
    """The pairs that settle in one join, and the delivery and invoice lines of every other group.

    Clean: an invoice line naming its delivery note, and that note's one line for the same order line, each the
    only partner of the other, same quantity, same unit, and nothing else in their group. Every join here is on
    integers (the note number is compared, not hashed) and the lines' columns are gathered by position.
    """
    # One integer key, group and direction together: polars joins a single integer column fastest.
    key = (pl.col("group") * 2 + pl.col("reverse").cast(pl.Int64)).alias("key")
    d = deliveries.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("d_row"), key, "group",
                          pl.col("doc_no").alias("d_note"), pl.col("qty").alias("d_qty"),
                          pl.col("base_unit").alias("d_unit"))
    i = invoices.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("i_row"), key,
                        pl.col("ref_note").alias("i_note"), pl.col("qty").alias("i_qty"),
                        pl.col("base_unit").alias("i_unit"))
    candidates = d.filter(pl.col("key").is_not_null()).join(
        i.filter(pl.col("i_note").is_not_null() & pl.col("key").is_not_null()), on="key")
    candidates = candidates.filter(pl.col("d_note") == pl.col("i_note"))
    alone = ~pl.col("d_row").is_duplicated() & ~pl.col("i_row").is_duplicated()
    pairs = candidates.filter(alone & (pl.col("d_qty") == pl.col("i_qty")) & (pl.col("d_unit") == pl.col("i_unit")))
    # Any line not in such a pair puts its whole group on the general path, with the pairs already found in it.
    d_paired = pl.repeat(False, d.height, eager=True).scatter(pairs["d_row"], True)
    i_paired = pl.repeat(False, i.height, eager=True).scatter(pairs["i_row"], True)
    unsettled = pl.concat([deliveries.select("group").filter(~d_paired), invoices.select("group").filter(~i_paired)]
                          ).drop_nulls().unique()["group"].implode()
    pairs = pairs.filter(~pl.col("group").is_in(unsettled))
    # Only what a matched row shows is gathered: the rest of a line's columns serve differences only.
    d_columns = ["delivery_line_id", "d_date", "d_o", "d_method", "d_unit", "d_seller", "d_buyer", "d_reverse",
                 "d_qty", "d_o_date", "d_o_qty", "d_o_price", "d_o_unit"]
    i_columns = ["invoice_line_id", "i_date", "i_o", "i_method", "i_unit", "i_price", "i_qty"]
    clean = pl.concat([attributes(deliveries, "d", "delivery_line_id").select(d_columns)[pairs["d_row"]],
                       attributes(invoices, "i", "invoice_line_id").select(i_columns)[pairs["i_row"]]],
                      how="horizontal")
    rest = pl.col("group").is_in(unsettled) | pl.col("group").is_null()
    return clean, deliveries.filter(rest), invoices.filter(rest)


def _side(frame: pl.DataFrame, note: str | None = None) -> pl.DataFrame:
    columns = [pl.col("line_id").alias("id"), pl.col("doc_date").alias("date"), "qty", "reverse", "group"]
    if note:
        columns.append(pl.col(note).alias("note"))
    return frame.select(columns)


def _allocate_rest(deliveries: pl.DataFrame, invoices: pl.DataFrame, delivery_names: pl.DataFrame,
                   invoice_names: pl.DataFrame) -> pl.DataFrame:
    """Rows for the groups the clean join did not settle: pairs with what is left of each line, lines alone.
    ``*_names``: the input lines, for the numbers netting notes quote."""
    # Invoices that name their delivery note are set against that note first.
    explicit = allocate(_side(deliveries, "doc_no"), _side(invoices.filter(pl.col("ref_note").is_not_null()),
                                                           "ref_note"), ["reverse", "group", "note"])
    d_left = _rested(_side(deliveries), explicit.left)
    i_left = _rested(_side(invoices), explicit.right)
    by_date = allocate(d_left, i_left, ["reverse", "group"])
    pairs = pl.concat([explicit.pairs.with_columns(pairing=pl.lit(BY_NOTE, PAIRING)),
                       by_date.pairs.with_columns(pairing=pl.lit(BY_DATE, PAIRING))])
    pairs = pairs.rename({"left_id": "delivery_line_id", "right_id": "invoice_line_id"})

    # Netting within the order line: credit notes against over-billing, returns against goods not billed.
    d_rest = _rested(d_left, by_date.left)
    i_rest = _rested(i_left, by_date.right)
    credits = allocate(i_rest.filter(~pl.col("reverse")), i_rest.filter(pl.col("reverse")), ["group"])
    returns = allocate(d_rest.filter(~pl.col("reverse")), d_rest.filter(pl.col("reverse")), ["group"])
    netting = {"invoices": credits.pairs, "deliveries": returns.pairs}
    notes = netting_notes(netting, delivery_names, invoice_names)
    return paired_rows(deliveries, invoices, pairs, pl.concat([returns.left, returns.right]),
                       pl.concat([credits.left, credits.right]), notes)


def _rested(side: pl.DataFrame, rest: pl.DataFrame) -> pl.DataFrame:
    """``side`` with ``qty`` replaced by what an allocation left of it (lines it did not see keep theirs)."""
    return side.join(rest, on="id", how="left").with_columns(
        qty=pl.coalesce("rest", "qty").cast(DECIMAL)).drop("rest")


def _with_proposals(rows: pl.DataFrame, deliveries: pl.DataFrame, invoices: pl.DataFrame,
                    delivery_lines: pl.DataFrame, invoice_lines: pl.DataFrame, orders: pl.DataFrame,
                    settings: Settings) -> pl.DataFrame:
    """Rows of lines no order line was found for get the fuzzy guess of their delivery or invoice line."""
    window, threshold = settings.window, settings.proposal_threshold

    def guesses(core: pl.DataFrame, lines: pl.DataFrame, key: str, name: str) -> pl.DataFrame:
        loose = lines.join(core.filter(pl.col("o_id").is_null()).select("line_id"), on="line_id", how="semi")
        return propose(loose, orders, window, threshold).rename({"line_id": key, "proposal": name})

    d_guess = guesses(deliveries, delivery_lines, "delivery_line_id", "_d")
    i_guess = guesses(invoices, invoice_lines, "invoice_line_id", "_i")
    if not (d_guess.height or i_guess.height):
        return rows
    rows = rows.join(d_guess, on="delivery_line_id", how="left").join(i_guess, on="invoice_line_id", how="left")
    guess = pl.concat_str([pl.format("delivery line: {}", "_d"), pl.format("invoice line: {}", "_i")],
                          separator="; ", ignore_nulls=True)
    return rows.with_columns(proposal=pl.when(pl.col("order_line_id").is_null() & (guess != "")).then(guess)
                             ).drop("_d", "_i")
