"""Tie delivery and invoice lines to the order lines they fulfil or bill: explicit references first, then the
item within the same seller and buyer and a date window; a fuzzy guess on the description is only proposed.

Each rung of the ladder is one join over the lines still unanchored, and keeps one candidate per line
(the ranking says which), so the whole ladder is a handful of set operations whatever the volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz, process

from pipeline.reconcile.frames import METHOD

BY_LINE_REF = "order line reference"
BY_ORDER_AND_ITEM = "order reference + item"
BY_NOTE_AND_ITEM = "delivery note reference + item"
BY_ITEM_IN_WINDOW = "item in date window"
ITEM_KEYS = (("gtin", "o_gtin"), ("seller_item_id", "o_seller_item"), ("buyer_item_id", "o_buyer_item"))
PARTIES = ["seller_id", "buyer_id"]


@dataclass(frozen=True)
class Window:
    """Lines are tied by item to orders issued at most ``days`` before them (and not after them)."""

    days: int = 90


# What every anchored line carries of its order line, so that no later step has to join the orders again.
ORDER_ATTRIBUTES = ["o_id", "o_row", "o_date", "o_qty", "o_price", "o_unit"]  # o_row: position in ``side``
LINE_KEYS, ORDER_KEYS = [*PARTIES, "ref_order", "ref_line"], [*PARTIES, "order_no", "order_line_no"]


def order_key_hash() -> pl.Expr:
    """One 64-bit hash of an order line's keys (seller, buyer, number, line): a cheap single-column join key."""
    return pl.struct(ORDER_KEYS).hash().alias("hash")


def order_side(orders: pl.DataFrame) -> pl.DataFrame:
    """The order lines other lines are tied to: the columns candidates are matched and ranked on (party ids keep
    their names), the key ``hash``, one line per key (``latest_versions``) and ``o_row``, the line's position.

    The key hash is computed here once, for the duplicate check and for both anchorings."""
    side = orders.select(
        pl.col("line_id").alias("o_id"), pl.col("doc_no").alias("order_no"), pl.col("line_no").alias("order_line_no"),
        *PARTIES, pl.col("doc_date").alias("o_date"), pl.col("gtin").alias("o_gtin"),
        pl.col("seller_item_id").alias("o_seller_item"), pl.col("buyer_item_id").alias("o_buyer_item"),
        pl.col("qty").alias("o_qty"), pl.col("price").alias("o_price"), pl.col("base_unit").alias("o_unit"),
    ).with_columns(order_key_hash())
    # n_unique is a fraction of is_duplicated's cost; equal hashes of different keys (rare) make latest_versions
    # run for nothing, never give a wrong answer.
    if side["hash"].n_unique() < side.height:
        side = latest_versions(side)
    return side.with_row_index("o_row").with_columns(pl.col("o_row").cast(pl.Int64)).rechunk()  # see engine


def latest_versions(side: pl.DataFrame) -> pl.DataFrame:
    """One line per (seller, buyer, order number, line number) of ``order_side``: an order sent again under the
    same number replaces the earlier one (the higher line id is the later load)."""
    return side.sort("o_id").unique([*PARTIES, "order_no", "order_line_no"], keep="last", maintain_order=True)


class _Ladder:
    """The lines still unanchored, and what the rungs so far found."""

    def __init__(self, lines: pl.DataFrame) -> None:
        self.rest = lines.select("line_id", *PARTIES, "doc_date", "ref_order", "ref_line", "ref_note", "gtin",
                                 "seller_item_id", "buyer_item_id", "qty")
        self.found: list[pl.DataFrame] = []

    def take(self, candidates: pl.DataFrame, method: str, rank: list[pl.Expr]) -> None:
        """Keep the best-ranked candidate of each line; those lines leave the ladder."""
        if not candidates.height:
            return
        best = (candidates.sort(["line_id", *rank]) if rank else candidates).unique("line_id", keep="first")
        self.found.append(best.select("line_id", "o_row", pl.lit(method, METHOD).alias("anchor_method")))
        self.rest = self.rest.join(best.select("line_id"), on="line_id", how="anti")

    def result(self) -> pl.DataFrame:
        empty = pl.DataFrame(schema={"line_id": pl.Int64, "o_row": pl.Int64, "anchor_method": METHOD})
        return pl.concat([empty, *self.found]) if self.found else empty


def anchor(deliveries: pl.DataFrame, invoices: pl.DataFrame, side: pl.DataFrame,
           window: Window = Window()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Delivery and invoice lines, each with ``ORDER_ATTRIBUTES`` of the order line it belongs to (null when
    none) and ``anchor_method``. ``side`` is ``order_side(orders)``.

    Invoices climb the ladder after deliveries: an invoice naming its delivery note reaches the order through
    the note's lines. (Looking both kinds up in one join, one hash table of the order keys, measured no faster.)
    """
    delivered = _climb_rest(deliveries, _by_line_reference(deliveries, side), side, window, None)
    return delivered, _climb_rest(invoices, _by_line_reference(invoices, side), side, window, delivered)


def _by_line_reference(lines: pl.DataFrame, side: pl.DataFrame) -> pl.DataFrame:
    """Rung 1, the order line the line names (RFF+ON with a line number), a GTIN on both sides agreeing:
    ``ORDER_ATTRIBUTES`` and ``anchor_method`` per line of ``lines`` (``LINE_KEYS`` and ``gtin``), in order."""
    # One left join of the keys' 64-bit hash alone (less work than a four-column join, and only the order side's
    # columns to lay out), in the lines' order, then the keys themselves are compared.
    orders = side.select(*[pl.col(k).alias(f"_{k}") for k in ORDER_KEYS], *ORDER_ATTRIBUTES, "o_gtin", "hash")
    found = lines.select(pl.struct(LINE_KEYS).hash().alias("hash")).join(orders, on="hash", how="left",
                                                                         maintain_order="left")
    if found.height != lines.height:  # two order keys hash alike: join by the columns, one order line per line
        found = lines.select(*LINE_KEYS, pl.int_range(pl.len()).alias("_line")).join(
            orders, left_on=LINE_KEYS, right_on=[f"_{k}" for k in ORDER_KEYS], how="left", maintain_order="left",
            coalesce=False).unique("_line", keep="last", maintain_order=True).drop(*LINE_KEYS, "_line")
    found = lines.hstack(found.drop("hash"))
    same = pl.all_horizontal([pl.col(a) == pl.col(f"_{b}") for a, b in zip(LINE_KEYS, ORDER_KEYS)])
    gtin = pl.col("gtin").is_null() | pl.col("o_gtin").is_null() | (pl.col("gtin") == pl.col("o_gtin"))
    named = found.select((same & pl.col("o_id").is_not_null() & gtin).fill_null(False)).to_series()  # once
    return found.select(*[pl.when(named).then(pl.col(name)).alias(name) for name in ORDER_ATTRIBUTES],
                        pl.when(named).then(pl.lit(BY_LINE_REF, METHOD)).alias("anchor_method"))


def _climb_rest(lines: pl.DataFrame, named: pl.DataFrame, side: pl.DataFrame, window: Window,
                notes: pl.DataFrame | None) -> pl.DataFrame:
    """``lines`` with what rung 1 found (``named``), and rungs 2 to 4 for the lines it left."""
    rows = named["anchor_method"].is_null().arg_true()
    if len(rows):
        # The few lines the first rung left climb the rest of the ladder; what they find is written in place.
        rest = lines[rows]
        climbed = rest.select("line_id").join(_climb(rest, side, window, notes), on="line_id", how="left",
                                              maintain_order="left")
        # Rows of ``side`` by position (a gather), not by a join on the order line id.
        climbed = side.select(pl.col(ORDER_ATTRIBUTES).gather(climbed["o_row"])).with_columns(climbed["anchor_method"])
        named = named.with_columns(named[name].scatter(rows, climbed[name]) for name in named.columns)
    return lines.hstack(named)


def _climb(rest: pl.DataFrame, side: pl.DataFrame, window: Window, notes: pl.DataFrame | None) -> pl.DataFrame:
    """Rungs 2 to 4 of the ladder for the lines rung 1 left: ``line_id, o_row, anchor_method``."""
    ladder = _Ladder(rest)
    # Only what the joins and rankings need: joins copy every column of both sides.
    ranked = ["o_id", "o_row", "order_line_no", "o_date", "o_qty"]
    same_quantity_first = (pl.col("qty") != pl.col("o_qty")).fill_null(True)

    # 2. The order it names, and the same item in it.
    for key, order_key in ITEM_KEYS:
        named = ladder.rest.filter(pl.col("ref_order").is_not_null() & pl.col(key).is_not_null())
        if named.height:
            candidates = named.join(side.select(*PARTIES, "order_no", order_key, *ranked),
                                    left_on=[*PARTIES, "ref_order", key], right_on=[*PARTIES, "order_no", order_key])
            ladder.take(candidates, BY_ORDER_AND_ITEM, [same_quantity_first, pl.col("order_line_no"), pl.col("o_id")])

    # 3. Invoices: the delivery note the header names, and the same item on it.
    if notes is not None:
        for key, _ in ITEM_KEYS:
            named = ladder.rest.filter(pl.col("ref_note").is_not_null() & pl.col(key).is_not_null())
            if named.height:
                noted = notes.select(*PARTIES, pl.col("doc_no").alias("note_no"), key, "o_id", "o_row",
                                     pl.col("qty").alias("o_qty")).filter(
                    pl.col("note_no").is_in(named["ref_note"].implode()) & pl.col("o_id").is_not_null()
                    & pl.col(key).is_not_null())
                candidates = named.join(noted, left_on=[*PARTIES, "ref_note", key], right_on=[*PARTIES, "note_no", key])
                ladder.take(candidates, BY_NOTE_AND_ITEM, [same_quantity_first, pl.col("o_id")])

    # 4. The same item ordered by the same buyer from the same seller within the window: the latest such order.
    in_window = pl.col("o_date").is_between(pl.col("doc_date") - pl.duration(days=window.days), pl.col("doc_date"))
    for key, order_key in ITEM_KEYS:
        named = ladder.rest.filter(pl.col(key).is_not_null())
        if named.height:
            # Null keys never meet in a polars join: no need to filter the order lines without this key first.
            candidates = named.join(side.select(*PARTIES, order_key, *ranked), left_on=[*PARTIES, key],
                                    right_on=[*PARTIES, order_key]).filter(in_window)
            ladder.take(candidates, BY_ITEM_IN_WINDOW, [-pl.col("o_date").cast(pl.Int32), same_quantity_first,
                                                        pl.col("order_line_no"), pl.col("o_id")])
    return ladder.result()


def propose(loose: pl.DataFrame, orders: pl.DataFrame, window: Window = Window(), threshold: int = 80) -> pl.DataFrame:
    """For ``loose`` lines (tied to no order line): the order line of the same parties, in the window, whose
    description is most alike (token-set ratio >= ``threshold``), as ``line_id, proposal``. Never applied.

    Both frames have ``line_id``, the party ids, ``doc_date``, ``description`` and ``qty`` (base units); orders
    also ``doc_no`` and ``line_no``.
    """
    empty = pl.DataFrame(schema={"line_id": pl.Int64, "proposal": pl.Utf8})
    loose = loose.filter(pl.col("description").is_not_null())
    if not loose.height:
        return empty
    side = orders.filter(pl.col("description").is_not_null()).select(
        pl.col("line_id").alias("o_id"), pl.col("doc_no").alias("order_no"), pl.col("line_no").alias("order_line_no"),
        *PARTIES, pl.col("doc_date").alias("o_date"), pl.col("description").alias("o_description"),
        pl.col("qty").alias("o_qty"))
    pairs = loose.select("line_id", *PARTIES, "doc_date", "description", "qty").join(side, on=PARTIES).filter(
        pl.col("o_date").is_between(pl.col("doc_date") - pl.duration(days=window.days), pl.col("doc_date")))
    if not pairs.height:
        return empty
    scores = process.cpdist(pairs["description"].str.to_lowercase().to_list(),
                            pairs["o_description"].str.to_lowercase().to_list(), scorer=fuzz.token_set_ratio)
    pairs = pairs.with_columns(score=pl.Series(scores, dtype=pl.Float64).round(0).cast(pl.Int64),
                               same_qty=(pl.col("qty") == pl.col("o_qty")).fill_null(False))
    best = (pairs.filter(pl.col("score") >= threshold)
            .sort(["line_id", "score", "same_qty", "o_id"], descending=[False, True, True, False])
            .unique("line_id", keep="first"))
    same = pl.when("same_qty").then(pl.lit(", same quantity")).otherwise(pl.lit(""))
    return best.select("line_id", pl.format("order {} line {}? description {}% alike{}", "order_no", "order_line_no",
                                            "score", same).alias("proposal"))
