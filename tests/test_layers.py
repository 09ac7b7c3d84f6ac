"""The import layers of DESIGN.md, checked on the source: each package imports only the layers below it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("schemas", "parsers", "extractors", "pipeline", "flows")
# Which of our packages each package may import (itself always), and whether it may import Prefect.
ALLOWED: dict[str, set[str]] = {
    "schemas": set(),
    "parsers": {"schemas"},
    "extractors": {"schemas"},
    "pipeline": {"schemas", "parsers", "extractors"},
    "flows": {"schemas", "pipeline", "prefect"},
}


def imported_modules(source: str, module: str) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``, the module's own dotted name."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = module.split(".")[: -node.level]
                yield node.lineno, ".".join([*base, node.module] if node.module else base)
            else:
                yield node.lineno, node.module or ""


def violations(package: str, root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / package).rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for line, name in imported_modules(path.read_text(encoding="utf-8"), module):
            top = name.split(".")[0]
            layer = "prefect" if top.startswith("prefect") else top  # prefect, prefect_dask, ...
            if layer in (*OURS, "prefect") and layer != package and layer not in ALLOWED[package]:
                found.append(f"{path.relative_to(root)}:{line}: {package}/ imports {name}")
    return found


@pytest.mark.parametrize("package", OURS)
def test_package_imports_only_the_layers_below_it(package):
    assert list((ROOT / package).rglob("*.py")), f"no package {package}/ at {ROOT}"
    problems = violations(package)
    allowed = ", ".join(sorted(ALLOWED[package])) or "nothing of ours"
    assert not problems, f"{package}/ may import {allowed}:\n" + "\n".join(problems)


def test_the_check_finds_forbidden_imports(tmp_path):
    (tmp_path / "pipeline").mkdir()
    (tmp_path / "pipeline" / "bad.py").write_text(
        "import os\nfrom flows.ingest import ingest\n\ndef later():\n    import prefect\n")
    (tmp_path / "parsers").mkdir()
    (tmp_path / "parsers" / "bad.py").write_text("from schemas import Status\nfrom ..pipeline import run\n")
    assert violations("pipeline", tmp_path) == ["pipeline/bad.py:2: pipeline/ imports flows.ingest",
                                                "pipeline/bad.py:5: pipeline/ imports prefect"]
    assert violations("parsers", tmp_path) == ["parsers/bad.py:2: parsers/ imports pipeline"]
