"""The right side of the document page: every extracted field with its value, confidence, origin,
findings and the proposals learned from earlier corrections of the same sender."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from pipeline.history import DatabaseHistory
from pipeline.validation.paths import get_value, values_by_pattern
from schemas import from_canonical

HEADER = ("number", "issue_date", "currency", "requested_delivery_date", "delivery_date", "due_date", "response",
          "order_ref", "delivery_note_ref", "contract_ref")
PARTIES = (("seller", "Seller"), ("buyer", "Buyer"), ("ship_to", "Ship to"))
PARTY = ("name", "gln", "vat_id", "siren", "siret", "internal_id", "iban")
ADDRESS = ("street", "postal_code", "city", "country")
LOW_CONFIDENCE = 0.8
_LINE = re.compile(r"^lines\[(\d+)\]")


@dataclass(frozen=True)
class Proposal:
    value: str
    times: int


@dataclass
class FieldRow:
    path: str
    label: str
    value: Any
    provenance: dict[str, Any]
    corrected: bool = False
    findings: list[dict] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value)

    @property
    def confidence(self) -> float | None:
        if self.corrected:
            return 1.0
        value = self.provenance.get("confidence")
        return float(value) if isinstance(value, (int, float)) else None

    @property
    def low_confidence(self) -> bool:
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE

    @property
    def origin(self) -> str:
        """Where the value came from, in a few words."""
        where = self.provenance
        if self.corrected:
            return "corrected by a person"
        if "segment" in where:
            return f"{where['segment']} segment {where.get('segment_no', '?')}, element {where.get('element', '?')}"
        if "page" in where:
            return f"page {where['page']} ({where.get('method', 'layout')})"
        if "path" in where:
            return "XML " + "/".join(str(where["path"]).split("/")[-2:])
        if "span" in where:
            return f"text, characters {where['span'][0]}–{where['span'][1]}"
        return where.get("method", "") if where else ""

    @property
    def severity(self) -> str:
        severities = {f["severity"] for f in self.findings}
        return next((s for s in ("error", "warning", "info") if s in severities), "")

    @property
    def bbox(self) -> str:
        box = self.provenance.get("bbox")
        return ",".join(f"{float(v):g}" for v in box) if isinstance(box, (list, tuple)) and len(box) == 4 else ""


@dataclass
class Section:
    title: str
    key: str  # the path prefix findings about the whole section use ("lines[2]", "totals", "buyer")
    rows: list[FieldRow]
    findings: list[dict] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.findings) or any(row.severity in ("error", "warning") for row in self.rows)


def sections(session: Session, canonical: dict[str, Any], corrections: dict[str, Any] | None,
             findings: list[dict]) -> tuple[list[Section], list[dict]]:
    """The document's fields grouped for display, and the findings that belong to no field."""
    provenance = canonical.get("provenance") or {}
    corrected = set(corrections or {})

    def row(path: str, label: str) -> FieldRow:
        return FieldRow(path, label, get_value(canonical, path), provenance.get(path) or {}, path in corrected)

    result = [Section("Document", "", [row(name, name.replace("_", " ")) for name in HEADER if name in canonical])]
    for key, title in PARTIES:
        party = canonical.get(key)
        if party is None and key == "ship_to" and not any(p.startswith("ship_to") for p in provenance):
            continue
        names = [n for n in PARTY if party is None or n in party]
        rows = [row(f"{key}.{n}", n.replace("_", " ")) for n in names]
        rows += [row(f"{key}.address.{n}", n.replace("_", " ")) for n in ADDRESS]
        result.append(Section(title, key, rows))
    for index, line in enumerate(canonical.get("lines") or []):
        title = f"Line {line.get('line_no') or index + 1}" + (f" — {line['description']}" if line.get("description")
                                                              else "")
        result.append(Section(title, f"lines[{index}]", [row(f"lines[{index}].{name}", name.replace("_", " "))
                                                        for name in line]))
    totals = canonical.get("totals") or {}
    result.append(Section("Totals", "totals", [row(f"totals.{name}", name) for name in totals]))
    _attach_proposals(session, canonical, result)
    return result, _attach_findings(result, findings)


def _attach_findings(result: list[Section], findings: list[dict]) -> list[dict]:
    rows = {row.path: row for section in result for row in section.rows}
    by_key = {section.key: section for section in result if section.key}
    loose = []
    for finding in findings:
        path = finding.get("field") or ""
        if path in rows:
            rows[path].findings.append(finding)
            continue
        line = _LINE.match(path)
        key = line.group(0) if line else path.split(".")[0]
        if key in by_key:
            by_key[key].findings.append(finding)
        else:
            loose.append(finding)
    return loose


def _attach_proposals(session: Session, canonical: dict[str, Any], result: list[Section]) -> None:
    """What people changed this sender's values to before: shown beside the field, applied only on a click."""
    sender = (canonical.get("source") or {}).get("sender")
    if not sender:
        return
    corrections = DatabaseHistory(session).corrections(sender)
    if not corrections:
        return
    try:
        document = from_canonical(canonical)
    except ValueError:
        return
    rows = {row.path: row for section in result for row in section.rows}
    for correction in corrections:
        for path, value in values_by_pattern(document, correction.field):
            if value == correction.wrong and correction.right != value and path in rows:
                rows[path].proposals.append(Proposal(correction.right, correction.times))
