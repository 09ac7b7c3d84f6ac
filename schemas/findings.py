"""Findings: errors as data, with a stable code a person can look up in docs/findings.md."""

from __future__ import annotations

from enum import StrEnum

from schemas.base import FrozenModel
from schemas.provenance import Provenance


class Severity(StrEnum):
    ERROR = "error"  # the document cannot be trusted: it goes to review
    WARNING = "warning"  # worth a look, does not stop loading
    INFO = "info"  # recorded for the audit trail only


class Finding(FrozenModel):
    code: str
    severity: Severity
    field: str | None = None
    message: str
    location: Provenance | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(code: str, message: str, field: str | None = None, location: Provenance | None = None) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, field=field, message=message, location=location)


def warning(code: str, message: str, field: str | None = None, location: Provenance | None = None) -> Finding:
    return Finding(code=code, severity=Severity.WARNING, field=field, message=message, location=location)


def info(code: str, message: str, field: str | None = None, location: Provenance | None = None) -> Finding:
    return Finding(code=code, severity=Severity.INFO, field=field, message=message, location=location)
