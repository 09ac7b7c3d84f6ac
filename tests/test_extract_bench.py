"""Smoke test of bench/extraction.py on two corpus PDFs (skipped when the corpus is not there)."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from decimal import Decimal

import pytest
from conftest import CORPUS, ROOT

PAIR = ("zugferd-corpus__Facture_FR_BASIC", "zugferd-corpus__zugferd_2p0_EN16931_Einfach")
pytestmark = pytest.mark.skipif(not all((CORPUS / "facturx" / f"{name}.pdf").exists() for name in PAIR),
                                reason="the shared corpus is not here")


def bench():
    if "bench_extraction" not in sys.modules:  # dataclasses look their module up while the class is made
        spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "bench" / "extraction.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_extraction"]


def test_the_truth_is_read_from_the_embedded_xml():
    truth = bench().truth_from_xml((CORPUS / "facturx" / f"{PAIR[0]}.xml").read_bytes())
    assert truth.fields["number"] == "FA-2017-0010" and truth.fields["issue_date"] == date(2017, 11, 13)
    assert truth.fields["seller.vat_id"] == "FR11999999998" and truth.fields["totals.gross"] == Decimal("671.15")
    assert [(line.quantity, line.net_amount) for line in truth.lines] == [
        (Decimal("20.000"), Decimal("81.90")), (Decimal("15.000"), Decimal("48.00")),
        (Decimal("25.000"), Decimal("495.00"))]


def test_two_corpus_pdfs_score_high_against_their_own_xml():
    module = bench()
    scores = [module.score_document(CORPUS / "facturx" / f"{name}.pdf",
                                    module.truth_from_xml((CORPUS / "facturx" / f"{name}.xml").read_bytes()),
                                    "facturx") for name in PAIR]
    assert not any(score.skipped for score in scores)
    summary = module.summarise(scores, ("facturx",))
    assert summary["key_header"]["f1"] >= 0.9, [s.errors for s in scores]
    assert summary["lines"]["f1"] >= 0.9 and summary["lines"]["truth"] == 5
    assert all(score.pages >= 1 and score.seconds > 0 for score in scores)


def test_the_line_match_needs_quantity_amount_and_a_description_or_id():
    module = bench()
    truth = [module.TruthLine("Trennblätter A4", Decimal(20), Decimal("198.00"), "TB100A4")]
    line = type("L", (), {"quantity": Decimal("20.0"), "net_amount": Decimal("198"), "description": "Trennblätter A4 x",
                          "seller_item_id": None, "gtin": None})
    assert module.match_lines(truth, [line]) == 1
    line.net_amount = Decimal("189.00")
    assert module.match_lines(truth, [line]) == 0
    line.net_amount, line.description, line.seller_item_id = Decimal("198"), "something else", "TB100A4"
    assert module.match_lines(truth, [line]) == 1
