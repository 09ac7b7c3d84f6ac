"""``adv reconcile`` as people use it: run, list and work disputes (with audit), config, usage errors; the nightly
flow module and its deployment; the benchmark code on a tiny size."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import yaml
from conftest import ROOT
from reconcile_db import GTIN_A, delivery, invoice, order
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def adv(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def over_billed(context) -> None:
    order(context, "PO-1", (GTIN_A, 10, "4.50"))
    delivery(context, "DN-1", "PO-1", (1, GTIN_A, 10))
    invoice(context, "INV-1", "PO-1", (1, GTIN_A, 12, "4.50"), note="DN-1")


def test_run_then_work_a_dispute_with_its_history(context, adv_env, tmp_path):
    over_billed(context)
    result = adv("reconcile", "--report", str(tmp_path / "out" / "r.xlsx"))
    assert result.exit_code == 1  # an invoice to block
    assert "INV-1" in result.stdout and "quantity_difference" in result.stdout
    assert (tmp_path / "out" / "r.xlsx").exists() and (tmp_path / "out" / "r.csv").exists()

    [item] = json.loads(adv("reconcile", "disputes", "list", "--json").stdout)
    assert (item["status"], item["outcome"], item["invoice_no"], item["amount_at_stake"]) == (
        "open", "quantity_difference", "INV-1", "9.00")
    assert adv("reconcile", "disputes", "set", str(item["id"]), "credit-note-requested", "--reason",
               "asked Durand for a credit note").exit_code == 0
    assert json.loads(adv("reconcile", "disputes", "list", "--status", "credit_note_requested", "--json").stdout)

    detail = json.loads(adv("reconcile", "disputes", "show", str(item["id"]), "--json").stdout)
    assert [(h["actor"], h["action"], h["from"], h["to"]) for h in detail["history"]] == [
        ("reconcile", "opened", None, "open"), ("tester", "status", "open", "credit_note_requested")]
    assert detail["history"][1]["reason"] == "asked Durand for a credit note"
    assert detail["line"]["qty_invoiced"] == "12.000000" or detail["line"]["qty_invoiced"].startswith("12")
    shown = adv("reconcile", "disputes", "show", str(item["id"]))
    assert "history" in shown.stdout and "credit_note_requested" in shown.stdout

    adv("reconcile", "disputes", "set", str(item["id"]), "justified")
    again = adv("reconcile", "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["invoices_to_block"] == []


def test_usage_errors_exit_2(context, adv_env, tmp_path):
    over_billed(context)
    adv("reconcile")
    assert adv("reconcile", "disputes", "set", "1", "maybe").exit_code == 2
    assert adv("reconcile", "disputes", "set", "999", "closed").exit_code == 2
    assert adv("reconcile", "disputes", "show", "999").exit_code == 2
    assert adv("reconcile", "--since", "yesterday").exit_code == 2
    assert adv("reconcile", "--customer", "nobody").exit_code == 2
    assert adv("reconcile", "config", "load", str(tmp_path / "missing.toml")).exit_code == 2


def test_config_load_sets_tolerances_and_pack_sizes(context, adv_env, tmp_path):
    over_billed(context)
    config = tmp_path / "r.toml"
    config.write_text('[[tolerances]]\nparty = "3012345000018"\nquantity_abs = "2"\n\n'
                      '[[pack_sizes]]\nitem = "3760000000017"\nunit = "CT"\ncontains = "12"\n')
    result = adv("reconcile", "config", "load", str(config))
    assert result.exit_code == 0 and "1 tolerance(s), 1 pack size(s)" in result.stdout
    assert "3760000000017" in adv("reconcile", "config", "show").stdout
    summary = json.loads(adv("reconcile", "--json").stdout)
    assert summary["outcomes"] == {"matched": 1}  # 2 over, within this customer's 2 units


def test_the_flow_only_calls_pipeline_and_is_deployed_nightly():
    import flows.reconcile as module

    source = (ROOT / "flows" / "reconcile.py").read_text()
    assert "pipeline.reconcile.run" in source and callable(module.reconcile)
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    deployment = next(d for d in config["deployments"] if d["name"] == "reconcile-nightly")
    path, function = deployment["entrypoint"].split(":")
    tree = ast.parse((ROOT / path).read_text())
    assert [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function
            and any("flow" in ast.unparse(d) for d in n.decorator_list)]
    [schedule] = deployment["schedules"]
    assert schedule["cron"].split()[2:] == ["*", "*", "*"] and schedule["active"]  # every night


def test_the_benchmark_runs_on_a_tiny_size(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "reconcile.py"), "--lines", "3000", "--out",
                          str(tmp_path)], capture_output=True, text=True, check=True).stdout
    assert "engine" in out and "duckdb" in out and "peak RSS" in out and "engine / duckdb" in out
