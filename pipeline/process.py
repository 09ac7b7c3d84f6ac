"""The stages for one file, as plain functions: classify → parse → validate → decide.

Nothing here touches the database or Prefect: ``adv replay`` calls it directly, and ingestion
calls it between reading the raw bytes and writing the outcome.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from extractors import extract_documents, extract_text_documents
from parsers.base import ParseResult
from parsers.registry import parser_for
from pipeline.validation import ValidationContext, validate
from schemas import BusinessDocument, Finding, Status
from schemas.findings import error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What the pipeline made of one file, stage by stage."""

    sha256: str
    size: int
    format: str | None
    parse: ParseResult | None
    documents: tuple[BusinessDocument, ...]  # validated, each with its status
    findings: tuple[Finding, ...]  # about the file itself
    stages: list[tuple[str, str]] = field(default_factory=list)  # (stage, what it did), for replay
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage run (pipeline/timings.py)

    @property
    def file_status(self) -> Status:
        """The file's own state: in review when it has problems no business document carries."""
        if any(f.is_error for f in self.findings) or not (self.documents or self.attachments):
            return Status.NEEDS_REVIEW
        return Status.LOADED

    @property
    def attachments(self):
        return self.parse.attachments if self.parse else ()


def classify(data: bytes, ignore_embedded_xml: bool = False) -> tuple[object | None, list[Finding]]:
    if not data:
        return None, [error("EMPTY_FILE", "The file is empty.")]
    parser = parser_for(data, ignore_embedded_xml=ignore_embedded_xml)
    if parser is None:
        head = data[:16]
        return None, [
            error(
                "UNKNOWN_FORMAT",
                f"No parser recognises this file (it starts with {head!r}); it is kept for someone to look at.",
            )
        ]
    return parser, []


def process(data: bytes, *, context: ValidationContext | None = None, max_bytes: int | None = None,
            ignore_embedded_xml: bool = False) -> Outcome:
    """Run every stage on ``data``; never raises for bad input (that becomes findings)."""
    sha256 = hashlib.sha256(data).hexdigest()
    stages: list[tuple[str, str]] = [("intake", f"{len(data)} bytes, sha256 {sha256[:16]}…")]
    timings: dict[str, float] = {}
    lap = _stopwatch(timings)
    if max_bytes is not None and len(data) > max_bytes:
        finding = error("FILE_TOO_LARGE", f"The file is {len(data)} bytes, over the limit of {max_bytes}.")
        return Outcome(sha256, len(data), None, None, (), (finding,), stages + [("classify", "skipped: too large")])
    parser, findings = classify(data, ignore_embedded_xml)
    lap("classify")
    if parser is None:
        stages.append(("classify", findings[0].message))
        return Outcome(sha256, len(data), None, None, (), tuple(findings), stages, timings)
    stages.append(("classify", f"format {parser.name}"))
    try:
        result = parser.parse(data)
    except Exception as exc:  # a parser crash is our bug; the document must still end somewhere
        lap("parse")
        log.exception("parser %s crashed on %s", parser.name, sha256)
        finding = error(
            "PARSER_CRASH",
            f"The {parser.name} parser failed on this file ({type(exc).__name__}: {exc}). This is a defect in "
            "ADV intake, not in the document; the raw file is kept and can be retried after a fix.",
        )
        stages.append(("parse", finding.message))
        return Outcome(sha256, len(data), parser.name, None, (), (finding,), stages, timings)
    lap("parse")
    stages.extend(("parse", note) for note in result.notes)
    stages.append(("parse", f"{len(result.documents)} business document(s), {len(result.attachments)} attachment(s), "
                            f"{len(result.findings)} file finding(s)"))
    found, extra_findings = list(result.documents), list(result.findings)
    if result.layout is not None:
        extraction = extract_documents(result.layout, sha256, parser.name)
        stages.extend(("extract", note) for note in extraction.notes)
        found.extend(extraction.documents)
        extra_findings.extend(extraction.findings)
        result = replace(result, documents=tuple(found), findings=tuple(extra_findings))
        lap("extract")
    if result.text is not None:
        reading = extract_text_documents(result.text, sha256, context.master if context else None)
        stages.extend(("extract", note) for note in reading.notes)
        result = replace(result, documents=(*result.documents, *reading.documents),
                         findings=(*result.findings, *reading.findings))
        lap("extract")
    documents = tuple(validate(result.documents, context))
    lap("validate")
    for doc in documents:
        codes = ", ".join(sorted({f.code for f in doc.findings})) or "no findings"
        stages.append(("validate", f"{doc.kind.value} {doc.number or '?'}: {doc.status.value} ({codes})"))
    return Outcome(sha256, len(data), parser.name, result, documents, result.findings, stages, timings)


def _stopwatch(timings: dict[str, float]) -> Callable[[str], None]:
    """``lap(stage)`` adds the time since the previous lap (or since now) to ``timings[stage]``."""
    last = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - last
        last = now

    return lap
