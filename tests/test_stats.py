"""``adv stats``: the touchless rate and its breakdowns, computed in SQL (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timezone

from edifact_builders import GTIN_A, interchange, order_body
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.context import Context
from pipeline.db.models import AuditEvent, Document
from pipeline.run import process_batch, receive_files
from pipeline.settings import Settings
from pipeline.stats import compute

runner = CliRunner()
_serial = itertools.count(1)


def adv(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def add(session, state: str, *, channel: str = "file", sender: str | None = "S1", business: bool = True,
        parent: Document | None = None, day: date = date(2025, 11, 20), actions: tuple[str, ...] = ()) -> Document:
    serial = next(_serial)
    row = Document(sha256=f"{serial:064d}", locator=f"document {serial}", source="x", channel=channel, sender=sender,
                   state=state, parent_id=parent.id if parent else None,
                   received_at=datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc))
    if business:  # a file never has the attribute set, so its column is SQL NULL (None would store JSON null)
        row.canonical = {"kind": "order"}
    session.add(row)
    session.flush()
    for action in actions:
        session.add(AuditEvent(document_id=row.id, actor="claire", action=action))
    return row


def test_touchless_means_loaded_with_no_person_on_it_or_on_its_file(context):
    with context.sessions() as session:
        add(session, "loaded", actions=("processed", "acknowledged"))  # the machine's own actions do not count
        add(session, "loaded", actions=("fix", "revalidate"))
        add(session, "loaded", actions=("approve",))
        add(session, "rejected", actions=("reject",))
        add(session, "needs_review")
        add(session, "duplicate")  # left out: a copy is not work
        retried = add(session, "loaded", business=False, channel="email", sender=None, actions=("retry",))
        attachment = add(session, "loaded", business=False, channel="email", parent=retried)
        add(session, "loaded", channel="email", sender="S2", parent=attachment)  # under a retried file: touched
        untouched = add(session, "loaded", business=False, channel="email")
        add(session, "loaded", channel="email", sender="S2", parent=untouched)
        add(session, "loaded", channel="email", sender=None, parent=untouched, day=date(2025, 10, 1))
        add(session, "needs_review", business=False, day=date(2025, 11, 21))  # a file nobody could read
        session.commit()

        figures = compute(session)
        assert (figures.overall.documents, figures.overall.loaded, figures.overall.touchless) == (8, 6, 3)
        assert figures.overall.rate == 0.375
        assert [(t.key, t.documents, t.loaded, t.touchless) for t in figures.by_channel] == [
            ("file", 5, 3, 1), ("email", 3, 3, 2)]
        assert [(t.key, t.documents, t.touchless) for t in figures.by_sender] == [
            ("S1", 5, 1), ("S2", 2, 1), ("(unknown)", 1, 1)]
        assert figures.states == {"duplicate": 1, "loaded": 6, "needs_review": 1, "rejected": 1}
        assert figures.files == {"loaded": 3, "needs_review": 1}
        assert (figures.backlog.documents, figures.backlog.files) == (1, 1)

        recent = compute(session, since=date(2025, 11, 1))
        assert (recent.overall.documents, recent.overall.touchless) == (7, 2)
        assert (recent.backlog.documents, recent.backlog.files) == (1, 1)
        assert compute(session, since=date(2030, 1, 1)).overall.rate is None


def test_adv_stats_prints_a_table_and_json(adv_env, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.edi").write_text(interchange(order_body("PO-1"), ref="R1"))
    bad = [s.replace(f"LIN+1++{GTIN_A}", f"LIN+1++{GTIN_A[:-1]}0") for s in order_body("PO-2")]
    (inbox / "b.edi").write_text(interchange(bad, ref="R2"))
    adv("ingest")
    context = Context(Settings())
    mail = tmp_path / "mail.edi"
    mail.write_text(interchange(order_body("PO-3"), ref="R3"))
    _, ids = receive_files(context, [mail], channel="email")
    process_batch(context, ids)

    result = adv("stats", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["touchless"]["overall"] == {"group": "all", "documents": 3, "loaded": 2, "touchless": 2,
                                               "rate": 0.6667}
    assert {g["channel"]: g["rate"] for g in figures["touchless"]["by_channel"]} == {"file": 0.5, "email": 1.0}
    [sender] = figures["touchless"]["by_sender"]
    assert sender["name"] == "Maison Durand SAS" and sender["documents"] == 3
    assert figures["backlog"]["documents"] == 1 and figures["states"]["needs_review"] == 1

    table = adv("stats")
    assert table.exit_code == 0 and "66.7%" in table.stdout and "channel email" in table.stdout
    assert "backlog in review: 1 document(s)" in table.stdout
    later = json.loads(adv("stats", "--json", "--since", "2999-01-01").stdout)
    assert later["since"] == "2999-01-01" and later["touchless"]["overall"]["documents"] == 0
    assert adv("stats", "--since", "yesterday").exit_code == 2
