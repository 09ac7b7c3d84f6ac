"""The committed e-mail samples are exactly what samples/email/generate.py writes, and it checks, not copies, our code."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLES

FOLDER = SAMPLES / "email"
GENERATOR = FOLDER / "generate.py"
REGENERATE = ("run `.venv/bin/python samples/email/generate.py`, then `.venv/bin/pytest tests/test_golden.py "
              "--update-golden -k email`, and review both diffs")


def sample_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.endswith((".expected.json", ".py", ".pyc"))}


def test_generator_reproduces_the_committed_samples_byte_for_byte(tmp_path):
    env = {**os.environ, "PYTHONHASHSEED": "4242"}  # not the test run's: no set or dict ordering may leak in
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], env=env, check=True,
                   capture_output=True, cwd=tmp_path)
    fresh, committed = sample_files(tmp_path), sample_files(FOLDER)
    assert sorted(fresh) == sorted(committed), f"the set of e-mail samples differs from the generator's; {REGENERATE}"
    stale = sorted(name for name in fresh if fresh[name] != committed[name])
    assert not stale, f"committed samples differ from the generator's output: {stale}; {REGENERATE}"


def test_generator_does_not_use_the_code_it_checks():
    for path in FOLDER.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("parsers", "pipeline", "extractors", "schemas") for n in names), path
