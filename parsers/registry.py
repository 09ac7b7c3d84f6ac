"""The parsers we have, tried in order by sniffing the bytes. Adding a format is one line here."""

from __future__ import annotations

from parsers.base import Parser
from parsers.edifact import EdifactParser
from parsers.email_message import EmailParser
from parsers.email_zip import ZipParser
from parsers.facturx import FacturXParser
from parsers.image import ImageParser
from parsers.pdf import PdfTextParser
from parsers.xml_document import XmlParser

PARSERS: list[Parser] = [
    EdifactParser(),
    EmailParser(),
    ZipParser(),
    XmlParser(),
    FacturXParser(),  # PDFs with embedded XML: before any parser that takes every PDF
    ImageParser(),  # PNG, JPEG, TIFF scans and faxes: OCR
    PdfTextParser(),  # any other PDF: its text layer as a layout for extractors/ (keep last)
]


def parser_for(data: bytes, *, ignore_embedded_xml: bool = False) -> Parser | None:
    """The first parser whose ``sniff`` recognises the bytes, or None.

    ``ignore_embedded_xml`` skips the parsers that read XML embedded in a PDF (Factur-X), so a hybrid
    PDF is read from its visible layer (``adv replay --ignore-embedded-xml``, benchmarks).
    """
    for parser in PARSERS:
        if ignore_embedded_xml and getattr(parser, "reads_embedded_xml", False):
            continue
        if parser.sniff(data):
            return parser
    return None
