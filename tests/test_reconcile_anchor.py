"""Anchoring by order line reference when two order keys share a 64-bit hash (forced here): the keys decide."""

from __future__ import annotations

import polars as pl
from reconcile_builders import GTIN_A, GTIN_B, Ledger

from pipeline.reconcile.anchor import LINE_KEYS, _by_line_reference, order_side
from pipeline.reconcile.engine import _prepare
from pipeline.reconcile.frames import lines_frame, packs_frame


def test_order_keys_that_hash_alike_are_told_apart_by_the_keys_themselves():
    ledger = Ledger()
    ledger.order("PO-1", (GTIN_A, 10, "4.50"), (GTIN_B, 3, "2.00"))
    ledger.order("PO-2", (GTIN_A, 7, "4.50"))
    ledger.delivery("DN-1", ("PO-1", 2, GTIN_B, 3), ("PO-2", 1, GTIN_A, 7), ("PO-9", 1, GTIN_A, 1))
    side = order_side(_prepare(lines_frame(ledger.orders), packs_frame()))
    lines = lines_frame(ledger.deliveries).select(*LINE_KEYS, "gtin")
    # Every order line gets the hash of the first delivery line's keys: the hash join finds three candidates.
    collided = side.with_columns(hash=lines.select(pl.struct(LINE_KEYS).hash()).item(0, 0))
    found = _by_line_reference(lines, collided)
    assert found.height == lines.height
    expected = [side.filter((pl.col("order_no") == number) & (pl.col("order_line_no") == line))["o_id"].item()
                for number, line in (("PO-1", 2), ("PO-2", 1))]
    assert found["o_id"].to_list() == [*expected, None]
    assert found["anchor_method"].to_list() == ["order line reference"] * 2 + [None]
