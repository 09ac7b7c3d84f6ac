"""Set invoiced quantities against delivered ones, first in first out, as one join.

Within a group (an order line, say), each side's lines are stacked in date order into intervals of
cumulated quantity; a left line and a right line share exactly the overlap of their intervals. That gives
the same answer as walking both lists in step, without a Python loop: a sort, a cumulative sum, an
equi-join on the group and a filter. Groups are small (an order line has a few deliveries and invoices),
so the join stays close to the number of lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.reconcile.frames import DECIMAL

ZERO = pl.lit(0, DECIMAL)


@dataclass(frozen=True)
class Allocation:
    pairs: pl.DataFrame  # left_id, right_id, qty (shared quantity, > 0)
    left: pl.DataFrame  # id, rest (quantity left unallocated, >= 0) for every left line given
    right: pl.DataFrame  # id, rest, likewise


def _stack(side: pl.DataFrame, by: list[str], prefix: str) -> pl.DataFrame:
    """Each line's interval [lo, hi) of cumulated quantity within its group, in (date, id) order."""
    # One running total over the lines sorted by group, less the total where the group starts: the same as a
    # cumulative sum per group (``cum_sum().over(by)``), which costs a group-by and is slow on many small groups.
    total = pl.col("qty").cum_sum()
    starts = pl.any_horizontal([pl.col(c) != pl.col(c).shift() for c in by]).fill_null(True)
    before = pl.when(starts).then(total - pl.col("qty")).forward_fill()
    stacked = side.sort([*by, "date", "id"]).with_columns(hi=(total - before).cast(DECIMAL))
    return stacked.select(pl.col("id").alias(f"{prefix}_id"), *by, (pl.col("hi") - pl.col("qty")).alias(f"{prefix}_lo"),
                          pl.col("hi").alias(f"{prefix}_hi"))


def allocate(left: pl.DataFrame, right: pl.DataFrame, by: list[str]) -> Allocation:
    """Allocate ``left`` against ``right`` within groups ``by``. Both have columns ``id``, ``date``, ``qty`` (> 0)
    and the ``by`` columns; lines with a null group key are never allocated."""
    usable = pl.all_horizontal([pl.col(c).is_not_null() for c in by]) & (pl.col("qty") > ZERO)
    lefts, rights = left.filter(usable), right.filter(usable)
    if lefts.height and rights.height:
        stacked = _stack(lefts, by, "l").join(_stack(rights, by, "r"), on=by)
        shared = pl.min_horizontal("l_hi", "r_hi") - pl.max_horizontal("l_lo", "r_lo")
        pairs = stacked.select(pl.col("l_id").alias("left_id"), pl.col("r_id").alias("right_id"),
                               shared.cast(DECIMAL).alias("qty")).filter(pl.col("qty") > ZERO)
    else:
        pairs = pl.DataFrame(schema={"left_id": pl.Int64, "right_id": pl.Int64, "qty": DECIMAL})
    return Allocation(pairs, _rest(left, pairs, "left_id"), _rest(right, pairs, "right_id"))


def _rest(side: pl.DataFrame, pairs: pl.DataFrame, key: str) -> pl.DataFrame:
    used = pairs.group_by(key).agg(pl.col("qty").sum().alias("used"))
    return side.select("id", "qty").join(used, left_on="id", right_on=key, how="left").select(
        "id", (pl.col("qty") - pl.col("used").fill_null(ZERO)).cast(DECIMAL).alias("rest"))
