"""The committed samples are exactly what samples/generate.py writes, so the two never drift apart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLES

GENERATOR = SAMPLES / "generate.py"
FOLDER = SAMPLES / "edifact"
REGENERATE = ("run `.venv/bin/python samples/generate.py`, then `.venv/bin/pytest tests/test_golden.py "
              "--update-golden`, and review both diffs")


def generate(out: Path, hash_seed: str) -> subprocess.CompletedProcess:
    # Another hash seed than the test run's: output must not depend on set or dict-of-str ordering.
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], env=env, capture_output=True,
                          text=True, check=True, cwd=out.parent)


def committed() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in FOLDER.iterdir()
            if p.is_file() and not p.name.endswith(".expected.json")}


def test_generator_reproduces_the_committed_samples_byte_for_byte(tmp_path):
    generate(tmp_path / "out", hash_seed="4242")
    fresh = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    on_disk = committed()
    assert sorted(fresh) == sorted(on_disk), f"the set of samples differs from the generator's; {REGENERATE}"
    stale = sorted(name for name in fresh if fresh[name] != on_disk[name])
    assert not stale, f"committed samples differ from the generator's output: {stale}; {REGENERATE}"


def test_generator_does_not_use_the_code_it_checks(tmp_path):
    """The samples are an independent check of the parsers: the generator must not import them."""
    probe = (
        "import runpy, sys\n"
        f"sys.argv = [{str(GENERATOR)!r}, '--out', {str(tmp_path / 'out')!r}]\n"
        "try:\n"
        f"    runpy.run_path({str(GENERATOR)!r}, run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "ours = {'parsers', 'pipeline', 'schemas', 'extractors', 'flows'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ours))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "[]"
