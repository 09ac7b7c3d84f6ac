"""The crash harness (bench/crash.py): its checks catch what they claim to, and a small run on PostgreSQL — ingestion
killed with SIGKILL ten times over 200 files — loses nothing and doubles nothing."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from pipeline.db.models import AuditEvent, Document
from pipeline.run import list_files, process_batch, receive_files

ROOT = Path(__file__).resolve().parents[1]


def harness():
    spec = importlib.util.spec_from_file_location("bench_crash", ROOT / "bench" / "crash.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def problems(tally: dict[str, int]) -> dict[str, int]:
    return {name: n for name, n in tally.items() if n and not name.startswith("state") and name != "documents"}


def test_the_checks_see_a_lost_file_a_stuck_document_and_an_audit_gap(context, database_url, tmp_path):
    crash = harness()
    batch = crash.make_batch(tmp_path / "batch", 12)
    receive_files(context, list_files(context, [tmp_path / "batch"]))
    with context.sessions() as session:
        ids = list(session.scalars(Document.__table__.select().with_only_columns(Document.id)))
    process_batch(context, ids)
    store = context.settings.resolved_store_url
    assert problems(crash.check(database_url, store, batch)) == {}

    (tmp_path / "batch" / "never-received.edi").write_bytes(b"UNA:+.? 'UNB+UNOC:3+1:14+2:14+251121:2000+X1'")
    with context.sessions() as session:
        first, second = ids[0], ids[1]
        session.execute(update(Document).where(Document.id == first).values(state="received", claimed_by="w:1:x"))
        last_event = session.scalar(AuditEvent.__table__.select().with_only_columns(AuditEvent.id)
                                    .where(AuditEvent.document_id == second).order_by(AuditEvent.id.desc()).limit(1))
        session.execute(delete(AuditEvent).where(AuditEvent.id == last_event))
        session.commit()
    found = problems(crash.check(database_url, store, [*batch, tmp_path / "batch" / "never-received.edi"]))
    assert found == {"files lost": 1, "documents not in a final state": 1, "leases left": 1, "audit gaps": 2}


@pytest.mark.skipif(not os.environ.get("ADV_TEST_DATABASE_URL"), reason="the crash harness runs on PostgreSQL")
def test_ten_kills_over_two_hundred_files_lose_nothing_and_double_nothing():
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "crash.py"), "--files", "200", "--kills", "10"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: nothing lost, nothing doubled" in result.stdout
    assert "10 kills" in result.stdout
