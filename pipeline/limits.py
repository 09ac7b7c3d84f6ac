"""Limits per file: size, pages, wall time and memory; a file past one ends in the queue with a coded finding.

What is limited, and where (``Sandbox`` in ``pipeline.sandbox`` runs this module's ``read_within_limits``
in a child process):

- bytes: ``process()`` itself (``FILE_TOO_LARGE``, ``ADV_MAX_DOCUMENT_BYTES``);
- pages: ``read_within_limits`` counts the pages of a PDF or image file (``parsers.pages``, no page is read)
  before any parser or OCR runs (``TOO_MANY_PAGES``, ``ADV_MAX_PAGES``);
- wall time and memory: the sandbox's child process is killed after ``ADV_PROCESSING_TIMEOUT_SECONDS``
  (``PROCESSING_TIMEOUT``) and its heap is limited to ``ADV_PROCESSING_MEMORY_MB`` (``PROCESSING_MEMORY``);
  a child that dies any other way gives ``PROCESSING_CRASH``.

Every stop is an ``Outcome`` like ``process()`` returns, with one error finding about the file and no
business document, so the caller writes it to the database like any other file in review.
"""

from __future__ import annotations

import hashlib
import signal
from collections.abc import Callable
from dataclasses import dataclass

from parsers.pages import count_pages
from pipeline.process import Outcome
from pipeline.settings import Settings
from pipeline.validation import ValidationContext
from schemas import Finding
from schemas.findings import error

# What the sandbox runs for one file: ``process`` itself, or (tests) a function with the same signature.
Work = Callable[..., Outcome]

# Parsers turn the exceptions they catch into findings that name the exception's type ("… (MemoryError)",
# "… (MemoryError: …)"): a file that ran out of memory inside such a handler is a memory stop, not damage.
_CAUGHT_MEMORY_ERROR = "(MemoryError"


@dataclass(frozen=True)
class Limits:
    timeout_seconds: float = 300.0
    memory_mb: int = 2048  # 0: no memory limit
    max_pages: int = 200
    max_bytes: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(timeout_seconds=settings.processing_timeout_seconds, memory_mb=settings.processing_memory_mb,
                   max_pages=settings.max_pages, max_bytes=settings.max_document_bytes)


def read_within_limits(work: Work, data: bytes, context: ValidationContext | None, limits: Limits,
                       ignore_embedded_xml: bool = False) -> Outcome:
    """The page limit, then ``work`` (``process``); running out of memory gives ``PROCESSING_MEMORY``.

    Wall time and the memory ceiling itself are the caller's (the sandbox's child process) to enforce.
    """
    if limits.max_bytes is None or len(data) <= limits.max_bytes:  # else process() says FILE_TOO_LARGE
        count = count_pages(data)
        if count is not None and count.pages > limits.max_pages:
            return stopped(data, too_many_pages(count.kind, count.pages, limits.max_pages),
                           f"skipped: {count.pages} pages, over the limit of {limits.max_pages}")
    try:
        outcome = work(data, context=context, max_bytes=limits.max_bytes, ignore_embedded_xml=ignore_embedded_xml)
    except MemoryError:
        return stopped(data, out_of_memory(limits.memory_mb), "stopped: out of memory")
    if ran_out_of_memory(outcome):
        return stopped(data, out_of_memory(limits.memory_mb), "stopped: a parser ran out of memory")
    return outcome


def ran_out_of_memory(outcome: Outcome) -> bool:
    """Whether a parser or extractor caught a MemoryError and reported it as a finding."""
    findings = [*outcome.findings, *(f for doc in outcome.documents for f in doc.findings)]
    return any(f.is_error and _CAUGHT_MEMORY_ERROR in f.message for f in findings)


def stopped(data: bytes, finding: Finding, note: str) -> Outcome:
    """The outcome of a file a limit stopped: its one finding, no business document."""
    sha256 = hashlib.sha256(data).hexdigest()
    stages = [("intake", f"{len(data)} bytes, sha256 {sha256[:16]}…"), ("limits", f"{note}: {finding.code}")]
    return Outcome(sha256, len(data), None, None, (), (finding,), stages)


def too_many_pages(kind: str, pages: int, max_pages: int) -> Finding:
    return error("TOO_MANY_PAGES", f"The {kind} file has {pages} pages, over the limit of {max_pages} pages per "
                 "file; it was not read and is kept for someone to key in or split. Raise ADV_MAX_PAGES if such "
                 "files are expected.")


def timed_out(seconds: float) -> Finding:
    return error("PROCESSING_TIMEOUT", f"Reading this file took longer than the {seconds:g}-second limit; it was "
                 "stopped and is kept for someone to look at. Retry it when the workers are less busy, or raise "
                 "ADV_PROCESSING_TIMEOUT_SECONDS if files like this are expected.")


def out_of_memory(memory_mb: int) -> Finding:
    limit = f"the {memory_mb} MB memory limit" if memory_mb else "the memory available"
    return error("PROCESSING_MEMORY", f"Reading this file needed more than {limit}; it was stopped and is kept "
                 "for someone to look at. Such a file is usually hostile (a compression bomb) or far larger than a "
                 "business document; raise ADV_PROCESSING_MEMORY_MB only if it is legitimate.")


def killed_by_system() -> Finding:
    return error("PROCESSING_MEMORY", "The process reading this file was killed by the system (SIGKILL), most "
                 "likely because the machine ran out of memory; the file is kept for someone to look at and can "
                 "be retried when the machine is less busy.")


def crashed(exitcode: int | None) -> Finding:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"exit status {exitcode}"
    return error("PROCESSING_CRASH", f"The process reading this file stopped abruptly ({how}): a library crashed "
                 "on the file or ran out of memory. This is a defect in ADV intake or a library it uses; the raw "
                 "file is kept and can be retried after a fix.")

