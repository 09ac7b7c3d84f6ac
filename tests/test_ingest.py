"""Ingestion into the order database: raw first, one state per document, idempotent, transactional."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from edifact_builders import GTIN_A, interchange, order_body
from sqlalchemy import func, select

from pipeline import ingest as ingest_module
from pipeline.context import Context
from pipeline.db.models import AuditEvent, Document, FindingRow, Order, OrderLine, PartyRow
from pipeline.run import leftover_ids, list_files, process_batch, receive_files


def run(context, *paths: Path):
    report, ids = receive_files(context, list_files(context, list(paths)))
    return report.merge(process_batch(context, sorted(set(ids) | set(leftover_ids(context)))))


def count(context, model) -> int:
    with context.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="latin-1")
    return path


def test_an_order_is_loaded_with_lines_parties_and_exact_decimals(context, tmp_path):
    write(tmp_path / "in", "po.edi", interchange(order_body()))
    report = run(context, tmp_path / "in")
    assert report.states["loaded"] == 1 and not report.needs_attention
    with context.sessions() as session:
        order = session.scalars(select(Order)).one()
        lines = session.scalars(select(OrderLine).order_by(OrderLine.line_no)).all()
        assert order.number == "PO-1001" and order.net == Decimal("78.75")
        assert [line.gtin for line in lines][0] == GTIN_A
        assert lines[1].unit_price == Decimal("8.25") and lines[0].quantity == Decimal("12")
        assert session.scalar(select(func.count()).select_from(PartyRow)) == 3
        assert context.store.exists(session.scalars(select(Document.sha256)).first())


def test_ingesting_twice_writes_nothing_the_second_time(context, tmp_path):
    write(tmp_path / "in", "po.edi", interchange(order_body()))
    run(context, tmp_path / "in")
    before = (count(context, Document), count(context, Order), count(context, AuditEvent))
    report = run(context, tmp_path / "in")
    assert report.files_new == 0 and report.already_received == 1
    assert (count(context, Document), count(context, Order), count(context, AuditEvent)) == before


def test_the_same_interchange_in_other_bytes_is_a_duplicate(context, tmp_path):
    write(tmp_path / "a", "po.edi", interchange(order_body()))
    write(tmp_path / "b", "po-resent.edi", interchange(order_body()).replace("\n", "\r\n"))
    run(context, tmp_path / "a")
    report = run(context, tmp_path / "b")
    assert report.states == {"duplicate": 1}
    assert count(context, Order) == 1
    with context.sessions() as session:
        resent = session.scalars(select(Document).where(Document.source.like("%po-resent.edi"))).one()
        assert resent.state == "duplicate" and resent.duplicate_of_id is not None
        assert context.store.exists(resent.sha256)  # nothing is lost, even a duplicate


def test_broken_document_goes_to_review_with_its_findings(context, tmp_path):
    text = interchange(order_body()).replace("UNT+25", "UNT+24")
    write(tmp_path / "in", "po.edi", text)
    report = run(context, tmp_path / "in")
    assert report.states["needs_review"] == 1 and report.needs_attention
    assert count(context, Order) == 0
    with context.sessions() as session:
        codes = set(session.scalars(select(FindingRow.code)))
        assert "EDI_UNT_COUNT" in codes


def test_a_failing_load_leaves_nothing_half_done(context, tmp_path, monkeypatch):
    def exploding_load(session, document_id, doc, customer_id=None):
        session.add(Order(document_id=document_id, number="half"))
        session.flush()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest_module, "load_document", exploding_load)
    write(tmp_path / "in", "po.edi", interchange(order_body()))
    report = run(context, tmp_path / "in")
    assert report.states == {"needs_review": 1}
    assert count(context, Order) == 0
    with context.sessions() as session:
        root = session.scalars(select(Document)).one()  # no child survived the rollback
        assert root.state == "needs_review" and "disk on fire" in root.state_reason
        assert session.scalars(select(FindingRow.code)).one() == "PIPELINE_ERROR"


def test_a_file_left_received_by_a_crash_is_finished_by_the_next_run(context, tmp_path):
    write(tmp_path / "in", "po.edi", interchange(order_body()))
    receive_files(context, list_files(context, [tmp_path / "in"]))  # the crash: nothing processed
    assert len(leftover_ids(context)) == 1
    report = run(context, tmp_path / "in")
    assert report.states["loaded"] == 1 and leftover_ids(context) == []


def test_every_document_has_an_audit_trail(context, tmp_path):
    write(tmp_path / "in", "po.edi", interchange(order_body()))
    run(context, tmp_path / "in")
    with context.sessions() as session:
        for document in session.scalars(select(Document)):
            events = session.scalars(select(AuditEvent).where(AuditEvent.document_id == document.id)).all()
            assert events and events[-1].to_state == document.state
            assert all(event.actor == "tester" for event in events)


def test_unreadable_and_unknown_files_are_kept_and_queued(context, tmp_path):
    write(tmp_path / "in", "notes.txt", "just some text, not a document")
    (tmp_path / "in" / "empty.edi").write_bytes(b"")
    report = run(context, tmp_path / "in")
    assert report.states["needs_review"] == 2
    with context.sessions() as session:
        assert set(session.scalars(select(FindingRow.code))) == {"UNKNOWN_FORMAT", "EMPTY_FILE"}


def test_missing_path_is_a_usage_error(context, tmp_path):
    with pytest.raises(FileNotFoundError):
        list_files(context, [tmp_path / "nowhere"])


class _BundleParser:
    """A stand-in container format (as e-mails will be): every attachment becomes a child document."""

    name = "bundle"

    def sniff(self, data: bytes) -> bool:
        return data.startswith(b"BUNDLE\n")

    def parse(self, data: bytes):
        from parsers.base import Attachment, ParseResult

        parts = data.split(b"\n--\n")[1:]
        return ParseResult(format=self.name, attachments=tuple(Attachment(f"part{i}.edi", part)
                                                               for i, part in enumerate(parts, start=1)))


def test_attachments_become_child_documents_processed_in_the_same_run(context, tmp_path, monkeypatch):
    from parsers import registry

    monkeypatch.setattr(registry, "PARSERS", [*registry.PARSERS, _BundleParser()])
    context = Context(context.settings.model_copy(update={"isolate": False}))  # the patch lives in this process
    bundle = b"BUNDLE\n\n--\n" + interchange(order_body()).encode() + b"\n--\n" + b"not a document"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mail.bundle").write_bytes(bundle)
    report = run(context, tmp_path / "in")
    assert report.states == {"loaded": 1, "needs_review": 1}
    with context.sessions() as session:
        root = session.scalars(select(Document).where(Document.parent_id.is_(None))).one()
        parts = session.scalars(select(Document).where(Document.parent_id == root.id).order_by(Document.id)).all()
        assert root.state == "loaded" and [p.locator for p in parts] == ["attachment 1: part1.edi",
                                                                           "attachment 2: part2.edi"]
        assert [p.state for p in parts] == ["loaded", "needs_review"]
        order = session.scalars(select(Order)).one()
        assert session.get(Document, order.document_id).parent_id == parts[0].id
        assert all(context.store.exists(p.sha256) for p in parts)
