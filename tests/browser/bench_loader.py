"""bench/web.py's synthetic queue, importable by the tests (bench/ is not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "bench" / "web.py"
_spec = importlib.util.spec_from_file_location("bench_web", _PATH)
bench_web = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("bench_web", bench_web)
_spec.loader.exec_module(bench_web)

fill_queue = bench_web.fill_queue
