"""Reconciliation runs against the database: idempotent, a new document reopens only what it affects, disputes
keep the status people gave them until their difference changes or goes."""

from __future__ import annotations

from datetime import date

import pytest
from reconcile_db import BUYER, GTIN_A, GTIN_B, OTHER, delivery, invoice, order
from sqlalchemy import func, select

from pipeline.db.models import Dispute, DisputeEvent, ReconciliationLine, ReconciliationRun
from pipeline.reconcile import disputes
from pipeline.reconcile.run import UnknownCustomer, reconcile


def state(context) -> dict[str, tuple[str, str, str]]:
    """Every stored row: key -> (outcome, fingerprint, dispute status or '')."""
    with context.sessions() as session:
        rows = session.execute(select(ReconciliationLine.key, ReconciliationLine.outcome,
                                      ReconciliationLine.fingerprint, Dispute.status)
                               .outerjoin(Dispute, Dispute.key == ReconciliationLine.key)).all()
    return {key: (outcome, fingerprint, status or "") for key, outcome, fingerprint, status in rows}


def dispute_of(context, **where) -> Dispute:
    with context.sessions() as session:
        query = select(Dispute).where(*[getattr(Dispute, k) == v for k, v in where.items()])
        return session.scalars(query).one()


def set_status(context, dispute_id: int, status: str, reason: str = "checked") -> None:
    with context.sessions() as session, session.begin():
        disputes.set_status(session, dispute_id, status, "anna", reason)


@pytest.fixture
def ledger(context):
    """PO-1: 10 delivered, 12 billed (over-billing); PO-2: billed above the ordered price; PO-3 never delivered."""
    order(context, "PO-1", (GTIN_A, 10, "4.50"))
    order(context, "PO-2", (GTIN_B, 5, "2.00"), buyer=OTHER)
    order(context, "PO-3", (GTIN_B, 1, "2.00"))
    delivery(context, "DN-1", "PO-1", (1, GTIN_A, 10))
    delivery(context, "DN-2", "PO-2", (1, GTIN_B, 5), buyer=OTHER)
    invoice(context, "INV-1", "PO-1", (1, GTIN_A, 12, "4.50"), note="DN-1")
    invoice(context, "INV-2", "PO-2", (1, GTIN_B, 5, "2.20"), note="DN-2", buyer=OTHER)
    return context


def test_a_run_saves_outcomes_opens_disputes_and_names_the_invoices_to_block(ledger):
    summary = reconcile(ledger)
    assert summary.outcomes == {"matched": 1, "ordered_not_delivered": 1, "price_difference": 1,
                                "quantity_difference": 1}
    assert summary.invoices_to_block == ["INV-1", "INV-2"]
    assert summary.changes.inserted == 4 and summary.changes.disputes == {"opened": 3}
    assert dispute_of(ledger, invoice_no="INV-1").status == "open"


def test_running_again_on_the_same_documents_changes_nothing(ledger):
    reconcile(ledger)
    before = state(ledger)
    again = reconcile(ledger)
    assert again.changes.as_json() == {"inserted": 0, "updated": 0, "deleted": 0, "unchanged": 4, "disputes": {}}
    assert state(ledger) == before
    with ledger.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReconciliationRun)) == 2
        assert session.scalar(select(func.count()).select_from(DisputeEvent)) == 3  # the three openings only


def test_people_set_statuses_and_a_justified_difference_no_longer_blocks(ledger):
    reconcile(ledger)
    price = dispute_of(ledger, invoice_no="INV-2")
    set_status(ledger, price.id, "justified", "price rise agreed by phone")
    summary = reconcile(ledger)
    assert summary.invoices_to_block == ["INV-1"]
    assert dispute_of(ledger, id=price.id).status == "justified"  # the run kept it
    info = disputes_detail(ledger, price.id)
    assert [(e["actor"], e["action"], e["to"]) for e in info["history"]] == [
        ("reconcile", "opened", "open"), ("anna", "status", "justified")]
    assert info["history"][1]["reason"] == "price rise agreed by phone"


def disputes_detail(context, dispute_id: int) -> dict:
    with context.sessions() as session:
        return disputes.detail(session, dispute_id)


def test_a_new_delivery_note_reopens_only_what_it_affects(ledger):
    reconcile(ledger)
    over = dispute_of(ledger, invoice_no="INV-1")
    price = dispute_of(ledger, invoice_no="INV-2")
    set_status(ledger, over.id, "credit_note_requested")
    set_status(ledger, price.id, "justified")
    before = state(ledger)

    delivery(ledger, "DN-3", "PO-1", (1, GTIN_A, 1), day=6)  # one more delivered: over-billed by 1 now
    summary = reconcile(ledger)
    after = state(ledger)
    changed = {key for key in after if after[key] != before.get(key)} | (before.keys() - after.keys())
    assert all(key.split(":")[1] == changed_order_line(ledger) for key in changed), changed
    reopened = dispute_of(ledger, id=over.id)
    assert reopened.status == "open"  # the difference changed: 2 -> 1
    assert dispute_of(ledger, id=price.id).status == "justified"  # untouched
    assert summary.changes.disputes == {"reopened": 1}
    assert summary.changes.inserted == 1 and summary.changes.updated == 1  # DN-3's pair, INV-1's row


def changed_order_line(context) -> str:
    with context.sessions() as session:
        return str(session.scalar(select(ReconciliationLine.order_line_id).where(
            ReconciliationLine.invoice_no == "INV-1")))


def test_a_credit_note_settles_the_difference_and_the_run_closes_the_dispute(ledger):
    reconcile(ledger)
    over = dispute_of(ledger, invoice_no="INV-1")
    set_status(ledger, over.id, "credit_note_requested")
    invoice(ledger, "CN-1", "PO-1", (1, GTIN_A, 2, "4.50"), day=8, credit=True)
    summary = reconcile(ledger)
    assert "INV-1" not in summary.invoices_to_block
    closed = disputes_detail(ledger, over.id)
    assert closed["status"] == "closed"
    assert closed["history"][-1]["actor"] == "reconcile" and "credited by credit note CN-1" in (
        closed["history"][-1]["reason"])


def test_a_delivery_for_an_order_billed_but_never_delivered_settles_it(context):
    order(context, "PO-9", (GTIN_A, 4, "4.50"))
    invoice(context, "INV-9", "PO-9", (1, GTIN_A, 4, "4.50"))
    assert reconcile(context).outcomes == {"invoiced_not_delivered": 1}
    delivery(context, "DN-9", "PO-9", (1, GTIN_A, 4), day=5)
    summary = reconcile(context)
    assert summary.outcomes == {"matched": 1}
    assert summary.changes.deleted == 1 and summary.changes.disputes == {"resolved": 1}


def test_scope_by_customer_and_since_touches_only_its_rows(ledger):
    reconcile(ledger)
    before = state(ledger)
    summary = reconcile(ledger, customer=OTHER.gln)
    assert summary.outcomes == {"price_difference": 1, "matched": 1} and summary.changes.unchanged == 2
    assert state(ledger) == before
    assert reconcile(ledger, since=date(2027, 1, 1)).outcomes == {}  # nothing dated since then
    assert state(ledger) == before  # and nothing outside the scope removed
    with pytest.raises(UnknownCustomer):
        reconcile(ledger, customer="nobody we know")
    assert reconcile(ledger, customer=BUYER.name).outcomes["quantity_difference"] == 1
