"""Ingesting e-mails (``.eml`` files, a Maildir) into the order database: attachments become child documents.

Runs on SQLite, and on PostgreSQL when ADV_TEST_DATABASE_URL is set (see conftest).
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLES
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.db.models import Document, FindingRow, InvoiceRow, Order
from pipeline.run import RunReport, leftover_ids, list_files, process_batch, receive_files

EMAIL = SAMPLES / "email"


def run(context, *paths: Path) -> RunReport:
    report, ids = receive_files(context, list_files(context, list(paths)))
    return report.merge(process_batch(context, sorted(set(ids) | set(leftover_ids(context)))))


FORWARDED = "facture-transferee-fr.eml"  # carries the same PDF as invoice-facturx-en.eml, see the last test


def inbox_of_emails(tmp_path: Path, names: tuple[str, ...] = ()) -> Path:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for sample in sorted(EMAIL.glob("*.eml")):
        if sample.name in names or (not names and sample.name != FORWARDED):
            shutil.copy(sample, inbox / sample.name)
    return inbox


def tree(context) -> tuple[dict[int, Document], dict[int, list[str]]]:
    """Every document by id, and the finding codes of each."""
    with context.sessions() as session:
        documents = {d.id: d for d in session.scalars(select(Document))}
        codes: dict[int, list[str]] = {}
        for row in session.scalars(select(FindingRow)):
            codes.setdefault(row.document_id, []).append(row.code)
        session.expunge_all()
    return documents, codes


def root_of(documents: dict[int, Document], document: Document) -> Document:
    while document.parent_id is not None:
        document = documents[document.parent_id]
    return document


def test_a_folder_of_emails_loads_what_it_can_trust_and_queues_the_rest(context, tmp_path):
    report = run(context, inbox_of_emails(tmp_path))
    assert report.files_seen == 6 and report.files_new == 6 and not report.errors
    documents, codes = tree(context)
    roots = {Path(d.source).name: d for d in documents.values() if d.parent_id is None}
    assert {name: d.format for name, d in roots.items()} == {name: "email" for name in roots}
    free_text = roots["commande-texte-libre-fr.eml"]  # what the free-text extractor makes of it is its own test
    assert "EMAIL_NO_ATTACHMENT" in codes[free_text.id] and free_text.state in ("loaded", "needs_review")
    assert {d.state for name, d in roots.items() if name != "commande-texte-libre-fr.eml"} == {"loaded"}

    with context.sessions() as session:
        invoice = session.scalars(select(InvoiceRow).where(InvoiceRow.number == "F-2026-0142")).one()
        assert invoice.gross == Decimal("163.95") and invoice.order_ref == "PO-7001"
        invoice_doc = session.get(Document, invoice.document_id)
        pdf = session.get(Document, invoice_doc.parent_id)
        assert pdf.format == "factur-x" and pdf.locator == "attachment 1: F-2026-0142.pdf"
        assert Path(session.get(Document, pdf.parent_id).source).name == "invoice-facturx-en.eml"
        assert context.store.exists(pdf.sha256)  # the attachment's raw bytes are stored too
        numbers = sorted(session.scalars(select(Order.number)))
        assert numbers == ["PO-7001", "PO-7002", "PO-7003"]
        assert sorted(session.scalars(select(InvoiceRow.number))) == ["A-2026-0007", "F-2026-0142", "F-2026-0143"]

    hostile = [d for d in documents.values() if root_of(documents, d).source.endswith("hostile-en.eml")
               and d.parent_id is not None]
    by_name = {d.locator.split(": ", 1)[1]: d for d in hostile}
    assert sorted(codes[by_name["invoices.zip"].id]) == ["ZIP_BOMB", "ZIP_TOO_DEEP"]
    assert codes[by_name["invoice-F-2026-0199.xml"].id] == ["XML_MALFORMED"]
    assert codes[by_name["invoice-secret.xml"].id] == ["XML_UNSAFE"]
    assert all(d.state == "needs_review" for d in hostile)

    again = run(context, tmp_path / "in")
    assert again.files_new == 0 and again.already_received == 6 and not again.states


def test_an_invoice_forwarded_by_a_colleague_is_a_duplicate_not_a_second_load(context, tmp_path):
    run(context, inbox_of_emails(tmp_path, ("invoice-facturx-en.eml", FORWARDED)))
    documents, codes = tree(context)
    assert not [code for found in codes.values() for code in found if code == "PIPELINE_ERROR"]
    invoices = [d for d in documents.values() if d.canonical is not None and d.state == "loaded"]
    assert len(invoices) == 1  # the forwarded copy of the same PDF is not loaded a second time
    copies = [d for d in documents.values() if d.state == "duplicate"]
    assert len(copies) == 1 and copies[0].format == "factur-x" and copies[0].duplicate_of_id is not None
    with context.sessions() as session:
        assert session.scalars(select(InvoiceRow.number)).all() == ["F-2026-0142"]


def test_a_maildir_is_ingested_message_by_message_and_tmp_is_skipped(context, tmp_path):
    maildir = tmp_path / "Maildir"
    shutil.copytree(EMAIL / "maildir", maildir, ignore=shutil.ignore_patterns("*.expected.json"))
    (maildir / "tmp").mkdir()
    (maildir / "tmp" / "1769100000.M300P1.host").write_bytes(b"From: half@delivered.example\nSubj")
    (maildir / "dovecot-uidlist").write_text("3 V1 N4\n")
    (maildir / "dovecot.index.log").write_bytes(b"\x01\x02")
    report = run(context, maildir)
    assert report.files_seen == 2  # cur/ and new/, not tmp/ nor the server's index files
    documents, codes = tree(context)
    invoices = {d.number: d for d in documents.values() if d.kind in ("invoice", "credit_note")}
    assert invoices["F-HP-2026-0031"].state == "loaded"
    assert invoices["F-2026-0150"].state == "needs_review" and "XML_TEXT_MISMATCH" in codes[invoices["F-2026-0150"].id]
    assert all(Path(root_of(documents, d).source).parent.name in ("cur", "new") for d in invoices.values())


def test_adv_ingest_and_the_queue_on_emails(adv_env, tmp_path):
    inbox_of_emails(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--json"])
    assert first.exit_code == 1, first.output  # some documents need review
    counts = json.loads(first.stdout)
    assert counts["files_new"] == 6 and counts["states"]["loaded"] >= 6
    queue = json.loads(runner.invoke(app, ["exceptions", "list", "--code", "XML_UNSAFE", "--json"]).stdout)
    assert [item["locator"] for item in queue["items"]] == ["attachment 3: invoice-secret.xml"]
