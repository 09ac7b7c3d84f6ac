"""Line checks, vectorised: one polars pass over every line of a batch, whatever its size.

The same code validates one document and a million lines (bench/validation.py): each check is
a polars expression producing finding rows (document, line, code, severity, field, message).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandera.polars as pa
import polars as pl

from pipeline.validation.context import ValidationContext
from schemas import BusinessDocument
from schemas.tables import LINE_CHECK_CODES, LINE_COLUMNS, DocumentLines
from schemas.units import UNITS

DECIMAL = pl.Decimal(38, 6)
FINDING_SCHEMA = {"document": pl.Int64, "line": pl.Int64, "code": pl.Utf8, "severity": pl.Utf8, "field": pl.Utf8,
                  "message": pl.Utf8}
FRAME_COLUMNS = {**LINE_COLUMNS, "kind": pl.Utf8, "customer_id": pl.Int64, "issue_date": pl.Date}
_TEXT_FIELDS = ("line_no", "gtin", "seller_item_id", "buyer_item_id", "description", "unit")
_DECIMAL_FIELDS = ("quantity", "unit_price", "net_amount", "tax_rate")

STRUCTURAL_MESSAGES = {
    "BAD_LINE_NO": "the line number is not a positive whole number.",
    "BAD_GTIN_FORMAT": "the GTIN is not 8, 12, 13 or 14 digits.",
    "BAD_QUANTITY": "the quantity is missing or negative.",
    "NEGATIVE_PRICE": "the unit price is negative.",
    "BAD_TAX_RATE": "the tax rate is not a percentage between 0 and 100.",
    "LINE_NOT_IDENTIFIED": "the line has no GTIN, no item id and no description: nobody could tell what it is.",
}


def lines_frame(documents: Sequence[BusinessDocument], customer_ids: Sequence[int | None] = ()) -> pl.DataFrame:
    """Every line of ``documents`` as one frame; ``document`` is the index in ``documents``."""
    columns: dict[str, list] = {name: [] for name in FRAME_COLUMNS}
    for d, doc in enumerate(documents):
        customer = customer_ids[d] if d < len(customer_ids) else None
        for i, line in enumerate(doc.lines):
            columns["document"].append(d)
            columns["line"].append(i)
            columns["kind"].append(doc.kind.value)
            columns["customer_id"].append(customer)
            columns["issue_date"].append(doc.issue_date)
            for name in _TEXT_FIELDS:
                columns[name].append(getattr(line, name))
            for name in _DECIMAL_FIELDS:
                value = getattr(line, name)
                columns[name].append(None if value is None else str(value))  # text casts ten times faster
    schema = {name: (pl.Utf8 if name in _DECIMAL_FIELDS else dtype) for name, dtype in FRAME_COLUMNS.items()}
    frame = pl.DataFrame(columns, schema=schema)
    return frame.with_columns([pl.col(name).cast(DECIMAL) for name in _DECIMAL_FIELDS])


def check_lines(frame: pl.DataFrame, context: ValidationContext) -> pl.DataFrame:
    """All line findings of the batch, as a frame with FINDING_SCHEMA columns."""
    if frame.is_empty():
        return pl.DataFrame(schema=FINDING_SCHEMA)
    parts = [_structural(frame), _line_amounts(frame, context), _gtin_check_digits(frame), _units(frame)]
    if context.master is not None and not context.master.products.is_empty():
        parts.extend(_against_master_data(frame, context))
    return pl.concat([p.select(list(FINDING_SCHEMA)).cast(FINDING_SCHEMA) for p in parts])


def _label() -> pl.Expr:
    """How a person names the line: its number, else its position (computed on finding rows only)."""
    return pl.concat_str([pl.lit("Line "), pl.coalesce(pl.col("line_no"), pl.col("line") + 1).cast(pl.Utf8)])


def _rows(frame: pl.DataFrame, code: str, severity: str, field: str | None, message: pl.Expr) -> pl.DataFrame:
    path = pl.format("lines[{}]", pl.col("line"))
    if field:
        path = pl.concat_str([path, pl.lit("." + field)])
    return frame.select(
        "document", "line", code=pl.lit(code), severity=pl.lit(severity), field=path,
        message=pl.concat_str([_label(), pl.lit(": "), message]),
    )


def _structural(frame: pl.DataFrame) -> pl.DataFrame:
    try:
        DocumentLines.validate(frame, lazy=True)
        return pl.DataFrame(schema=FINDING_SCHEMA)
    except pa.errors.SchemaErrors as failures:
        cases = failures.failure_cases.filter(pl.col("index").is_not_null())
    key = pl.when(pl.col("schema_context") == "Column").then(pl.col("column")).otherwise(pl.col("check"))
    cases = cases.with_columns(code=key.replace_strict(LINE_CHECK_CODES, default=None)).filter(
        pl.col("code").is_not_null())
    if cases.is_empty():
        return pl.DataFrame(schema=FINDING_SCHEMA)
    located = frame.with_row_index("index").join(cases.select(pl.col("index").cast(pl.UInt32), "code", "column"),
                                                 on="index")
    messages = pl.col("code").replace_strict(STRUCTURAL_MESSAGES, default="")
    field = pl.when(pl.col("column").is_in(list(LINE_COLUMNS))).then(pl.concat_str(
        [pl.lit("."), pl.col("column")])).otherwise(pl.lit(""))
    return located.select(
        "document", "line", "code", severity=pl.lit("error"),
        field=pl.concat_str([pl.format("lines[{}]", pl.col("line")), field]),
        message=pl.concat_str([_label(), pl.lit(": "), messages]),
    )


def _line_amounts(frame: pl.DataFrame, context: ValidationContext) -> pl.DataFrame:
    """net = quantity x unit price, rounded to the cent, within the tolerance."""
    expected = (pl.col("quantity") * pl.col("unit_price")).round(2)
    wrong = frame.filter((expected - pl.col("net_amount")).abs() > context.tolerance)
    return _rows(wrong, "LINE_TOTAL_MISMATCH", "error", "net_amount", pl.format(
        "{} x {} = {}, but the line amount says {}.", pl.col("quantity").cast(pl.Utf8),
        pl.col("unit_price").cast(pl.Utf8), expected.cast(pl.Utf8), pl.col("net_amount").cast(pl.Utf8)))


def _gtin_check_digits(frame: pl.DataFrame) -> pl.DataFrame:
    """GS1 mod-10 check digit, computed once per distinct GTIN of the batch (as integers: text hashes slower)."""
    numbers = frame.get_column("gtin").cast(pl.Int64, strict=False)
    number = pl.col("number")
    body = number // 10
    weighted = sum(((body // (10**k)) % 10) * (3 if k % 2 == 0 else 1) for k in range(13))
    bad = pl.DataFrame({"number": numbers.unique().drop_nulls()}).filter(((10 - weighted % 10) % 10) != number % 10)
    # Leading zeros do not change a check digit; the format test keeps what BAD_GTIN_FORMAT does not report.
    wrong = frame.filter(numbers.is_in(bad.get_column("number").implode())).filter(
        pl.col("gtin").str.contains(r"^(\d{8}|\d{12,14})$"))
    return _rows(wrong, "INVALID_GTIN", "error", "gtin",
                 pl.format("GTIN {} has a wrong check digit.", pl.col("gtin")))


def _units(frame: pl.DataFrame) -> pl.DataFrame:
    wrong = frame.filter(pl.col("unit").is_not_null() & ~pl.col("unit").is_in(list(UNITS)))
    return _rows(wrong, "UNKNOWN_UNIT", "warning", "unit", pl.format(
        "unit {} is not one we know; check the quantity means what it seems.", pl.col("unit")))


# Only what the master data checks read: a narrow frame keeps the joins cheap on a million lines.
_MASTER_COLUMNS = ("document", "line", "line_no", "gtin", "seller_item_id", "buyer_item_id", "customer_id",
                   "issue_date", "quantity", "unit_price")


def _against_master_data(frame: pl.DataFrame, context: ValidationContext) -> list[pl.DataFrame]:
    """Order lines against the product master: known item, pack size, customer price within tolerance."""
    master = context.master
    assert master is not None
    orders = frame.filter(pl.col("kind") == "order").select(_MASTER_COLUMNS)
    if orders.is_empty():
        return []
    orders = orders.with_columns(product_id=_product_ids(orders, master))
    unknown = _rows(orders.filter(pl.col("product_id").is_null()), "UNKNOWN_ITEM", "error", None, pl.format(
        "no product of ours has GTIN {}, item id {} or customer item id {}.",
        pl.col("gtin").fill_null("-"), pl.col("seller_item_id").fill_null("-"), pl.col("buyer_item_id").fill_null("-")))
    known = orders.filter(pl.col("product_id").is_not_null())
    packed = master.products.filter(pl.col("pack_size").is_not_null() & (pl.col("pack_size") > 0)).select(
        "product_id", "pack_size", "product_description")
    in_packs = known.join(packed, on="product_id")
    packs = _rows(in_packs.filter((pl.col("quantity") % pl.col("pack_size")) != 0),
                  "QUANTITY_NOT_PACK_MULTIPLE", "error", "quantity", pl.format(
                      "{} {} is not a multiple of the pack size {}.", pl.col("quantity").cast(pl.Utf8),
                      pl.col("product_description"), pl.col("pack_size").cast(pl.Utf8)))
    return [unknown, packs, _prices(known, context)]


def _product_ids(orders: pl.DataFrame, master) -> pl.Series:
    """Each line's product: by GTIN, else our item id, else the customer's own item code (null when unknown)."""
    products = master.products
    by_gtin = products.filter(pl.col("product_gtin").is_not_null()).unique("product_gtin").select(
        pl.col("product_gtin").alias("gtin"), pl.col("product_id").alias("id_by_gtin"))
    by_item = products.unique("item_id").select(pl.col("item_id").alias("seller_item_id"),
                                                pl.col("product_id").alias("id_by_item"))
    by_customer_item = master.customer_items.unique(["customer_id", "customer_item_id"]).select(
        "customer_id", pl.col("customer_item_id").alias("buyer_item_id"), pl.col("product_id").alias("id_by_cust"))
    # Each right side is unique on its key, so these left joins keep one row per line, in order.
    keys = orders.select("gtin", "seller_item_id", "customer_id", "buyer_item_id")
    resolved = (keys.join(by_gtin, on="gtin", how="left", maintain_order="left")
                .join(by_item, on="seller_item_id", how="left", maintain_order="left")
                .join(by_customer_item, on=["customer_id", "buyer_item_id"], how="left", maintain_order="left"))
    return resolved.select(pl.coalesce("id_by_gtin", "id_by_item", "id_by_cust")).to_series()


def _prices(known: pl.DataFrame, context: ValidationContext) -> pl.DataFrame:
    """The customer's price valid on the order date (else the list price), within its tolerance."""
    prices = context.master.prices  # type: ignore[union-attr]
    lines = known.filter(pl.col("unit_price").is_not_null()).with_row_index("row")
    if lines.is_empty() or prices.is_empty():
        return pl.DataFrame(schema=FINDING_SCHEMA)
    keys = lines.select("row", "customer_id", "product_id", "issue_date", "unit_price")
    # The customer's own price beats the list price, whatever their dates; among valid ones the latest wins.
    own = _latest_valid(keys.join(prices.filter(pl.col("customer_id").is_not_null()),
                                  on=["customer_id", "product_id"]))
    listed = _latest_valid(keys.join(prices.filter(pl.col("customer_id").is_null()).drop("customer_id"),
                                     on="product_id").join(own.select("row"), on="row", how="anti"))
    tolerance = pl.coalesce(pl.col("tolerance_percent"), pl.lit(context.price_tolerance_percent).cast(DECIMAL))
    gap = ((pl.col("unit_price") - pl.col("list_price")).abs() * 100)
    chosen = pl.concat([own.select(_PRICE_FIELDS), listed.select(_PRICE_FIELDS)])
    wrong = chosen.filter(gap > pl.col("list_price") * tolerance).with_columns(tolerance=tolerance)
    return _rows(lines.join(wrong.drop("unit_price"), on="row"), "PRICE_OUT_OF_TOLERANCE", "error", "unit_price",
                 pl.format("the price {} differs from the price list ({}) by more than {}%.",
                           pl.col("unit_price").cast(pl.Utf8), pl.col("list_price").cast(pl.Utf8),
                           pl.col("tolerance").cast(pl.Utf8)))


_PRICE_FIELDS = ("row", "unit_price", "list_price", "tolerance_percent")


def _latest_valid(candidates: pl.DataFrame) -> pl.DataFrame:
    """Per line (``row``), the price valid on the order date with the latest start (any, when the date is unknown)."""
    on = pl.col("issue_date")
    valid = candidates.filter(on.is_null() | ((pl.col("valid_from") <= on)
                                              & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= on))))
    # Most lines have one valid price: only those with several need sorting.
    several = valid.get_column("row").is_duplicated()
    if not several.any():
        return valid
    choice = valid.filter(several).sort("valid_from", descending=True).unique("row", keep="first")
    return pl.concat([valid.filter(~several), choice])
