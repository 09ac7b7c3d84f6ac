"""Reconciliation at volume: our engine against a DuckDB exact-key join, on the same synthetic lines.

    .venv/bin/python bench/reconcile.py                  # 1M order, 1M delivery and 1M invoice lines
    .venv/bin/python bench/reconcile.py --lines 20000    # smaller

The data (Parquet, in bench/out/, which git ignores) is made once per size with a fixed seed: orders of 1-7
lines over 2 000 customers; most order lines delivered once, some in two parts, some not at all; invoices
naming their delivery note, some grouping two notes, some with no reference but the item; differences
injected on ~3 % of the lines. Each contender runs in its own process, so each peak RSS is its own:

- ``engine``: ``pipeline.reconcile.engine.reconcile_frames`` (the whole ladder, allocation and classification);
- ``duckdb``: the reference for the exact-key part: delivered and invoiced quantities summed per order line
  through (order number, line number), compared with each other and the ordered quantity.

Times exclude reading the Parquet files; the DuckDB result is fetched as Arrow so it is really computed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.reconcile.frames import DECIMAL, LINES, conform  # noqa: E402

OUT = ROOT / "bench" / "out"
CUSTOMERS, PRODUCTS, SEED = 2000, 5000, 42
START = date(2026, 1, 1)


def make_data(n: int, folder: Path) -> None:
    """About ``n`` lines of each kind, written as orders/deliveries/invoices.parquet in ``folder``."""
    rng = np.random.default_rng(SEED)
    # Orders: 1-7 lines each, until n lines.
    sizes = rng.integers(1, 8, size=n // 2)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n) + 1]
    sizes[-1] -= int(sizes.sum() - n)
    order_of_line = np.repeat(np.arange(len(sizes)), sizes)
    line_no = np.concatenate([np.arange(1, s + 1) for s in sizes]) if len(sizes) < 50 else (
        np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes) + 1)
    buyer = rng.integers(1, CUSTOMERS + 1, size=len(sizes))[order_of_line]
    order_day = rng.integers(0, 300, size=len(sizes))[order_of_line]
    product = rng.integers(0, PRODUCTS, size=n)
    gtin = pl.Series((3760000000000 + product).astype(str))
    qty = rng.integers(1, 50, size=n)
    price_cents = (rng.integers(50, 5000, size=PRODUCTS))[product]
    orders = pl.DataFrame({
        "line_id": np.arange(1, n + 1), "doc_id": order_of_line + 1,
        "doc_no": pl.Series(order_of_line).cast(pl.Utf8).str.zfill(8).str.replace(r"^", "PO-"),
        "line_no": line_no, "seller_id": 1, "buyer_id": buyer, "doc_date": pl.Series(order_day).cast(pl.Int32) + (START - date(1970, 1, 1)).days,
        "gtin": gtin, "quantity": qty, "unit": "C62", "unit_price": pl.Series(price_cents) / 100,
    }).with_columns(pl.col("doc_date").cast(pl.Date), description=pl.lit("item ") + pl.col("gtin"))

    # Deliveries: 88 % of order lines in one note, 6 % in two (the back order), 6 % not delivered.
    fate = rng.random(n)
    whole, split = fate < 0.88, (fate >= 0.88) & (fate < 0.94)
    first = np.where(split, np.maximum(qty // 2, 1), qty)
    base = orders.with_columns(order_line=pl.col("line_id"))
    part1 = base.filter(pl.Series(whole | split)).with_columns(quantity=pl.Series(first[whole | split]), part=1)
    part2 = base.filter(pl.Series(split & (qty > 1))).with_columns(
        quantity=pl.Series((qty - first)[split & (qty > 1)]), part=2)
    deliveries = pl.concat([part1, part2]).with_columns(
        note=pl.col("doc_id") * 2 + pl.col("part"), doc_date=pl.col("doc_date") + pl.duration(days=pl.col("part") * 3))
    deliveries = deliveries.sort("note", "line_no").with_columns(
        line_id=pl.int_range(1, pl.len() + 1), ref_order=pl.col("doc_no"), ref_line=pl.col("line_no"),
        doc_no=pl.col("note").cast(pl.Utf8).str.zfill(9).str.replace(r"^", "DN-"), doc_id=pl.col("note"))

    # Invoices: one per note (naming it), 1 in 10 notes billed without naming it; differences injected.
    m = deliveries.height
    roll = rng.random(m)
    invoices = deliveries.with_columns(
        ref_note=pl.when(pl.Series(roll < 0.9)).then(pl.col("doc_no")),
        quantity=pl.when(pl.Series(roll >= 0.99)).then(pl.col("quantity") + 1).otherwise(pl.col("quantity")),
        unit_price=pl.when(pl.Series((roll >= 0.98) & (roll < 0.99))).then(pl.col("unit_price") * 1.1)
        .otherwise(pl.col("unit_price")).round(2),
        doc_date=pl.col("doc_date") + pl.duration(days=2),
        doc_no=pl.col("doc_no").str.replace("DN-", "INV-"),
    )
    # 2 % of the lines name nothing but their item; 1 % of the delivery lines are never billed.
    invoices = invoices.with_columns(
        ref_order=pl.when(pl.Series((roll >= 0.95) & (roll < 0.97))).then(None).otherwise(pl.col("ref_order")),
        ref_line=pl.when(pl.Series((roll >= 0.95) & (roll < 0.97))).then(None).otherwise(pl.col("ref_line")),
    ).filter(pl.Series((roll < 0.94) | (roll >= 0.95)))
    invoices = invoices.with_columns(line_id=pl.int_range(1, pl.len() + 1))
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("orders", orders), ("deliveries", deliveries), ("invoices", invoices)):
        frame = frame.with_columns(pl.col("quantity").cast(DECIMAL), pl.col("unit_price").cast(DECIMAL))
        conform(frame, LINES).write_parquet(folder / f"{name}.parquet")


def load(folder: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    return tuple(pl.read_parquet(folder / f"{name}.parquet") for name in ("orders", "deliveries", "invoices"))


def run_engine(folder: Path) -> dict:
    from pipeline.reconcile.engine import Settings, reconcile_frames

    orders, deliveries, invoices = load(folder)
    started, cpu = time.perf_counter(), time.process_time()
    results = reconcile_frames(orders, deliveries, invoices, settings=Settings(proposals=False), described=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    counts = dict(results.group_by("outcome").len().iter_rows())
    return {"seconds": seconds, "cpu": cpu, "rows": results.height, "outcomes": counts}


EXACT_KEY_SQL = """
WITH delivered AS (
    SELECT seller_id, buyer_id, ref_order, ref_line, sum(quantity) AS qty FROM deliveries
    WHERE ref_order IS NOT NULL GROUP BY ALL),
invoiced AS (
    SELECT seller_id, buyer_id, ref_order, ref_line, sum(quantity) AS qty, max(unit_price) AS price FROM invoices
    WHERE ref_order IS NOT NULL GROUP BY ALL)
SELECT o.line_id, o.quantity AS ordered, d.qty AS delivered, i.qty AS invoiced, o.unit_price, i.price,
       CASE WHEN d.qty IS NULL AND i.qty IS NULL THEN 'ordered_not_delivered'
            WHEN d.qty IS NULL THEN 'invoiced_not_delivered'
            WHEN i.qty IS NULL THEN 'delivered_not_invoiced'
            WHEN d.qty <> i.qty THEN 'quantity_difference'
            WHEN i.price <> o.unit_price THEN 'price_difference'
            ELSE 'matched' END AS outcome
FROM orders o
LEFT JOIN delivered d ON d.seller_id = o.seller_id AND d.buyer_id = o.buyer_id AND d.ref_order = o.doc_no
                     AND d.ref_line = o.line_no
LEFT JOIN invoiced i ON i.seller_id = o.seller_id AND i.buyer_id = o.buyer_id AND i.ref_order = o.doc_no
                    AND i.ref_line = o.line_no
"""


def run_duckdb(folder: Path) -> dict:
    import duckdb

    orders, deliveries, invoices = load(folder)
    connection = duckdb.connect()
    for name, frame in (("orders", orders), ("deliveries", deliveries), ("invoices", invoices)):
        connection.register(name, frame.to_arrow())
    started, cpu = time.perf_counter(), time.process_time()
    table = connection.sql(EXACT_KEY_SQL).to_arrow_table()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    counts = dict(pl.from_arrow(table).group_by("outcome").len().iter_rows())
    return {"seconds": seconds, "cpu": cpu, "rows": table.num_rows, "outcomes": counts}


def contender(name: str, folder: Path) -> dict:
    """Run one contender in a fresh process; its peak RSS (MiB) is added to what it reports."""
    output = subprocess.run([sys.executable, __file__, "--contender", name, "--data", str(folder)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reconciliation engine vs a DuckDB exact-key join")
    parser.add_argument("--lines", type=int, default=1_000_000, help="order lines (about as many of each kind)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the data goes (default {OUT})")
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--contender", choices=["engine", "duckdb"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.contender:  # the child process
        result = (run_engine if args.contender == "engine" else run_duckdb)(args.data)
        result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return 0
    folder = args.out / f"reconcile-{args.lines}"
    if not (folder / "invoices.parquet").exists():
        make_data(args.lines, folder)
    sizes = {name: pl.scan_parquet(folder / f"{name}.parquet").select(pl.len()).collect().item()
             for name in ("orders", "deliveries", "invoices")}
    print(f"lines: {sizes} ({folder})")
    engine, reference = contender("engine", folder), contender("duckdb", folder)
    for name, result in (("engine (full reconciliation)", engine), ("duckdb (exact-key join)", reference)):
        print(f"{name:30} {result['seconds']:7.2f} s wall  {result['cpu']:7.2f} s CPU   peak RSS "
              f"{result['peak_rss_mib']:7.0f} MiB   {result['rows']} rows  {result['outcomes']}")
    print(f"engine / duckdb: {engine['seconds'] / reference['seconds']:.2f}x wall, "
          f"{engine['cpu'] / reference['cpu']:.2f}x CPU (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
          "cores: on a busy machine the CPU ratio is the fairer one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
