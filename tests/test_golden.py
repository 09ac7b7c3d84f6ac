"""Golden files: every sample under samples/ replays to exactly its ``NAME.expected.json``.

``pytest tests/test_golden.py --update-golden`` rewrites the expected files from the current code;
review the diff (and samples/edifact/manifest.json) before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import HERMETIC, SAMPLES

from pipeline.replay import replay, replay_json

EXPECTED_SUFFIX = ".expected.json"
NOT_SAMPLES = {"manifest.json"}
NOT_DOCUMENTS = {"masterdata"}  # samples/masterdata: CSVs for adv masterdata import, not documents to ingest
UPDATE = "`.venv/bin/pytest tests/test_golden.py --update-golden`"


def is_sample(path: Path) -> bool:
    """A sample document, as opposed to its expected file, the generator, docs or caches."""
    parts = path.relative_to(SAMPLES).parts
    if any(part.startswith(".") or part == "__pycache__" for part in parts) or parts[0] in NOT_DOCUMENTS:
        return False
    name = path.name
    return not (name.endswith(EXPECTED_SUFFIX) or name.endswith((".py", ".md")) or name in NOT_SAMPLES)


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*") if p.is_file() and is_sample(p))


def expected_path(sample: Path) -> Path:
    return sample.with_name(sample.name + EXPECTED_SUFFIX)


def golden_text(sample: Path) -> str:
    """What ``adv replay SAMPLE --json`` prints for the sample."""
    result = replay(sample.read_bytes(), HERMETIC, sample.name)
    return json.dumps(replay_json(result), indent=2, ensure_ascii=False) + "\n"


SAMPLE_FILES = sample_files()


def test_there_are_samples():
    assert len(SAMPLE_FILES) >= 20, f"only {len(SAMPLE_FILES)} samples under {SAMPLES}"


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_sample_replays_to_its_expected_file(sample: Path, update_golden: bool):
    actual = golden_text(sample)
    expected_file = expected_path(sample)
    if update_golden:
        expected_file.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not expected_file.exists():
        pytest.fail(f"{sample.relative_to(SAMPLES)} has no expected file {expected_file.name}. Create it with "
                    f"{UPDATE}, check it against samples/edifact/manifest.json, and commit both.")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert json.loads(actual) == expected, (
        f"the replay of {sample.name} changed; if the change is intended, refresh it with {UPDATE} and review the diff"
    )


def test_every_expected_file_has_its_sample():
    orphans = [p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob(f"*{EXPECTED_SUFFIX}")
               if not p.with_name(p.name.removesuffix(EXPECTED_SUFFIX)).is_file()]
    assert not orphans, f"expected files whose sample is gone (delete them): {orphans}"
