"""Layout in, canonical documents out (text PDFs, OCR, free text). Structured formats skip this stage.

``extract_documents`` is the one entry point the pipeline calls for a parser that returned a layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas import BusinessDocument, Finding
from schemas.findings import error
from schemas.layout import Layout


@dataclass(frozen=True)
class Extraction:
    documents: tuple[BusinessDocument, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()


def extract_documents(layout: Layout, sha256: str, source_format: str) -> Extraction:
    """The business documents a layout shows, each value with page, box and confidence."""
    if layout.word_count == 0:
        return Extraction(findings=(error("NO_TEXT", "The document has no readable text."),),
                          notes=("no words on any page",))
    return Extraction(findings=(error("EXTRACTION_UNAVAILABLE",
                                      "No extractor can read this layout yet; it is kept for someone to key in."),),
                      notes=(f"{layout.word_count} words on {len(layout.pages)} page(s); no extractor matched",))
