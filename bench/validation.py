"""Validating 1M order lines takes under 5 s on this machine: the vectorised line checks, then the document rules.

    .venv/bin/python bench/validation.py                         # 20 000 orders x 50 lines = 1M lines
    .venv/bin/python bench/validation.py --orders 200            # 10 000 lines (what the smoke test runs)
    .venv/bin/python bench/validation.py --json                  # the figures as JSON

The lines are built directly as a polars frame with the columns of ``pipeline.validation.lines.FRAME_COLUMNS``
(building a million pydantic lines alone takes ~14 s, and the batch path takes a frame anyway), against a master
data snapshot of 5 000 products, 500 customers, customer item codes and price lists (the list price, expired and
future lists, customer prices). A few lines in every hundred are broken, each in one way only, so the number of
findings per code is known in advance and checked: bad GTIN check digit, wrong line amount, unknown unit,
negative quantity, unknown item, price out of tolerance, quantity not a multiple of the pack size. Two lines in a
hundred name their item only by the customer's own code (good lines, resolved through customer items).

Timed: ``check_lines(frame, ValidationContext(master=...))``; then, separately, ``validate`` over 20 000 order
headers without lines (pydantic documents built outside the timed part), whose findings are checked the same way
(every header has ``NO_LINES``; a few have a bad buyer GLN, an unknown buyer, a delivery date before the order
date, no number). Building the data is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.masterdata.lookup import (  # noqa: E402
    CUSTOMER_ITEM_SCHEMA,
    PRICE_SCHEMA,
    PRODUCT_SCHEMA,
    Company,
    MasterData,
    _Directory,
)
from pipeline.validation import validate  # noqa: E402
from pipeline.validation.context import ValidationContext  # noqa: E402
from pipeline.validation.lines import FRAME_COLUMNS, check_lines  # noqa: E402
from schemas import Party, PurchaseOrder, Source  # noqa: E402

SEED = 20251125
PRODUCTS, CUSTOMERS = 5_000, 500
CUSTOMER_ITEMS, CUSTOMER_PRICES = 20, 30  # per customer
TARGET_SECONDS = 5.0
DECIMAL = pl.Decimal(38, 6)
UNITS = np.array(["C62", "PCE", "KGM", "CT"])
TAX_RATES = np.array([550, 1000, 2000])  # hundredths of a percent
START, END = date(2025, 1, 1), date(2025, 12, 31)

# Line faults: the finding code each one must give, and its share of the lines. Each broken line has one fault.
LINE_FAULTS = {
    "INVALID_GTIN": 0.010,
    "LINE_TOTAL_MISMATCH": 0.010,
    "UNKNOWN_UNIT": 0.005,
    "BAD_QUANTITY": 0.005,
    "UNKNOWN_ITEM": 0.010,
    "PRICE_OUT_OF_TOLERANCE": 0.010,
    "QUANTITY_NOT_PACK_MULTIPLE": 0.010,
}
BY_CUSTOMER_ITEM = 0.02  # good lines that only give the customer's item code
HEADER_FAULTS = {"INVALID_GLN": 0.01, "UNKNOWN_CUSTOMER": 0.01, "REQUESTED_BEFORE_ORDER_DATE": 0.01,
                 "MISSING_NUMBER": 0.005}


# -- identifiers -----------------------------------------------------------------------------------


def gs1(bodies: np.ndarray) -> np.ndarray:
    """GTIN-13/GLN numbers (as int64) from 12-digit bodies, with their GS1 mod-10 check digit."""
    weights = np.where(np.arange(12) % 2 == 0, 3, 1)  # from the right: 3, 1, 3, …
    digits = (bodies[:, None] // (10 ** np.arange(12))) % 10
    check = (10 - (digits * weights).sum(axis=1) % 10) % 10
    return bodies * 10 + check


def wrong_check_digit(numbers: np.ndarray) -> np.ndarray:
    return numbers - numbers % 10 + (numbers % 10 + 1) % 10


def decimal(values: np.ndarray, scale: int) -> pl.Series:
    """Exact decimals from integers counted in 10**-scale (cents for scale 2)."""
    return (pl.Series(values.astype(np.int64)).cast(DECIMAL) / 10**scale).cast(DECIMAL)


# -- master data -----------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """The master data, plus the arrays the line generator draws from."""

    master: MasterData
    gtin: np.ndarray  # int64 per product
    price_cents: np.ndarray  # list price valid in 2025
    unit: np.ndarray
    pack: np.ndarray  # 0 when the product has no pack size
    tax: np.ndarray
    customer_gln: np.ndarray
    customer_items: np.ndarray  # (CUSTOMERS, CUSTOMER_ITEMS) product indexes
    customer_price_keys: np.ndarray  # sorted customer * PRODUCTS + product
    customer_price_cents: np.ndarray  # aligned with the keys


def make_catalogue(rng: np.random.Generator) -> Catalogue:
    products = np.arange(PRODUCTS)
    gtin = gs1(376_000_000_000 + products * 7)
    unit = UNITS[rng.choice(len(UNITS), PRODUCTS, p=[0.5, 0.2, 0.1, 0.2])]
    weighed = unit == "KGM"
    # Kilogram prices are whole ten cents, so 10.5 kg x price is still whole cents: amounts are exact.
    price = rng.integers(50, 20_000, PRODUCTS)
    price = np.where(weighed, price - price % 10 + 10, price)
    pack = np.where(~weighed & (rng.random(PRODUCTS) < 0.15), rng.choice([6, 12, 24], PRODUCTS), 0)
    tax = TAX_RATES[rng.integers(0, len(TAX_RATES), PRODUCTS)]
    products_frame = pl.DataFrame({
        "product_id": products + 1, "item_id": [f"IT-{p:05d}" for p in products],
        "product_gtin": gtin.astype(str), "product_description": [f"Article {p:05d}" for p in products],
        "product_unit": unit, "pack_size": pl.Series(np.where(pack > 0, pack, 0)).cast(DECIMAL),
    }).with_columns(pl.when(pl.col("pack_size") > 0).then(pl.col("pack_size")).alias("pack_size"))

    customers = np.arange(CUSTOMERS)
    customer_gln = gs1(301_000_000_000 + customers * 11)
    directory = _Directory([Company(id=int(c) + 1, code=f"C{c:04d}", name=f"Client {c:04d} SAS",
                                    gln=str(customer_gln[c])) for c in customers])
    items = np.stack([rng.choice(PRODUCTS, CUSTOMER_ITEMS, replace=False) for _ in customers])
    items_frame = pl.DataFrame({
        "customer_id": np.repeat(customers + 1, CUSTOMER_ITEMS),
        "customer_item_id": [f"C{c:04d}-{j:02d}" for c in customers for j in range(CUSTOMER_ITEMS)],
        "product_id": items.ravel() + 1,
    })

    priced = np.stack([rng.choice(PRODUCTS, CUSTOMER_PRICES, replace=False) for _ in customers])
    keys = (customers[:, None] * PRODUCTS + priced).ravel()
    order = np.argsort(keys)
    keys = keys[order]
    product_of_key = keys % PRODUCTS
    customer_cents = price[product_of_key] * 95 // 100
    customer_cents = np.where(weighed[product_of_key], customer_cents - customer_cents % 10, customer_cents)
    changing = rng.choice(PRODUCTS, PRODUCTS // 10, replace=False)
    prices = pl.concat([
        _prices(None, products, price, START, None),  # the list price since 1 January
        _prices(None, changing, price[changing] * 9 // 10, date(2024, 1, 1), date(2024, 12, 31)),  # expired
        _prices(None, changing, price[changing] * 11 // 10, date(2026, 1, 1), None),  # not valid yet
        _prices(keys // PRODUCTS, product_of_key, customer_cents, START, END),  # each customer's prices
    ])
    master = MasterData(customers=directory, products=products_frame.cast(PRODUCT_SCHEMA),
                        customer_items=items_frame.cast(CUSTOMER_ITEM_SCHEMA), prices=prices.cast(PRICE_SCHEMA))
    return Catalogue(master, gtin, price, unit, pack, tax, customer_gln, items, keys, customer_cents)


def _prices(customer: np.ndarray | None, product: np.ndarray, cents: np.ndarray, valid_from: date,
            valid_to: date | None) -> pl.DataFrame:
    n = len(product)
    return pl.DataFrame({
        "customer_id": pl.Series([None] * n, dtype=pl.Int64) if customer is None else pl.Series(customer + 1),
        "product_id": product + 1, "list_price": decimal(cents, 2),
        "valid_from": pl.Series([valid_from] * n, dtype=pl.Date),
        "valid_to": pl.Series([valid_to] * n, dtype=pl.Date), "tolerance_percent": pl.Series([None] * n,
                                                                                            dtype=DECIMAL),
    })


# -- order lines -----------------------------------------------------------------------------------


def make_lines(rng: np.random.Generator, cat: Catalogue, orders: int, per_order: int
               ) -> tuple[pl.DataFrame, Counter[str]]:
    """``orders`` x ``per_order`` order lines as a frame, and the count of findings each code must give."""
    n = orders * per_order
    document = np.repeat(np.arange(orders), per_order)
    customer = rng.integers(0, CUSTOMERS, orders)[document]
    issued = (rng.integers(31, 330, orders))[document]  # days after 1 January 2025

    fault = np.full(n, "", dtype=object)
    shares = [*LINE_FAULTS.values(), BY_CUSTOMER_ITEM]
    kinds = [*LINE_FAULTS, "BY_CUSTOMER_ITEM"]
    draw = rng.random(n)
    edges = np.cumsum(shares)
    for kind, low, high in zip(kinds, np.concatenate([[0], edges[:-1]]), edges):
        fault[(draw >= low) & (draw < high)] = kind

    packed, unpacked = np.flatnonzero(cat.pack > 0), np.flatnonzero(cat.pack == 0)
    product = rng.integers(0, PRODUCTS, n)
    is_ = {kind: fault == kind for kind in kinds}
    product[is_["QUANTITY_NOT_PACK_MULTIPLE"]] = rng.choice(packed, is_["QUANTITY_NOT_PACK_MULTIPLE"].sum())
    product[is_["BAD_QUANTITY"]] = rng.choice(unpacked, is_["BAD_QUANTITY"].sum())
    by_customer = is_["BY_CUSTOMER_ITEM"]
    product[by_customer] = cat.customer_items[customer[by_customer],
                                              rng.integers(0, CUSTOMER_ITEMS, by_customer.sum())]

    # Quantities in tenths: whole packs, tenths of a kilogram, or whole units.
    weighed = cat.unit[product] == "KGM"
    pack = cat.pack[product]
    tenths = np.where(pack > 0, pack * rng.integers(1, 10, n) * 10,
                      np.where(weighed, rng.integers(5, 500, n), rng.integers(1, 49, n) * 10))
    tenths[is_["QUANTITY_NOT_PACK_MULTIPLE"]] += 10  # one unit more than whole packs
    tenths[is_["BAD_QUANTITY"]] *= -1

    key = customer * PRODUCTS + product
    at = np.clip(np.searchsorted(cat.customer_price_keys, key), 0, len(cat.customer_price_keys) - 1)
    own = cat.customer_price_keys[at] == key
    cents = np.where(own, cat.customer_price_cents[at], cat.price_cents[product])
    cents[is_["PRICE_OUT_OF_TOLERANCE"]] = cents[is_["PRICE_OUT_OF_TOLERANCE"]] * 11 // 10 + 1
    net_thousandths = tenths * cents  # tenths x cents = thousandths of the currency: exact to the cent here
    net_cents = net_thousandths // 10
    net_cents[is_["LINE_TOTAL_MISMATCH"]] += 100

    gtin = cat.gtin[product].copy()
    gtin[is_["INVALID_GTIN"]] = wrong_check_digit(gtin[is_["INVALID_GTIN"]])
    unknown = is_["UNKNOWN_ITEM"]
    gtin[unknown] = gs1(399_000_000_000 + np.flatnonzero(unknown) % 999_999)
    units = cat.unit[product].astype(object)
    units[is_["UNKNOWN_UNIT"]] = "ZZZ"

    gtin_text = pl.Series(gtin.astype(str)).set(pl.Series(by_customer), None)
    item_text = pl.Series(np.char.add("IT-", np.char.zfill(product.astype(str), 5)))
    item_text = item_text.set(pl.Series(by_customer), None).set(pl.Series(unknown), "XX-UNKNOWN")
    buyer_item = pl.Series(np.char.add(np.char.add("C", np.char.zfill(customer.astype(str), 4)), "-"))
    slot = np.argmax(cat.customer_items[customer] == product[:, None], axis=1)
    buyer_item = (buyer_item + pl.Series(np.char.zfill(slot.astype(str), 2))).set(pl.Series(~by_customer), None)

    frame = pl.DataFrame({
        "document": document, "line": np.tile(np.arange(per_order), orders),
        "line_no": np.tile(np.arange(1, per_order + 1), orders),
        "gtin": gtin_text, "description": pl.Series(np.char.add("Article ", product.astype(str))),
        "seller_item_id": item_text, "buyer_item_id": buyer_item,
        "quantity": decimal(tenths, 1), "unit": pl.Series(units, dtype=pl.Utf8),
        "unit_price": decimal(cents, 2), "net_amount": decimal(net_cents, 2),
        "tax_rate": decimal(cat.tax[product], 2),
        "kind": pl.Series(["order"]).extend_constant("order", n - 1),
        "customer_id": customer + 1,
        "issue_date": pl.Series(np.datetime64(START, "D") + issued),
    })
    frame = frame.select([pl.col(name).cast(dtype) for name, dtype in FRAME_COLUMNS.items()])
    expected = Counter({kind: int(is_[kind].sum()) for kind in LINE_FAULTS})
    return frame, +expected


# -- order headers ---------------------------------------------------------------------------------


def make_headers(rng: np.random.Generator, cat: Catalogue, orders: int) -> tuple[list[PurchaseOrder], Counter[str]]:
    """``orders`` purchase orders without lines, a few broken in one header field each."""
    source = Source(format="bench", sha256="0" * 64)
    draw = rng.random(orders)
    edges = np.cumsum(list(HEADER_FAULTS.values()))
    faults = np.searchsorted(edges, draw, side="right")  # index into HEADER_FAULTS, or len() for none
    names = list(HEADER_FAULTS)
    customers = rng.integers(0, CUSTOMERS, orders)
    documents, expected = [], Counter({"NO_LINES": orders})
    for i in range(orders):
        fault = names[faults[i]] if faults[i] < len(names) else None
        c = int(customers[i])
        gln, name = str(cat.customer_gln[c]), f"Client {c:04d} SAS"
        issued = START + timedelta(days=31 + i % 300)
        requested = issued + timedelta(days=3)
        if fault == "INVALID_GLN":
            gln = str(wrong_check_digit(np.array([int(gln)]))[0])  # still found by its name
        elif fault == "UNKNOWN_CUSTOMER":
            gln, name = str(gs1(np.array([398_000_000_000 + i]))[0]), f"Inconnu {i} SARL"
        elif fault == "REQUESTED_BEFORE_ORDER_DATE":
            requested = issued - timedelta(days=2)
        documents.append(PurchaseOrder(
            number=None if fault == "MISSING_NUMBER" else f"PO-{i:06d}", issue_date=issued, currency="EUR",
            buyer=Party(name=name, gln=gln), requested_delivery_date=requested, source=source))
        if fault:
            expected[fault] += 1
    return documents, expected


# -- the run ---------------------------------------------------------------------------------------


@dataclass
class Figures:
    lines: int
    orders: int
    line_seconds: float
    line_cpu_seconds: float  # all threads: more than the wall time on an idle machine, less on a busy one
    lines_per_second: float
    header_seconds: float
    header_cpu_seconds: float
    headers_per_second: float
    peak_rss_mib: float
    build_rss_mib: float  # the high-water mark before the timed part (the data itself)
    line_findings: dict[str, int]
    line_expected: dict[str, int]
    header_findings: dict[str, int]
    header_expected: dict[str, int]
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)  # other processes compete for the CPUs
    cpus: int = 1
    target_seconds: float = TARGET_SECONDS

    @property
    def counts_ok(self) -> bool:
        return self.line_findings == self.line_expected and self.header_findings == self.header_expected

    @property
    def fast_enough(self) -> bool | None:
        """Under the target for a million lines; None for smaller runs (fixed costs make scaling meaningless)."""
        if self.lines < 1_000_000:
            return None
        return self.line_seconds * 1_000_000 / self.lines < self.target_seconds


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run(orders: int = 20_000, per_order: int = 50, seed: int = SEED) -> Figures:
    rng = np.random.default_rng(seed)
    catalogue = make_catalogue(rng)
    frame, line_expected = make_lines(rng, catalogue, orders, per_order)
    headers, header_expected = make_headers(rng, catalogue, orders)
    context = ValidationContext(master=catalogue.master)
    check_lines(frame.head(100), context)  # warm-up: pandera builds its schema once per process
    build_rss = peak_rss_mib()

    start, cpu = time.perf_counter(), time.process_time()
    findings = check_lines(frame, context)
    line_seconds, line_cpu = time.perf_counter() - start, time.process_time() - cpu

    start, cpu = time.perf_counter(), time.process_time()
    checked = validate(headers, context)
    header_seconds, header_cpu = time.perf_counter() - start, time.process_time() - cpu

    line_counts = dict(sorted(Counter(findings.get_column("code").to_list()).items()))
    header_counts = Counter(f.code for doc in checked for f in doc.findings)
    return Figures(
        lines=frame.height, orders=orders, line_seconds=line_seconds, line_cpu_seconds=line_cpu,
        lines_per_second=frame.height / line_seconds if line_seconds else 0.0,
        header_seconds=header_seconds, header_cpu_seconds=header_cpu, headers_per_second=len(headers) / header_seconds if header_seconds else 0.0,
        peak_rss_mib=peak_rss_mib(), build_rss_mib=build_rss,
        line_findings=line_counts, line_expected=dict(sorted(line_expected.items())),
        header_findings=dict(sorted(header_counts.items())), header_expected=dict(sorted(header_expected.items())),
        load_average=os.getloadavg(), cpus=os.cpu_count() or 1,
    )


def report(figures: Figures) -> str:
    verdict = {True: "OK, under", False: "SLOW, over", None: "the target is"}[figures.fast_enough]
    lines = [
        f"check_lines: {figures.lines:,} order lines ({figures.orders:,} orders) in {figures.line_seconds:.2f} s "
        f"({figures.line_cpu_seconds:.2f} s CPU), {figures.lines_per_second:,.0f} lines/s "
        f"[{verdict} {figures.target_seconds:.0f} s per million lines]",
        f"validate: {figures.orders:,} order headers without lines in {figures.header_seconds:.2f} s "
        f"({figures.header_cpu_seconds:.2f} s CPU), "
        f"{figures.headers_per_second:,.0f} documents/s",
        f"peak RSS {figures.peak_rss_mib:,.0f} MiB ({figures.build_rss_mib:,.0f} MiB before the timed part); "
        f"{figures.cpus} CPU(s), load average {figures.load_average[0]:.1f} while it ran",
        "",
        f"{'code':<28} {'findings':>9} {'injected':>9}",
    ]
    for found, meant in ((figures.line_findings, figures.line_expected),
                         (figures.header_findings, figures.header_expected)):
        for code in sorted(set(found) | set(meant)):
            mark = "OK" if found.get(code, 0) == meant.get(code, 0) else "MISMATCH"
            lines.append(f"{code:<28} {found.get(code, 0):>9,} {meant.get(code, 0):>9,}  {mark}")
    lines.append("")
    lines.append("findings per code: " + ("OK" if figures.counts_ok else "MISMATCH"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--lines-per-order", type=int, default=50)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.orders, args.lines_per_order, args.seed)
    if args.json:
        print(json.dumps({**asdict(figures), "counts_ok": figures.counts_ok, "fast_enough": figures.fast_enough},
                         indent=2))
    else:
        print(report(figures))
    return 0 if figures.counts_ok else 1


if __name__ == "__main__":
    sys.exit(main())
