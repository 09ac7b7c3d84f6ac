"""Write the EDIFACT samples and their manifest: ``.venv/bin/python samples/generate.py [--out DIR]``.

Deterministic (fixed seed, fixed dates): running it again gives the same bytes, which
tests/test_generator.py checks against the committed files. It does not import our parsers or
pipeline: the samples are an independent check of them. The manifest says what each sample is meant
to be (documents, numbers, line counts, net totals, statuses, finding codes); the golden
``NAME.expected.json`` beside it says what the pipeline actually makes of it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # edigen/, also when run from elsewhere

from edigen import broken, good  # noqa: E402,F401 - importing them registers their samples
from edigen.sample import SAMPLES, Sample  # noqa: E402
from edigen.story import SEED  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "edifact"
MANIFEST = "manifest.json"


def build() -> list[Sample]:
    """Every sample, in the order they are defined; fails on two samples with one name."""
    samples = [make() for make in SAMPLES]
    names = [s.name for s in samples]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"two samples are called {duplicates}")
    return samples


def manifest(samples: list[Sample]) -> str:
    """The manifest as JSON text: the intent of every sample."""
    data = {"generator": "samples/generate.py", "seed": SEED, "samples": [s.manifest_entry() for s in samples]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_all(out: Path) -> list[Path]:
    """Write every sample and the manifest into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    samples = build()
    written = []
    for item in samples:
        path = out / item.name
        path.write_bytes(item.data)
        written.append(path)
    (out / MANIFEST).write_text(manifest(samples), encoding="utf-8", newline="\n")
    return [*written, out / MANIFEST]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder to write into (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    paths = write_all(args.out)
    print(f"wrote {len(paths) - 1} samples and {MANIFEST} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
