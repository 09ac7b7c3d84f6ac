"""Every sample ends as samples/edifact/manifest.json says it is meant to.

The manifest comes from the generator, which knows what it wrote: the documents, their numbers,
line counts and net totals, every value in them, and how validation must judge them. Golden files
record what the pipeline does; this test says whether that is right.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import HERMETIC, SAMPLES

from pipeline.replay import replay, replay_json

FOLDER = SAMPLES / "edifact"
ENTRIES: list[dict] = json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))["samples"]
NUMERIC = {"quantity", "unit_price", "net_amount", "tax_rate", "net", "tax", "gross", "payable"}


@cache
def replayed(name: str) -> dict:
    """The replay JSON of a sample (computed once; the tests only read it)."""
    path = FOLDER / name
    return replay_json(replay(path.read_bytes(), HERMETIC, path.name))


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` differs from ``expected``; keys ``actual`` has and ``expected`` does not are not compared."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        return [d for key, value in expected.items() for d in differences(value, actual.get(key), f"{path}.{key}")]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {actual!r}"]
        pairs = enumerate(zip(expected, actual, strict=True))
        return [d for i, (e, a) in pairs for d in differences(e, a, f"{path}[{i}]")]
    if path.rsplit(".", 1)[-1] in NUMERIC and expected is not None and actual is not None:
        equal = Decimal(expected) == Decimal(actual)  # "18.4000" and "18.40" are the same price
    else:
        equal = expected == actual
    return [] if equal else [f"{path}: expected {expected!r}, got {actual!r}"]


def codes(findings: list[dict]) -> set[str]:
    return {f["code"] for f in findings}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_file_status_and_codes(entry: dict):
    result = replayed(entry["file"])
    assert result["file"]["status"] == entry["status"]
    missing = set(entry["codes"]) - codes(result["file"]["findings"])
    assert not missing, f"file-level codes missing: {sorted(missing)}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_documents_are_the_intended_ones(entry: dict):
    """Kind, number, line count and net total of each document, in file order."""
    found = [{"kind": d["kind"], "number": d["number"], "lines": len(d["lines"]), "net": d["totals"]["net"]}
             for d in replayed(entry["file"])["documents"]]
    meant = [{key: i[key] for key in ("kind", "number", "lines", "net")} for i in entry["documents"]]
    assert not differences(meant, found), "\n".join(differences(meant, found))


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_document_statuses_and_codes(entry: dict):
    documents = replayed(entry["file"])["documents"]
    assert [d["status"] for d in documents] == [i["status"] for i in entry["documents"]]
    for document, meant in zip(documents, entry["documents"], strict=True):
        missing = set(meant["codes"]) - codes(document["findings"])
        assert not missing, f"{document['number']}: codes missing: {sorted(missing)}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_document_content_is_what_was_written(entry: dict):
    documents = replayed(entry["file"])["documents"]
    assert len(documents) == len(entry["documents"])
    problems = [f"{meant['number']}{d}" for document, meant in zip(documents, entry["documents"], strict=True)
                if meant["content"] is not None for d in differences(meant["content"], document)]
    assert not problems, "\n".join(problems)


GOOD = [e for e in ENTRIES if not e["file"].startswith("broken-")]


@pytest.mark.parametrize("entry", GOOD, ids=lambda e: e["file"])
def test_good_samples_have_no_error_findings(entry: dict):
    result = replayed(entry["file"])
    findings = result["file"]["findings"] + [f for d in result["documents"] for f in d["findings"]]
    errors = [f"{f['code']}: {f['message']}" for f in findings if f["severity"] == "error"]
    assert not errors, "\n".join(errors)


def test_the_manifest_covers_every_sample():
    named = {e["file"] for e in ENTRIES}
    present = {p.name for p in FOLDER.iterdir() if p.is_file() and not p.name.endswith(".json")}
    assert named == present


def test_every_broken_sample_says_what_must_be_found():
    """A broken sample with no required code would pass whatever the pipeline did with it."""
    vague = [e["file"] for e in ENTRIES if e["file"].startswith("broken-")
             and not e["codes"] and not any(d["codes"] for d in e["documents"])]
    assert not vague


def test_a_resend_names_a_sample_received_before_it():
    for entry in ENTRIES:
        if entry["duplicate_of"]:
            assert (FOLDER / entry["duplicate_of"]).is_file()
            # A folder is ingested in name order: the original must come first to be the one loaded.
            assert Path(entry["duplicate_of"]).name < entry["file"]
