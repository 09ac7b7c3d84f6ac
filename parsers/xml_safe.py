"""Reading XML invoices and orders safely, and the small helpers the CII and UBL mappings share.

Every XML document is first screened by defusedxml (no DTD, no entity, no external reference: an
invoice never needs them, an attacker does), then parsed by lxml with entity resolution and network
access off. Paths are written with local names, so one mapping reads every namespace version of a
syntax (CII D16B, ZUGFeRD 1.0, the ZUGFeRD release candidate, Order-X).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import defusedxml
import defusedxml.ElementTree as defused
from lxml import etree

from schemas import Finding
from schemas.findings import error

UTF8_BOM = b"\xef\xbb\xbf"
_STEP = re.compile(r"^(@?)([A-Za-z_][\w.-]*)(\[.*\])?$")

Element = etree._Element  # noqa: SLF001 - lxml's public element type has no other name


class XmlProblem(Exception):
    """The bytes are not an XML document we may read; ``finding`` says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def looks_like_xml(data: bytes) -> bool:
    """XML by its first bytes: a declaration, a comment or an element (HTML pages are not ours)."""
    head = data[:512]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = head.removeprefix(UTF8_BOM).lstrip()
    if head.startswith((b"<?xml", b"<!--")):
        return True
    return bool(re.match(rb"<[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?[\s/>]", head)) and not re.match(rb"<html", head, re.I)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes) -> Element:
    """The root element of ``data``; raises :class:`XmlProblem` (XML_UNSAFE, XML_MALFORMED) otherwise."""
    try:
        defused.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise XmlProblem(error("XML_UNSAFE", f"The XML declares a DTD, an entity or an external reference "
                               f"({type(exc).__name__}); invoices and orders never need one, so it was not read "
                               "(protection against XML attacks).")) from exc
    except (defused.ParseError, LookupError, ValueError) as exc:  # LookupError: an encoding Python does not know
        raise XmlProblem(_malformed(str(exc))) from exc
    try:
        return etree.fromstring(data, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise XmlProblem(_malformed(str(exc))) from exc


def _malformed(detail: str) -> Finding:
    return error("XML_MALFORMED", f"The XML is not well-formed ({detail}); nothing in it can be trusted. Ask the "
                 "sender to send it again.")


def local_name(element: Element) -> str:
    return etree.QName(element).localname


def namespace(element: Element) -> str:
    return etree.QName(element).namespace or ""


@lru_cache(maxsize=1024)
def _compile(path: str) -> etree.XPath:
    """``A/B[@schemeID='0088']/@unitCode`` with local names → an XPath that ignores namespaces."""
    parts = []
    for step in path.split("/"):
        match = _STEP.match(step)
        if step in (".", "..") or match is None:
            parts.append(step)
            continue
        attribute, name, predicate = match.groups()
        parts.append(f"@{name}" if attribute else f"*[local-name()='{name}']{predicate or ''}")
    return etree.XPath("/".join(parts))


def find(element: Element | None, path: str) -> Element | None:
    if element is None:
        return None
    found = _compile(path)(element)
    return found[0] if found and isinstance(found[0], Element) else None


def find_all(element: Element | None, path: str) -> list[Element]:
    if element is None:
        return []
    return [e for e in _compile(path)(element) if isinstance(e, Element)]


def text_of(element: Element | None) -> str | None:
    """The element's own text, stripped; None when empty."""
    if element is None:
        return None
    value = "".join(element.itertext()).strip()
    return value or None


def xpath_of(element: Element, attribute: str | None = None) -> str:
    """A readable XPath to ``element`` with the document's prefixes (``/rsm:X/ram:Y[2]/ram:Z``)."""
    steps = []
    node: Element | None = element
    while node is not None:
        name = local_name(node)
        step = f"{node.prefix}:{name}" if node.prefix else name
        parent = node.getparent()
        if parent is not None:
            twins = [child for child in parent if child.tag == node.tag]
            if len(twins) > 1:
                step += f"[{twins.index(node) + 1}]"
        steps.append(step)
        node = parent
    path = "/" + "/".join(reversed(steps))
    return f"{path}/@{attribute}" if attribute else path


def parse_amount(value: str) -> Decimal:
    """An XML decimal (``1234.50``, ``-3``); a comma or a thousands separator is an error, not a guess."""
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a number")
    return number


def parse_xml_date(value: str, format_code: str | None) -> date:
    """A CII date (format 102 ``20250131``, 203/204 with a time, 610 a month) or an ISO date (UBL)."""
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]) and (len(value) == 10 or value[10] in "T+-Z "):
        return date.fromisoformat(value[:10])
    code = format_code or "102"
    if code == "610" and re.fullmatch(r"\d{6}", value):
        return date(int(value[:4]), int(value[4:6]), 1)
    if code == "616" and re.fullmatch(r"\d{6}", value):
        return date.fromisocalendar(int(value[:4]), int(value[4:]), 1)
    if code in ("102", "203", "204", "205") and re.fullmatch(r"\d{8}\d*", value):
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    raise ValueError(f"{value!r} is not a date in format {code}")


def compact_id(value: str | None) -> str | None:
    """An identifier without the spaces, dots and dashes people type into them (``FR 32 123 456 789``)."""
    if value is None:
        return None
    compact = re.sub(r"[\s.\-/]", "", value).upper()
    return compact or None


@dataclass(frozen=True)
class Profile:
    """What an XML document says it conforms to."""

    syntax: str  # "CII", "ZUGFeRD 1.0", "Order-X", "UBL Invoice", ...
    name: str  # MINIMUM, BASIC WL, BASIC, EN 16931, COMFORT, EXTENDED, XRECHNUNG, ...
    guideline: str | None  # the URN as sent

    @property
    def message_type(self) -> str:
        return f"{self.syntax}:{self.name}"

    @property
    def has_lines(self) -> bool:
        return self.name not in ("MINIMUM", "BASIC WL")


def profile_name(guideline: str | None) -> str:
    """The profile a guideline URN names (Factur-X, ZUGFeRD 1/2, XRechnung, Order-X, Peppol)."""
    g = (guideline or "").strip().lower()
    if not g:
        return "UNKNOWN"
    for needle, name in (("xrechnung", "XRECHNUNG"), ("extended-ctc-fr", "EXTENDED-CTC-FR"), ("peppol", "PEPPOL BIS 3"),
                         ("extended", "EXTENDED"), ("basicwl", "BASIC WL"), ("basic-wl", "BASIC WL"),
                         ("basic", "BASIC"), ("minimum", "MINIMUM"), ("comfort", "COMFORT"), ("komfort", "COMFORT")):
        if needle in g:
            return name
    if g.startswith("urn:cen.eu:en16931:2017"):
        return "EN 16931"
    return guideline.strip()  # type: ignore[union-attr]
