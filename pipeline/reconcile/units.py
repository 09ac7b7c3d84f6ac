"""Quantities and prices in base units, so that a carton of 12 compares with 12 pieces.

Every unit that means "one piece" becomes ``C62``; a pack unit (carton, case, ...) becomes its base unit
through the pack sizes of the item; a unit with no known conversion stays as it is, and the engine then
refuses to call two lines in different units equal.
"""

from __future__ import annotations

import polars as pl

from pipeline.reconcile.frames import DECIMAL

# UN/ECE Rec 20 (and EANCOM habits) for "one piece": interchangeable without a pack size.
PIECE_UNITS = ("C62", "EA", "PCE", "H87", "NAR")
PIECE = "C62"


def item_key() -> pl.Expr:
    """The identifier pack sizes and item matching use first: the GTIN, else the seller's item id."""
    return pl.coalesce("gtin", "seller_item_id")


def to_base_units(lines: pl.DataFrame, packs: pl.DataFrame) -> pl.DataFrame:
    """``lines`` with ``base_unit``, ``qty`` (quantity in base units) and ``price`` (per base unit) added."""
    unit = pl.col("unit").fill_null(PIECE)
    lines = lines.with_columns(item=item_key(), unit_norm=pl.when(unit.is_in(PIECE_UNITS)).then(pl.lit(PIECE))
                               .otherwise(unit))
    packs = packs.select("item", pl.col("unit").alias("unit_norm"), "contains",
                         pl.when(pl.col("base_unit").fill_null(PIECE).is_in(PIECE_UNITS)).then(pl.lit(PIECE))
                         .otherwise(pl.col("base_unit")).alias("pack_base_unit")).unique(["item", "unit_norm"])
    if packs.height:
        lines = lines.join(packs, on=["item", "unit_norm"], how="left")
    else:  # no pack sizes: every factor is 1, no multiplication or division needed
        return lines.with_columns(base_unit=pl.col("unit_norm"), qty=pl.col("quantity").cast(DECIMAL),
                                  price=pl.col("unit_price").cast(DECIMAL)).drop("unit_norm")
    factor = pl.col("contains").fill_null(pl.lit(1, DECIMAL))
    return lines.with_columns(
        base_unit=pl.coalesce("pack_base_unit", "unit_norm"),
        qty=(pl.col("quantity") * factor).cast(DECIMAL),
        price=(pl.col("unit_price") / factor).cast(DECIMAL),
    ).drop("unit_norm", "contains", "pack_base_unit")
