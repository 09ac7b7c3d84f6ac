"""The OCR flow: pages planned without rendering, read in batches where the settings say (the flow's process, a
local Dask cluster, an existing Dask scheduler), then ingested."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES
from sqlalchemy import select
from test_flows import prefect_server  # noqa: F401 - one Prefect test server for the session

from pipeline.context import Context
from pipeline.db.models import Document
from pipeline.scans import (PageReaders, PageRef, batch_sizes, ocr_options, page_readers, plan_batches, plan_pages,
                            read_page_batch)
from pipeline.settings import Settings

SCANS = SAMPLES / "scans"
FIXTURES = ROOT / "tests" / "fixtures" / "ocr"
PAGES = ("po-fr-classic-fax.tif", "dn-fr-modern-fax.tif")
IMAGE_ONLY_PDF = SAMPLES / "pdf" / "broken-image-only.pdf"


def no_rendering_here(*args, **kwargs):
    raise AssertionError("a PDF page was rendered in the flow's process")


@pytest.fixture
def ocr_flow(prefect_server, adv_env, tmp_path, monkeypatch):  # noqa: F811
    # The cached tesseract output of these pages stands in for tesseract: the workers still load, render and
    # prepare each page, look it up and build its layout; tests/test_ocr_tesseract.py runs the real engine.
    cache = tmp_path / "ocr-cache"
    shutil.copytree(FIXTURES, cache)
    monkeypatch.setenv("ADV_OCR_CACHE_DIR", str(cache))
    inbox = Path(adv_env["ADV_INBOX"])
    inbox.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        shutil.copy(SCANS / name, inbox / name)
    from flows import ingest, ocr

    ingest.reset_context()
    yield ocr
    ingest.reset_context()


def pids(result: dict) -> set[str]:
    return {worker.rsplit(":", 1)[1] for worker in result["workers"]}


@pytest.mark.prefect
def test_pages_are_read_and_pdfs_rendered_by_two_local_dask_workers(ocr_flow, adv_env, monkeypatch):
    shutil.copy(IMAGE_ONLY_PDF, Path(adv_env["ADV_INBOX"]) / IMAGE_ONLY_PDF.name)
    monkeypatch.setenv("ADV_DASK_WORKERS", "2")
    monkeypatch.setattr("pipeline.scans.pdf_jobs", no_rendering_here)  # in this process only, not the workers'
    # Ingestion after the OCR (then_ingest, the default) is the ingest flow of tests/test_flows.py reading the
    # cache; left out here to keep this test short.
    result = ocr_flow.ocr_scans(batch_pages=1, then_ingest=False)
    assert result["readers"] == "a local Dask cluster of 2 worker process(es)"
    assert result["pages"] == 3 and result["batches"] == 3 and result["failed_pages"] == []
    assert result["words"] > 150
    assert str(os.getpid()) not in pids(result) and 1 <= len(pids(result)) <= 2


@pytest.mark.prefect
def test_with_a_dask_address_the_pages_go_to_that_scheduler(ocr_flow, monkeypatch):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        worker_pids = {str(pid) for pid in client.run(os.getpid).values()}
        monkeypatch.setenv("ADV_DASK_ADDRESS", cluster.scheduler_address)
        result = ocr_flow.ocr_scans(batch_pages=2, then_ingest=False)  # one batch: Dask only for the address
    assert result["readers"] == f"the Dask scheduler at {cluster.scheduler_address}"
    assert result["pages"] == 2 and result["failed_pages"] == [] and pids(result) == worker_pids


@pytest.mark.prefect
def test_a_task_runner_given_with_options_reads_the_batches_whatever_the_settings(ocr_flow, monkeypatch):
    from prefect.task_runners import ThreadPoolTaskRunner

    monkeypatch.setenv("ADV_DASK_WORKERS", "2")
    flow = ocr_flow.ocr_scans.with_options(task_runner=ThreadPoolTaskRunner(max_workers=2))
    result = flow(batch_pages=1, then_ingest=False)
    assert result["readers"] == "the flow's ThreadPoolTaskRunner" and pids(result) == {str(os.getpid())}
    assert result["pages"] == 2 and result["batches"] == 2 and result["failed_pages"] == []


@pytest.mark.prefect
def test_one_batch_is_read_in_the_flows_process_then_the_scans_are_ingested(ocr_flow):
    result = ocr_flow.ocr_scans(batch_pages=2)
    assert result["readers"] == "the flow's process" and pids(result) == {str(os.getpid())}
    assert result["pages"] == 2 and result["batches"] == 1
    assert result["ingest"]["files_new"] == 2 and sum(result["ingest"]["states"].values()) == 2
    context = Context(Settings())
    try:
        with context.sessions() as session:
            formats = session.scalars(select(Document.format).where(Document.parent_id.is_(None))).all()
    finally:
        context.engine.dispose()
    assert sorted(formats) == ["image", "image"]


def test_pages_are_planned_without_rendering_and_read_in_the_calling_process(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    shutil.copytree(FIXTURES, cache)
    options = ocr_options(Settings(home=tmp_path, ocr_cache_dir=cache))
    monkeypatch.setattr("pipeline.scans.pdf_jobs", no_rendering_here)
    refs = plan_pages([SCANS / "po-fr-fax-with-cover.tif", SCANS / "po-fr-classic-clean.png", IMAGE_ONLY_PDF,
                       SAMPLES / "pdf" / "purchase-order-en.pdf", SAMPLES / "edifact" / "orders-d96a-plain-crlf.edi"])
    cover = str(SCANS / "po-fr-fax-with-cover.tif")
    assert refs == [PageRef(cover, 1), PageRef(cover, 2), PageRef(str(SCANS / "po-fr-classic-clean.png"), 1),
                    PageRef(str(IMAGE_ONLY_PDF), 1)]  # the text PDF and the EDIFACT file are not scans
    monkeypatch.chdir(SCANS)  # a worker on another machine has another working directory
    assert plan_pages([Path("po-fr-classic-clean.png")]) == [refs[2]]
    monkeypatch.undo()
    reads = read_page_batch([refs[1], refs[3]], options)
    assert [(r.page, r.failure) for r in reads] == [(2, None), (1, None)] and all(r.words > 10 for r in reads)
    assert reads[0].worker.endswith(f":{os.getpid()}")


def test_a_file_that_cannot_be_decoded_gives_failed_pages_not_an_exception(tmp_path):
    broken = SCANS / "broken-truncated.png"
    reads = read_page_batch([PageRef(str(broken), 1), PageRef(str(tmp_path / "gone.png"), 1)],
                            ocr_options(Settings(home=tmp_path)))
    assert [r.words for r in reads] == [0, 0] and all(r.failure for r in reads)
    assert "FileNotFoundError" in reads[1].failure


@pytest.mark.parametrize(("env", "batches", "dask", "expected"), [
    ({}, 3, None, PageReaders("local", workers=2)),  # 0 workers: one per core (2 here, mocked)
    ({}, 1, None, PageReaders("here")),  # one batch: a cluster would cost more than it saves
    ({"dask_workers": 1}, 8, None, PageReaders("here")),
    ({"dask_workers": 4}, 3, None, PageReaders("local", workers=3)),  # no idle workers
    ({"dask_workers": 1}, 1, True, PageReaders("local", workers=1)),
    ({"dask_address": "tcp://sched:8786"}, 1, None, PageReaders("scheduler", address="tcp://sched:8786")),
    ({"dask_address": "tcp://sched:8786"}, 5, False, PageReaders("here")),
    ({}, 0, True, PageReaders("here")),
])
def test_where_pages_are_read_follows_the_settings(env, batches, dask, expected, monkeypatch, tmp_path):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert page_readers(Settings(home=tmp_path, **env), batches, dask) == expected


def test_batches_shrink_to_single_pages_so_no_worker_waits_long_for_the_last(tmp_path):
    assert batch_sizes(50, 2) == [8, 8, 8, 7, 5, 4, 3, 2, 2, 1, 1, 1]
    assert batch_sizes(3, 2) == [1, 1, 1] and batch_sizes(0, 2) == [] and sum(batch_sizes(1000, 8)) == 1000
    refs = [PageRef("a.tif", n) for n in range(1, 11)]
    batches, readers = plan_batches(refs, Settings(home=tmp_path, dask_workers=2))
    assert [len(b) for b in batches] == [3, 2, 2, 1, 1, 1] and readers == PageReaders("local", workers=2)
    assert [ref for batch in batches for ref in batch] == refs
    batches, readers = plan_batches(refs, Settings(home=tmp_path, dask_workers=1), batch_pages=4)
    assert [len(b) for b in batches] == [4, 4, 2] and readers == PageReaders("here")


def test_dask_workers_are_given_the_address_of_a_temporary_prefect_server(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import ocr

    class Client:  # what get_client returns once this process has started its temporary server
        api_url = "http://127.0.0.1:8123/api/"

    monkeypatch.setattr(ocr, "get_client", lambda sync_client: Client())
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with ocr.api_for_workers(PageReaders("here")):
            assert PREFECT_API_URL.value() is None  # nothing goes to a worker
        with ocr.api_for_workers(PageReaders("local", workers=2)):
            assert PREFECT_API_URL.value() == Client.api_url  # serialised with each task for the workers
        assert PREFECT_API_URL.value() is None
    with temporary_settings(updates={PREFECT_API_URL: "http://prefect:4200/api"}):
        with ocr.api_for_workers(PageReaders("scheduler", address="tcp://sched:8786")):
            assert PREFECT_API_URL.value() == "http://prefect:4200/api"


def test_a_local_clusters_workers_keep_page_images_in_their_heap_and_skip_the_dashboards_work():
    import dask

    from flows import ocr

    with ocr.worker_config(PageReaders("local", workers=2)):
        assert dask.config.get("distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_") == str(64 << 20)
        assert dask.config.get("distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_") == str(32 << 20)
        assert dask.config.get("distributed.worker.profile.enabled") is False
    assert dask.config.get("distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_") == 65536  # Dask's own
    assert dask.config.get("distributed.worker.profile.enabled") is True
    with ocr.worker_config(PageReaders("scheduler", address="tcp://sched:8786")):  # those workers are configured
        assert dask.config.get("distributed.worker.profile.enabled") is True  # where they are started
