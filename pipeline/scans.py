"""Scans in the pipeline: OCR options from settings, and reading pages in batches for the OCR flow.

``configure(settings)`` installs the OCR options for this process (called when a ``Context`` is made).
``plan_pages`` lists the pages of the scans among some files and ``read_page_batch`` OCRs a batch of them into
the OCR cache; ``flows/ocr.py`` runs those batches as Prefect tasks (threads, or Dask workers on several
machines), then ingests the files, whose OCR then only reads the cache.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import mean

from parsers.image import image_jobs, pdf_jobs, sniff_image
from parsers.ocr import OcrOptions, PageJob, configure_ocr, read_page
from pipeline.settings import Settings


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
    if data[:1024].find(b"%PDF-") >= 0 and not _has_text(data):
        return pdf_jobs(data, settings.ocr_dpi)
    return []


def _has_text(data: bytes) -> bool:
    import pypdfium2

    from parsers.image import _PDFIUM

    with _PDFIUM:
        try:
            pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            return True  # not for OCR: the PDF parser reports it as damaged
        try:
            return any(pdf[i].get_textpage().get_text_range().strip() for i in range(len(pdf)))
        finally:
            pdf.close()


def plan_pages(paths: list[Path], settings: Settings) -> list[PageRef]:
    """Every page to OCR among ``paths`` (files that are not scans are left to the ordinary parsers)."""
    refs = []
    for path in paths:
        try:
            count = len(scan_pages(path.read_bytes(), settings))
        except Exception:  # an unreadable scan is reported by its parser when the file is processed  # noqa: BLE001
            continue
        refs.extend(PageRef(str(path), number) for number in range(1, count + 1))
    return refs


def read_page_batch(refs: list[PageRef], settings: Settings) -> list[PageRead]:
    """OCR a batch of pages into the OCR cache (one process, one page after another: the task runner
    spreads batches over the cores and machines)."""
    options = replace(ocr_options(settings), processes=1)
    done = []
    jobs_by_file: dict[str, list[PageJob]] = {}
    for ref in refs:
        if ref.path not in jobs_by_file:
            jobs_by_file[ref.path] = scan_pages(Path(ref.path).read_bytes(), settings)
        job = jobs_by_file[ref.path][ref.page - 1]
        result = read_page(job, options)
        words = result.page.words
        done.append(PageRead(ref.path, ref.page, len(words), round(mean(w.confidence for w in words), 3)
                             if words else 0.0, result.failure, f"{socket.gethostname()}:{os.getpid()}"))
    return done
