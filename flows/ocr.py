"""The OCR flow: read the pages of many scans in parallel batches, then ingest the files.

Pages go out in batches (``batch_pages`` per task) to Prefect's thread pool on this machine (tesseract runs as
a subprocess, so threads use every core), or to Dask workers with ``dask_workers``/``dask_address``
(``prefect-dask``): a local cluster, or a scheduler that workers on other machines joined. Each batch writes
its pages' OCR output to the OCR cache (``ADV_OCR_CACHE_DIR``, shared by the workers); the ingest flow then
processes the files and its OCR only reads that cache. Every decision is a call into ``pipeline/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.ingest import get_context, ingest
from pipeline.run import list_files
from pipeline.scans import PageRead, PageRef, configure, plan_pages, read_page_batch
from pipeline.settings import Settings

BATCH_PAGES = 4


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def read_pages_task(refs: list[PageRef]) -> list[PageRead]:
    """OCR one batch of pages into the cache. Settings are read in the worker (ADV_* there, as for Prefect
    workers), so a Dask worker on another machine needs the same ADV_OCR_CACHE_DIR (a shared folder)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one tesseract thread per task: the runner is the parallelism
    return read_page_batch(refs, Settings())


@flow(name="ocr-scans", task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1))
def ocr_scans(paths: list[str] | None = None, batch_pages: int = BATCH_PAGES, then_ingest: bool = True
              ) -> dict[str, Any]:
    """OCR every page of the scans under ``paths`` (default: the inbox) in batches, then ingest the files."""
    context = get_context()
    configure(context.settings)  # this process's OCR reads the cache the batches fill
    files = list_files(context, [Path(path) for path in paths or []])
    refs = plan_pages(files, context.settings)
    batches = [refs[start:start + batch_pages] for start in range(0, len(refs), batch_pages)]
    pages = [page for batch in read_pages_task.map(batches).result() for page in batch]
    failed = [f"{Path(p.path).name} page {p.page}" for p in pages if p.failure]
    get_run_logger().info("OCR read %d page(s) of %d file(s) in %d batch(es); %d failed", len(pages),
                          len({r.path for r in refs}), len(batches), len(failed))
    summary: dict[str, Any] = {"pages": len(pages), "batches": len(batches), "failed_pages": failed,
                               "words": sum(p.words for p in pages), "workers": sorted({p.worker for p in pages})}
    if then_ingest:
        summary["ingest"] = ingest(paths=[str(f) for f in files])
    return summary


def with_dask(workers: int = 2, address: str | None = None):
    """``ocr_scans`` on Dask: a local cluster of ``workers`` processes, or the scheduler at ``address``."""
    from prefect_dask import DaskTaskRunner

    if address:
        runner = DaskTaskRunner(address=address)
    else:
        runner = DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                                "dashboard_address": None})
    return ocr_scans.with_options(task_runner=runner)
