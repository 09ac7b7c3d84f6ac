"""Pandera schemas for lines and headers as dataframes (polars): structural checks that stay fast on big batches.

``LINE_CHECK_CODES`` gives the finding code each failing column (or dataframe check) stands for,
so the schema and its codes change together.
"""

from __future__ import annotations

from typing import Annotated

import pandera.polars as pa
import polars as pl

DECIMAL = pl.Decimal(38, 6)

LINE_COLUMNS: dict[str, pl.DataType] = {
    "document": pl.Int64,  # position of the document in the batch
    "line": pl.Int64,  # position of the line in its document
    "line_no": pl.Int64,
    "gtin": pl.Utf8,
    "description": pl.Utf8,
    "seller_item_id": pl.Utf8,
    "buyer_item_id": pl.Utf8,
    "quantity": DECIMAL,
    "unit": pl.Utf8,
    "unit_price": DECIMAL,
    "net_amount": DECIMAL,
    "tax_rate": DECIMAL,
}


LINE_CHECK_CODES: dict[str, str] = {
    "line_no": "BAD_LINE_NO",
    "gtin": "BAD_GTIN_FORMAT",
    "quantity": "BAD_QUANTITY",
    "unit_price": "NEGATIVE_PRICE",
    "tax_rate": "BAD_TAX_RATE",
    "identified": "LINE_NOT_IDENTIFIED",
}


class DocumentLines(pa.DataFrameModel):
    """Lines of orders, invoices, delivery notes and order responses (quantities may be zero in responses)."""

    document: int
    line: int
    line_no: int = pa.Field(nullable=True, gt=0)
    gtin: str = pa.Field(nullable=True, str_matches=r"^(\d{8}|\d{12,14})$")
    quantity: Annotated[pl.Decimal, 38, 6] = pa.Field(nullable=False, ge=0)
    unit_price: Annotated[pl.Decimal, 38, 6] = pa.Field(nullable=True, ge=0)
    tax_rate: Annotated[pl.Decimal, 38, 6] = pa.Field(nullable=True, ge=0, le=100)

    class Config:
        strict = False
        coerce = False

    @pa.dataframe_check
    def identified(cls, data) -> pl.LazyFrame:
        """A line must name its item somehow: GTIN, an item id or a description."""
        frame = data.lazyframe
        return frame.select(
            pl.col("gtin").is_not_null()
            | pl.col("seller_item_id").is_not_null()
            | pl.col("buyer_item_id").is_not_null()
            | pl.col("description").is_not_null()
        )
