"""samples/scans/generate.py writes the committed scans byte for byte, and never uses the code it checks."""

from __future__ import annotations

import importlib.util
import json
import re
import sys

import pytest
from conftest import SAMPLES

SCANS = SAMPLES / "scans"
REGENERATE = ("run `.venv/bin/python samples/scans/generate.py`, refresh the OCR fixtures and golden files "
              "(docs/ocr.md) and review the diffs")


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("scan_generator", SCANS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.parametrize("name", ["po-fr-classic-fax.tif", "dn-fr-modern-fax.tif"])
def test_a_sample_is_regenerated_byte_for_byte(generator, name):
    index, sample = next((i, s) for i, s in enumerate(generator.SAMPLES) if name.startswith(s.name))
    assert generator.scan_bytes(sample, seed=7 + index) == (SCANS / name).read_bytes(), REGENERATE


def test_the_manifest_lists_every_sample_with_its_truth(generator):
    manifest = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
    images = sorted(p.name for p in SCANS.iterdir() if p.suffix in (".png", ".jpg", ".tif"))
    assert sorted(manifest) == images
    for sample in generator.SAMPLES:
        (name,) = [n for n in manifest if n.rsplit(".", 1)[0] == sample.name]
        assert manifest[name]["truth"] == json.loads(json.dumps(sample.document.truth()))


def test_the_generator_does_not_import_our_code():
    for path in SCANS.glob("*.py"):
        imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", path.read_text(encoding="utf-8"), re.M)
        ours = [name for name in imports if name.split(".")[0] in ("parsers", "extractors", "pipeline", "schemas")]
        assert not ours, f"{path.name} imports {ours}"
