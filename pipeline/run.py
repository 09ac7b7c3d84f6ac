"""Ingestion runs: receive files, process what is pending, report counts. Flows and the CLI call this."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.context import Context
from pipeline.ingest import backlog, pending_ids
from pipeline.intake import discover, receive
from pipeline.workers import process_backlog, worker_for

Progress = Callable[[int], None]


@dataclass
class RunReport:
    files_seen: int = 0
    files_new: int = 0
    already_received: int = 0  # same bytes as an earlier file: nothing written
    files_processed: int = 0  # files (and attachments) whose outcome this run wrote
    states: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # files that could not even be read

    def merge(self, other: RunReport) -> RunReport:
        self.files_seen += other.files_seen
        self.files_new += other.files_new
        self.already_received += other.already_received
        self.files_processed += other.files_processed
        self.states.update(other.states)
        self.errors.extend(other.errors)
        return self

    def as_dict(self) -> dict:
        """The stable JSON form (``adv ingest --json`` and the Prefect flow's result)."""
        return {"files_seen": self.files_seen, "files_new": self.files_new,
                "already_received": self.already_received, "files_processed": self.files_processed,
                "states": dict(self.states), "errors": list(self.errors)}

    @property
    def needs_attention(self) -> bool:
        return bool(self.states.get("needs_review") or self.states.get("rejected") or self.errors)


def receive_files(context: Context, files: Iterable[Path], channel: str = "file",
                  progress: Progress | None = None) -> tuple[RunReport, list[int]]:
    """Store and record each file; returns the report and the ids of the newly received files."""
    report, new_ids = RunReport(), []
    with context.sessions() as session:
        for path in files:
            report.files_seen += 1
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.errors.append(f"{path}: {exc.strerror or exc}")
                continue
            receipt = receive(session, context.store, data, str(path), channel, context.settings.user)
            if receipt.new:
                report.files_new += 1
                new_ids.append(receipt.document_id)
            else:
                report.already_received += 1
            if progress:
                progress(1)
    return report, new_ids


def process_batch(context: Context, document_ids: Sequence[int], progress: Progress | None = None) -> RunReport:
    """These files and the attachments found in them (those another worker has or had are skipped)."""
    worker = worker_for(context, progress)
    return RunReport(states=worker.process(document_ids), files_processed=worker.files)


def process_some(context: Context, limit: int) -> RunReport:
    """Up to ``limit`` waiting files, whoever received them (a Prefect task's share of the backlog)."""
    worker = worker_for(context)
    return RunReport(states=worker.drain(limit), files_processed=worker.files)


def list_files(context: Context, paths: Sequence[Path]) -> list[Path]:
    return list(discover(paths or [context.settings.inbox], context.settings.ingest_ignore))


def leftover_ids(context: Context) -> list[int]:
    with context.sessions() as session:
        return pending_ids(session)


def waiting(context: Context) -> int:
    """Files received and not processed yet (whoever received them)."""
    with context.sessions() as session:
        return backlog(session)


def process_waiting(context: Context, workers: int = 1, progress: Progress | None = None) -> RunReport:
    """Process every file waiting, with ``workers`` local processes (``pipeline/workers.py``)."""
    states, files, problems = process_backlog(context, workers, progress)
    return RunReport(files_processed=files, states=states, errors=problems)
