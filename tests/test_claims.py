"""Claims: two workers never both take a file; a dead worker's files are taken again; a slow worker's late
outcome is dropped, not written twice."""

from __future__ import annotations

import multiprocessing
import subprocess
import time
from collections import Counter
from pathlib import Path

from edifact_builders import interchange, order_body
from sqlalchemy import func, select, update

from pipeline import claims
from pipeline.context import Context
from pipeline.db.models import AuditEvent, Document, Order
from pipeline.ingest import Worker
from pipeline.run import list_files, process_waiting, receive_files
from pipeline.settings import Settings
from schemas import Status


def receive_orders(context: Context, folder: Path, count: int) -> list[int]:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = interchange(order_body(number=f"PO-{n:05d}"), ref=f"REF{n:05d}")
        (folder / f"po-{n:05d}.edi").write_text(text, encoding="latin-1")
    return receive_files(context, list_files(context, [folder]))[1]


def receive_bare_rows(context: Context, count: int) -> list[int]:
    """Received rows without bytes behind them: enough for claims, which never read the raw store."""
    with context.sessions() as session:
        rows = [Document(sha256=f"{n:064x}", locator="", source=f"row {n}", channel="file", state="received")
                for n in range(count)]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def worker(context: Context, name: str | None = None) -> Worker:
    found = Worker(context.sessions, context.store, context.settings, context.validation_context)
    if name:
        found.name = name
    return found


def test_two_workers_split_the_backlog_without_overlap(context):
    ids = receive_bare_rows(context, 25)
    with context.sessions() as session:
        first = claims.claim(session, "a:1:x", 60, 10)
        second = claims.claim(session, "b:2:y", 60, 10)
        third = claims.claim(session, "a:1:x", 60, 10)
        nothing_left = claims.claim(session, "b:2:y", 60, 10)
    assert first == ids[:10] and second == ids[10:20] and third == ids[20:] and nothing_left == []


def test_a_claim_can_be_limited_to_given_files(context):
    ids = receive_bare_rows(context, 6)
    with context.sessions() as session:
        assert claims.claim(session, "a:1:x", 60, 10, among=[ids[4], ids[1]]) == [ids[1], ids[4]]
        assert claims.claim(session, "b:2:y", 60, 10, among=[ids[1], ids[2]]) == [ids[2]]
        assert claims.claim(session, "b:2:y", 60, 10, among=[]) == []


def test_an_expired_lease_is_claimed_again(context):
    [document_id] = receive_bare_rows(context, 1)
    with context.sessions() as session:
        assert claims.claim(session, "remote:1:x", 0.05, 5) == [document_id]
        assert claims.claim(session, "other:2:y", 60, 5) == []  # still leased
        time.sleep(0.1)
        assert claims.claim(session, "other:2:y", 60, 5) == [document_id]
        assert session.get(Document, document_id).claimed_by == "other:2:y"


def test_the_lease_of_a_dead_worker_on_this_machine_is_claimed_at_once(context):
    [document_id] = receive_bare_rows(context, 1)
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = f"{claims.worker_name().split(':')[0]}:{gone.pid}:dead"
    with context.sessions() as session:
        assert claims.claim(session, dead, 3600, 5) == [document_id]
        assert claims.claim(session, "other:2:y", 60, 5) == [document_id]


def test_a_worker_that_lost_its_lease_drops_its_outcome(context, tmp_path, monkeypatch):
    [document_id] = receive_orders(context, tmp_path / "in", 1)
    slow, fast = worker(context, "slow:1:a"), worker(context, "fast:2:b")
    real_take = claims.take_for_writing

    def overtaken(session, doc_id, name):
        if name != slow.name:
            return real_take(session, doc_id, name)
        # while the slow worker parsed, its lease ran out and the fast one did the whole file
        with context.sessions() as other:
            other.execute(update(Document).where(Document.id == doc_id).values(claimed_until=None))
            other.commit()
        assert fast.drain() == Counter({"loaded": 1})
        return real_take(session, doc_id, name)

    monkeypatch.setattr(claims, "take_for_writing", overtaken)
    assert slow.process([document_id]) == Counter()
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 1
        processed = session.scalars(select(AuditEvent.to_state).where(AuditEvent.document_id == document_id,
                                                                      AuditEvent.action == "processed")).all()
        row = session.get(Document, document_id)
    assert processed == [Status.LOADED.value] and row.claimed_by is None and row.claimed_until is None


def test_a_file_is_written_once_even_when_asked_twice(context, tmp_path):
    ids = receive_orders(context, tmp_path / "in", 3)
    assert worker(context).process(ids) == Counter({"loaded": 3})
    assert worker(context).process(ids) == Counter()
    assert worker(context).drain() == Counter()


def test_draining_takes_attachments_found_on_the_way(context):
    samples = Path(__file__).parents[1] / "samples" / "email"
    mail = next(path for path in sorted(samples.rglob("*.eml")) if b"Content-Disposition: attachment" in
                path.read_bytes())
    receive_files(context, [mail])
    counts = worker(context).drain()
    with context.sessions() as session:
        waiting = session.scalar(select(func.count()).where(Document.state == "received"))
        children = session.scalar(select(func.count()).where(Document.parent_id.is_not(None)))
    assert waiting == 0 and children >= 2 and sum(counts.values()) >= 1


def _claim_all(database_url: str, home: str, name: str, start, results) -> None:
    context = Context(Settings(home=Path(home), database_url=database_url))
    won: list[int] = []
    with context.sessions() as session:
        session.execute(select(1))  # connected before the start
        session.rollback()
        start.wait()
        while batch := claims.claim(session, name, 60, 7):
            won.extend(batch)
            time.sleep(0.01)  # a little work per batch, so that the claims interleave
    context.engine.dispose()
    results.put(won)


def test_processes_claiming_at_the_same_time_never_win_the_same_file(context, database_url, tmp_path):
    ids = receive_bare_rows(context, 400)
    spawn = multiprocessing.get_context("spawn")
    results, start = spawn.Queue(), spawn.Barrier(4)
    workers = [spawn.Process(target=_claim_all, args=(database_url, str(tmp_path), f"host:{n}:w", start, results))
               for n in range(4)]
    for process in workers:
        process.start()
    won = [results.get(timeout=120) for _ in workers]
    for process in workers:
        process.join(timeout=30)
    every = [document_id for batch in won for document_id in batch]
    assert sorted(every) == ids  # each file won exactly once
    assert sum(1 for batch in won if batch) >= 2  # and the work was really shared


def test_a_worker_stopped_by_an_error_leaves_its_files_to_the_next_one_at_once(context, tmp_path, monkeypatch):
    ids = receive_orders(context, tmp_path / "in", 3)
    real_renew = claims.renew

    def database_gone(*args):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(claims, "renew", database_gone)
    first = worker(context)
    try:
        first.process(ids)
    except ConnectionError:
        pass
    with context.sessions() as session:
        assert {session.get(Document, i).claimed_by for i in ids} == {first.name}  # leased, lease not over
    monkeypatch.setattr(claims, "renew", real_renew)
    assert worker(context).drain() == Counter({"loaded": 3})  # the same process: no wait for the lease


def test_worker_processes_drain_the_backlog_together(context, tmp_path):
    receive_orders(context, tmp_path / "in", 30)
    report = process_waiting(context, workers=2)
    assert report.states == {"loaded": 30} and report.files_processed == 30 and report.errors == []
    with context.sessions() as session:
        processed = Counter(session.scalars(select(AuditEvent.document_id).where(AuditEvent.from_state == "received")))
    assert len(processed) == 30 and set(processed.values()) == {1}  # each file written once
