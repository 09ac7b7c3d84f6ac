"""Every EDIFACT file of the shared corpus ends parsed with control counts checked, or with coded findings."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import CORPUS, SUMMARY
from typer.testing import CliRunner

from pipeline.cli import app

FILES = sorted((CORPUS / "edifact").glob("*")) if (CORPUS / "edifact").is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus/edifact is not here")
TALLY: Counter[str] = Counter()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_file_ends_parsed_or_with_codes(path):
    result = CliRunner().invoke(app, ["replay", str(path), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    output = json.loads(result.stdout)
    findings = output["file"]["findings"] + [f for d in output["documents"] for f in d["findings"]]
    assert all(f["code"] and f["message"] for f in findings)
    clean = result.exit_code == 0
    if clean:
        assert output["documents"], "a clean file must have given documents"
    else:
        assert any(f["severity"] == "error" for f in findings), "review without an error-level code"
    TALLY["clean" if clean else "coded findings"] += 1
    TALLY.update(f["code"] for f in findings if f["severity"] == "error")


def test_tally_is_reported():
    """The tally is printed at the end of the run (see conftest.pytest_terminal_summary)."""
    SUMMARY.append(f"corpus EDIFACT conformance over {len(FILES)} files: {dict(TALLY.most_common())}")
    assert sum(TALLY[k] for k in ("clean", "coded findings")) == len(FILES)
