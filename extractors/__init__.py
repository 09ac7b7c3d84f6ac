"""Layout in, canonical documents out (text PDFs, OCR, free text). Structured formats skip this stage.

``extract_documents`` is the one entry point the pipeline calls for a parser that returned a layout. It
reads only words, boxes and confidences, so a text PDF and an OCR scan go through the same rules; every
value's confidence is the rule's certainty times the confidence of the words it was read from.
The rules live in small modules: ``labels`` (words), ``numbers`` (amounts, dates), ``header``, ``parties``,
``totals``, ``table`` (line items by geometry) and ``profiles`` (optional supplier hints in YAML).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from extractors.document import build_document
from extractors.geometry import build_lines
from extractors.profiles import match_profile
from schemas import BusinessDocument, Finding, Source
from schemas.findings import error
from schemas.layout import FreeText, Layout

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extraction:
    documents: tuple[BusinessDocument, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()


def extract_documents(layout: Layout, sha256: str, source_format: str) -> Extraction:
    """The business document a layout shows, each value with page, box and confidence."""
    if layout.word_count == 0:
        return Extraction(findings=(error("NO_TEXT", "The document has no readable text."),),
                          notes=("no words on any page",))
    lines = build_lines(layout)
    profile = match_profile(lines)
    pages = len(layout.pages)
    source = Source(format=source_format, sha256=sha256, locator=f"{pages} page(s), {layout.method}")
    try:
        document = build_document(lines, layout.method, profile, source)
    except Exception as exc:  # a rule crashing is our bug: the document still goes to a person
        log.exception("extraction failed on %s", sha256)
        return Extraction(findings=(error("EXTRACTION_FAILED", f"Reading the document's fields failed "
                                          f"({type(exc).__name__}: {exc}). This is a defect in ADV intake; the "
                                          "raw file is kept and can be retried after a fix."),),
                          notes=("extraction failed",))
    notes = [f"{layout.word_count} words in {len(lines)} lines on {pages} page(s) ({layout.method})",
             f"profile: {profile.name}" if profile else "no supplier profile matched",
             f"{document.kind.value} {document.number or '?'}: {len(document.lines)} line(s), "
             f"{len(document.provenance)} value(s) with provenance"]
    return Extraction(documents=(document,), notes=tuple(notes))


def extract_text_documents(text: FreeText, sha256: str, catalogue=None) -> Extraction:
    """The order a prose message asks for, if it is one (see ``extractors.text``).

    ``catalogue`` (the product master, when loaded) lets lines be matched to our products.
    """
    from extractors.text import read_free_text  # loads spaCy: only when prose actually arrives

    return read_free_text(text, sha256, catalogue)
