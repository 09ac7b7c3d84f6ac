"""OCR accuracy per kind of scan damage, what each preprocessing step buys, and pages per second.

    .venv/bin/python bench/ocr.py [--per-kind N] [--ablation] [--throughput-pages N] [--corpus DIR] [--json FILE]

What runs: the generator of ``samples/scans`` writes N purchase orders and delivery notes per kind of damage
(clean, rotation, blur, salt-and-pepper noise, JPEG artefacts, 200 dpi fax, fax in standard mode with noise,
rubber stamps) into ``bench/out/ocr/``, with the truth of what it drew. Each file goes through the whole
pipeline as ``adv replay`` runs it (image parser → OCR → extractors → validation), and the canonical document
is scored against that truth:

- header key fields: number, issue date, requested delivery date (orders) or delivery date (delivery notes),
  buyer GLN, and totals net and gross (orders) or the order reference (delivery notes). An equal value is a true
  positive; a different one a false positive and a false negative; a missing one a false negative.
- lines: a predicted line is right when it matches a not-yet-matched truth line by GTIN or seller item id and
  has the same quantity.

``--ablation`` scores again with each preprocessing step left out (and with binarisation and orientation
detection added), so docs/ocr.md can say which steps help. Throughput reads the same pages with one worker
process and with two (no cache, ``OMP_THREAD_LIMIT=1``). Scans found under ``--corpus`` (images with an
invoice2data JSON beside them) are scored on number, issue date and gross total. OCR output is cached in
``bench/out/ocr-cache`` by input and options, so a second run only re-scores (``--no-cache`` re-reads).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one tesseract thread per process, in the workers too

from parsers.image import image_jobs  # noqa: E402
from parsers.ocr import OcrOptions, configure_ocr, read_pages  # noqa: E402
from parsers.scan_preprocess import DEFAULT_STEPS  # noqa: E402
from pipeline.process import process  # noqa: E402
from schemas import to_canonical  # noqa: E402

OUT = ROOT / "bench" / "out"
GENERATOR = ROOT / "samples" / "scans" / "generate.py"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
HEADER_FIELDS = {"order": ("number", "issue_date", "requested_delivery_date", "buyer.gln", "totals.net",
                           "totals.gross"),
                 "delivery_note": ("number", "issue_date", "delivery_date", "buyer.gln", "order_ref")}


def generate(per_kind: int, folder: Path) -> dict:
    """The benchmark scans (written once per size; the generator is deterministic)."""
    manifest = folder / "manifest.json"
    if manifest.is_file():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if len(known) == per_kind * 8:
            return known
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(folder), "--bench", str(per_kind)], check=True)
    return json.loads(manifest.read_text(encoding="utf-8"))


# -- scoring ---------------------------------------------------------------------------------------------------
def value_at(document: dict, path: str):
    value = document
    for part in path.split("."):
        value = (value or {}).get(part)
    return value


def same(truth, predicted) -> bool:
    if predicted is None:
        return False
    try:
        return Decimal(str(truth)) == Decimal(str(predicted))
    except InvalidOperation:
        return str(truth).replace(" ", "").casefold() == str(predicted).replace(" ", "").casefold()


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0


def score_header(truth: dict, document: dict | None, score: Score, fields: Score | None = None) -> list[str]:
    misses = []
    for path in HEADER_FIELDS[truth["kind"]]:
        expected = truth.get(path)
        if expected is None:
            continue
        predicted = value_at(document, path) if document else None
        if same(expected, predicted):
            score.add(tp=1)
        else:
            score.add(fp=predicted is not None, fn=1)
            misses.append(f"{path}: {predicted!r} for {expected!r}")
    return misses


def score_lines(truth: dict, document: dict | None, score: Score) -> list[str]:
    expected = list(truth["lines"])
    predicted = (document or {}).get("lines") or []
    wrong = []
    for line in predicted:
        match = next((t for t in expected if (line.get("gtin") and line["gtin"] == t["gtin"]
                                              or line.get("seller_item_id") == t["seller_item_id"])
                      and same(t["quantity"], line.get("quantity"))), None)
        if match is None:
            score.add(fp=1)
            wrong.append(f"line {line.get('gtin') or line.get('seller_item_id')} x {line.get('quantity')}")
        else:
            expected.remove(match)
            score.add(tp=1)
    score.add(fn=len(expected))
    wrong += [f"missed {t['seller_item_id']} x {t['quantity']}" for t in expected]
    return wrong


def read_file(path: Path, options: OcrOptions) -> dict | None:
    """The canonical document the pipeline makes of one scan (run in a worker process)."""
    configure_ocr(options)
    outcome = process(path.read_bytes())
    documents = [to_canonical(d) for d in outcome.documents]
    return documents[0] if documents else None


def run(files: dict[str, dict], folder: Path, options: OcrOptions, workers: int) -> dict[str, dict | None]:
    names = sorted(files)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(read_file, [folder / name for name in names], [options] * len(names))
        return dict(zip(names, results))


def score_run(manifest: dict, results: dict[str, dict | None], verbose: bool = False) -> dict[str, dict]:
    by_kind: dict[str, tuple[Score, Score]] = defaultdict(lambda: (Score(), Score()))
    for name, entry in sorted(manifest.items()):
        if entry.get("truth") is None:
            continue
        header, lines = by_kind[entry["damage"]]
        every_header, every_line = by_kind["all"]
        for score_h, score_l in ((header, lines), (every_header, every_line)):
            misses = score_header(entry["truth"], results[name], score_h)
            wrong = score_lines(entry["truth"], results[name], score_l)
        if verbose and (misses or wrong):
            print(f"  {name}: " + "; ".join(misses + wrong))
    return {kind: {"header_f1": round(h.f1, 3), "lines_f1": round(l.f1, 3), "header": [h.tp, h.fp, h.fn],
                   "lines": [l.tp, l.fp, l.fn]} for kind, (h, l) in by_kind.items()}


# -- corpus ----------------------------------------------------------------------------------------------------
def corpus_scans(corpus: Path) -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(corpus.rglob("*")) if corpus.is_dir() else []:
        truth_file = path.with_suffix(".json")
        if path.suffix.lower() in IMAGE_SUFFIXES and truth_file.is_file():
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
            truth = truth[0] if isinstance(truth, list) else truth
            found.append((path, {"number": truth.get("invoice_number"), "issue_date": truth.get("date"),
                                 "totals.gross": truth.get("amount")}))
    return found


def score_corpus(corpus: Path, options: OcrOptions) -> list[dict]:
    rows = []
    for path, truth in corpus_scans(corpus):
        document = read_file(path, options)
        fields = {k: {"truth": v, "read": value_at(document, k) if document else None} for k, v in truth.items()
                  if v is not None}
        for value in fields.values():
            value["ok"] = same(value["truth"], value["read"])
        rows.append({"file": path.name, "fields": fields})
    return rows


# -- throughput ------------------------------------------------------------------------------------------------
def throughput(folder: Path, names: list[str], pages: int, rounds: int = 3) -> dict[int, float]:
    """Pages per second with 1 and with 2 worker processes, the best of ``rounds`` alternating runs (other
    work on the machine only ever slows a run down)."""
    jobs = [job for name in names for job in image_jobs((folder / name).read_bytes())][:pages]
    best: dict[int, float] = {1: 0.0, 2: 0.0}
    for _ in range(rounds):
        for processes in (1, 2):
            options = OcrOptions(processes=processes, cache_dir=None)
            read_pages(jobs[:processes], options)  # start the workers and load the models before timing
            start = time.perf_counter()
            read_pages(jobs, options)
            speed = len(jobs) / (time.perf_counter() - start)
            print(f"  {processes} process(es): {speed:.2f} pages/s (load average {os.getloadavg()[0]:.1f})")
            best[processes] = max(best[processes], speed)
    return best


ABLATIONS = {"default": DEFAULT_STEPS, "none": (),
             **{f"without {s}": tuple(x for x in DEFAULT_STEPS if x != s) for s in DEFAULT_STEPS},
             "with dpi": (*DEFAULT_STEPS, "dpi"), "with binarise": (*DEFAULT_STEPS, "binarise"),
             "with orient": (*DEFAULT_STEPS, "orient")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=4, help="documents per kind of damage")
    parser.add_argument("--ablation", action="store_true", help="score with each preprocessing step left out")
    parser.add_argument("--throughput-pages", type=int, default=8, help="pages timed with 1 and 2 processes (0: skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for the accuracy runs")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    folder = args.out / "ocr"
    manifest = generate(args.per_kind, folder)
    cache = None if args.no_cache else args.out / "ocr-cache"
    base = OcrOptions(processes=1, cache_dir=cache)
    figures: dict = {"per_kind": args.per_kind, "documents": len(manifest)}
    configs = ABLATIONS if args.ablation else {"default": DEFAULT_STEPS}
    kinds = sorted({e["damage"] for e in manifest.values()}) + ["all"]
    figures["accuracy"] = {}
    for label, steps in configs.items():
        start = time.perf_counter()
        results = run(manifest, folder, replace(base, steps=steps), args.workers)
        figures["accuracy"][label] = score_run(manifest, results, verbose=args.verbose and label == "default")
        figures["accuracy"][label]["seconds"] = round(time.perf_counter() - start, 1)
    print(f"\nOCR accuracy on {len(manifest)} generated scans ({args.per_kind} per kind); F1 header key fields / "
          "line items")
    print(f"{'steps':<22}" + "".join(f"{k:>14}" for k in kinds))
    for label, scores in figures["accuracy"].items():
        print(f"{label:<22}" + "".join(f"{scores[k]['header_f1']:>7.2f}/{scores[k]['lines_f1']:<6.2f}" for k in kinds))

    corpus = score_corpus(args.corpus, base)
    figures["corpus"] = corpus
    for row in corpus:
        marks = ", ".join(f"{k} {'ok' if v['ok'] else 'WRONG (' + repr(v['read']) + ')'}"
                          for k, v in row["fields"].items())
        print(f"corpus scan {row['file']}: {marks}")
    if not corpus:
        print(f"no scans with truth under {args.corpus}")

    if args.throughput_pages:
        by_kind: dict[str, list[str]] = defaultdict(list)
        for name, entry in sorted(manifest.items()):
            by_kind[entry["damage"]].append(name)
        names = [name for round_ in zip(*by_kind.values()) for name in round_]  # one of each kind, then again
        speeds = throughput(folder, names, args.throughput_pages)
        one, two = speeds[1], speeds[2]
        figures["throughput"] = {"pages": args.throughput_pages, "pages_per_second_1": round(one, 3),
                                 "pages_per_second_2": round(two, 3), "speedup": round(two / one, 2)}
        print(f"throughput on {args.throughput_pages} pages: {one:.2f} pages/s with 1 process, {two:.2f} with 2 "
              f"({two / one:.2f}x)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
