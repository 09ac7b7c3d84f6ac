"""Ingesting samples/ into a fresh database: every file ends as its manifest says, and a second run writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import SAMPLES
from sqlalchemy import func, select

from pipeline.db.models import (
    AuditEvent,
    DeliveryNoteRow,
    Document,
    FindingRow,
    InvoiceRow,
    Order,
    OrderResponseRow,
    PartyRow,
)
from pipeline.run import RunReport, list_files, process_batch, receive_files

FOLDER = SAMPLES / "edifact"
ENTRIES: list[dict] = json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))["samples"]
TABLES = {"order": Order, "invoice": InvoiceRow, "credit_note": InvoiceRow, "delivery_note": DeliveryNoteRow,
          "order_response": OrderResponseRow}
# What a replay status becomes once ingested.
INGESTED = {"validated": "loaded", "needs_review": "needs_review"}


def copy_of_samples(tmp_path: Path) -> Path:
    """The samples the manifest describes, with their expected files, without the manifest (it is not a sample)."""
    target = tmp_path / "samples"
    shutil.copytree(FOLDER, target / FOLDER.name, ignore=shutil.ignore_patterns("manifest.json"))
    return target


def ingest(context, folder: Path) -> RunReport:
    report, new_ids = receive_files(context, list_files(context, [folder]))
    return report.merge(process_batch(context, new_ids))


def row_counts(context) -> dict[str, int]:
    models = {model.__tablename__: model for model in (Document, FindingRow, AuditEvent, PartyRow, *TABLES.values())}
    with context.sessions() as session:
        return {name: session.scalar(select(func.count()).select_from(model)) for name, model in models.items()}


def files_and_children(context) -> dict[str, tuple[Document, list[Document]]]:
    """Each received file by its name, with the business documents found in it (in file order)."""
    with context.sessions() as session:
        documents = session.scalars(select(Document).order_by(Document.id)).all()
        session.expunge_all()
    roots = {doc.id: doc for doc in documents if doc.parent_id is None}
    children: dict[int, list[Document]] = {doc_id: [] for doc_id in roots}
    for doc in documents:
        if doc.parent_id is not None:
            children[doc.parent_id].append(doc)
    return {Path(root.source).name: (root, children[root.id]) for root in roots.values()}


def test_first_run_loads_good_documents_reviews_broken_ones_and_spots_the_resend(context, tmp_path):
    report = ingest(context, copy_of_samples(tmp_path))
    assert (report.files_seen, report.files_new, report.errors) == (len(ENTRIES), len(ENTRIES), [])
    received = files_and_children(context)
    assert sorted(received) == sorted(e["file"] for e in ENTRIES)
    for entry in ENTRIES:
        root, children = received[entry["file"]]
        if entry["duplicate_of"]:
            original, _ = received[entry["duplicate_of"]]
            assert (root.state, root.duplicate_of_id, children) == ("duplicate", original.id, []), entry["file"]
            continue
        assert root.state == entry["status"], entry["file"]
        found = [(child.kind, child.number, child.state) for child in children]
        meant = [(d["kind"], d["number"], INGESTED[d["status"]]) for d in entry["documents"]]
        assert found == meant, entry["file"]


def loaded_per_table() -> dict[str, int]:
    """How many rows each business table must get: one per validated document, resends excepted."""
    counts = dict.fromkeys((model.__tablename__ for model in TABLES.values()), 0)
    for entry in ENTRIES:
        for document in entry["documents"]:
            if not entry["duplicate_of"] and document["status"] == "validated":
                counts[TABLES[document["kind"]].__tablename__] += 1
    return counts


def test_loaded_rows_are_the_validated_documents_and_a_second_run_writes_nothing(context, tmp_path):
    folder = copy_of_samples(tmp_path)
    ingest(context, folder)
    before = row_counts(context)
    assert {table: before[table] for table in loaded_per_table()} == loaded_per_table()
    report = ingest(context, folder)
    assert (report.files_new, report.already_received, dict(report.states)) == (0, len(ENTRIES), {})
    assert row_counts(context) == before
