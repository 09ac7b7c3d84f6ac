"""Validation in layers: structural and line checks (vectorised), then document rules; errors mean review.

Layers, each a list of rules with stable codes (docs/findings.md): structural (pandera), identifiers
(python-stdnum), arithmetic, EN 16931 (invoices), business (master data and history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pipeline.validation import business, en16931  # noqa: F401 - registers their rules
from pipeline.validation.context import ValidationContext
from pipeline.validation.lines import check_lines, lines_frame
from pipeline.validation.rules import LAYERS
from schemas import BusinessDocument, Finding, Severity, Status

MAX_PER_CODE = 5  # one finding per faulty line is noise past a handful: the rest are counted

__all__ = ["ValidationContext", "collapse", "validate"]


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


def validate(documents: Sequence[BusinessDocument], context: ValidationContext | None = None
             ) -> list[BusinessDocument]:
    """Each document with its validation findings added and its status set (validated or needs_review)."""
    context = context or ValidationContext()
    customers = [_customer_id(doc, context) for doc in documents]
    line_findings: dict[int, list[Finding]] = defaultdict(list)
    for row in check_lines(lines_frame(documents, customers), context).sort(["document", "line"]).iter_rows(
            named=True):
        line_findings[row["document"]].append(
            Finding(code=row["code"], severity=Severity(row["severity"]), field=row["field"], message=row["message"]))
    validated = []
    for index, document in enumerate(documents):
        findings = list(line_findings.get(index, ()))
        for layer in LAYERS.values():
            for rule in layer:
                findings.extend(rule(document, context))
        document = document.with_findings(collapse(findings))
        status = Status.NEEDS_REVIEW if document.has_errors else Status.VALIDATED
        validated.append(document.model_copy(update={"status": status}))
    return validated


def _customer_id(doc: BusinessDocument, context: ValidationContext) -> int | None:
    customer = business.customer_of(doc, context)
    return customer.id if customer else None
