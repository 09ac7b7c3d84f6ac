"""Page images → a ``Layout`` of words with boxes (PDF points, top-left origin) and confidences, by OCR.

The same layout model as a text PDF, so ``extractors`` read scans without knowing they are scans. Pages go
through ``scan_preprocess.prepare`` and then an engine (``parsers.ocr_engines``; tesseract by default), in a
process pool across the cores when a document has several pages (``OMP_THREAD_LIMIT=1`` in each worker, so
tesseract's own threads do not fight the pool). Options are read from settings once at start and installed
with ``configure_ocr``; tests and benchmarks pass their own.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from statistics import mean

from PIL import Image

from parsers.ocr_engines import OcrEngine, OcrUnavailable, OcrWord, PageImage
from parsers.ocr_engines.tesseract import CachedTesseract, TesseractEngine, detect_rotation, tesseract_version
from parsers.scan_preprocess import DEFAULT_STEPS, DPI_RANGE, TARGET_DPI, prepare
from schemas.findings import Finding, error, warning
from schemas.layout import Layout, Page, Word

log = logging.getLogger(__name__)
PREPARATION_VERSION = "1"  # bump when a step's code changes what it produces: cached TSVs are keyed on it


@dataclass(frozen=True)
class OcrOptions:
    """How scans are read; ``pipeline.settings`` fills it from ``ADV_OCR_*``."""

    dpi: int = 300  # PDF pages are rendered at this resolution
    languages: str = "fra+eng"
    processes: int = 0  # pages read in parallel; 0: one per core
    steps: tuple[str, ...] = DEFAULT_STEPS
    cache_dir: Path | None = None  # keep each page's tesseract TSV here (re-runs, tests, the Dask flow)
    cache_read_only: bool = False
    low_confidence: float = 0.6  # a page whose words average below this is reported as a poor scan
    max_pages: int = 200
    engine: str = "tesseract"  # a name in ENGINES

    @property
    def workers(self) -> int:
        return self.processes or os.cpu_count() or 1


_options = OcrOptions()


def configure_ocr(options: OcrOptions) -> None:
    """Install the options every OCR parse uses from now on (called once at start, from settings)."""
    global _options
    _options = options


def current_options() -> OcrOptions:
    return _options


def _tesseract(options: OcrOptions) -> OcrEngine:
    if options.cache_dir is not None:
        return CachedTesseract(options.cache_dir, read_only=options.cache_read_only)
    return TesseractEngine()


# Engines by name, each made from the options. Another engine is one entry here; extractors never know.
ENGINES: dict[str, Callable[[OcrOptions], OcrEngine]] = {"tesseract": _tesseract}


def engine_for(options: OcrOptions) -> OcrEngine:
    try:
        return ENGINES[options.engine](options)
    except KeyError:
        raise OcrUnavailable(f"no OCR engine named {options.engine!r} (known: {', '.join(ENGINES)})") from None


@dataclass(frozen=True)
class PageJob:
    """One page to read: picklable, so it can go to a pool worker or a Dask task."""

    number: int
    image: Image.Image
    dpi: int
    source_key: str  # the file's sha256: with the page number and options it names the page's input
    vertical_dpi: int | None = None  # when pixels are not square (a standard-mode fax: 204 x 98 dpi)

    def key(self, options: OcrOptions) -> str:
        return f"{self.source_key}|p{self.number}|{','.join(options.steps)}|{self.dpi}|v{PREPARATION_VERSION}"


@dataclass(frozen=True)
class PageResult:
    page: Page
    note: str
    failure: str | None = None  # why the page could not be read (the page is then empty)


@dataclass(frozen=True)
class OcrResult:
    layout: Layout
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default=())


def read_page(job: PageJob, options: OcrOptions, engine: OcrEngine | None = None) -> PageResult:
    """Prepare one page, OCR it, and convert the words to points; a page the engine fails on is empty."""
    engine = engine or engine_for(options)
    cached = _cached_words(engine, job, options)
    if cached is not None:  # a cache hit needs no preparation: the prepared page's geometry is known
        width, height, dpi = prepared_geometry(job, options.steps)
    else:
        prepared, dpi = prepare(job.image, job.dpi, options.steps, job.vertical_dpi, osd=detect_rotation)
        width, height = prepared.size
    scale = 72.0 / dpi
    empty = Page(number=job.number, width=round(width * scale, 2), height=round(height * scale, 2))
    try:
        words = cached if cached is not None else engine.recognise(PageImage(prepared, dpi, job.key(options)),
                                                                   options.languages)
    except OcrUnavailable:
        raise
    except Exception as exc:  # tesseract crashed or timed out on this page: the rest of the document goes on
        log.warning("OCR failed on page %d of %s: %s", job.number, job.source_key[:16], exc)
        return PageResult(empty, f"page {job.number}: OCR failed", failure=f"{type(exc).__name__}: {exc}")
    words = join_digit_groups(line_height_boxes([w for w in words if keep(w)]))
    page = empty.model_copy(update={"words": tuple(to_word(w, scale) for w in words)})
    confidence = mean(w.confidence for w in page.words) if page.words else 0.0
    return PageResult(page, f"page {job.number}: {len(page.words)} words, mean confidence {confidence:.2f}, "
                            f"{dpi} dpi, steps {'+'.join(options.steps) or 'none'}")


def _cached_words(engine: OcrEngine, job: PageJob, options: OcrOptions) -> list[OcrWord] | None:
    lookup = getattr(engine, "cached", None)
    if lookup is None or "orient" in options.steps:  # a quarter turn would change the page's shape
        return None
    return lookup(job.key(options), options.languages)


def prepared_geometry(job: PageJob, steps: tuple[str, ...]) -> tuple[int, int, int]:
    """Width and height in pixels and the resolution ``prepare`` gives a page (without an orientation step)."""
    width, height, dpi = job.image.width, job.image.height, job.dpi
    if job.vertical_dpi and abs(job.vertical_dpi - dpi) > 1:
        height = round(height * dpi / job.vertical_dpi)
    if "dpi" in steps and not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        scale = TARGET_DPI / dpi
        width, height, dpi = max(1, round(width * scale)), max(1, round(height * scale)), TARGET_DPI
    return width, height, dpi


def keep(word: OcrWord) -> bool:
    """Drop what tesseract makes of specks and rules: punctuation-only words it is unsure of."""
    return any(c.isalnum() for c in word.text) or word.confidence >= 0.5 or word.text in ("€", "%", "#", "°")


LINE_PAD = 0.15  # of the line's ink height, above and below: about the font's ascent and descent


def line_height_boxes(words: list[OcrWord]) -> list[OcrWord]:
    """Every word as tall as its text line, padded a little: a text PDF's word box is its font's height, so
    "6", "March" and "2026" there are equally tall, while OCR boxes hug the ink (a digit is 0.7 of a font
    size). Extractors compare gaps with word heights; with these boxes a scan measures like a text PDF."""
    extent: dict[int, tuple[int, int]] = {}
    for word in words:
        top, bottom = extent.get(word.line, (word.top, word.top + word.height))
        extent[word.line] = (min(top, word.top), max(bottom, word.top + word.height))
    boxed = []
    for word in words:
        top, bottom = extent[word.line]
        pad = round(LINE_PAD * (bottom - top))
        boxed.append(OcrWord(text=word.text, left=word.left, top=top - pad, width=word.width,
                             height=bottom - top + 2 * pad, confidence=word.confidence, block=word.block,
                             line=word.line))
    return boxed


_LEADING_GROUP = re.compile(r"^[-+(]?\d{1,3}$")
_NEXT_GROUP = re.compile(r"^\d{3}(?:[.,]\d{3})*(?:[.,]\d{1,4})?[€)]?$")


def join_digit_groups(words: list[OcrWord]) -> list[OcrWord]:
    """``1 | 453,95`` → ``1 453,95``: tesseract splits an amount at its thousands space, and the gap between
    the groups is narrower than any column gap (under 0.7 of the digits' height; a space is about 0.45)."""
    joined: list[OcrWord] = []
    for word in words:
        previous = joined[-1] if joined else None
        if (previous is not None and previous.line == word.line and _LEADING_GROUP.match(previous.text)
                and _NEXT_GROUP.match(word.text)
                and 0 <= word.left - (previous.left + previous.width) <= 0.7 * max(previous.height, word.height)):
            top = min(previous.top, word.top)
            joined[-1] = OcrWord(text=f"{previous.text} {word.text}", left=previous.left, top=top,
                                 width=word.left + word.width - previous.left,
                                 height=max(previous.top + previous.height, word.top + word.height) - top,
                                 confidence=min(previous.confidence, word.confidence), block=previous.block,
                                 line=previous.line)
        else:
            joined.append(word)
    return joined


def to_word(word: OcrWord, scale: float) -> Word:
    return Word(text=word.text, confidence=word.confidence, line=word.line, block=word.block,
                bbox=(round(word.left * scale, 2), round(word.top * scale, 2),
                      round((word.left + word.width) * scale, 2), round((word.top + word.height) * scale, 2)))


def read_pages(jobs: list[PageJob], options: OcrOptions | None = None) -> list[PageResult]:
    """Every page, in order; several pages go to the process pool."""
    options = options or current_options()
    workers = min(options.workers, len(jobs))
    if workers <= 1:
        return [read_page(job, options) for job in jobs]
    try:
        return list(_pool(workers).map(read_page, jobs, [options] * len(jobs)))
    except (RuntimeError, OSError, BrokenProcessPool) as exc:  # no workers here (a script without a main guard,
        log.warning("OCR process pool unavailable (%s); reading pages one by one", exc)  # a daemon process)
        _pools.pop(workers, None)
        return [read_page(job, options) for job in jobs]


def ocr_layout(jobs: list[PageJob], options: OcrOptions | None = None) -> OcrResult:
    """The layout of ``jobs`` (one document's pages) with findings about pages that could not be read."""
    options = options or current_options()
    try:
        results = read_pages(jobs, options)
    except OcrUnavailable as exc:
        return OcrResult(Layout(method="ocr"), (error("OCR_UNAVAILABLE", f"The scan cannot be read here: {exc}."),),
                         (str(exc),))
    findings: list[Finding] = []
    for result in results:
        if result.failure:
            findings.append(error("OCR_FAILED", f"Page {result.page.number} could not be read by OCR "
                                  f"({result.failure}); key it in from the image or retry the document.",
                                  field=None))
        elif result.page.words:
            confidence = mean(w.confidence for w in result.page.words)
            if confidence < options.low_confidence:
                findings.append(warning("OCR_POOR_SCAN", f"Page {result.page.number} was read with a mean word "
                                        f"confidence of {confidence:.2f} (below {options.low_confidence}): the "
                                        "scan is poor, so check every value against the image."))
    engine = f"tesseract {_version_or_unknown()}" if options.engine == "tesseract" else options.engine
    notes = (f"OCR ({engine}, {options.languages}) of {len(jobs)} page(s)", *(r.note for r in results))
    return OcrResult(Layout(method="ocr", pages=tuple(r.page for r in results)), tuple(findings), notes)


def _version_or_unknown() -> str:
    try:
        return tesseract_version()
    except OcrUnavailable:
        return "(not installed)"


_pools: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool per size for the life of the process: starting workers costs more than a page's OCR setup."""
    if workers not in _pools:
        # forkserver: forking a process that runs threads (Prefect, a web server) can deadlock a child
        _pools[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver"),
                                              initializer=_init_worker)
    return _pools[workers]


def _init_worker() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


@atexit.register
def _shutdown_pools() -> None:
    for pool in _pools.values():
        pool.shutdown(cancel_futures=True)
    _pools.clear()
