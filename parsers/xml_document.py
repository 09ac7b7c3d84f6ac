"""Standalone XML files: CII invoices (Factur-X, ZUGFeRD, XRechnung), Order-X orders, UBL invoices and orders."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from parsers.base import ParseResult
from parsers.cii import cii_profile, is_cii, map_cii
from parsers.ubl import is_ubl, map_ubl, ubl_profile
from parsers.xml_mapping import envelope_key
from parsers.xml_safe import Element, XmlProblem, local_name, looks_like_xml, namespace, parse_xml
from schemas import BusinessDocument, Finding
from schemas.findings import error

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Structured:
    """What one XML document gave: at most one business document, findings about the XML, notes."""

    document: BusinessDocument | None
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def envelope_keys(self) -> tuple[str, ...]:
        key = envelope_key(self.document) if self.document is not None else None
        return (key,) if key else ()


def read_structured(data: bytes, sha256: str, source_format: str) -> Structured:
    """Parse ``data`` safely and map it, whatever the syntax; problems become findings."""
    try:
        root = parse_xml(data)
    except XmlProblem as problem:
        return Structured(None, (problem.finding,), (problem.finding.message,))
    return map_root(root, sha256, source_format)


def map_root(root: Element, sha256: str, source_format: str) -> Structured:
    if is_cii(root):
        profile, mapper = cii_profile(root), map_cii
    elif is_ubl(root):
        profile, mapper = ubl_profile(root), map_ubl
    else:
        name = f"{{{namespace(root)}}}{local_name(root)}" if namespace(root) else local_name(root)
        finding = error("XML_UNKNOWN_SCHEMA", f"The XML root element is {name}: not a CII invoice (Factur-X, "
                        "ZUGFeRD, XRechnung), an Order-X order or a UBL invoice, credit note or order. It is kept "
                        "for someone to route.")
        return Structured(None, (finding,), (f"root element {name}: unknown schema",))
    try:
        document = mapper(root, sha256, source_format)
    except Exception as exc:  # noqa: BLE001 - our bug; the file must still end in review, not crash the run
        log.exception("mapping %s %s failed", profile.syntax, sha256)
        finding = error("XML_MAPPING_FAILED", f"The {profile.syntax} document could not be mapped "
                        f"({type(exc).__name__}: {exc}). This is a defect in ADV intake; the raw file is kept and "
                        "can be retried after a fix.")
        return Structured(None, (finding,), (finding.message,))
    note = (f"{profile.syntax}, profile {profile.name}" + (f" ({profile.guideline})" if profile.guideline else "")
            + f": {document.kind.value} {document.number or '?'}, {len(document.lines)} line(s)")
    return Structured(document, (), (note,))


class XmlParser:
    """Any XML file: the structured ones are mapped, the others end with a coded finding."""

    name = "xml"

    def sniff(self, data: bytes) -> bool:
        return looks_like_xml(data)

    def parse(self, data: bytes) -> ParseResult:
        result = read_structured(data, hashlib.sha256(data).hexdigest(), self.name)
        documents = (result.document,) if result.document is not None else ()
        return ParseResult(format=self.name, documents=documents, findings=result.findings,
                           envelope_keys=result.envelope_keys, notes=result.notes)
