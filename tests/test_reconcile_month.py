"""The generated month end to end: its EDIFACT files through ``adv ingest``'s pipeline, then ``adv reconcile``; every
injected discrepancy found and classified, nothing else flagged; the report a person reads; the generator's files
committed as it writes them, and read back by our parser as it meant them."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SUMMARY, _postgres_schema_url
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.context import Context
from pipeline.reconcile import source
from pipeline.reconcile.run import reconcile
from pipeline.replay import replay, replay_json
from pipeline.run import list_files, process_batch, receive_files
from pipeline.settings import Settings
from schemas.reconciliation import Outcome

GENERATOR = ROOT / "samples" / "reconciliation" / "generate.py"
MONTH = ROOT / "samples" / "reconciliation" / ".month"
KEY = ("outcome", "order_no", "order_line", "note_no", "note_line", "invoice_no", "invoice_line")
TODAY = date(2026, 10, 31)  # the month is September 2026: no order counts as recent, whatever today is


def expected_rows() -> set[tuple[str, ...]]:
    with (MONTH / "expected_outcome.csv").open(encoding="utf-8") as file:
        return {tuple(row[k] for k in KEY) for row in csv.DictReader(file)}


def found_rows(csv_path: Path) -> set[tuple[str, ...]]:
    columns = ("outcome", "order_no", "order_line_no", "delivery_note_no", "delivery_line_no", "invoice_no",
               "invoice_line_no")
    with csv_path.open(encoding="utf-8") as file:
        return {tuple(row[k] for k in columns) for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def month(tmp_path_factory, postgres_url):
    """A database holding the month as ``adv ingest`` loads it, its config loaded, reconciled once."""
    folder = tmp_path_factory.mktemp("month")
    urls = _postgres_schema_url(postgres_url) if postgres_url else iter([f"sqlite:///{folder / 'adv.db'}"])
    url = next(urls)
    settings = Settings(home=folder / ".adv", database_url=url, inbox=folder / "inbox", user="tester", today=TODAY)
    context = Context(settings)
    context.init()
    report, ids = receive_files(context, list_files(context, [MONTH / "edifact"]))
    states = process_batch(context, ids).states
    config = tomllib.loads((MONTH / "reconciliation.toml").read_text(encoding="utf-8"))
    with context.sessions() as session, session.begin():
        source.save_config(session, config["tolerances"], config["pack_sizes"])
    summary = reconcile(context, report=folder / "month.xlsx")
    yield context, folder, summary, states
    context.engine.dispose()
    for _ in urls:  # drops the PostgreSQL schema
        pass


def test_every_document_of_the_month_is_loaded(month):
    _, _, _, states = month
    assert dict(states) == {"loaded": len(list((MONTH / "edifact").iterdir()))}


def test_every_injected_discrepancy_is_found_and_nothing_else_is_flagged(month):
    _, folder, _, _ = month
    expected, found = expected_rows(), found_rows(folder / "month.csv")
    figures = []
    for outcome in Outcome:
        meant = {row for row in expected if row[0] == outcome.value}
        got = {row for row in found if row[0] == outcome.value}
        hits = len(meant & got)
        precision = hits / len(got) if got else 1.0
        recall = hits / len(meant) if meant else 1.0
        figures.append(f"{outcome.value} {hits}/{len(meant)} P={precision:.2f} R={recall:.2f}")
    SUMMARY.append("reconciliation month, per outcome (found/expected, precision, recall): " + "; ".join(figures))
    assert found - expected == set(), "flagged but not injected"
    assert expected - found == set(), "injected but not found"


def test_the_unidentifiable_invoice_line_carries_a_proposal(month):
    _, folder, _, _ = month
    with (folder / "month.csv").open(encoding="utf-8") as file:
        proposals = [row["proposal"] for row in csv.DictReader(file) if row["proposal"]]
    assert len(proposals) == 1 and proposals[0].startswith("invoice line: order PO-") and "same quantity" in (
        proposals[0])


def test_a_second_run_changes_nothing(month):
    context, _, first, _ = month
    again = reconcile(context)
    assert again.outcomes == first.outcomes
    assert again.changes.inserted == again.changes.updated == again.changes.deleted == 0
    assert not again.changes.disputes


def test_the_report_opens_on_a_summary_naming_the_invoices_to_block_and_why(month):
    _, folder, summary, _ = month
    book = openpyxl.load_workbook(folder / "month.xlsx", read_only=True)
    assert book.sheetnames == ["Summary", "Invoiced not delivered", "Quantity difference", "Price difference",
                               "Delivered not invoiced", "Ordered not delivered", "Matched"]
    rows = [[cell for cell in row if cell is not None] for row in book["Summary"].iter_rows(values_only=True)]
    text = "\n".join(" | ".join(str(c) for c in row) for row in rows)
    assert rows[0] == ["Reconciliation: invoices against delivery notes and orders"]
    assert f"Invoices to block: {len(summary.invoices_to_block)}" in text
    assert summary.invoices_to_block and all(number in text for number in summary.invoices_to_block)
    assert "billed too much" in text and "that no delivery note shows" in text
    for outcome in Outcome:
        sheet = book[outcome.label]
        assert sheet.max_row - 1 == summary.outcomes.get(outcome.value, 0), outcome
    headers = next(book["Quantity difference"].iter_rows(values_only=True))
    assert headers[:4] == ("Dispute", "Status", "Customer", "Invoice") and "Why" in headers


def test_the_month_is_what_the_generator_writes(tmp_path):
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True)
    for path in sorted(p for p in MONTH.rglob("*") if p.is_file()):
        relative = path.relative_to(MONTH)
        assert (tmp_path / relative).read_bytes() == path.read_bytes(), (
            f"{relative} differs: run .venv/bin/python samples/reconciliation/generate.py and review the diff")
    assert len(list(tmp_path.rglob("*"))) == len(list(MONTH.rglob("*")))


FIELDS = ("number", "issue_date", "order_ref", "delivery_note_ref", "currency")
NUMBERS = {"quantity", "unit_price", "net_amount"}
LINE_FIELDS = ("line_no", "gtin", "seller_item_id", "quantity", "unit", "unit_price", "net_amount", "order_ref",
               "order_line_no")


@pytest.mark.parametrize("name", ["PO-2609001", "DN-2609001", "FA-2609001", "RET-2609001", "AV-2609001"])
def test_our_parser_reads_each_kind_back_as_the_generator_meant_it(name):
    meant = json.loads((MONTH / "canonical" / f"{name}.json").read_text(encoding="utf-8"))
    path = MONTH / "edifact" / f"{name}.edi"
    [read] = replay_json(replay(path.read_bytes(), Settings(today=TODAY), path.name))["documents"]
    assert read["kind"] == meant["kind"]
    assert {f: read[f] for f in FIELDS} == {f: meant[f] for f in FIELDS}
    assert (read["buyer"]["gln"], read["seller"]["gln"]) == (meant["buyer"]["gln"], meant["seller"]["gln"])
    assert [_comparable(line) for line in read["lines"]] == [_comparable(line) for line in meant["lines"]]


def _comparable(line: dict) -> dict:
    """A line's fields, numbers as Decimal (the generator writes 328, the canonical model 328.00)."""
    return {f: Decimal(line[f]) if f in NUMBERS and line[f] is not None else line[f] for f in LINE_FIELDS}


def test_adv_reconcile_on_the_month_from_the_command_line(month, tmp_path, monkeypatch):
    context, _, _, _ = month
    monkeypatch.setenv("ADV_DATABASE_URL", context.settings.resolved_database_url)
    monkeypatch.setenv("ADV_HOME", str(tmp_path / ".adv"))
    monkeypatch.setenv("ADV_USER", "tester")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["reconcile", "--report", "r.xlsx", "--json"])
    assert result.exit_code == 1, result.output  # some invoices are to be blocked
    summary = json.loads(result.stdout)
    assert summary["changes"]["inserted"] == 0 and Counter(summary["outcomes"])["matched"] > 50
    assert (tmp_path / "r.xlsx").exists() and (tmp_path / "r.csv").exists()
