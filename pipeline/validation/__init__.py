"""Validation: structural (pandera), then business rules; a document with an error goes to review."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pipeline.validation.rules import RULES
from pipeline.validation.structural import check_lines
from schemas import BusinessDocument, Finding, Status
from schemas.findings import Severity

MAX_PER_CODE = 5  # one finding per faulty line is noise past a handful: the rest are counted


def collapse(findings: list[Finding]) -> list[Finding]:
    """Keep the first few findings of each code and summarise the rest in one finding."""
    kept: list[Finding] = []
    extra: dict[str, tuple[int, Severity]] = {}
    seen: dict[str, int] = {}
    for finding in findings:
        seen[finding.code] = seen.get(finding.code, 0) + 1
        if seen[finding.code] <= MAX_PER_CODE:
            kept.append(finding)
        else:
            extra[finding.code] = (extra.get(finding.code, (0, finding.severity))[0] + 1, finding.severity)
    for code, (count, severity) in extra.items():
        kept.append(Finding(code=code, severity=severity, field=None,
                            message=f"… and {count} more {code} findings like the ones above."))
    return kept


def validate(documents: Sequence[BusinessDocument], tolerance: Decimal = Decimal("0.01")) -> list[BusinessDocument]:
    """Each document with its validation findings added and its status set (validated or needs_review)."""
    structural = check_lines(documents)
    validated = []
    for index, document in enumerate(documents):
        findings = list(structural.get(index, ()))
        for rule in RULES:
            findings.extend(rule(document, tolerance))
        document = document.with_findings(collapse(findings))
        status = Status.NEEDS_REVIEW if document.has_errors else Status.VALIDATED
        validated.append(document.model_copy(update={"status": status}))
    return validated
