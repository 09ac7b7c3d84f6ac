"""Benchmark: what reading each file in the sandbox's child process costs, against ``process()`` in-process.

Run from the repository root::

    .venv/bin/python bench/limits.py                       # 200 EDIFACT files, 40 PDFs
    .venv/bin/python bench/limits.py --edifact 1000 --pdf 100 --json out.json

Inputs: the EDIFACT samples (``samples/edifact/*.edi``) and the PDFs of ``samples/pdf`` but the image-only
one (OCR: see ``bench/ocr.py``), taken in turn until the count is reached. Both modes read the same files with
no database (no master data, no history). Each mode first reads every distinct file once (imports, caches; for
the sandbox, the child's start, timed on its own), then the timed run. Wall time is the caller's; CPU time is
the caller's plus, for the sandbox, its child's (``psutil``), so pickling on both sides of the pipe is counted.
The machine is shared: compare the CPU columns, and the wall columns only between runs made at the same time.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import cycle, islice
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: sys.path[0] is bench/
    sys.path.insert(0, str(ROOT))

from pipeline.process import process  # noqa: E402
from pipeline.sandbox import Sandbox  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

SAMPLES = ROOT / "samples"


def inputs(pattern: str, count: int) -> list[bytes]:
    files = [path.read_bytes() for path in sorted(SAMPLES.glob(pattern)) if "image-only" not in path.name]
    return list(islice(cycle(files), count))


def _cpu(pid: int | None) -> float:
    """CPU seconds of ``pid`` (this process when None) and of the children it waited for (tesseract, if any)."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system + times.children_user + times.children_system


def measure(files: list[bytes], sandbox: Sandbox | None) -> dict[str, float]:
    """Files per second, wall and CPU, reading ``files`` in-process (``sandbox`` None) or in the sandbox."""
    max_bytes = Settings().max_document_bytes
    read = sandbox.process if sandbox else lambda data: process(data, max_bytes=max_bytes)
    for data in {data: None for data in files}:  # warm-up: every distinct file once
        read(data)
    child = sandbox.child_pid if sandbox else None
    wall, cpu, child_cpu = time.perf_counter(), _cpu(None), _cpu(child) if child else 0.0
    for data in files:
        read(data)
    wall, cpu = time.perf_counter() - wall, _cpu(None) - cpu
    if sandbox:
        assert sandbox.child_pid == child, "the child was replaced during the run: a limit stopped a file"
        cpu += _cpu(child) - child_cpu
    return {"files": len(files), "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "files_per_s_wall": round(len(files) / wall, 1), "files_per_s_cpu": round(len(files) / cpu, 1),
            "ms_per_file_cpu": round(1000 * cpu / len(files), 2)}


def run(edifact: int, pdf: int) -> dict:
    sets = {"edifact": inputs("edifact/*.edi", edifact), "pdf": inputs("pdf/*.pdf", pdf)}
    results: dict = {"sets": {}}
    started = time.perf_counter()
    with Sandbox(Settings(isolate=True)) as sandbox:
        sandbox.process(sets["edifact"][0])
        results["child_start_s"] = round(time.perf_counter() - started, 2)
        for name, files in sets.items():
            results["sets"][name] = {"in_process": measure(files, None), "isolated": measure(files, sandbox)}
    for numbers in results["sets"].values():
        inside, isolated = numbers["in_process"], numbers["isolated"]
        numbers["overhead_ms_per_file_cpu"] = round(isolated["ms_per_file_cpu"] - inside["ms_per_file_cpu"], 2)
        numbers["overhead_ms_per_file_wall"] = round(1000 * (isolated["wall_s"] - inside["wall_s"]) / inside["files"],
                                                     2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edifact", type=int, default=200)
    parser.add_argument("--pdf", type=int, default=40)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = run(args.edifact, args.pdf)
    print(f"child start (fork, imports, first file): {results['child_start_s']} s wall")
    print(f"{'set':8} {'mode':11} {'files':>5} {'wall s':>7} {'cpu s':>7} {'files/s wall':>12} {'files/s cpu':>11} "
          f"{'ms/file cpu':>11}")
    for name, numbers in results["sets"].items():
        for mode in ("in_process", "isolated"):
            m = numbers[mode]
            print(f"{name:8} {mode:11} {m['files']:5} {m['wall_s']:7.2f} {m['cpu_s']:7.2f} "
                  f"{m['files_per_s_wall']:12.1f} {m['files_per_s_cpu']:11.1f} {m['ms_per_file_cpu']:11.2f}")
        print(f"{name:8} overhead: {numbers['overhead_ms_per_file_cpu']:+.2f} ms CPU, "
              f"{numbers['overhead_ms_per_file_wall']:+.2f} ms wall per file")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
