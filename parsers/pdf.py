"""Text PDFs: pdfplumber reads the text layer into a ``Layout`` of words with boxes.

Coordinates stay in PDF points with the origin at the top-left (pdfplumber's ``top``/``bottom``), which is
what ``schemas.layout`` asks for. Encrypted, damaged, image-only or oversized PDFs end as coded findings,
never as an exception. Any PDF reaches this parser only after the Factur-X parser declined it (no embedded
XML), so it is the last in the registry.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from parsers.base import ParseResult
from schemas.findings import Finding, error, warning
from schemas.layout import Layout, Page, Word

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
SNIFF_WINDOW = 1024  # the PDF spec lets a header start after some junk; readers look in the first KiB

# Word building: spaces in the text layer are dropped and words are split on gaps wider than 15 % of the
# font size. Some generators draw a ghost space glyph on top of the next character ("4 71102"), others draw
# no space glyphs at all and only move the pen; gaps work for both.
X_TOLERANCE_RATIO = 0.15
Y_TOLERANCE = 3.0


@dataclass(frozen=True)
class PdfLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 200


class PdfTextParser:
    """Any PDF without usable embedded XML: its text layer as a layout for ``extractors``."""

    name = "pdf"

    def __init__(self, limits: PdfLimits = PdfLimits()) -> None:
        self.limits = limits

    def sniff(self, data: bytes) -> bool:
        return PDF_MAGIC in data[:SNIFF_WINDOW]

    def parse(self, data: bytes) -> ParseResult:
        if len(data) > self.limits.max_bytes:
            return _fail(error("PDF_TOO_LARGE", f"The PDF is {len(data)} bytes, over the limit of "
                               f"{self.limits.max_bytes} for text extraction; it is kept for someone to key in."))
        import pdfplumber  # heavy import, only when a PDF arrives

        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                page_count = len(pdf.pages)
                if page_count == 0:
                    return _fail(error("PDF_DAMAGED", "The PDF has no readable page: it is damaged or truncated. "
                                       "Ask the sender to send it again."))
                if page_count > self.limits.max_pages:
                    return _fail(error("PDF_TOO_LARGE", f"The PDF has {page_count} pages, over the limit of "
                                       f"{self.limits.max_pages} for text extraction; it is kept for someone to "
                                       "key in."))
                pages = tuple(_read_page(page, number) for number, page in enumerate(pdf.pages, start=1))
        except Exception as exc:  # pdfminer raises many types for bad files; classify, never crash
            return _fail(_open_failure(exc))
        if not any(page.words for page in pages):
            return _scanned(data, len(pages))
        return _layout_result(pages)


def _scanned(data: bytes, page_count: int) -> ParseResult:
    """An image-only PDF: its pages go through OCR into the same kind of layout (method "ocr")."""
    from parsers.image import ocr_pdf  # tesseract and pypdfium2 only when a scan arrives

    ocr = ocr_pdf(data)
    notes = (f"{page_count} page(s), no text layer: read by OCR", *ocr.notes)
    if ocr.layout.word_count == 0:
        return ParseResult(format="pdf", notes=notes, findings=(*ocr.findings, error(
            "PDF_NO_TEXT", f"The PDF has {page_count} page(s), no text layer, and OCR read no word either; it is "
            "kept for someone to key in."),))
    return ParseResult(format="pdf", layout=ocr.layout, findings=ocr.findings, notes=notes)


def _read_page(page, number: int) -> Page:
    """One page's words; spaces and rotated characters (margin stamps) are left out."""
    upright = page.filter(lambda obj: obj.get("object_type") != "char"
                          or (obj.get("upright", True) and not obj.get("text", "").isspace()))
    words = upright.extract_words(x_tolerance_ratio=X_TOLERANCE_RATIO, y_tolerance=Y_TOLERANCE,
                                  keep_blank_chars=False, use_text_flow=False)
    return Page(number=number, width=float(page.width), height=float(page.height), words=tuple(
        Word(text=w["text"], bbox=(round(float(w["x0"]), 2), round(float(w["top"]), 2),
                                   round(float(w["x1"]), 2), round(float(w["bottom"]), 2)))
        for w in words if w["text"].strip()))


def _layout_result(pages: tuple[Page, ...]) -> ParseResult:
    layout = Layout(method="pdf-text", pages=pages)
    empty = [page.number for page in pages if not page.words]
    notes = [f"text layer: {layout.word_count} words on {len(pages)} page(s)"]
    findings: list[Finding] = []
    if empty:
        findings.append(warning("PDF_PARTIAL_TEXT", f"Page(s) {', '.join(map(str, empty))} have no text layer "
                                "(scanned images?); what they show was not read.", field=None))
        notes.append(f"pages without text: {empty}")
    return ParseResult(format="pdf", layout=layout, findings=tuple(findings), notes=tuple(notes))


def _open_failure(exc: Exception) -> Finding:
    """Map what pdfminer/pdfplumber raised to a finding a person can act on."""
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and
                                                       isinstance(seen.args[0], Exception) else None)
    names = " ".join(type(e).__name__ for e in chain)
    if "Password" in names or "Encryption" in names:
        return error("PDF_ENCRYPTED", "The PDF is encrypted with a password, so its text cannot be read. Ask "
                     "the sender for an unprotected copy.")
    log.info("unreadable PDF: %s", names)
    return error("PDF_DAMAGED", f"The PDF cannot be read ({type(chain[-1]).__name__}): it is damaged or "
                 "truncated. Ask the sender to send it again.")


def _fail(finding: Finding) -> ParseResult:
    return ParseResult(format="pdf", findings=(finding,), notes=(finding.message,))
