"""The ``adv`` command as a user runs it: exit codes, JSON output, the exception queue."""

from __future__ import annotations

import json

from edifact_builders import interchange, order_body
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def adv(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_replay_json_prints_the_canonical_documents(tmp_path):
    path = tmp_path / "po.edi"
    path.write_text(interchange(order_body()))
    result = adv("replay", str(path), "--json")
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    [order] = output["documents"]
    assert order["kind"] == "order" and order["number"] == "PO-1001"
    assert order["lines"][0]["quantity"] == "12" and order["lines"][0]["unit_price"] == "4.50"
    assert order["issue_date"] == "2025-11-20" and order["status"] == "validated"
    assert order["provenance"]["lines[0].quantity"]["segment"] == "QTY"
    assert output["file"]["format"] == "edifact" and output["file"]["status"] == "loaded"


def test_replay_shows_each_stage_and_exits_1_when_review_is_needed(tmp_path):
    path = tmp_path / "po.edi"
    path.write_text(interchange(order_body()).replace("UNT+25", "UNT+2"))
    result = adv("replay", str(path))
    assert result.exit_code == 1
    for stage in ("intake", "classify", "parse", "validate", "decision"):
        assert stage in result.stdout
    assert "EDI_UNT_COUNT" in result.stdout


def test_replay_of_a_missing_file_is_a_usage_error(tmp_path):
    assert adv("replay", str(tmp_path / "nope.edi")).exit_code == 2


def test_ingest_twice_then_work_the_queue(adv_env, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.edi").write_text(interchange(order_body()))
    (inbox / "bad.edi").write_text(interchange(order_body("PO-2"), ref="R2").replace("UNT+25", "UNT+3"))

    first = adv("ingest", "--json")
    assert first.exit_code == 1  # one document needs review
    counts = json.loads(first.stdout)
    assert counts["files_new"] == 2 and counts["states"] == {"loaded": 1, "needs_review": 1}

    second = adv("ingest", "--json")
    assert json.loads(second.stdout)["files_new"] == 0 and json.loads(second.stdout)["states"] == {}

    listing = json.loads(adv("exceptions", "list", "--json").stdout)
    [item] = listing["items"]
    assert "EDI_UNT_COUNT" in item["codes"] and listing["counts"]["EDI_UNT_COUNT"] == 1
    assert adv("exceptions", "list", "--code", "INVALID_GTIN", "--json").stdout.count('"id"') == 0

    shown = adv("exceptions", "show", str(item["id"]))
    assert shown.exit_code == 0
    assert "EDI_UNT_COUNT" in shown.stdout and "raw excerpt" in shown.stdout and "history" in shown.stdout
    detail = json.loads(adv("exceptions", "show", str(item["id"]), "--json").stdout)
    assert detail["document"]["number"] == "PO-2" and detail["raw_excerpt"]
    assert adv("exceptions", "show", "99999").exit_code == 2


def test_human_ingest_output_has_counts_per_state(adv_env, tmp_path):
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "good.edi").write_text(interchange(order_body()))
    result = adv("ingest")
    assert result.exit_code == 0
    assert "loaded" in result.stdout and "needs_review" in result.stdout
