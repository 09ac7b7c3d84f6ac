"""Stage timings per processed file (pipeline/timings.py) and what ``adv stats`` makes of them (workload.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select, update
from typer.testing import CliRunner

from conftest import SAMPLES
from pipeline.cli import app
from pipeline.db.models import Document, StageTiming
from pipeline.review_actions import retry
from pipeline.run import process_batch, receive_files
from pipeline.stats import compute
from pipeline.timings import process_name, record_timings
from schemas import Status

ORDER = SAMPLES / "edifact" / "orders-decimal-comma.edi"
PDF_ORDER = SAMPLES / "pdf" / "bon-de-commande-fr.pdf"
UNKNOWN = SAMPLES / "edifact" / "broken-not-edifact.dat"
MAIL = SAMPLES / "email" / "commande-edifact-fr.eml"  # an EDIFACT order attached to an e-mail
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def ingest(context, *paths):
    _, ids = receive_files(context, list(paths))
    process_batch(context, ids)
    return ids


def timings_of(session, document_id: int) -> dict[str, StageTiming]:
    rows = session.scalars(select(StageTiming).where(StageTiming.document_id == document_id))
    return {row.stage: row for row in rows}


def test_every_processed_file_has_a_row_per_stage_it_went_through(context):
    order, pdf, unknown, mail = ingest(context, ORDER, PDF_ORDER, UNKNOWN, MAIL)
    with context.sessions() as session:
        assert set(timings_of(session, order)) == {"classify", "parse", "validate", "write"}
        assert set(timings_of(session, pdf)) == {"classify", "parse", "extract", "validate", "write"}
        assert set(timings_of(session, unknown)) == {"classify", "write"}  # no parser: nothing more to time
        [attachment] = session.scalars(select(Document.id).where(Document.parent_id == mail,
                                                                 Document.canonical.is_(None)))
        assert set(timings_of(session, mail)) == {"classify", "parse", "validate", "write"}
        assert set(timings_of(session, attachment)) == {"classify", "parse", "validate", "write"}
        # business documents are written with their file: they have no timings of their own
        business = select(Document.id).where(Document.canonical.is_not(None))
        assert session.scalar(select(func.count()).where(StageTiming.document_id.in_(business))) == 0

        rows = session.scalars(select(StageTiming)).all()
        assert all(row.seconds >= 0 and row.worker.startswith(f"{process_name()}:") for row in rows)  # the worker
        pdf_rows = timings_of(session, pdf)
        assert pdf_rows["extract"].seconds > 0 and pdf_rows["write"].seconds > 0
        # the write stage ends at the commit, after the other stages were recorded
        assert pdf_rows["write"].finished_at >= pdf_rows["validate"].finished_at


def test_processing_a_file_again_replaces_its_timings(context):
    [unknown] = ingest(context, UNKNOWN)
    with context.sessions() as session:
        session.execute(update(StageTiming).where(StageTiming.document_id == unknown).values(seconds=999.0))
        session.commit()

    result = retry(context, unknown, "claire")  # the file runs through the pipeline again
    assert result.state == Status.NEEDS_REVIEW.value
    assert [f["code"] for f in result.findings] == ["UNKNOWN_FORMAT"]  # not a PIPELINE_ERROR from a clash
    with context.sessions() as session:
        again = timings_of(session, unknown)
        assert set(again) == {"classify", "write"}
        assert all(row.seconds < 999 for row in again.values())


def test_the_write_stage_runs_to_the_commit_and_a_rollback_forgets_it(context):
    [order] = ingest(context, ORDER)
    with context.sessions() as session:
        record_timings(session, order, {"parse": 0.5})
        with session.begin_nested():  # a savepoint (as envelope keys take) does not end the write
            pass
        time.sleep(0.05)
        session.commit()
        rows = timings_of(session, order)
        assert set(rows) == {"parse", "write"} and rows["parse"].seconds == 0.5
        assert rows["write"].seconds >= 0.05

        record_timings(session, order, {"parse": 0.25})
        session.rollback()
        session.commit()  # nothing waits for this commit any more
        assert timings_of(session, order)["parse"].seconds == 0.5

        record_timings(session, order, {"parse": 0.125}, worker="w1", write_seconds=0.75)
        session.commit()
        rows = timings_of(session, order)
        assert {stage: row.seconds for stage, row in rows.items()} == {"parse": 0.125, "write": 0.75}
        assert {row.worker for row in rows.values()} == {"w1"}


def add_file(session, source: str, state: str = Status.LOADED.value, **columns) -> int:
    row = Document(sha256=hashlib.sha256(source.encode()).hexdigest(), source=source, channel="file", state=state,
                   received_at=NOW - timedelta(days=1), **columns)
    session.add(row)
    session.flush()
    return row.id


def add_timings(session, document_id: int, worker: str, finished_at: datetime, **seconds: float) -> None:
    session.add_all(StageTiming(document_id=document_id, stage=stage, seconds=value, worker=worker,
                                finished_at=finished_at) for stage, value in seconds.items())


def test_throughput_waiting_files_and_slowest_stages(context):
    with context.sessions() as session:
        # 20 files: parse takes 1 … 20 s, classify 0.5 s; three workers
        for n in range(1, 21):
            worker = "w1" if n <= 12 else "w2"
            finished = NOW - timedelta(minutes=30) if n <= 4 else NOW - timedelta(hours=5)
            add_timings(session, add_file(session, f"file-{n}"), worker, finished, classify=0.5, parse=float(n))
        old = add_file(session, "old")
        add_timings(session, old, "w3", datetime(2026, 1, 5, tzinfo=timezone.utc), classify=0.5, write=100.0)
        add_file(session, "waiting", Status.RECEIVED.value)
        add_file(session, "leased", Status.RECEIVED.value, claimed_by="host:1:x",
                 claimed_until=NOW + timedelta(minutes=5))
        add_file(session, "lease ran out", Status.RECEIVED.value, claimed_by="host:2:y",
                 claimed_until=NOW - timedelta(minutes=5))
        session.commit()

        figures = compute(session, now=NOW)
        flow = figures.throughput
        assert (flow.files, flow.last_hour) == (21, 4)
        assert flow.start == datetime(2026, 1, 5, tzinfo=timezone.utc)
        assert [(w.worker, w.files, w.last_hour) for w in flow.by_worker] == [("w1", 12, 4), ("w2", 8, 0),
                                                                            ("w3", 1, 0)]
        stages = {s.stage: s for s in figures.stages}
        assert list(stages) == ["classify", "parse", "write"]  # pipeline order
        parse = stages["parse"]
        assert (parse.files, parse.mean, parse.p95, parse.max) == (20, 10.5, 19.0, 20.0)  # rank ceil(0.95 × 20)
        assert (stages["classify"].files, stages["classify"].p95) == (21, 0.5)
        assert stages["write"].p95 == 100.0  # one value: it is its own percentile
        slowest = figures.slowest_files
        assert [(s.source, s.seconds, s.slowest_stage) for s in slowest] == [
            ("old", 100.5, "write"), ("file-20", 20.5, "parse"), ("file-19", 19.5, "parse"),
            ("file-18", 18.5, "parse"), ("file-17", 17.5, "parse")]
        assert slowest[1].stages == {"classify": 0.5, "parse": 20.0}
        waiting = figures.backlog.received
        assert (waiting.files, waiting.claimed) == (3, 1)

        since = compute(session, since=date(2026, 3, 1), now=NOW)
        assert since.throughput.files == 20 and since.throughput.per_hour(20) == 20 / 36
        assert [s.files for s in since.stages] == [20, 20] and since.slowest_files[0].source == "file-20"
        json_figures = since.as_json()
        assert json_figures["throughput"]["from"] == "2026-03-01T00:00:00+00:00"
        assert json_figures["throughput"]["per_hour"] == round(20 / 36, 2)
        assert [w["worker"] for w in json_figures["throughput"]["by_worker"]] == ["w1", "w2"]
        assert compute(session, since=date(2026, 4, 1), now=NOW).as_json()["throughput"] == {
            "from": "2026-04-01T00:00:00+00:00", "to": NOW.isoformat(), "files": 0, "per_minute": None,
            "per_hour": None, "last_hour": 0, "by_worker": []}


def test_throughput_counts_the_claim_loops_of_one_process_as_one_worker(context):
    """A Prefect flow run's tasks each lease files under their own name (host:pid:nonce): one row per process."""
    with context.sessions() as session:
        for n, worker in enumerate(["vm:10:aaaa", "vm:10:bbbb", "vm:10:cccc", "vm:11:dddd", "vm:11:dddd"]):
            add_timings(session, add_file(session, f"file-{n}"), worker, NOW - timedelta(minutes=n), parse=1.0)
        session.commit()
        workers = compute(session, now=NOW).throughput.by_worker
    assert [(w.worker, w.files, w.last_hour, w.last_finished_at) for w in workers] == [
        ("vm:10", 3, 3, NOW), ("vm:11", 2, 2, NOW - timedelta(minutes=3))]


def test_adv_stats_shows_throughput_waiting_files_and_stages(adv_env, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in (ORDER, PDF_ORDER, UNKNOWN, MAIL):
        shutil.copy(sample, inbox / sample.name)
    runner = CliRunner()
    runner.invoke(app, ["ingest"], catch_exceptions=False)

    result = runner.invoke(app, ["stats", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    flow = figures["throughput"]
    assert flow["files"] == 5 and flow["last_hour"] == 5  # four files and the mail's attachment
    assert [w["files"] for w in flow["by_worker"]] == [5] and flow["per_hour"] > 0
    assert figures["backlog"]["received"] == {"files": 0, "claimed": 0, "oldest_received_at": None}
    stages = {s["stage"]: s for s in figures["stages"]}
    assert list(stages) == ["classify", "parse", "extract", "validate", "write"]
    assert stages["classify"]["files"] == 5 and stages["extract"]["files"] == 1 and stages["write"]["files"] == 5
    assert all(0 <= s["mean_seconds"] <= s["max_seconds"] and s["p95_seconds"] <= s["max_seconds"]
               for s in stages.values())
    slowest = figures["slowest_files"]
    assert len(slowest) == 5 and [f["seconds"] for f in slowest] == sorted((f["seconds"] for f in slowest),
                                                                           reverse=True)
    assert {f["source"].split("/")[-1] for f in slowest} >= {PDF_ORDER.name, UNKNOWN.name}
    assert all(abs(sum(f["stages"].values()) - f["seconds"]) < 1e-5 for f in slowest)

    table = runner.invoke(app, ["stats"], catch_exceptions=False).stdout
    assert "5 file(s) processed since" in table and "time per stage" in table and "slowest files" in table
    assert "waiting to be processed: 0 file(s)" in table
