"""Every XML and hybrid PDF of the shared corpus ends parsed (number and totals) or with coded findings.

Factur-X / ZUGFeRD / XRechnung PDFs, Order-X, standalone CII and UBL, and the PDFs with no usable XML
(broken XML, blank templates, a damaged file) all go through ``adv replay --json``: never a traceback.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import CORPUS, SUMMARY
from typer.testing import CliRunner

from pipeline.cli import app

STRUCTURED = ("facturx/*.pdf", "facturx/*.xml", "orderx/*.pdf", "orderx/*.xml", "xml/*.xml")
OTHERS = ("pdf-plain/*.pdf", "pdf-broken/*")
FILES = sorted(p for pattern in (*STRUCTURED, *OTHERS) for p in CORPUS.glob(pattern)) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus is not here")
TALLY: Counter[str] = Counter()
CODES: Counter[str] = Counter()
PROFILES: Counter[str] = Counter()


def structured(path) -> bool:
    return any(path.match(pattern) for pattern in STRUCTURED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_file_ends_parsed_or_with_codes(path):
    result = CliRunner().invoke(app, ["replay", str(path), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    output = json.loads(result.stdout)
    documents = output["documents"]
    findings = output["file"]["findings"] + [f for d in documents for f in d["findings"]]
    assert all(f["code"] and f["message"] for f in findings)
    errors = [f["code"] for f in findings if f["severity"] == "error"]
    if structured(path):
        assert output["file"]["format"] in ("factur-x", "xml"), output["file"]
    for doc in documents:
        if not errors:
            assert doc["number"] and any(doc["totals"][k] for k in ("gross", "payable", "net")), doc["number"]
        if doc["source"]["message_type"]:
            PROFILES[doc["source"]["message_type"]] += 1
    if result.exit_code == 0:
        assert documents, "a clean file must have given documents"
    else:
        assert errors, "review without an error-level code"
    parsed = bool(documents) and all(d["number"] and any(d["totals"].values()) for d in documents)
    TALLY["parsed with number and totals" if parsed else "coded findings only"] += 1
    TALLY["clean (exit 0)" if result.exit_code == 0 else "in review (exit 1)"] += 1
    CODES.update(errors)


def test_tally_is_reported():
    SUMMARY.append(f"corpus XML/Factur-X conformance over {len(FILES)} files: {dict(TALLY)}")
    SUMMARY.append(f"  profiles: {dict(PROFILES.most_common())}")
    SUMMARY.append(f"  error codes: {dict(CODES.most_common(15))}")
    assert TALLY["parsed with number and totals"] + TALLY["coded findings only"] == len(FILES)
