"""OCR of many scanned pages: one process against Dask workers through the OCR flow, pages per second.

    .venv/bin/python bench/dask_ocr.py [--pages 50] [--workers 2] [--batch-pages 0] [--rounds 1] [--out DIR]
                                       [--json FILE]

What runs: the generator of ``samples/scans`` writes purchase orders and delivery notes with every kind of
damage into a temporary folder (or ``--out``); ``--pages`` of them are taken, one kind after another, and the
300 dpi pages among the last ones are put into one image-only PDF (so PDF rendering is timed too: by the loop,
and by the workers in the flow). Every run gets an empty OCR cache, so every page is really read by tesseract
(``OMP_THREAD_LIMIT=1`` everywhere), and the bench checks that it wrote one cache entry per page and that every
run read the same number of words.

- **1 process**: a plain loop in this process, ``pipeline.scans.read_page_batch`` over all pages (no Prefect,
  no Dask);
- **Dask, existing cluster**: the ``ocr-scans`` flow (``then_ingest=False``) with ``ADV_DASK_ADDRESS`` set to a
  local ``distributed`` cluster of ``--workers`` processes started by the bench with the flow's own cluster
  options; starting it and importing the flow's modules in its workers is timed separately and **excluded**
  (a long-lived cluster pays it once). Two runs on it: the first, and the next (whose workers have run
  Prefect tasks before, as a scheduler that serves many runs);
- **Dask, cluster per run**: the same flow with ``ADV_DASK_WORKERS=--workers``: the flow starts and stops its
  cluster, and that is **included**;
- **plain pool** (the control): the flow's batches on a ``ProcessPoolExecutor`` of ``--workers`` processes
  started (and their modules imported) before timing, no Prefect, no Dask: what the cores give by themselves.

The flow runs include Prefect's own work (flow and task runs recorded by a Prefect server on a temporary
database, started once before timing) and the flow's planning; the flow's settings and database connection
are made before timing, as a long-running ``adv serve`` keeps them between runs. CPU seconds are those of
every process of the run (this one, the Prefect server, the Dask scheduler and workers, tesseract). Other
work on the machine only slows a run down, the parallel runs most: each run waits until other processes use
less than ``--quiet`` cores, the CPU seconds other processes took during it and the load average are printed
beside it, and ``--rounds`` repeats the runs alternately.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["OMP_THREAD_LIMIT"] = "1"  # one tesseract thread per process here and in the workers (inherited)
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
for _name in ("ADV_DASK_ADDRESS", "ADV_DASK_WORKERS", "ADV_DATABASE_URL", "ADV_OCR_CACHE_DIR"):
    os.environ.pop(_name, None)  # the runs set these themselves

import psutil  # noqa: E402 - comes with distributed
from PIL import Image  # noqa: E402

from parsers.ocr_engines.tesseract import tesseract_version  # noqa: E402
from pipeline.scans import PageReaders, ocr_options, plan_batches, plan_pages, read_page_batch  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

GENERATOR = ROOT / "samples" / "scans" / "generate.py"
PDF_KINDS = ("clean", "rotation", "salt_pepper", "stamp")  # 300 dpi pages: one resolution for the whole PDF


def make_scans(pages: int, folder: Path) -> dict[str, int]:
    """``pages`` scanned pages in ``folder``/scans: image files and one image-only PDF; their page counts."""
    per_kind = -(-pages // 8) + 2
    generated = folder / "generated"
    if len(list(generated.glob("*-*-*"))) != per_kind * 8:
        shutil.rmtree(generated, ignore_errors=True)
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(generated), "--bench", str(per_kind)],
                       check=True, stdout=subprocess.DEVNULL)
    manifest = json.loads((generated / "manifest.json").read_text(encoding="utf-8"))
    by_kind: dict[str, list[str]] = {}
    for name, entry in sorted(manifest.items()):
        by_kind.setdefault(entry["damage"], []).append(name)
    cycled = [name for round_ in zip(*by_kind.values()) for name in round_]  # one of each kind, then again
    for_pdf = [name for name in reversed(cycled) if manifest[name]["damage"] in PDF_KINDS][:max(pages // 6, 1)]
    images = [name for name in cycled if name not in for_pdf][:pages - len(for_pdf)]
    scans = folder / "scans"
    shutil.rmtree(scans, ignore_errors=True)
    scans.mkdir(parents=True)
    for name in images:
        shutil.copy(generated / name, scans / name)
    frames = [Image.open(generated / name).convert("L") for name in for_pdf]
    frames[0].save(scans / "scanned-batch.pdf", save_all=True, append_images=frames[1:], resolution=300.0)
    return {**{name: 1 for name in images}, "scanned-batch.pdf": len(frames)}


def cpu_seconds() -> float:
    """CPU time of this process, of its children that ended, and of those still running (with theirs)."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:4])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:4])
        except psutil.NoSuchProcess:  # ended between the listing and the reading: counted once waited for
            pass
    return total


def machine_busy_seconds() -> float:
    """CPU time every process of the machine has used since boot (``/proc/stat``; 0 where there is none)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(most_cores: float, patience_s: float) -> float:
    """Wait (at most ``patience_s``) until other processes use under ``most_cores`` cores over 5 s; the use."""
    deadline = time.monotonic() + patience_s
    while True:
        busy, ours = machine_busy_seconds(), cpu_seconds()
        time.sleep(5)
        others = (machine_busy_seconds() - busy - (cpu_seconds() - ours)) / 5
        if others < most_cores or time.monotonic() > deadline:
            return others
        print(f"  waiting: other processes use {others:.1f} core(s)", flush=True)
        time.sleep(10)


@contextmanager
def measured(label: str, pages: int, results: list[dict]):
    load = os.getloadavg()[0]
    busy, cpu, start = machine_busy_seconds(), cpu_seconds(), time.perf_counter()
    row: dict = {"run": label, "pages": pages}
    yield row
    row["wall_s"] = round(time.perf_counter() - start, 2)
    row["cpu_s"] = round(cpu_seconds() - cpu, 1)
    row["others_cpu_s"] = round(max(machine_busy_seconds() - busy - row["cpu_s"], 0.0), 1)
    row["pages_per_s"] = round(pages / row["wall_s"], 3)
    row["load_avg"] = f"{load:.1f}->{os.getloadavg()[0]:.1f}"
    results.append(row)
    print(f"  {label}: {row['wall_s']:.1f} s, {row['pages_per_s']:.2f} pages/s, {row['cpu_s']:.0f} CPU s; other "
          f"processes {row['others_cpu_s']:.0f} CPU s (load average {row['load_avg']})", flush=True)


def fresh_cache(folder: Path, label: str) -> Path:
    cache = folder / "caches" / label
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    os.environ["ADV_OCR_CACHE_DIR"] = str(cache)
    return cache


def check(row: dict, cache: Path, pages: int) -> None:
    entries = len(list(cache.glob("*.tsv")))
    if entries != pages or row.get("failed"):
        raise SystemExit(f"{row['run']}: {entries} cache entries for {pages} pages, failed {row.get('failed')}")


def one_process(folder: Path, pages: int, results: list[dict]) -> None:
    cache = fresh_cache(folder, "one-process")
    refs = plan_pages(sorted((folder / "scans").iterdir()))
    options = ocr_options(Settings(home=folder / "adv", ocr_cache_dir=cache))
    with measured("1 process (plain loop)", pages, results) as row:
        reads = read_page_batch(refs, options)
    row.update(words=sum(r.words for r in reads), failed=[r.path for r in reads if r.failure])
    check(row, cache, pages)


def load(module: str) -> None:
    importlib.import_module(module)


def process_pool(folder: Path, pages: int, workers: int, results: list[dict]) -> None:
    """The control: the flow's batches on a plain pool of processes, no Prefect, no Dask (started before)."""
    cache = fresh_cache(folder, "process-pool")
    refs = plan_pages(sorted((folder / "scans").iterdir()))
    settings = Settings(home=folder / "adv", ocr_cache_dir=cache, dask_workers=workers)
    batches, _ = plan_batches(refs, settings)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(load, ["pipeline.scans"] * workers))
        with measured(f"{workers} processes (plain pool)", pages, results) as row:
            reads = [r for batch in pool.map(read_page_batch, batches, [ocr_options(settings)] * len(batches))
                     for r in batch]
    row.update(words=sum(r.words for r in reads), failed=[r.path for r in reads if r.failure])
    check(row, cache, pages)


def flow_run(label: str, folder: Path, pages: int, batch_pages: int, results: list[dict]) -> None:
    from flows.ingest import get_context, reset_context
    from flows.ocr import ocr_scans

    cache = fresh_cache(folder, label.split(",")[-1].strip().replace(" ", "-"))
    reset_context()  # settings are read once per process: these runs change them
    get_context()  # and the database is opened once (as adv serve keeps them between runs), before timing
    with measured(label, pages, results) as row:
        summary = ocr_scans(paths=[str(folder / "scans")], batch_pages=batch_pages, then_ingest=False)
    row.update(words=summary["words"], failed=summary["failed_pages"], batches=summary["batches"],
               readers=summary["readers"], worker_processes=len(summary["workers"]))
    check(row, cache, pages)


def existing_cluster(folder: Path, pages: int, workers: int, batch_pages: int, results: list[dict],
                     start_up: list[dict]) -> None:
    from distributed import Client, LocalCluster

    from flows.ocr import cluster_kwargs, worker_config

    readers = PageReaders("local", workers=workers)  # the flow's own cluster options
    start = time.perf_counter()
    with worker_config(readers), LocalCluster(**cluster_kwargs(workers)) as cluster, \
            Client(cluster) as client:
        started = time.perf_counter()
        for module in ("flows.ocr", "prefect.task_engine"):  # what a worker's first task would import
            client.run(load, module)
        start_up.append({"cluster_s": round(started - start, 2), "imports_s": round(time.perf_counter() - started, 2)})
        os.environ["ADV_DASK_ADDRESS"] = cluster.scheduler_address
        try:  # a scheduler serves many runs: its workers' first Prefect task also sets up logging and clients
            for run in ("first run", "next run"):
                flow_run(f"{workers} Dask workers, existing, {run}", folder, pages, batch_pages, results)
        finally:
            del os.environ["ADV_DASK_ADDRESS"]


def cluster_per_run(folder: Path, pages: int, workers: int, batch_pages: int, results: list[dict]) -> None:
    os.environ["ADV_DASK_WORKERS"] = str(workers)
    try:
        flow_run(f"{workers} Dask workers, cluster per run", folder, pages, batch_pages, results)
    finally:
        del os.environ["ADV_DASK_WORKERS"]


def warm_up(folder: Path) -> float:
    """Start the Prefect server and bring the database up to date, outside the timed runs."""
    from flows.ocr import ocr_scans

    empty = folder / "empty"
    empty.mkdir(exist_ok=True)
    os.environ["ADV_DASK_WORKERS"] = "1"
    start = time.perf_counter()
    try:
        ocr_scans(paths=[str(empty)], then_ingest=False)
    finally:
        del os.environ["ADV_DASK_WORKERS"]
    return time.perf_counter() - start


def report(results: list[dict], start_up: list[dict], scans: dict[str, int]) -> None:
    base = max((r["pages_per_s"] for r in results if r["run"].startswith("1 process")), default=0.0)
    files = len(scans) - 1
    print(f"\n{sum(scans.values())} scanned pages ({files} image files, one {scans['scanned-batch.pdf']}-page "
          f"image-only PDF), tesseract {tesseract_version()}, fra+eng, every page read (empty cache), "
          f"{os.cpu_count()} cores")
    print(f"{'run':<36}{'wall s':>8}{'pages/s':>9}{'CPU s':>8}{'vs 1 process':>14}{'others CPU s':>14}"
          f"{'load avg':>12}")
    for row in results:
        ratio = f"{row['pages_per_s'] / base:.2f}x" if base else "-"
        print(f"{row['run']:<36}{row['wall_s']:>8.1f}{row['pages_per_s']:>9.2f}{row['cpu_s']:>8.0f}{ratio:>14}"
              f"{row['others_cpu_s']:>14.0f}{row['load_avg']:>12}")
    for item in start_up:
        print(f"existing cluster start-up, excluded above: {item['cluster_s']:.1f} s to start, "
              f"{item['imports_s']:.1f} s to import the flow's modules in the workers")
    words = {row["words"] for row in results}
    print("every run read the same words" if len(words) == 1 else f"WORD COUNTS DIFFER: {sorted(words)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--batch-pages", type=int, default=0, help="pages per task (0: the flow's default)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the three runs, alternately")
    parser.add_argument("--runs", default="one,existing,per-run,pool", help="which runs, comma-separated")
    parser.add_argument("--quiet", type=float, default=0.3, metavar="CORES",
                        help="before each run, wait until other processes use fewer cores than this")
    parser.add_argument("--patience", type=float, default=600, help="seconds to wait for that at most")
    parser.add_argument("--out", type=Path, help="keep the scans here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    folder = args.out or Path(tempfile.mkdtemp(prefix="adv-dask-ocr-"))
    scans = make_scans(args.pages, folder)
    pages = sum(scans.values())
    os.environ.update(ADV_HOME=str(folder / "adv"), ADV_INBOX=str(folder / "scans"))
    results: list[dict] = []
    start_up: list[dict] = []
    runs = args.runs.split(",")
    from prefect.testing.utilities import prefect_test_harness  # a Prefect server on a temporary database

    with prefect_test_harness(server_startup_timeout=180):
        print(f"Prefect server and database ready in {warm_up(folder):.1f} s (not timed below)", flush=True)
        for _ in range(args.rounds):
            for run in runs:
                wait_for_quiet(args.quiet, args.patience)
                if run == "one":
                    one_process(folder, pages, results)
                elif run == "existing":
                    existing_cluster(folder, pages, args.workers, args.batch_pages, results, start_up)
                elif run == "pool":
                    process_pool(folder, pages, args.workers, results)
                elif run == "per-run":
                    cluster_per_run(folder, pages, args.workers, args.batch_pages, results)
    report(results, start_up, scans)
    if args.json:
        args.json.write_text(json.dumps({"pages": pages, "scans": scans, "runs": results, "start_up": start_up},
                                        indent=2) + "\n", encoding="utf-8")
    if not args.out:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
