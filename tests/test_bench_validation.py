"""The validation benchmark runs, small: 10 000 lines, and every injected fault gives exactly its finding."""

from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT, SUMMARY


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_validation", ROOT / "bench" / "validation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_finds_exactly_what_it_injected(capsys):
    bench = load_bench()
    assert bench.main(["--orders", "200"]) == 0
    output = capsys.readouterr().out
    assert "10,000 order lines" in output and "findings per code: OK" in output and "  MISMATCH" not in output
    figures = bench.run(orders=200)
    assert figures.lines == 10_000 and figures.counts_ok
    assert set(figures.line_expected) == set(bench.LINE_FAULTS)  # every kind of fault was injected at least once
    assert figures.header_expected["NO_LINES"] == 200
    SUMMARY.append(f"bench/validation.py --orders 200: {figures.lines:,} lines in {figures.line_seconds:.2f} s")


def test_the_price_checked_is_the_customers_else_the_latest_valid_list_price():
    """Several valid prices for one line (overlapping lists, no order date) take the path the bench does not."""
    from datetime import date
    from decimal import Decimal

    import polars as pl

    from pipeline.masterdata.lookup import PRICE_SCHEMA, PRODUCT_SCHEMA, MasterData
    from pipeline.validation import ValidationContext
    from pipeline.validation.lines import FRAME_COLUMNS, check_lines

    products = pl.DataFrame([(1, "P1", "3760000000018", "Gants", "C62", None)], schema=PRODUCT_SCHEMA, orient="row")
    prices = pl.DataFrame([
        (None, 1, Decimal("10"), date(2025, 1, 1), None, None),
        (None, 1, Decimal("12"), date(2025, 6, 1), None, None),  # overlaps the first: the later start wins
        (None, 1, Decimal("20"), date(2026, 1, 1), None, None),  # not valid yet, unless the order has no date
        (2, 1, Decimal("9"), date(2025, 1, 1), date(2025, 12, 31), None),  # customer 2's own price
    ], schema=PRICE_SCHEMA, orient="row")
    cases = [  # (customer, order date, price, out of tolerance?)
        (1, date(2025, 3, 1), "10", False), (1, date(2025, 3, 1), "12", True),
        (1, date(2025, 7, 1), "12", False), (1, date(2025, 7, 1), "10", True),
        (2, date(2025, 7, 1), "9", False), (2, date(2025, 7, 1), "12", True),
        (1, None, "20", False), (1, None, "12", True),
    ]
    rows = [{"document": i, "line": 0, "line_no": 1, "gtin": "3760000000018", "description": None,
             "seller_item_id": None, "buyer_item_id": None, "quantity": Decimal("1"), "unit": "C62",
             "unit_price": Decimal(price), "net_amount": Decimal(price), "tax_rate": None, "kind": "order",
             "customer_id": customer, "issue_date": day} for i, (customer, day, price, _) in enumerate(cases)]
    frame = pl.DataFrame(rows, schema=FRAME_COLUMNS)
    findings = check_lines(frame, ValidationContext(master=MasterData(products=products, prices=prices)))
    flagged = set(findings.filter(pl.col("code") == "PRICE_OUT_OF_TOLERANCE").get_column("document").to_list())
    assert flagged == {i for i, case in enumerate(cases) if case[3]}


def test_the_integer_gtin_check_agrees_with_python_stdnum_on_junk():
    """The fast check digit path reads GTINs as integers: signs, spaces, zeros and overflow must not fool it."""
    from decimal import Decimal

    import polars as pl
    from stdnum import ean

    from pipeline.validation import ValidationContext
    from pipeline.validation.lines import FRAME_COLUMNS, check_lines

    gtins = ["3760000000018", "3760000000017", "+3760000000017", " 3760000000017", "-3760000000017",
             "00000000", "00000001", "000000000001", "12345670", "12345671", "99999999999999",
             "99999999999998", "999999999999999999999", "", "0x1234567", "3760000000017\n", None]
    rows = [{"document": 0, "line": i, "line_no": i + 1, "gtin": g, "description": "x", "seller_item_id": None,
             "buyer_item_id": None, "quantity": Decimal("1"), "unit": "C62", "unit_price": None,
             "net_amount": None, "tax_rate": None, "kind": "order", "customer_id": None, "issue_date": None}
            for i, g in enumerate(gtins)]
    findings = check_lines(pl.DataFrame(rows, schema=FRAME_COLUMNS), ValidationContext())
    flagged = set(findings.filter(pl.col("code") == "INVALID_GTIN").get_column("line").to_list())
    fmt = {i for i, g in enumerate(gtins) if g and g.isdigit() and g.isascii() and len(g) in (8, 12, 13, 14)}
    assert flagged == {i for i in fmt if not ean.is_valid(gtins[i])}
    assert len(flagged) >= 4 and not flagged & {2, 3, 4, 12, 13, 14, 15, 16}  # junk is BAD_GTIN_FORMAT's
