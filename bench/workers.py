"""Several workers on one backlog: throughput with 1, 2 and 4 worker processes, and proof that none did a file twice.

    .venv/bin/python bench/workers.py                     # 10 000 files, 1, 2 and 4 workers, PostgreSQL
    .venv/bin/python bench/workers.py --files 500 --workers 1 2

For each worker count, in a fresh schema: the batch (the mixed one of bench/crash.py) is received first, in this
process, then ``adv ingest --workers N`` drains the backlog; the time printed is that drain, from the command's
start (interpreter and worker start-up included) to its end. Then the database is asked:

- files done twice: a file with more than one transition out of ``received`` in the audit trail (a claim won twice);
- documents loaded twice: more than one loaded row for a business document;
- which workers did how many files (from ``stage_timings``).

On this 2-core machine, 4 workers cannot beat 2: the figures say how much the claims cost when workers outnumber
cores. CPU seconds are those of the command and its worker processes, not of the processes that read the files (the
sandbox's children belong to a fork server), so they undercount: compare the wall times.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from crash import (ADV, COPYABLE, DEFAULT_DATABASE, LOADED_TABLES, OCR_FIXTURES, drop_schema,  # noqa: E402
                   make_batch, throwaway_schema)

from pipeline.context import Context  # noqa: E402
from pipeline.db.models import AuditEvent, Document, StageTiming  # noqa: E402
from pipeline.run import list_files, receive_files  # noqa: E402
from pipeline.settings import Settings  # noqa: E402


def drain(home: Path, database_url: str, batch: Path, workers: int) -> dict:
    env = {**os.environ, "ADV_HOME": str(home / "adv"), "ADV_DATABASE_URL": database_url,
           "ADV_OCR_CACHE_DIR": str(home / "ocr-cache"), "ADV_TODAY": "2026-06-01", "ADV_USER": "bench"}
    settings = Settings(home=home / "adv", database_url=database_url, ocr_cache_dir=home / "ocr-cache")
    context = Context(settings)
    context.init()
    started = time.monotonic()
    report, _ = receive_files(context, list_files(context, [batch]))
    received = time.monotonic() - started
    empty = home / "nothing-new"
    empty.mkdir(exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run([str(ADV), "ingest", "--workers", str(workers), "--json", str(empty)], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures = audit(context)
    context.engine.dispose()
    return {"workers": workers, "files": report.files_new, "receive_s": received, "drain_s": seconds, "cpu_s": cpu,
            **figures}


def audit(context: Context) -> dict:
    with context.sessions() as session:
        transitions = Counter(session.scalars(select(AuditEvent.document_id)
                                              .where(AuditEvent.from_state == "received",
                                                     AuditEvent.action == "processed")))
        loaded = Counter(document_id for table in LOADED_TABLES
                         for document_id in session.scalars(select(table.document_id)))
        waiting = session.scalar(select(func.count()).where(Document.state == "received"))
        by_worker = dict(session.execute(select(StageTiming.worker, func.count(func.distinct(StageTiming.document_id)))
                                         .group_by(StageTiming.worker)).all())
    return {"done_twice": sum(n > 1 for n in transitions.values()),
            "loaded_twice": sum(n > 1 for n in loaded.values()), "left_waiting": waiting,
            "files_done": sum(transitions.values()), "by_worker": sorted(by_worker.values(), reverse=True)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--copy", nargs="+", default=list(COPYABLE),
                        help="formats the batch copies beyond the samples (.edi alone: a fast batch)")
    parser.add_argument("--database-url", default=os.environ.get("ADV_TEST_DATABASE_URL", DEFAULT_DATABASE))
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="adv-workers-"))
    rows = []
    try:
        batch = make_batch(home / "batch", args.files, tuple(args.copy))
        for workers in args.workers:
            run_home = home / f"run-{workers}"
            run_home.mkdir()
            shutil.copytree(OCR_FIXTURES, run_home / "ocr-cache")
            schema, database_url = throwaway_schema(args.database_url)
            try:
                rows.append(drain(run_home, database_url, home / "batch", workers))
            finally:
                drop_schema(args.database_url, schema)
            row = rows[-1]
            print(f"{workers} worker(s): {row['files_done']} files in {row['drain_s']:.1f} s "
                  f"({row['files_done'] / row['drain_s']:.1f} files/s, {row['cpu_s']:.1f} s CPU); done twice "
                  f"{row['done_twice']}, loaded twice {row['loaded_twice']}, left waiting {row['left_waiting']}; "
                  f"files per worker {row['by_worker']}", flush=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"\n{len(batch)} files, copies of {' '.join(args.copy)} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"{'workers':>8} {'files/s':>9} {'drain s':>9} {'CPU s':>8} {'twice':>6} {'loaded 2x':>10}")
    for row in rows:
        print(f"{row['workers']:>8} {row['files_done'] / row['drain_s']:>9.1f} {row['drain_s']:>9.1f} "
              f"{row['cpu_s']:>8.1f} {row['done_twice']:>6} {row['loaded_twice']:>10}")
    return 1 if any(row["done_twice"] or row["loaded_twice"] or row["left_waiting"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
