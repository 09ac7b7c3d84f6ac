"""Scans in the pipeline: OCR options from settings, and reading pages in batches for the OCR flow.

``configure(settings)`` installs the OCR options for this process (called when a ``Context`` is made).
``plan_pages`` lists the pages of the scans among some files (counted, not rendered), ``page_readers`` decides
where the flow reads them (the flow's process, a local Dask cluster, or a Dask scheduler) and ``read_page_batch``
OCRs a batch of them into the OCR cache, rendering PDF pages where it runs; ``flows/ocr.py`` runs those batches
as Prefect tasks, then ingests the files, whose OCR then only reads the cache.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path
from statistics import mean
from typing import Literal

from PIL import Image

from parsers.image import _PDFIUM, image_jobs, pdf_jobs, sniff_image
from parsers.ocr import OcrOptions, PageJob, configure_ocr, read_page
from pipeline.claims import process_name
from pipeline.settings import Settings

BATCH_PAGES = 8  # the most pages one OCR task reads (about 10 s of CPU)


def ocr_options(settings: Settings, writable: bool = True) -> OcrOptions:
    """The OCR options the settings ask for; ``writable=False`` reads the OCR cache without adding to it
    (``adv replay`` writes nothing)."""
    return OcrOptions(dpi=settings.ocr_dpi, languages=settings.ocr_languages, processes=settings.ocr_processes,
                      steps=tuple(settings.ocr_steps), low_confidence=settings.ocr_low_confidence,
                      cache_dir=ocr_cache_dir(settings), cache_read_only=not writable)


def ocr_cache_dir(settings: Settings) -> Path:
    return (settings.ocr_cache_dir or settings.home / "ocr-cache").resolve()


def configure(settings: Settings, writable: bool = True) -> None:
    """Install the settings' OCR options for every scan this process reads from now on."""
    configure_ocr(ocr_options(settings, writable))


@dataclass(frozen=True)
class PageRef:
    """One page of one scan file, small enough to send to a worker on another machine."""

    path: str
    page: int


@dataclass(frozen=True)
class PageRead:
    path: str
    page: int
    words: int
    confidence: float
    failure: str | None = None
    worker: str = ""  # host:pid of the process that read it


def scan_pages(data: bytes, settings: Settings) -> list[PageJob]:
    """The pages OCR would read in these bytes: every frame of an image, every page of a PDF without text."""
    if sniff_image(data):
        return image_jobs(data)
    if data[:1024].find(b"%PDF-") >= 0 and _pdf_pages_without_text(data):
        return pdf_jobs(data, settings.ocr_dpi)
    return []


def page_count(data: bytes, max_pages: int = 200) -> int:
    """How many pages OCR would read in these bytes, without decoding or rendering any (0: not a scan, or one
    its parser will refuse: the parser reports it when the file is processed)."""
    try:
        if sniff_image(data):
            with Image.open(io.BytesIO(data)) as image:
                count = getattr(image, "n_frames", 1)
        elif data[:1024].find(b"%PDF-") >= 0:
            count = _pdf_pages_without_text(data)
        else:
            return 0
    except Exception:  # an unreadable scan is reported by its parser  # noqa: BLE001
        return 0
    return count if count <= max_pages else 0


def _pdf_pages_without_text(data: bytes) -> int:
    """The pages of a PDF that has no text at all; 0 for a text PDF (the PDF parser reads it) or one pdfium
    cannot open (the PDF parser reports it as damaged)."""
    import pypdfium2

    with _PDFIUM:
        try:
            pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            return 0
        try:
            if any(pdf[i].get_textpage().get_text_range().strip() for i in range(len(pdf))):
                return 0  # a text PDF: the PDF parser reads it
            return len(pdf)
        finally:
            pdf.close()


def plan_pages(paths: list[Path], max_pages: int = 200) -> list[PageRef]:
    """Every page to OCR among ``paths`` (files that are not scans are left to the ordinary parsers). Pages
    are counted, not rendered: a PDF page is rendered by whoever reads it (``read_page_batch``, on a worker).
    Paths are made absolute: a worker elsewhere does not share this process's working directory."""
    return [PageRef(str(path.absolute()), number) for path in paths
            for number in range(1, page_count(_read(path), max_pages) + 1)]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # gone or unreadable: intake reports it
        return b""


def page_jobs(data: bytes, options: OcrOptions, pages: Collection[int]) -> dict[int, PageJob]:
    """The ``pages`` (1-based) of a scan as jobs to OCR: an image's frames decoded, a PDF's pages rendered at
    ``options.dpi`` (only those pages)."""
    if sniff_image(data):
        jobs = image_jobs(data, options.max_pages)
    else:
        jobs = pdf_jobs(data, options.dpi, options.max_pages, only=set(pages))
    return {job.number: job for job in jobs if job.number in pages}


def read_page_batch(refs: list[PageRef], options: OcrOptions) -> list[PageRead]:
    """OCR a batch of pages into the OCR cache, rendering PDF pages here too (one process, one page after
    another: the task runner spreads batches over the cores and machines). A file that cannot be decoded gives
    failed pages, not an exception: its parser reports it when the file is processed."""
    options = replace(options, processes=1)
    worker = process_name()
    done = []
    for path, group in groupby(refs, key=lambda ref: ref.path):
        numbers = [ref.page for ref in group]
        try:
            jobs, failure = page_jobs(Path(path).read_bytes(), options, numbers), "the file has no such page"
        except Exception as exc:  # noqa: BLE001 - damaged or gone since planning: the parser's findings say why
            jobs, failure = {}, f"{type(exc).__name__}: {exc}"
        for number in numbers:
            job = jobs.get(number)
            if job is None:
                done.append(PageRead(path, number, 0, 0.0, failure, worker))
                continue
            result = read_page(job, options)
            words = result.page.words
            done.append(PageRead(path, number, len(words), round(mean(w.confidence for w in words), 3)
                                 if words else 0.0, result.failure, worker))
    return done


@dataclass(frozen=True)
class PageReaders:
    """Where the OCR flow reads pages: ``here`` (the flow's process, one batch after another), a ``local``
    Dask cluster of ``workers`` processes, or the Dask ``scheduler`` at ``address`` (workers anywhere)."""

    kind: Literal["here", "local", "scheduler"]
    workers: int = 1
    address: str | None = None

    def __str__(self) -> str:
        if self.kind == "scheduler":
            return f"the Dask scheduler at {self.address}"
        if self.kind == "local":
            return f"a local Dask cluster of {self.workers} worker process(es)"
        return "the flow's process"


def page_readers(settings: Settings, batches: int, dask: bool | None = None) -> PageReaders:
    """Dask when the settings name a scheduler (``ADV_DASK_ADDRESS``), or when there is more than one batch
    and more than one local worker to give them to (``ADV_DASK_WORKERS``, 0: one per core; starting a local
    cluster costs about 3 s, two or three pages); else the flow's process. ``dask`` True or False overrides."""
    if dask is False or batches == 0:
        return PageReaders("here")
    if settings.dask_address:
        return PageReaders("scheduler", address=settings.dask_address)
    workers = min(local_workers(settings), batches)
    if dask or (workers > 1 and batches > 1):
        return PageReaders("local", workers=max(workers, 1))
    return PageReaders("here")


def local_workers(settings: Settings) -> int:
    """How many worker processes a local Dask cluster gets (``ADV_DASK_WORKERS``; 0: one per core)."""
    return settings.dask_workers or os.cpu_count() or 1


def plan_batches(refs: list[PageRef], settings: Settings, batch_pages: int = 0, dask: bool | None = None
                 ) -> tuple[list[list[PageRef]], PageReaders]:
    """The OCR flow's batches of ``refs`` (``batch_pages`` each, or 0: ``batch_sizes``) and where to read them."""
    if batch_pages:
        sizes = [batch_pages] * math.ceil(len(refs) / batch_pages)
    else:  # planned for the local workers, or as many as this machine has cores for a scheduler's
        readers = page_readers(settings, len(refs), dask)
        sizes = batch_sizes(len(refs), readers.workers if readers.kind == "local" else local_workers(settings))
    batches, start = [], 0
    for size in sizes:
        batches.append(refs[start:start + size])
        start += size
    return batches, page_readers(settings, len(batches), dask)


def batch_sizes(pages: int, workers: int, most: int = BATCH_PAGES) -> list[int]:
    """Pages per task, guided: each batch is a share of the pages left, at most ``most``. The first batches
    are large, so there are few task runs (each costs Prefect about 0.17 CPU s); the last are single pages, so
    no worker waits long for another's last batch (Dask hands the batches out in this order)."""
    sizes, left = [], pages
    while left > 0:
        sizes.append(max(1, min(most, math.ceil(left / (2 * max(workers, 1))))))
        left -= sizes[-1]
    return sizes
