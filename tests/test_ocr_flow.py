"""The OCR flow on a local Dask cluster of two worker processes: pages read in batches there, then ingested."""

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
from pipeline.settings import Settings

SCANS = SAMPLES / "scans"
FIXTURES = ROOT / "tests" / "fixtures" / "ocr"
PAGES = ("po-fr-classic-fax.tif", "dn-fr-modern-fax.tif")


@pytest.fixture
def ocr_flow(prefect_server, adv_env, tmp_path, monkeypatch):  # noqa: F811
    # The cached tesseract output of these pages stands in for tesseract: the workers still load and prepare
    # each page, look it up and build its layout; tests/test_ocr_tesseract.py runs the real engine.
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


@pytest.mark.prefect
def test_pages_are_read_by_two_dask_workers_in_batches_into_the_cache(ocr_flow, tmp_path):
    # Ingestion after the OCR (then_ingest, the default) is the ingest flow of tests/test_flows.py reading the
    # cache; left out here to keep this test short.
    result = ocr_flow.with_dask(workers=2)(batch_pages=1, then_ingest=False)
    assert result["pages"] == 2 and result["batches"] == 2 and result["failed_pages"] == []
    assert result["words"] > 100
    workers = {worker.rsplit(":", 1)[1] for worker in result["workers"]}
    assert str(os.getpid()) not in workers and len(workers) >= 1  # read in the Dask worker processes


@pytest.mark.prefect
def test_the_flow_ingests_the_scans_whose_pages_it_read(ocr_flow):
    result = ocr_flow.ocr_scans(batch_pages=2)
    assert result["pages"] == 2 and result["batches"] == 1
    assert result["ingest"]["files_new"] == 2 and sum(result["ingest"]["states"].values()) == 2
    context = Context(Settings())
    try:
        with context.sessions() as session:
            formats = session.scalars(select(Document.format).where(Document.parent_id.is_(None))).all()
    finally:
        context.engine.dispose()
    assert sorted(formats) == ["image", "image"]


def test_a_page_batch_is_read_in_the_calling_process_into_the_cache(tmp_path):
    from pipeline.scans import PageRef, plan_pages, read_page_batch

    cache = tmp_path / "cache"
    shutil.copytree(FIXTURES, cache)
    settings = Settings(home=tmp_path, ocr_cache_dir=cache)
    refs = plan_pages([SCANS / "po-fr-fax-with-cover.tif", SCANS / "po-fr-classic-clean.png",
                       SAMPLES / "edifact" / "orders-d96a-plain-crlf.edi"], settings)
    cover = str(SCANS / "po-fr-fax-with-cover.tif")
    assert refs == [PageRef(cover, 1), PageRef(cover, 2), PageRef(str(SCANS / "po-fr-classic-clean.png"), 1)]
    reads = read_page_batch(refs[:2], settings)
    assert [r.page for r in reads] == [1, 2] and all(r.words > 10 and r.failure is None for r in reads)
    assert reads[0].worker.endswith(f":{os.getpid()}")
