"""Benchmark: our streaming EDIFACT reader versus pydifact's ``Interchange.from_str``.

Run from the repository root::

    .venv/bin/python bench/edifact.py                          # corpus + generated 10 MiB and 100 MiB
    .venv/bin/python bench/edifact.py --json bench/out/edifact.json
    .venv/bin/python bench/edifact.py --with-pydifact-100mb    # also pydifact on 100 MiB (minutes, GBs)

Inputs: every file of ``../shared/corpus/edifact`` (skipped when absent) and two generated
interchanges in ``bench/out/`` (deterministic, reused when present). Each measurement runs in
its own subprocess so that peak RSS (``ru_maxrss``) belongs to that measurement alone:

- ``syntax``: ``read_header`` + ``decode_chunks`` + ``SegmentReader().read`` streamed from the file;
- ``envelope``: the full envelope pass, ``parsers.edifact.read_events(open(path, 'rb'))``;
- ``pydifact``: read and decode the file, ``Interchange.from_str(text)``, iterate its segments;
  for the files it can read (and the 10 MiB one) the same subprocess then checks, after the
  timing, that our reader sees the same segments. Normalised before comparing (each is commented
  where it is done): pydifact's str-or-list elements become tuples; trailing empty components are
  dropped on both sides (pydifact drops them); CR/LF inside a segment is removed from pydifact's
  values (our reader treats it as line wrapping, pydifact keeps it as data); UNA, UNB and UNZ are
  compared as pydifact's Interchange keeps them (UNA as its six ``characters``; UNB as sender,
  recipient and control reference; UNZ not at all).

Segments/s is the file's segment count (ours, UNA not counted) over the CPU time of the whole
read, file reading and decoding included (best of several runs for small files; CPU rather than
wall time so that other work on the machine does not skew the ratio; wall times are in the JSON).
Speed-up is ours (``syntax``) against pydifact; the ``envelope`` column shows what the full
parser front end (envelope state machine, control counts, charset checks) costs on top.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: sys.path[0] is bench/
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus" / "edifact"
OUT = ROOT / "bench" / "out"
MIB = 1 << 20
HEAD_SIZE = 64 * 1024  # what parsers.edifact.read_events reads before decoding
BOM = "\ufeff"
GENERATOR_VERSION = 1  # bump when the generator changes, so stale files are not reused

# ---------------------------------------------------------------------------------------------
# Generated interchanges

_BUYERS = ["L?'Épicerie du Marché", "Boulangerie Pâtisserie Frère Jacques", "Crèmerie d?'Aubrac",
           "Maison Durand SAS", "Hôtel-Restaurant Le Lion d?'Or", "Cave à Fromages Saint-Éloi"]
_SELLERS = ["Les Comptoirs Lyonnais", "Société Générale d?'Alimentation", "Brasserie de l?'Écluse",
            "Torréfaction Café Noël"]
_STREETS = ["12 rue de la Paix", "3 place de l?'Église", "47 avenue Jean-Jaurès", "8 quai des Célestins"]
_CITIES = [("Lyon", "69002"), ("Besançon", "25000"), ("Nîmes", "30000"), ("Orléans", "45000")]
_ITEMS = ["Huile d?'olive vierge extra 1 L", "Crème fraîche épaisse 30 % M.G.", "Café moulu 250 g",
          "Pâté en croûte à l?'ancienne", "Thé vert bio 20 sachets", "Bière blonde 33 cl x 24",
          "Farine T55 ?+ levure 1 kg", "Comté AOP 18 mois, réf?: 1789", "Sel de Guérande 500 g"]
_UNITS = ["PCE", "KGM", "LTR", "CT"]


def _gln(rng: random.Random) -> str:
    return "3" + "".join(rng.choice("0123456789") for _ in range(12))


def _message(rng: random.Random, number: int) -> list[str]:
    """One ORDERS or INVOIC message (segments without terminators), like an EANCOM sender writes it."""
    invoice = number % 3 == 0
    ref = f"M{number}"
    day = f"2025{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    city, postcode = rng.choice(_CITIES)
    segments = [
        f"UNH+{ref}+{'INVOIC' if invoice else 'ORDERS'}:D:96A:UN:EAN008",
        f"BGM+{'380' if invoice else '220'}+{'FA' if invoice else 'PO'}-{number:07d}+9",
        f"DTM+137:{day}:102",
        f"NAD+BY+{_gln(rng)}::9++{rng.choice(_BUYERS)}+{rng.choice(_STREETS)}+{city}++{postcode}+FR",
        f"RFF+VA:FR{rng.randint(10**10, 10**11 - 1)}",
        f"NAD+SU+{_gln(rng)}::9++{rng.choice(_SELLERS)}",
        "CUX+2:EUR:9",
    ]
    if invoice:
        segments.insert(3, f"RFF+ON:PO-{number - 1:07d}")
    total = 0
    lines = rng.randint(2, 12)
    for line in range(1, lines + 1):
        quantity = rng.randint(1, 48)
        cents = rng.randint(50, 99_999)
        amount = quantity * cents
        total += amount
        segments += [
            f"LIN+{line}++{_gln(rng)}:EN",
            f"PIA+5+GN-{rng.randint(100, 999)}:SA",
            f"IMD+F++:::{rng.choice(_ITEMS)}",
            f"QTY+{'47' if invoice else '21'}:{quantity}:{rng.choice(_UNITS)}",
            f"PRI+AAA:{cents // 100}.{cents % 100:02d}",
            f"MOA+203:{amount // 100}.{amount % 100:02d}",
        ]
        if invoice:
            segments.append(f"TAX+7+VAT+++:::{rng.choice(['5.5', '20', '10'])}")
    segments += ["UNS+S", f"MOA+79:{total // 100}.{total % 100:02d}", f"CNT+2:{lines}"]
    segments.append(f"UNT+{len(segments) + 1}+{ref}")
    return segments


def generate_interchange(path: Path, size: int, seed: int = 9735) -> Path:
    """Write a deterministic UNOC (Latin-1) interchange of about ``size`` bytes; reuse it if present."""
    if path.exists() and path.stat().st_size >= size:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    partial = path.with_suffix(".partial")
    written = count = 0
    with open(partial, "w", encoding="iso8859-1", newline="\n") as out:
        header = f"UNA:+.? '\nUNB+UNOC:3+{_gln(rng)}:14+{_gln(rng)}:14+251125:0930+IC{seed}'\n"
        written += out.write(header)
        while written < size:
            count += 1
            written += out.write("'\n".join(_message(rng, count)) + "'\n")
        out.write(f"UNZ+{count}+IC{seed}'\n")
    partial.replace(path)
    return path


def generated_path(mib: float, out: Path = OUT) -> Path:
    label = f"{mib:g}".replace(".", "_")
    return out / f"interchange-{label}mib-v{GENERATOR_VERSION}.edi"


# ---------------------------------------------------------------------------------------------
# What each side sees


def our_tokens(path: Path) -> Iterator:
    """Our syntax layer streamed from the file, exactly as ``read_events`` drives it."""
    from parsers.edifact_syntax import SegmentReader, decode_chunks, read_header

    with open(path, "rb") as stream:
        head = stream.read(HEAD_SIZE)
        header = read_header(head)
        yield from SegmentReader().read(decode_chunks(stream, header.codec, first=head))


def count_syntax(path: Path) -> int:
    from parsers.edifact_syntax import Segment

    return sum(1 for token in our_tokens(path) if type(token) is Segment)


def count_envelope(path: Path) -> int:
    """Run the full envelope pass; the number of events (messages, interchange ends, findings)."""
    from parsers.edifact import read_events

    with open(path, "rb") as stream:
        return sum(1 for _ in read_events(stream))


def pydifact_text(path: Path) -> str:
    """The file decoded with the codec our header sniffing picks, so both sides see the same characters.

    A BOM is left in place: a caller of pydifact reading with ``encoding='utf-8'`` gets it too.
    """
    from parsers.edifact_syntax import read_header

    data = path.read_bytes()
    return data.decode(read_header(data[:HEAD_SIZE]).codec, errors="replace")


def pydifact_interchange(path: Path):
    from pydifact.segmentcollection import Interchange

    with warnings.catch_warnings():
        # pydifact warns once per segment type about missing XML directories; not part of the parse
        warnings.simplefilter("ignore")
        interchange = Interchange.from_str(pydifact_text(path))
        for _segment in interchange.segments:
            pass
    return interchange


# ---------------------------------------------------------------------------------------------
# Identical-segments check

Normalised = tuple[str, tuple[tuple[str, ...], ...]]


def _components(components: Iterable[str]) -> tuple[str, ...]:
    # pydifact drops trailing empty components ("A:" -> "A", ":" -> ""); ours keeps them: drop on both sides
    values = list(components)
    while len(values) > 1 and values[-1] == "":
        values.pop()
    return tuple(values)


def _pydifact_value(value: str) -> str:
    # our reader takes CR/LF inside a segment as line wrapping and removes it; pydifact keeps it as content
    return value.replace("\r", "").replace("\n", "")


def normalise_pydifact_element(element) -> tuple[str, ...]:
    # pydifact gives a simple element as str and a composite as a list of str; ours is always a tuple
    values = [element] if isinstance(element, str) else list(element)
    return _components(_pydifact_value(v) for v in values)


def normalise_pydifact(interchange) -> Iterator[Normalised]:
    """pydifact's view: UNA and UNB as its Interchange keeps them, then the segments between UNB and UNZ."""
    if interchange.has_una_segment:
        yield "UNA", (tuple(str(interchange.characters)),)
    # Interchange keeps no raw UNB/UNZ (it rebuilds them from fields and a re-formatted timestamp):
    # compare UNB sender, recipient and control reference only.
    yield "UNB", tuple(normalise_pydifact_element(e) for e in
                       (interchange.sender, interchange.recipient, interchange.control_reference))
    for segment in interchange.segments:
        yield segment.tag, tuple(normalise_pydifact_element(e) for e in segment.elements)


def normalise_ours(tokens: Iterable) -> Iterator[Normalised]:
    """Our view, shaped like ``normalise_pydifact``: the first UNA and UNB reduced, UNZ dropped."""
    from parsers.edifact_syntax import Segment

    seen_una = seen_unb = False
    for token in tokens:
        if type(token) is not Segment:  # ServiceStringAdvice: pydifact keeps the first as ``characters``
            if not seen_una:
                seen_una = True
                d = token.delimiters
                yield "UNA", ((d.component, d.element, d.decimal, d.release, d.reserved, d.terminator),)
            continue
        elements = tuple(_components(e) for e in token.elements)
        if token.tag == "UNB":
            # pydifact's Interchange keeps only the first UNB and drops later UNB/UNZ segments silently
            if not seen_unb:
                seen_unb = True
                yield "UNB", tuple(elements[i] if i < len(elements) else ("",) for i in (1, 2, 4))
            continue
        if token.tag == "UNZ":
            continue
        yield token.tag, elements


@dataclass
class Comparison:
    identical: bool
    compared: int
    first_difference: dict | None = None


def compare(ours: Iterable[Normalised], theirs: Iterable[Normalised]) -> Comparison:
    """Walk both streams in step; report the first segment where they differ."""
    ours_iter, theirs_iter = iter(ours), iter(theirs)
    index = 0
    while True:
        mine, their = next(ours_iter, None), next(theirs_iter, None)
        if mine is None and their is None:
            return Comparison(True, index)
        if mine != their:
            return Comparison(False, index, {"index": index, "ours": mine, "pydifact": their})
        index += 1


def compare_file(path: Path, interchange=None) -> Comparison:
    interchange = interchange if interchange is not None else pydifact_interchange(path)
    return compare(normalise_ours(our_tokens(path)), normalise_pydifact(interchange))


# ---------------------------------------------------------------------------------------------
# Measurements (one subprocess each)

KINDS = ("syntax", "envelope", "pydifact")


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _import_for(kind: str) -> None:
    """Import what a measurement needs before the clock starts (``parsers.edifact`` takes ~0.4 s)."""
    import parsers.edifact_syntax  # noqa: F401

    if kind == "envelope":
        import parsers.edifact  # noqa: F401
    elif kind == "pydifact":
        import pydifact.segmentcollection  # noqa: F401


def measure(kind: str, path: Path, min_time: float = 0.0, check: bool = False) -> dict:
    """Time one reader on one file (best of runs until ``min_time``); peak RSS of this process."""
    path = Path(path)
    _import_for(kind)
    baseline = _peak_rss_mib()
    best = best_wall = float("inf")
    total = 0.0
    runs = 0
    result: dict = {"kind": kind, "path": str(path)}
    interchange = None
    while runs == 0 or total < min_time:
        interchange = None  # free the previous run's result before timing the next
        start, wall_start = time.process_time(), time.perf_counter()
        try:
            if kind == "syntax":
                result["segments"] = count_syntax(path)
            elif kind == "envelope":
                result["events"] = count_envelope(path)
            elif kind == "pydifact":
                interchange = pydifact_interchange(path)
                result["segments"] = len(interchange.segments)
            else:
                raise ValueError(f"unknown measurement {kind!r}")
        except Exception as exc:  # noqa: BLE001 - pydifact failing on a file is a result, not a crash
            if kind != "pydifact":
                raise
            message = " ".join(str(exc).replace(BOM, "<BOM>").split())  # one line, the BOM made visible
            result["error"] = f"{type(exc).__name__}: {message[:120]}"
            break
        elapsed, wall = time.process_time() - start, time.perf_counter() - wall_start
        if elapsed < best:
            best, best_wall = elapsed, wall
        total += wall
        runs += 1
    result.update(seconds=best if runs else None, wall_seconds=best_wall if runs else None, runs=runs,
                  peak_rss_mib=_peak_rss_mib(), baseline_rss_mib=baseline)
    if check and interchange is not None:
        result["comparison"] = asdict(compare_file(path, interchange))
    return result


def run_measurement(kind: str, path: Path, min_time: float, check: bool = False) -> dict:
    """``measure`` in a fresh interpreter, so its peak RSS is its own."""
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", kind, str(path), "--min-time", str(min_time)]
    if check:
        command.append("--check")
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        return {"kind": kind, "path": str(path), "error": f"subprocess failed: {done.stderr.strip()[-300:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# The report


@dataclass
class Row:
    name: str
    size: int
    segments: int
    ours_seconds: float
    envelope_seconds: float
    ours_peak_mib: float
    envelope_peak_mib: float
    pydifact_seconds: float | None = None
    pydifact_peak_mib: float | None = None
    pydifact_error: str | None = None
    comparison: dict | None = None

    def rate(self, seconds: float | None) -> float | None:
        return self.segments / seconds if seconds else None

    @property
    def speedup(self) -> float | None:
        return self.pydifact_seconds / self.ours_seconds if self.pydifact_seconds and self.ours_seconds else None

    @property
    def identical(self) -> str:
        if self.pydifact_error:
            return "pydifact cannot read"
        if self.comparison is None:
            return "not run" if self.pydifact_seconds is None else "not checked"
        if self.comparison["identical"]:
            return f"yes ({self.comparison['compared']})"
        return f"NO at #{self.comparison['first_difference']['index']}"


def bench_file(path: Path, name: str, min_time: float, pydifact: bool, check: bool) -> Row:
    syntax = run_measurement("syntax", path, min_time)
    envelope = run_measurement("envelope", path, min_time)
    for result in (syntax, envelope):
        if "error" in result:
            raise RuntimeError(f"{result['kind']} on {path}: {result['error']}")
    row = Row(name, path.stat().st_size, syntax["segments"], syntax["seconds"], envelope["seconds"],
              syntax["peak_rss_mib"], envelope["peak_rss_mib"])
    if pydifact:
        theirs = run_measurement("pydifact", path, min_time, check=check)
        row.pydifact_error = theirs.get("error")
        row.pydifact_seconds = theirs.get("seconds") if not row.pydifact_error else None
        row.pydifact_peak_mib = theirs.get("peak_rss_mib")
        row.comparison = theirs.get("comparison")
    return row


def _num(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def _size(size: int) -> str:
    return f"{size / MIB:.1f} MiB" if size >= MIB else f"{size / 1024:.1f} KiB"


def format_table(rows: list[Row]) -> str:
    head = ("input", "size", "segments", "ours seg/s", "envelope seg/s", "pydifact seg/s", "speed-up",
            "ours MiB", "envelope MiB", "pydifact MiB", "identical?")
    body = [
        (r.name[:60], _size(r.size), str(r.segments), _num(r.rate(r.ours_seconds), ",.0f"),
         _num(r.rate(r.envelope_seconds), ",.0f"), _num(r.rate(r.pydifact_seconds), ",.0f"),
         _num(r.speedup, ".1f") + ("x" if r.speedup else ""), _num(r.ours_peak_mib, ".0f"),
         _num(r.envelope_peak_mib, ".0f"), _num(r.pydifact_peak_mib, ".0f"), r.identical)
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [head, *body]) for i in range(len(head))]
    left = {0, 10}
    lines = []
    for line in [head, None, *body]:
        if line is None:
            lines.append("  ".join("-" * w for w in widths))
            continue
        lines.append("  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))))
    return "\n".join(lines)


def differences(rows: list[Row]) -> list[str]:
    unread = [f"pydifact cannot read {r.name}: {r.pydifact_error}" for r in rows if r.pydifact_error]
    return unread + [f"{r.name}: first difference {r.comparison['first_difference']}"
                     for r in rows if r.comparison and not r.comparison["identical"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also save the figures to this file")
    parser.add_argument("--with-pydifact-100mb", action="store_true",
                        help="run pydifact on the largest generated file too (minutes and gigabytes)")
    parser.add_argument("--sizes", default="10,100", help="generated interchanges, in MiB (default 10,100)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of EDIFACT files (skipped if absent)")
    parser.add_argument("--out", type=Path, default=OUT, help="where generated interchanges are kept")
    parser.add_argument("--min-time", type=float, default=0.2, help="repeat small inputs at least this long (s)")
    parser.add_argument("--pydifact-limit", type=float, default=50,
                        help="skip pydifact on generated inputs above this many MiB (default 50)")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure:  # child process: one measurement, one JSON line
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]), args.min_time, args.check)))
        return 0

    rows: list[Row] = []
    if args.corpus.is_dir():
        for path in sorted(p for p in args.corpus.iterdir() if p.is_file()):
            rows.append(bench_file(path, path.name, args.min_time, pydifact=True, check=True))
    else:
        print(f"corpus {args.corpus} not found: skipped", file=sys.stderr)
    sizes = sorted(float(s) for s in args.sizes.split(",") if s.strip())
    notes = []
    for mib in sizes:
        path = generate_interchange(generated_path(mib, args.out), int(mib * MIB))
        with_pydifact = mib <= args.pydifact_limit or args.with_pydifact_100mb
        if not with_pydifact:
            notes.append(f"pydifact not run on {path.name} (takes minutes and gigabytes): "
                         "pass --with-pydifact-100mb to include it")
        rows.append(bench_file(path, path.name, 0.0, pydifact=with_pydifact, check=with_pydifact))

    print(format_table(rows))
    for line in notes + differences(rows):
        print(line)
    generated = [r for r in rows if r.name.startswith("interchange-")]
    if len(generated) > 1:
        small, large = generated[0], generated[-1]
        print(f"memory (ours, streamed): {small.ours_peak_mib:.0f} MiB peak on {_size(small.size)}, "
              f"{large.ours_peak_mib:.0f} MiB on {_size(large.size)}; envelope pass {small.envelope_peak_mib:.0f} "
              f"vs {large.envelope_peak_mib:.0f} MiB")
    summary = _summary(generated[0] if generated else None)
    print(summary)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rows": [asdict(r) | {"speedup": r.speedup} for r in rows],
                                         "summary": summary}, indent=2))
    return 0


def _summary(row: Row | None) -> str:
    if row is None or row.speedup is None:
        return "speed-up on the generated interchange: not measured"
    envelope = row.pydifact_seconds / row.envelope_seconds
    return (f"speed-up on {_size(row.size)} ({row.name}): {row.speedup:.1f}x pydifact segments/s "
            f"(full envelope pass {envelope:.1f}x), segments {row.identical}")


if __name__ == "__main__":
    sys.exit(main())
