"""The matching engine: order, delivery and invoice lines in, one result row per line triple out. Pure and
set-based (polars); no database, no loop over lines.

1. Quantities and prices go to base units (pack sizes), so cartons compare with pieces.
2. Delivery lines, then invoice lines, are tied to order lines (``anchor``): references, then item + window.
3. The common case settles without allocation (``clean_pairs``): an order line with one delivery line and one
   invoice line for the same quantity in the same unit, or with partial deliveries each billed by an invoice
   naming its note; found by counting lines per order line, by position, rather than by joins.
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
from pipeline.reconcile.anchor import Window, anchor, order_side, propose
from pipeline.reconcile.clean_pairs import settle
from pipeline.reconcile.frames import (BY_DATE, BY_NOTE, DECIMAL, PAIRING, RESULTS, conform, packs_frame,
                                      tolerances_frame)
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
    side = order_side(orders)
    # One chunk per column: lines read in several pieces (Parquet row groups, database batches) would otherwise
    # be made contiguous again by every gather by position that follows, column by column.
    d_core, i_core = anchor(deliveries.select(CORE).rechunk(), invoices.select(CORE).rechunk(), side, settings.window)
    d_core, i_core = _groups(d_core, i_core)

    settled = settle(d_core, i_core, side.height)
    d_rest, i_rest = d_core.filter(settled.d_rest), i_core.filter(settled.i_rest)
    rows = pl.concat([
        _allocate_rest(d_rest, i_rest, deliveries, invoices),
        price_rows(i_core),
        order_rows(side, d_core, i_core),
    ], how="diagonal_relaxed")
    # Lazily, so that polars fuses the column work of these steps into few passes over the rows; in memory, since
    # polars 2.1's streaming engine panics on some of these string expressions (tests/test_reconcile_engine.py).
    tolerances = tolerances_frame() if tolerances is None else tolerances
    rows = (rows.lazy().pipe(resolve).pipe(with_tolerances, tolerances, settings.default_tolerance)
            .pipe(classify).pipe(conform, RESULTS).collect(engine="in-memory"))
    rows = pl.concat([clean_rows(d_core, i_core, settled.d_rows, settled.i_rows, settled.by_note), rows])
    if settings.proposals:
        rows = _with_proposals(rows, d_core, i_core, deliveries, invoices, orders, settings)
    return describe(rows, orders, deliveries, invoices).select(list(RESULTS)) if described else rows


def _prepare(lines: pl.DataFrame, packs: pl.DataFrame) -> pl.DataFrame:
    # A missing party is party 0, so that two documents that both lack it can still meet on their references.
    lines = lines.with_columns(pl.col("seller_id").fill_null(0), pl.col("buyer_id").fill_null(0),
                               pl.col("reverse").fill_null(False))
    return to_base_units(lines, packs)


def _groups(deliveries: pl.DataFrame, invoices: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``group``: the order line; for lines tied to none, a negative id per seller + buyer + item."""
    keys = ["seller_id", "buyer_id", "item"]
    # The few untied lines are picked by position: filtering a million rows to find none still costs.
    untied = [frame[frame["o_id"].is_null().arg_true()].select(keys) for frame in (deliveries, invoices)]
    loose = pl.concat(untied).filter(pl.col("item").is_not_null()).unique().sort(keys)
    loose = loose.with_row_index("group").with_columns(-pl.col("group").cast(pl.Int64) - 1)

    def grouped(frame: pl.DataFrame, untied: pl.DataFrame) -> pl.DataFrame:
        group = frame["o_id"].alias("group")
        if untied.height:  # their negative group is written in place
            rows = group.is_null().arg_true()
            group = group.scatter(rows, untied.join(loose, on=keys, how="left", maintain_order="left")["group"])
        return frame.with_columns(group)

    return grouped(deliveries, untied[0]), grouped(invoices, untied[1])


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
