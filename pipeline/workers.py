"""Processing the backlog of received files, with one worker or several local worker processes.

``adv ingest --workers N`` starts N processes on this machine; each runs the same claim loop as a Prefect task
or a worker on another machine (``pipeline.ingest.Worker``), so they share the backlog through leases and never
do a file twice. Processes, not threads: parsing and extraction are Python, and one interpreter runs one thread
of Python at a time. The parent only shows progress and adds up the counts.

A worker process that dies (killed, out of memory) costs only time: its files stay ``received`` with its lease,
and since its process is gone the next claim on this machine takes them at once — the parent drains what is left
itself before it reports.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue as queues
from collections import Counter
from collections.abc import Callable

from pipeline.context import Context
from pipeline.ingest import Worker
from pipeline.sandbox import stop_children
from pipeline.settings import Settings

log = logging.getLogger(__name__)
Progress = Callable[[int], None]
POLL_SECONDS = 0.5


def worker_for(context: Context, progress: Progress | None = None) -> Worker:
    return Worker(context.sessions, context.store, context.settings, context.validation_context, progress)


def process_backlog(context: Context, workers: int = 1, progress: Progress | None = None
                    ) -> tuple[Counter[str], int, list[str]]:
    """Process every received file with ``workers`` processes; returns the count of final states, the number of
    files done, and the problems of workers that stopped early (the others, or this process, did their files)."""
    last = worker_for(context, progress)
    if workers > 1:
        counts, files, problems = _run_processes(context.settings, workers, progress)
    else:
        counts, files, problems = Counter(), 0, []
    counts.update(last.drain())  # all of it with one worker; whatever a dead worker left behind with several
    return counts, files + last.files, problems


def _run_processes(settings: Settings, workers: int, progress: Progress | None
                   ) -> tuple[Counter[str], int, list[str]]:
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads, engines or locks
    messages = spawn.Queue()
    # not daemonic: a worker starts its own child to read files within the limits (pipeline/sandbox.py)
    processes = [spawn.Process(target=_worker_main, args=(settings, messages), name=f"adv-worker-{n + 1}")
                 for n in range(workers)]
    for process in processes:
        process.start()
    counts: Counter[str] = Counter()
    files, problems, finished = 0, [], set()
    exited: set[int] = set()  # gone, last message not read yet: it may still be in the pipe for one more poll
    while len(finished) < len(processes):
        try:
            kind, pid, value = messages.get(timeout=POLL_SECONDS)
        except queues.Empty:
            for process in processes:
                if process.is_alive() or process.pid in finished:
                    continue
                if process.pid in exited:  # a whole poll later, still no last word: it died
                    finished.add(process.pid)
                    problems.append(f"{process.name} stopped (exit code {process.exitcode}) before it finished")
                exited.add(process.pid)
            continue
        if kind == "done" and progress:
            progress(value)
        elif kind == "counts":
            counts.update(value["states"])
            files += value["files"]
            finished.add(pid)
        elif kind == "error":
            problems.append(value)
            finished.add(pid)
    for process in processes:
        process.join(timeout=10)
    return counts, files, problems


def _worker_main(settings: Settings, messages) -> None:
    """One worker process: drain the backlog, reporting each file done, then the counts."""
    import os

    pid = os.getpid()
    context = Context(settings)
    try:
        worker = worker_for(context, lambda n: messages.put(("done", pid, n)))
        worker.drain()
        messages.put(("counts", pid, {"states": dict(worker.counts), "files": worker.files}))
    except Exception as exc:  # noqa: BLE001 - the parent reports it; the files go to the other workers
        log.exception("worker %s stopped", pid)
        messages.put(("error", pid, f"worker {pid} stopped: {type(exc).__name__}: {exc}"))
    finally:
        stop_children()
        context.engine.dispose()
