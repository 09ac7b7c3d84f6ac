"""Working the exception queue from the CLI: fix, approve, reject, retry, with audit and no lost update."""

from __future__ import annotations

import json

from edifact_builders import BUYER, GTIN_A, SELLER, interchange, order_body
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.context import Context
from pipeline.db.models import AuditEvent, Document, Order
from pipeline.settings import Settings

runner = CliRunner()


def adv(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def ingest_one(tmp_path, name: str, text: str) -> int:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / name).write_text(text)
    adv("ingest", "--json")
    items = json.loads(adv("exceptions", "list", "--json").stdout)["items"]
    return next(item["id"] for item in items if name in item["source"])


def audit(document_id: int) -> list[tuple[str, str, str | None]]:
    context = Context(Settings())
    with context.sessions() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.document_id == document_id)
                               .order_by(AuditEvent.id)).all()
        return [(row.actor, row.action, row.to_state) for row in rows]


def orders() -> list[str]:
    context = Context(Settings())
    with context.sessions() as session:
        return list(session.scalars(select(Order.number)))


def bad_gtin_order(number: str = "PO-1001", ref: str = "REF1") -> str:
    return interchange([s.replace(f"LIN+1++{GTIN_A}", f"LIN+1++{GTIN_A[:-1]}0") for s in order_body(number)],
                       ref=ref)


def test_fixing_a_field_revalidates_and_loads(adv_env, tmp_path):
    document_id = ingest_one(tmp_path, "po.edi", bad_gtin_order())
    shown = json.loads(adv("exceptions", "show", str(document_id), "--json").stdout)
    assert "INVALID_GTIN" in {f["code"] for f in shown["findings"]}

    result = adv("exceptions", "fix", str(document_id), "lines[0].gtin", GTIN_A)
    assert result.exit_code == 0, result.output
    assert "loaded" in result.stdout
    assert orders() == ["PO-1001"]
    assert [a for a in audit(document_id) if a[1] in ("fix", "revalidate")] == [
        ("tester", "fix", "needs_review"), ("tester", "revalidate", "loaded")]
    shown = json.loads(adv("exceptions", "show", str(document_id), "--json").stdout)
    assert shown["state"] == "loaded" and shown["corrections"] == {"lines[0].gtin": GTIN_A}
    assert shown["document"]["lines"][0]["gtin"] == GTIN_A


def test_a_fix_that_leaves_errors_stays_in_review(adv_env, tmp_path):
    document_id = ingest_one(tmp_path, "po.edi", bad_gtin_order())
    result = adv("exceptions", "fix", str(document_id), "number", "PO-9")
    assert result.exit_code == 1 and "INVALID_GTIN" in result.stdout
    assert orders() == []


def test_approve_loads_despite_envelope_findings(adv_env, tmp_path):
    document_id = ingest_one(tmp_path, "po.edi", interchange(order_body()).replace("UNT+25", "UNT+24"))
    result = adv("exceptions", "approve", str(document_id), "--reason", "sender confirmed by phone")
    assert result.exit_code == 0 and orders() == ["PO-1001"]
    assert ("tester", "approve", "needs_review") in audit(document_id)


def test_reject_needs_a_reason_and_is_final(adv_env, tmp_path):
    document_id = ingest_one(tmp_path, "po.edi", bad_gtin_order())
    assert adv("exceptions", "reject", str(document_id)).exit_code == 2
    result = adv("exceptions", "reject", str(document_id), "--reason", "not our customer")
    assert result.exit_code == 1 and "rejected" in result.stdout
    assert [a for a in audit(document_id) if a[1] != "acknowledged"][-1] == ("tester", "reject", "rejected")
    assert adv("exceptions", "fix", str(document_id), "number", "X").exit_code == 2  # no longer in review


def test_a_stale_version_is_refused(adv_env, tmp_path):
    document_id = ingest_one(tmp_path, "po.edi", bad_gtin_order())
    version = json.loads(adv("exceptions", "show", str(document_id), "--json").stdout)["version"]
    adv("exceptions", "fix", str(document_id), "number", "PO-7")
    stale = adv("exceptions", "fix", str(document_id), "lines[0].gtin", GTIN_A, "--version", str(version))
    assert stale.exit_code == 2 and "changed by someone else" in stale.stderr


def test_unknown_field_is_a_usage_error(adv_env, tmp_path):
    document_id = ingest_one(tmp_path, "po.edi", bad_gtin_order())
    result = adv("exceptions", "fix", str(document_id), "lines[0].colour", "red")
    assert result.exit_code == 2 and "cannot set" in result.stderr


def test_retry_after_master_data_changed(adv_env, tmp_path):
    masterdata = tmp_path / "md"
    masterdata.mkdir()
    (masterdata / "customers.csv").write_text(f"code,name,gln\nC1,Autre client,{SELLER}\n")
    assert adv("masterdata", "import", str(masterdata)).exit_code == 0
    document_id = ingest_one(tmp_path, "po.edi", interchange(order_body()))
    shown = json.loads(adv("exceptions", "show", str(document_id), "--json").stdout)
    assert "UNKNOWN_CUSTOMER" in {f["code"] for f in shown["findings"]}

    (masterdata / "customers.csv").write_text(f"code,name,gln\nC2,Maison Durand SAS,{BUYER}\n")
    adv("masterdata", "import", str(masterdata))
    result = adv("exceptions", "retry", str(document_id))
    assert result.exit_code == 0, result.output
    assert orders() == ["PO-1001"]


def test_corrections_are_proposed_for_the_next_document_of_that_sender(adv_env, tmp_path):
    first = ingest_one(tmp_path, "a.edi", bad_gtin_order())
    adv("exceptions", "fix", str(first), "lines[0].gtin", GTIN_A)
    second = ingest_one(tmp_path, "b.edi", bad_gtin_order("PO-2002", ref="REF2"))
    shown = json.loads(adv("exceptions", "show", str(second), "--json").stdout)
    proposal = next(f for f in shown["findings"] if f["code"] == "CORRECTION_PROPOSED")
    assert proposal["field"] == "lines[0].gtin" and GTIN_A in proposal["message"]
    assert shown["document"]["lines"][0]["gtin"] != GTIN_A  # proposed, never applied


def test_queue_filters_and_counts(adv_env, tmp_path):
    ingest_one(tmp_path, "po.edi", bad_gtin_order())
    listing = json.loads(adv("exceptions", "list", "--json", "--customer", "durand").stdout)
    assert listing["total"] == 1 and listing["counts"] == {"INVALID_GTIN": 1}
    assert json.loads(adv("exceptions", "list", "--json", "--customer", "nobody").stdout)["total"] == 0
    assert json.loads(adv("exceptions", "list", "--json", "--channel", "email").stdout)["total"] == 0
    assert json.loads(adv("exceptions", "list", "--json", "--older-than", "1").stdout)["total"] == 0
    assert json.loads(adv("exceptions", "list", "--json", "--older-than", "0").stdout)["total"] == 1


def test_the_same_order_twice_in_other_envelopes_is_one_order_and_one_duplicate(adv_env, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.edi").write_text(interchange(order_body(), ref="R1"))
    assert adv("ingest").exit_code == 0
    (inbox / "b.edi").write_text(interchange(order_body(), ref="R2"))  # another interchange, same order
    assert adv("ingest").exit_code == 0
    context = Context(Settings())
    with context.sessions() as session:
        states = dict(session.execute(select(Document.source, Document.state).where(Document.parent_id.is_not(None))).all())
    assert sorted(states.values()) == ["duplicate", "loaded"]
    assert orders() == ["PO-1001"]
