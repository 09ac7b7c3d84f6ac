"""bench/ocr.py scores what it should: header fields and lines against the generator's truth (no OCR here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "ocr.py"
TRUTH = {"kind": "order", "number": "CMD-2026-4839", "issue_date": "2026-04-06",
         "requested_delivery_date": "2026-04-11", "buyer.gln": "3035678000011", "order_ref": None,
         "totals.net": "340.20", "totals.gross": "363.09",
         "lines": [{"gtin": "3760123001250", "seller_item_id": "BF-COMTE18", "quantity": "3"},
                   {"gtin": "3760123001700", "seller_item_id": "BF-BIERE24", "quantity": "1"}]}


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_ocr", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_header_fields_score_equal_values_and_count_wrong_and_missing_ones(bench):
    read = {"number": "CMD-2026-4839", "issue_date": "2026-04-06", "requested_delivery_date": None,
            "buyer": {"gln": "3035678000017"}, "totals": {"net": "340.2", "gross": "363.09"}}
    score = bench.Score()
    misses = bench.score_header(TRUTH, read, score)
    assert (score.tp, score.fp, score.fn) == (4, 1, 2)  # net 340.2 == 340.20 as decimals
    assert misses == ["requested_delivery_date: None for '2026-04-11'",
                      "buyer.gln: '3035678000017' for '3035678000011'"]
    assert score.f1 == pytest.approx(8 / 11)


def test_a_line_matches_by_gtin_or_item_id_with_the_same_quantity(bench):
    read = {"lines": [{"gtin": None, "seller_item_id": "BF-COMTE18", "quantity": "3.000"},
                      {"gtin": "3760123001700", "seller_item_id": "BF-BIERE2A", "quantity": "7"}]}
    score = bench.Score()
    wrong = bench.score_lines(TRUTH, read, score)
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert wrong == ["line 3760123001700 x 7", "missed BF-BIERE24 x 1"]
    nothing = bench.Score()
    bench.score_lines(TRUTH, None, nothing)
    assert (nothing.tp, nothing.fn) == (0, 2)


def test_runs_are_scored_per_kind_of_damage_and_overall(bench):
    manifest = {"a.png": {"damage": "blur", "truth": TRUTH}, "b.tif": {"damage": "fax", "truth": TRUTH},
                "broken.png": {"damage": "truncated", "truth": None}}
    perfect = {"number": TRUTH["number"], "issue_date": TRUTH["issue_date"],
               "requested_delivery_date": TRUTH["requested_delivery_date"], "buyer": {"gln": TRUTH["buyer.gln"]},
               "totals": {"net": TRUTH["totals.net"], "gross": TRUTH["totals.gross"]}, "lines": TRUTH["lines"]}
    scores = bench.score_run(manifest, {"a.png": perfect, "b.tif": None, "broken.png": None})
    assert scores["blur"]["header_f1"] == 1.0 and scores["blur"]["lines_f1"] == 1.0
    assert scores["fax"]["header_f1"] == 0.0
    assert scores["all"]["header"] == [6, 0, 6] and "truncated" not in scores
