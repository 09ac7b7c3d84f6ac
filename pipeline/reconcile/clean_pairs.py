"""The pairs that settle without allocation, found with counts and positions instead of joins.

Almost every order line is delivered and invoiced simply: one delivery line and one invoice line for the same
quantity in the same unit, or a few partial deliveries each billed by an invoice naming its note. For those,
allocation (``allocate``, several sorts and joins) could only pair the lines one to one and call them matched,
so they are settled here, and only the other groups take the general path.

The groups (order lines, or seller + buyer + item for lines tied to none) are numbered densely (``slot``: the
order line's position, the untied groups after them), so that counting lines per group, finding a group's one
invoice line and marking settled groups are array operations by position: no hash join for the common case.

A group settles when
- it has exactly one delivery line and one invoice line, in the same direction (both forward, or a return and a
  credit note), same quantity, same unit, and either the invoice names that delivery note, or the quantity is
  positive (allocation by date would pair them, whole); the pairing says which (a note pair with no positive
  quantity settles here, as it always has; allocation leaves such lines alone);
- or, with several lines a side, every line is in a ``delivery note reference`` pair: an invoice line naming
  the note, the only line of the group on either side that matches the other, same quantity, same unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.reconcile.frames import DECIMAL

NO_GROUP = 0  # the slot of lines in no group (no order line and no item): they never settle here


@dataclass(frozen=True)
class Settled:
    """Settled pairs, as positions in the delivery and invoice frames, and the lines left for the general path."""

    d_rows: np.ndarray
    i_rows: np.ndarray
    by_note: np.ndarray  # bool per pair: paired by the note the invoice names (else by date order)
    d_rest: pl.Series  # bool per delivery line: its group did not settle
    i_rest: pl.Series


def slots(frame: pl.DataFrame, orders: int) -> np.ndarray:
    """Each line's group as a dense index: order lines 1..``orders`` by position (``o_row``), untied groups
    (``group`` -1, -2, ...) after them, ``NO_GROUP`` for lines in none."""
    slot = frame["o_row"] + 1
    untied = slot.is_null().arg_true()
    if len(untied):  # few: written in place, rather than an expression over every line
        slot = slot.scatter(untied, (orders - frame["group"].gather(untied)).fill_null(NO_GROUP))
    return slot.to_numpy()


def settle(deliveries: pl.DataFrame, invoices: pl.DataFrame, orders: int) -> Settled:
    """The settled pairs of ``deliveries`` and ``invoices`` (with ``group``, ``o_row``, ``doc_no``, ``ref_note``,
    ``qty``, ``base_unit``, ``reverse``); ``orders``: how many order lines ``o_row`` counts."""
    d_slot, i_slot = slots(deliveries, orders), slots(invoices, orders)
    size = int(max(d_slot.max(initial=0), i_slot.max(initial=0))) + 1
    d_count, i_count = np.bincount(d_slot, minlength=size), np.bincount(i_slot, minlength=size)
    one_each = (d_count == 1) & (i_count == 1)
    one_each[NO_GROUP] = False

    # One line a side: the invoice line of the group is found by position, then compared.
    invoice_at = np.zeros(size, dtype=np.int64)
    invoice_at[i_slot] = np.arange(len(i_slot))
    d_single = np.flatnonzero(one_each[d_slot])
    i_single = invoice_at[d_slot[d_single]]
    pair = deliveries.select("doc_no", "qty", "base_unit", "reverse")[d_single].hstack(
        invoices.select(pl.col("ref_note"), pl.col("qty").alias("i_qty"), pl.col("base_unit").alias("i_unit"),
                        pl.col("reverse").alias("i_reverse"))[i_single])
    by_note = (pl.col("doc_no") == pl.col("ref_note")).fill_null(False)
    whole = ((pl.col("reverse") == pl.col("i_reverse")) & (pl.col("qty") == pl.col("i_qty"))
             & (pl.col("base_unit") == pl.col("i_unit")) & (by_note | (pl.col("qty") > pl.lit(0, DECIMAL))))
    pair = pair.select(by_note.alias("by_note"), whole.fill_null(False).alias("whole"))
    whole, by_note = pair["whole"].to_numpy(), pair["by_note"].to_numpy()
    settled = np.zeros(size, dtype=bool)
    settled[d_slot[d_single[whole]]] = True

    # Several lines a side: pairs by the note each invoice names, kept only where they cover the whole group.
    d_several = np.flatnonzero(~one_each[d_slot] & (d_slot != NO_GROUP))
    i_several = np.flatnonzero(~one_each[i_slot] & (i_slot != NO_GROUP))
    d_noted, i_noted = _note_pairs(deliveries, invoices, d_slot, i_slot, d_several, i_several)
    settled[d_slot[d_noted]] = True
    d_paired = np.zeros(len(d_slot), dtype=bool)
    d_paired[d_noted] = True
    i_paired = np.zeros(len(i_slot), dtype=bool)
    i_paired[i_noted] = True
    settled[d_slot[d_several[~d_paired[d_several]]]] = False
    settled[i_slot[i_several[~i_paired[i_several]]]] = False
    kept = settled[d_slot[d_noted]]

    return Settled(
        d_rows=np.concatenate([d_single[whole], d_noted[kept]]),
        i_rows=np.concatenate([i_single[whole], i_noted[kept]]),
        by_note=np.concatenate([by_note[whole], np.ones(int(kept.sum()), dtype=bool)]),
        d_rest=pl.Series(~settled[d_slot]), i_rest=pl.Series(~settled[i_slot]),
    )


def _note_pairs(deliveries: pl.DataFrame, invoices: pl.DataFrame, d_slot: np.ndarray, i_slot: np.ndarray,
                d_rows: np.ndarray, i_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Among the lines at ``d_rows`` and ``i_rows``: each invoice line naming a delivery note against that note's
    line of the same group and direction, where each is the other's only such partner, with the same quantity
    and unit. Positions of the pairs' delivery and invoice lines."""
    # One integer key, group and direction together: polars joins a single integer column fastest.
    key = (pl.col("slot") * 2 + pl.col("reverse").cast(pl.Int64)).alias("key")
    d = deliveries.select(pl.col("doc_no").alias("note"), "qty", "base_unit", "reverse")[d_rows].with_columns(
        d_row=pl.Series(d_rows), slot=pl.Series(d_slot[d_rows])).with_columns(key)
    i = invoices.select(pl.col("ref_note").alias("note"), "qty", "base_unit", "reverse")[i_rows].with_columns(
        i_row=pl.Series(i_rows), slot=pl.Series(i_slot[i_rows])).with_columns(key)
    candidates = d.join(i.filter(pl.col("note").is_not_null()), on="key", suffix="_i").filter(
        pl.col("note") == pl.col("note_i"))
    alone = ~pl.col("d_row").is_duplicated() & ~pl.col("i_row").is_duplicated()
    pairs = candidates.filter(alone & (pl.col("qty") == pl.col("qty_i")) & (pl.col("base_unit") == pl.col("base_unit_i")))
    return pairs["d_row"].to_numpy(), pairs["i_row"].to_numpy()
