"""Every finding code the code base can raise is documented in docs/findings.md."""

from __future__ import annotations

import re

from conftest import ROOT

from schemas.tables import LINE_CHECK_CODES

_RAISED = re.compile(r'\b(?:error|warning|info)\(\s*"([A-Z][A-Z0-9_-]+)"', re.S)


def raised_codes() -> set[str]:
    codes = set(LINE_CHECK_CODES.values())
    for folder in ("schemas", "parsers", "extractors", "pipeline"):
        for path in (ROOT / folder).rglob("*.py"):
            codes |= set(_RAISED.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_finding_code_is_documented():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_-]+)` \|", (ROOT / "docs" / "findings.md").read_text(), re.M))
    missing = raised_codes() - documented
    assert not missing, f"add these codes to docs/findings.md: {sorted(missing)}"
    assert len(raised_codes()) > 40
