"""Tolerances per customer (or supplier): which limits apply to a result row, and whether a difference is within.

A party's row applies as a whole: the buyer's if it has one, else the seller's, else the defaults. So a
customer given only a percentage has no absolute price limit, rather than inheriting the default one.
"""

from __future__ import annotations

import polars as pl

from pipeline.reconcile.frames import DECIMAL, TOLERANCES
from schemas.reconciliation import Tolerance

LIMITS = [name for name in TOLERANCES if name != "party_id"]


def with_tolerances(rows: pl.LazyFrame, tolerances: pl.DataFrame, default: Tolerance) -> pl.LazyFrame:
    """``rows`` (with ``buyer_id`` and ``seller_id``) with the applicable ``LIMITS`` columns added."""
    if not tolerances.height:  # everyone on the defaults: no join at all
        return rows.with_columns([pl.lit(getattr(default, c), DECIMAL).alias(c) for c in LIMITS])
    table = tolerances.unique("party_id", keep="last").lazy()
    rows = rows.join(table.select(pl.col("party_id").alias("buyer_id"), pl.lit(True).alias("_by_buyer"),
                                  *[pl.col(c).alias(f"_b_{c}") for c in LIMITS]), on="buyer_id", how="left")
    rows = rows.join(table.select(pl.col("party_id").alias("seller_id"), pl.lit(True).alias("_by_seller"),
                                  *[pl.col(c).alias(f"_s_{c}") for c in LIMITS]), on="seller_id", how="left")
    by_buyer, by_seller = pl.col("_by_buyer").fill_null(False), pl.col("_by_seller").fill_null(False)
    limits = [
        pl.when(by_buyer).then(pl.col(f"_b_{c}")).when(by_seller).then(pl.col(f"_s_{c}"))
        .otherwise(pl.lit(getattr(default, c), DECIMAL)).cast(DECIMAL).alias(c)
        for c in LIMITS
    ]
    return rows.with_columns(limits).select(pl.exclude(r"^_(b|s|by)_.*$"))


def within(difference: pl.Expr, reference: pl.Expr, absolute: str, percent: str) -> pl.Expr:
    """True where ``difference`` is within every limit set (absolute, and percent of ``reference``)."""
    size = difference.abs()
    zero = pl.lit(0, DECIMAL)
    by_abs = pl.col(absolute).is_null() | (size <= pl.col(absolute))
    by_pct = pl.col(percent).is_null() | (size * 100 <= pl.col(percent) * reference.abs())
    none_set = pl.col(absolute).is_null() & pl.col(percent).is_null()
    return (by_abs & by_pct & (~none_set | (size == zero))).fill_null(False)
