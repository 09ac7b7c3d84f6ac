"""Hybrid PDFs: Factur-X, ZUGFeRD 1.0/2.x, XRechnung and Order-X carry their data as XML inside the PDF.

The XML is the structured truth, so it is read first (with the factur-x library, pypdf when the
library declines an attachment), mapped like a standalone XML file, then compared with the text a
person sees on the PDF: a number or a grand total the print does not show is flagged. Other files
embedded in the PDF (a delivery note, a time sheet) become child documents. A PDF without such
XML is left to the plain PDF parser, which comes after this one in the registry.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from parsers.base import Attachment, ParseResult
from parsers.xml_document import Structured, read_structured
from parsers.xml_safe import looks_like_xml
from schemas import Finding
from schemas.findings import error, warning

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
# The names the standards give the embedded XML, most wanted first (ZUGFeRD 2 before 1.0 when a PDF has both).
KNOWN_XML_NAMES = ("factur-x.xml", "xrechnung.xml", "order-x.xml", "zugferd-invoice.xml")
_ROOT_HINT = re.compile(rb"CrossIndustryInvoice|CrossIndustryDocument|SCRDMCCBDACIOMessageStructure|"
                        rb"urn:oasis:names:specification:ubl:schema:xsd:(Invoice|CreditNote|Order)-2|CBFBUY")
_MARKERS = re.compile(rb"(?i)factur-x|zugferd|xrechnung|order-x")
MAX_TEXT_PAGES = 30  # enough to find a number and a total; a 500-page annex is not read for that


@dataclass(frozen=True)
class Inspection:
    """What the PDF carries: the structured XML it was made for, other embedded files, or why it won't open."""

    xml_name: str | None = None
    xml: bytes | None = None
    others: tuple[Attachment, ...] = ()
    skipped: tuple[str, ...] = ()  # further renderings of the same invoice (ZUGFeRD 1 next to 2)
    via: str = ""
    problem: Finding | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def claims(self) -> bool:
        return self.xml is not None or self.problem is not None


@lru_cache(maxsize=2)  # sniff then parse look at the same bytes: open the PDF once
def inspect_pdf(data: bytes) -> Inspection:
    if PDF_MAGIC not in data[:1024]:
        return Inspection()
    marked = bool(_MARKERS.search(data))
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypts(reader):
            problem = error("PDF_ENCRYPTED", "The PDF is encrypted with a password, so its embedded invoice XML "
                            "cannot be read. Ask the sender for an unprotected copy.")
            return Inspection(problem=problem) if marked else Inspection()
        embedded = [(item.name or "", item.content or b"") for item in reader.attachment_list]
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for bad files
        if not marked:
            return Inspection()  # a damaged plain PDF: the PDF parser says so
        return Inspection(problem=error("PDF_DAMAGED", f"The PDF names an embedded invoice XML but cannot be opened "
                                        f"({type(exc).__name__}): it is damaged or truncated. Ask the sender to "
                                        "send it again."))
    return _choose(data, embedded)


def _decrypts(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - a missing crypto backend or an unknown algorithm: treat as locked
        return False


def _choose(data: bytes, embedded: list[tuple[str, bytes]]) -> Inspection:
    ranked = sorted((KNOWN_XML_NAMES.index(name.lower()), name, content)
                    for name, content in embedded if name.lower() in KNOWN_XML_NAMES)
    if ranked:
        _, name, content = ranked[0]
        xml, via = _with_library(data, name), "factur-x library"
        if xml is None:  # the library skips XML it cannot parse: take it anyway, so the finding says why
            xml, via = content, "pypdf (the factur-x library declined it)"
    else:  # a sender who named the file otherwise ("invoice.xml"): recognise it by its root element
        found = next(((n, c) for n, c in embedded if looks_like_xml(c) and _ROOT_HINT.search(c[:4096])), None)
        if found is None:
            return Inspection()
        name, xml, via = found[0], found[1], "pypdf (not a standard file name)"
    skipped = tuple(n for _, n, _ in ranked[1:])
    others = tuple(Attachment(n or f"embedded-{i}", c) for i, (n, c) in enumerate(embedded, start=1)
                   if n != name and n not in skipped and c)
    return Inspection(xml_name=name, xml=xml, others=others, skipped=skipped, via=via)


def _with_library(data: bytes, name: str) -> bytes | None:
    import facturx

    try:
        found_name, xml = facturx.get_xml_from_pdf(data, check_xsd=False, filenames=[name])
    except Exception:  # noqa: BLE001 - pypdf below reads the same attachment and the XML parser says what is wrong
        log.debug("factur-x library failed on %s", name, exc_info=True)
        return None
    return xml if found_name and xml else None


def visible_text(data: bytes) -> str | None:
    """The PDF's text layer (first pages), None when it cannot be read.

    pdfium reads it about eight times faster than pypdf, which matters for an inbox full of invoices.
    """
    try:
        import pypdfium2

        document = pypdfium2.PdfDocument(data)
        try:
            texts = []
            for index in range(min(len(document), MAX_TEXT_PAGES)):
                page = document[index]
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range())
                textpage.close()
                page.close()
            return "\n".join(texts)
        finally:
            document.close()
    except Exception:  # noqa: BLE001 - the comparison is a bonus; the XML stands without it
        log.debug("no text from PDF", exc_info=True)
        return None


_DIGIT_GROUP = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'](?=\d{3}(?!\d))")


def amounts_in(text: str) -> set[Decimal]:
    """Every amount the text shows, read with a decimal comma and with a decimal point (1.234,56 / 1,234.56)."""
    found: set[Decimal] = set()
    for token in re.findall(r"\d[\d.,]*", _DIGIT_GROUP.sub("", text)):
        token = token.rstrip(".,")
        readings = set()
        if "," in token and "." in token:  # the last separator is the decimal one
            last = max(token.rfind(","), token.rfind("."))
            readings.add(re.sub(r"[.,]", "", token[:last]) + "." + token[last + 1:])
        elif "," in token or "." in token:
            parts = token.split("," if "," in token else ".")
            if len(parts) == 2:
                readings.add(f"{parts[0]}.{parts[1]}")
            if all(len(part) == 3 for part in parts[1:]):  # or thousands separators: 1.234 / 1,234,567
                readings.add("".join(parts))
        else:
            readings.add(token)
        for reading in readings:
            try:
                found.add(Decimal(reading).quantize(Decimal("0.01")))
            except InvalidOperation:
                continue
    return found


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def compare_with_text(document, text: str | None) -> tuple[list[Finding], str]:
    """Findings when the XML's number or grand total do not show in the visible text, and a note."""
    if text is None or not text.strip():
        return [warning("XML_NO_VISIBLE_TEXT", "The PDF shows no text (a scan, or XML only), so its embedded XML "
                        "could not be compared with what a person sees.")], "no visible text to compare with"
    missing, fields = [], []
    if document.number and _squeeze(document.number) not in _squeeze(text):
        missing.append(f"the number {document.number}")
        fields.append("number")
    total = document.totals.gross if document.totals.gross is not None else document.totals.payable
    if total is not None and abs(total).quantize(Decimal("0.01")) not in amounts_in(text):
        missing.append(f"the grand total {total}")
        fields.append("totals.gross")
    if not missing:
        return [], "number and grand total of the XML both appear in the visible text"
    finding = error("XML_TEXT_MISMATCH", f"The embedded XML says {' and '.join(missing)}, which the visible PDF "
                    "does not show: the print and the data may be two different documents. Check the PDF before "
                    "approving.", field=fields[0])
    return [finding], "visible text does not show " + " and ".join(missing)


class FacturXParser:
    """PDFs that carry a Factur-X / ZUGFeRD / XRechnung / Order-X XML; must come before the plain PDF parser."""

    name = "factur-x"
    reads_embedded_xml = True  # skipped by ``adv replay --ignore-embedded-xml``

    def sniff(self, data: bytes) -> bool:
        return PDF_MAGIC in data[:1024] and inspect_pdf(data).claims

    def parse(self, data: bytes) -> ParseResult:
        inspection = inspect_pdf(data)
        if inspection.problem is not None:
            return ParseResult(format=self.name, findings=(inspection.problem,), notes=(inspection.problem.message,))
        assert inspection.xml is not None and inspection.xml_name is not None
        sha256 = hashlib.sha256(data).hexdigest()
        notes = [f"embedded {inspection.xml_name} ({len(inspection.xml)} bytes) read with {inspection.via}"]
        notes += [f"also carries {name}, another rendering of the same document: not read"
                  for name in inspection.skipped]
        notes += [f"embedded file {a.name} ({len(a.data)} bytes) becomes a child document" for a in inspection.others]
        structured = read_structured(inspection.xml, sha256, self.name)
        notes += structured.notes
        if structured.document is None:
            return self._visible_layer_instead(data, structured, notes, inspection.others)
        document = structured.document
        source = document.source.model_copy(update={"locator": f"{inspection.xml_name}: {document.source.locator}"})
        findings, note = compare_with_text(document, visible_text(data))
        notes.append(note)
        document = document.model_copy(update={"source": source}).with_findings(findings)
        return ParseResult(format=self.name, documents=(document,), envelope_keys=structured.envelope_keys,
                           notes=tuple(notes), attachments=inspection.others)

    def _visible_layer_instead(self, data: bytes, structured: Structured, notes: list[str],
                               others: tuple[Attachment, ...]) -> ParseResult:
        """The XML cannot be used: keep its findings and let the plain PDF parser read what the page shows."""
        from parsers.registry import parser_for  # the registry imports this module

        fallback = parser_for(data, ignore_embedded_xml=True)
        if fallback is None:
            return ParseResult(format=self.name, findings=structured.findings, notes=tuple(notes), attachments=others)
        result = fallback.parse(data)
        notes.append(f"the XML is unusable: the {fallback.name} parser reads the visible PDF instead")
        return ParseResult(format=self.name, documents=result.documents, findings=(*structured.findings,
                           *result.findings), notes=(*notes, *result.notes), attachments=(*others, *result.attachments),
                           layout=result.layout, envelope_keys=result.envelope_keys)
