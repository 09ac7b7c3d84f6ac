"""Findings that point at the page: a check that failed on a value read from a layout gets that value's box.

Validation rules (a GTIN check digit, a line that does not add up, a date) name the field they judged but not
where it was printed; the extractor recorded that in the document's provenance. ``locate_findings`` copies it
into each finding's ``location`` so the review desk can show the crop of the scan or PDF next to the finding.
Only layout provenance (a page and a box) is copied; EDIFACT findings keep their own segment locations.
"""

from __future__ import annotations

import re

from schemas import BusinessDocument, Finding, Provenance

_LINE = re.compile(r"^(lines\[\d+\])")
PREFERRED_LINE_FIELDS = ("net_amount", "quantity", "unit_price", "gtin", "seller_item_id", "description")


def location_of(document: BusinessDocument, field: str | None) -> Provenance | None:
    """The page and box of ``field`` (or, for a whole line, of its most telling value)."""
    if not field:
        return None
    provenance = document.provenance.get(field)
    if provenance is None:
        line = _LINE.match(field)
        if line:
            for name in PREFERRED_LINE_FIELDS:
                provenance = document.provenance.get(f"{line.group(1)}.{name}")
                if provenance is not None:
                    break
    if provenance is None or provenance.page is None or provenance.bbox is None:
        return None
    return provenance


def locate_findings(document: BusinessDocument) -> BusinessDocument:
    """The document with a page and box on every finding whose field was read from a layout."""
    located: list[Finding] = []
    changed = False
    for finding in document.findings:
        if finding.location is None:
            where = location_of(document, finding.field)
            if where is not None:
                finding, changed = finding.model_copy(update={"location": where}), True
        located.append(finding)
    return document.model_copy(update={"findings": tuple(located)}) if changed else document
