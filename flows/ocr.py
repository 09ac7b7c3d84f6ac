"""The OCR flow: read the pages of many scans in parallel batches, then ingest the files.

Where pages are read is decided per run from the settings (``pipeline.scans.page_readers``):

- ``ADV_DASK_ADDRESS`` set: on the workers of that Dask scheduler (other machines; ``docs/ocr.md``);
- otherwise, when there is more than one batch: on a local ``distributed`` cluster started for the run, of
  ``ADV_DASK_WORKERS`` processes (0, the default: one per core), one thread each, ``OMP_THREAD_LIMIT=1``;
- otherwise (one batch, or ``ADV_DASK_WORKERS=1``, or the flow parameter ``dask=False``): in the flow's process,
  one batch after another.

The flow's task runner is ``PagesOnDask``, ``prefect-dask``'s ``DaskTaskRunner`` whose cluster the run names once
it has planned its batches and which starts it with the first batch: a run that reads in place calls its
tasks in its own thread and starts nothing. Each batch renders its PDF pages and writes its pages' OCR output
to the OCR cache (``ADV_OCR_CACHE_DIR``, a folder every worker sees); the ingest flow then processes the files
and its OCR only reads that cache. Every decision is a call into ``pipeline/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prefect import flow, get_client, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect_dask import DaskTaskRunner

from flows.ingest import get_context, ingest
from pipeline.run import list_files
from pipeline.scans import (OcrOptions, PageRead, PageReaders, PageRef, configure, ocr_options, plan_batches,
                            plan_pages, read_page_batch)


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def read_pages_task(refs: list[PageRef], options: OcrOptions) -> list[PageRead]:
    """OCR one batch of pages into the cache. The options come from the flow's settings, so every worker
    keys the cache as the ingestion that reads it will; a worker on another machine needs the files and the
    cache folder at the same paths."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one tesseract thread per task: the runner is the parallelism
    return read_page_batch(refs, options)


def cluster_kwargs(workers: int) -> dict[str, Any]:
    """How a local cluster for the OCR flow is made: ``workers`` processes of one thread."""
    return {"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None,
            "env": {"OMP_THREAD_LIMIT": "1"}}  # in each worker (a Nanny option): tesseract's threads would fight


class PagesOnDask(DaskTaskRunner):
    """Prefect's Dask task runner, on the cluster a flow run names with ``use`` before its first batch (the
    cluster, or the connection to a scheduler, is made with the first batch and closed with the run)."""

    def use(self, readers: PageReaders) -> None:
        if readers.kind == "scheduler":
            self.address, self.cluster_kwargs = readers.address, {}
        else:
            self.address, self.cluster_kwargs = None, cluster_kwargs(readers.workers)


@contextmanager
def api_for_workers(readers: PageReaders) -> Iterator[None]:
    """Tasks on Dask workers report to the Prefect API of this flow, whose address travels with each task.
    Without ``PREFECT_API_URL`` that API is a temporary server this process started, and a worker given no
    address would start one of its own (seconds of CPU each, runs out of sight): give them this one's."""
    if readers.kind == "here" or PREFECT_API_URL.value():
        yield
        return
    with temporary_settings(updates={PREFECT_API_URL: str(get_client(sync_client=True).api_url)}):
        yield


# A local cluster's workers are tuned for tasks of seconds of CPU on a machine whose every core is a worker, where
# any background work takes time from a page (measured with bench/dask_ocr.py and a CPU-bound task):
# - Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which also pins glibc's mmap threshold low, so every
#   page image is a fresh mapping the kernel zeroes (6 % more CPU); these keep page-sized arrays in the heap;
WORKER_MALLOC = {"MALLOC_TRIM_THRESHOLD_": str(64 << 20), "MALLOC_MMAP_THRESHOLD_": str(32 << 20)}
# - the dashboard's profiler (samples the task's thread every 10 ms), the event loop's 20 ms tick and the
#   monitors cost 3.5 % of each busy worker's CPU; with these, under 1 %. Memory limits are checked each second.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s",
                 "distributed.admin.system-monitor.interval": "5s",
                 "distributed.worker.memory.monitor-interval": "1s"}


@contextmanager
def worker_config(readers: PageReaders) -> Iterator[None]:
    """``WORKER_MALLOC`` and ``WORKER_CONFIG`` for the workers of a local cluster, while it starts (the
    environment must be set before they start: glibc reads it then)."""
    if readers.kind != "local":
        yield
        return
    import dask
    import distributed  # noqa: F401 - its defaults are loaded on import, before these override them

    with dask.config.set({**WORKER_CONFIG, **{f"distributed.nanny.pre-spawn-environ.{name}": value
                                              for name, value in WORKER_MALLOC.items()}}):
        yield


def read_batches(batches: list[list[PageRef]], readers: PageReaders, options: OcrOptions
                 ) -> tuple[list[PageRead], str]:
    """Every batch as a task: on this run's ``PagesOnDask`` as ``readers`` say, or one after another in this
    thread; the pages read and where."""
    runner = FlowRunContext.get().task_runner
    if readers.kind == "here":
        return [page for batch in batches for page in read_pages_task(batch, options)], str(readers)
    if isinstance(runner, PagesOnDask):
        runner.use(readers)
    else:  # ocr_scans.with_options(task_runner=...): that runner, whatever the settings say
        readers = PageReaders("here")
    with api_for_workers(readers), worker_config(readers):
        futures = read_pages_task.map(batches, options=unmapped(options))
        pages = [page for batch in futures.result() for page in batch]
    return pages, str(readers) if readers.kind != "here" else f"the flow's {type(runner).__name__}"


@flow(name="ocr-scans", task_runner=PagesOnDask())
def ocr_scans(paths: list[str] | None = None, batch_pages: int = 0, then_ingest: bool = True,
              dask: bool | None = None) -> dict[str, Any]:
    """OCR every page of the scans under ``paths`` (default: the inbox) in batches, then ingest the files.

    ``batch_pages`` is pages per task (0: at most eight, shrinking to single pages at the end so no worker
    waits long for another's last batch; ``pipeline.scans.batch_sizes``). ``dask`` None reads on Dask as the
    settings say (module docstring), True on Dask even for one batch, False in this process.
    """
    context = get_context()
    configure(context.settings)  # this process's OCR reads the cache the batches fill
    files = list_files(context, [Path(path) for path in paths or []])
    refs = plan_pages(files)
    batches, readers = plan_batches(refs, context.settings, batch_pages, dask)
    pages, where = read_batches(batches, readers, ocr_options(context.settings))
    failed = [f"{Path(p.path).name} page {p.page}" for p in pages if p.failure]
    get_run_logger().info("OCR read %d page(s) of %d file(s) in %d batch(es) on %s; %d failed", len(pages),
                          len({r.path for r in refs}), len(batches), where, len(failed))
    summary: dict[str, Any] = {"pages": len(pages), "batches": len(batches), "readers": where,
                               "failed_pages": failed, "words": sum(p.words for p in pages),
                               "workers": sorted({p.worker for p in pages})}
    if then_ingest:
        summary["ingest"] = ingest(paths=[str(f) for f in files])
    return summary
