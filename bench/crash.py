"""Crash harness: kill ingestion with SIGKILL at random moments, restart it, and check that nothing was lost or
done twice.

    .venv/bin/python bench/crash.py                                  # 1 000 files, 100 kills, PostgreSQL
    .venv/bin/python bench/crash.py --files 200 --kills 10 --workers 2

A mixed batch is made from ``samples/`` (EDIFACT, e-mails with attachments and free-text mails, PDFs, scans): the
originals, then copies whose bytes differ (a comment, a header) until there are ``--files`` files. Then, ``--kills``
times: start ``adv ingest --workers N`` on the batch in its own process group, wait a random moment (during intake,
start-up or processing), and kill the whole group (workers and the children that read files) with SIGKILL. A last
run goes to the end. The checks, printed as a tally (exit 1 when one fails):

- every file of the batch was received exactly once and its raw bytes are in the store, intact;
- every document (file, attachment, business document) is in exactly one final state, no lease is left;
- no business document was loaded twice (one loaded row per document, one document per file and place in it);
- the audit trail has no gap: each document's events chain from one state to the next and end at its state.

The database is a throw-away schema in ``--database-url`` (default: ADV_TEST_DATABASE_URL, else the local
PostgreSQL), dropped at the end; ``--keep`` leaves it and the folder for a look.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.db.models import AuditEvent, DeliveryNoteRow, Document, InvoiceRow, Order, OrderResponseRow  # noqa: E402
from pipeline.intake import discover  # noqa: E402
from pipeline.raw_store import RawStore  # noqa: E402
from pipeline.settings import DEFAULT_IGNORE  # noqa: E402
from schemas.documents import FINAL_STATES  # noqa: E402

ADV = ROOT / ".venv" / "bin" / "adv"
OCR_FIXTURES = ROOT / "tests" / "fixtures" / "ocr"  # tesseract's output for the sample scans, as a warm cache
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOADED_TABLES = (Order, InvoiceRow, DeliveryNoteRow, OrderResponseRow)


COPYABLE = (".edi", ".eml", ".pdf", ".xml")  # formats copied with other bytes (scans are not: a copy means OCR)


def make_batch(folder: Path, count: int, copy: tuple[str, ...] = COPYABLE) -> list[Path]:
    """The sample files, then distinct copies of those that are cheap to read (no OCR), up to ``count``.

    ``copy`` narrows the copies to some formats (".edi" alone makes a batch that is fast to process)."""
    originals = list(discover([ROOT / "samples"], DEFAULT_IGNORE))
    folder.mkdir(parents=True)
    made = []
    for n, path in enumerate(originals[:count]):
        made.append(_write(folder / f"{n:05d}-{path.name}", path.read_bytes()))
    copyable = [path for path in originals if path.suffix.lower() in copy]
    for n in range(len(made), count):
        path = copyable[n % len(copyable)]
        made.append(_write(folder / f"{n:05d}-{path.name}", _variant(path, n)))
    return made


def _variant(path: Path, n: int) -> bytes:
    """The file's content in other bytes: what a resend, a relay or a re-export makes of it."""
    data = path.read_bytes()
    if path.suffix.lower() == ".eml":
        return f"X-Resent-Copy: {n}\r\n".encode() + data
    if path.suffix.lower() == ".pdf":
        return data + f"\n% copy {n}\n".encode()
    if path.suffix.lower() == ".xml":
        return data + f"\n<!-- copy {n} -->\n".encode()
    return _edifact_resent(data, n)


def _edifact_resent(data: bytes, n: int) -> bytes:
    """The interchange sent again under a new control reference (UNB and UNZ), as a partner's resend does."""
    message = data.decode("latin-1")
    separator, terminator = (message[4], message[8]) if message.startswith("UNA") else ("+", "'")
    reference = f"RS{n:06d}"
    renumbered = _set_element(message, "UNB", 5, reference, separator, terminator)
    if renumbered is None:
        return data + b"\n" * (1 + n % 5)  # not an interchange we can renumber: other bytes all the same
    old = _element(message, "UNB", 5, separator, terminator)  # a UNZ that disagreed (a broken sample) still does
    trailer = _set_element(renumbered, "UNZ", 2, reference, separator, terminator, only_if=old)
    return (trailer or renumbered).encode("latin-1")


def _segment(message: str, tag: str, separator: str, terminator: str) -> tuple[int, int, list[str]]:
    """Where the first ``tag`` segment starts and ends, and its elements ([] without one)."""
    start = message.find(f"{tag}{separator}")
    end = message.find(terminator, start)
    return start, end, message[start:end].split(separator) if start >= 0 and end >= 0 else []


def _element(message: str, tag: str, index: int, separator: str, terminator: str) -> str | None:
    elements = _segment(message, tag, separator, terminator)[2]
    return elements[index] if len(elements) > index else None


def _set_element(message: str, tag: str, index: int, value: str, separator: str, terminator: str,
                 only_if: str | None = None) -> str | None:
    """``message`` with element ``index`` of its first ``tag`` segment set to ``value`` (when it was ``only_if``,
    if given); None when there is no such element or it was something else."""
    start, end, elements = _segment(message, tag, separator, terminator)
    if len(elements) <= index or (only_if is not None and elements[index] != only_if):
        return None
    elements[index] = value
    return message[:start] + separator.join(elements) + message[end:]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def run_once(env: dict[str, str], folder: Path, workers: int, database_url: str, kill: tuple[str, float] | None
             ) -> str:
    """One ``adv ingest`` run, killed with its whole process group (None: run to the end).

    ``("early", t)`` kills ``t`` seconds after the start (intake, start-up); ``("working", t)`` kills ``t``
    seconds after the run's first file is written, so most kills land in the middle of processing.
    """
    command = [str(ADV), "ingest", "--workers", str(workers), "--json", str(folder)]
    engine = create_engine(database_url)
    before = _done(engine)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        if kill is None:
            process.wait()
            return "finished"
        moment, delay = kill
        if moment == "working":
            while process.poll() is None and _done(engine) == before:
                time.sleep(0.05)
        process.wait(timeout=delay)
        return "finished"
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return f"killed while {moment}"
    finally:
        engine.dispose()


def _done(engine) -> int:
    try:
        with engine.connect() as db:
            return db.scalar(select(func.count()).where(Document.state != "received")) or 0
    except Exception:  # noqa: BLE001 - the schema is created by the first run
        return 0


def check(database_url: str, store_url: str, batch: list[Path]) -> dict[str, int]:
    """Every rule of the module docstring, as counts of violations (all zero when nothing was lost or doubled)."""
    engine = create_engine(database_url)
    store = RawStore(store_url)
    problems: Counter[str] = Counter()
    with engine.connect() as db:
        files = {row.sha256: row.n for row in db.execute(
            select(Document.sha256, func.count().label("n")).where(Document.parent_id.is_(None))
            .group_by(Document.sha256))}
        for path in batch:
            seen = files.get(hashlib.sha256(path.read_bytes()).hexdigest(), 0)
            problems["files lost"] += seen == 0
            problems["files received twice"] += seen > 1
        documents = db.execute(select(Document.id, Document.sha256, Document.state, Document.claimed_by,
                                      Document.canonical.is_not(None).label("business"))).all()
        for sha256 in {row.sha256 for row in documents}:
            problems["raw files missing or altered"] += not _intact(store, sha256)
        problems["documents not in a final state"] = sum(row.state not in FINAL_STATES for row in documents)
        problems["leases left"] = sum(row.claimed_by is not None for row in documents)
        loaded = {row.id for row in documents if row.state == "loaded" and row.business}
        rows = Counter(document_id for table in LOADED_TABLES for document_id in db.scalars(select(table.document_id)))
        problems["documents loaded twice"] = sum(n > 1 for n in rows.values())
        problems["loaded rows without a loaded document"] = len(set(rows) - loaded)
        problems["loaded documents without their rows"] = len(loaded - set(rows))
        problems["audit gaps"] = _audit_gaps(db, {row.id: row.state for row in documents})
        tally = Counter(row.state for row in documents)
    engine.dispose()
    return {**{f"state {state}": n for state, n in sorted(tally.items())}, "documents": len(documents),
            **problems}


def _intact(store: RawStore, sha256: str) -> bool:
    try:
        return hashlib.sha256(store.get(sha256)).hexdigest() == sha256
    except (FileNotFoundError, OSError):
        return False


def _audit_gaps(db, states: dict[int, str]) -> int:
    """Documents whose events do not chain (each starts where the previous ended) or do not end at their state."""
    chains: dict[int, list[tuple[str | None, str | None]]] = {}
    for event in db.execute(select(AuditEvent.document_id, AuditEvent.from_state, AuditEvent.to_state)
                            .order_by(AuditEvent.id)):
        chains.setdefault(event.document_id, []).append((event.from_state, event.to_state))
    gaps = 0
    for document_id, state in states.items():
        chain = chains.get(document_id, [])
        linked = all(later[0] == earlier[1] for earlier, later in zip(chain, chain[1:]))
        gaps += not (chain and linked and chain[-1][1] == state)
    return gaps


def throwaway_schema(base_url: str) -> tuple[str, str]:
    schema = f"adv_crash_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in base_url else "?"
    return schema, f"{base_url}{separator}options=-csearch_path%3D{schema}"


def drop_schema(base_url: str, schema: str) -> None:
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--window", type=float, default=0.6,
                        help="kills fall up to this many seconds after a run's first file is written")
    parser.add_argument("--early", type=float, default=0.15, help="share of kills during intake and start-up")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--database-url", default=os.environ.get("ADV_TEST_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--keep", action="store_true", help="keep the schema and the folder")
    args = parser.parse_args()
    random.seed(args.seed)

    home = Path(tempfile.mkdtemp(prefix="adv-crash-"))
    schema, database_url = throwaway_schema(args.database_url)
    try:
        batch = make_batch(home / "batch", args.files)
        shutil.copytree(OCR_FIXTURES, home / "ocr-cache")
        env = {**os.environ, "ADV_HOME": str(home / "adv"), "ADV_DATABASE_URL": database_url,
               "ADV_OCR_CACHE_DIR": str(home / "ocr-cache"), "ADV_TODAY": "2026-06-01", "ADV_USER": "crash-harness"}
        started = time.monotonic()
        outcomes: Counter[str] = Counter()
        for kill in range(1, args.kills + 1):
            moment = ("early", random.uniform(0.2, 4.0)) if random.random() < args.early else \
                ("working", random.uniform(0, args.window))
            outcomes[run_once(env, home / "batch", args.workers, database_url, moment)] += 1
            if kill % 10 == 0 or kill == args.kills:
                print(f"  {kill} runs: {dict(outcomes)}, {_waiting(database_url)} file(s) still waiting",
                      flush=True)
        last = run_once(env, home / "batch", args.workers, database_url, None)
        seconds = time.monotonic() - started
        tally = check(database_url, str(home / "adv" / "raw"), batch)
        kills = sum(n for name, n in outcomes.items() if name.startswith("killed"))
        print(f"{len(batch)} files, {kills} kills (SIGKILL to the process group: {dict(outcomes)}), "
              f"last run {last}; {seconds:.0f} s")
        for name, value in tally.items():
            print(f"  {name:40} {value}")
        failures = {name: n for name, n in tally.items() if not name.startswith("state") and name != "documents"
                    and n}
        print("OK: nothing lost, nothing doubled" if not failures else f"FAILED: {failures}")
        return 1 if failures else 0
    finally:
        if not args.keep:
            drop_schema(args.database_url, schema)
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"kept: {home}, schema {schema}")


def _waiting(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as db:
        count = db.scalar(select(func.count()).where(Document.state == "received"))
    engine.dispose()
    return count or 0


if __name__ == "__main__":
    sys.exit(main())
