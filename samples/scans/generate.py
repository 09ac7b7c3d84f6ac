"""Write the scan samples: ``.venv/bin/python samples/scans/generate.py [--out DIR] [--bench N]``.

Purchase orders and delivery notes (``documents.py``) drawn in three layouts (``render.py``), French and English,
then damaged like real scans and faxes (``degrade.py``). Beside the images, ``manifest.json`` says what each
one truly shows (``ScanDocument.truth``): the benchmark scores against it. ``--bench N`` writes N documents per
kind of damage instead (bench/ocr.py uses it, into bench/out/). Fixed seeds: the same bytes every run. Like the
other generators it never imports our parsers, extractors or pipeline.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # this folder, and samples/ for edigen

from PIL import Image  # noqa: E402

from degrade import KINDS, Scan, degrade, save  # noqa: E402
from documents import ScanDocument, make_document  # noqa: E402
from render import Canvas, render  # noqa: E402


@dataclass(frozen=True)
class Sample:
    name: str  # file name without suffix
    document: ScanDocument
    kind: str  # the damage
    cover: bool = False  # a fax cover sheet as page 1


SAMPLES = (
    Sample("po-fr-classic-clean", make_document(1, "order", "fr", "classic"), "clean"),
    Sample("po-en-modern-clean", make_document(2, "order", "en", "modern"), "clean"),
    Sample("po-fr-form-handwritten", make_document(3, "order", "fr", "form"), "clean"),
    Sample("po-fr-classic-rotation", make_document(4, "order", "fr", "classic"), "rotation"),
    Sample("po-en-classic-blur", make_document(5, "order", "en", "classic"), "blur"),
    Sample("po-fr-modern-salt-pepper", make_document(6, "order", "fr", "modern"), "salt_pepper"),
    Sample("po-en-modern-jpeg", make_document(7, "order", "en", "modern"), "jpeg"),
    Sample("po-fr-classic-fax", make_document(8, "order", "fr", "classic"), "fax"),
    Sample("po-fr-form-fax-noisy", make_document(9, "order", "fr", "form"), "fax_noisy"),
    Sample("po-en-classic-stamp", make_document(10, "order", "en", "classic"), "stamp"),
    Sample("po-fr-fax-with-cover", make_document(11, "order", "fr", "classic"), "fax", cover=True),
    Sample("dn-fr-classic-clean", make_document(12, "delivery_note", "fr", "classic"), "clean"),
    Sample("dn-en-modern-rotation", make_document(13, "delivery_note", "en", "modern"), "rotation"),
    Sample("dn-fr-modern-fax", make_document(14, "delivery_note", "fr", "modern"), "fax"),
    Sample("dn-en-classic-stamp", make_document(15, "delivery_note", "en", "classic"), "stamp"),
)
BROKEN = "broken-truncated"  # the first third of a PNG: a transfer cut short


def bench_samples(per_kind: int) -> list[Sample]:
    """``per_kind`` documents for each kind of damage, cycling through layouts, kinds and languages."""
    shapes = [("order", "fr", "classic"), ("order", "en", "modern"), ("order", "fr", "form"),
              ("delivery_note", "en", "classic"), ("order", "en", "classic"), ("delivery_note", "fr", "modern"),
              ("order", "fr", "modern"), ("order", "en", "form")]
    samples = []
    for k, kind in enumerate(KINDS):
        for i in range(per_kind):
            doc_kind, language, layout = shapes[(i + k) % len(shapes)]
            seed = 1000 + 100 * k + i
            samples.append(Sample(f"{kind}-{i:02d}-{doc_kind}-{language}-{layout}",
                                  make_document(seed, doc_kind, language, layout), kind))
    return samples


def cover_sheet(sample: Sample) -> Image.Image:
    doc = sample.document
    canvas = Canvas()
    canvas.text(40, 70, "TÉLÉCOPIE", 24, "bold")
    for i, (label, value) in enumerate((("À :", "Service ADV – " + doc.seller.name), ("De :", doc.buyer.name),
                                        ("Objet :", "Commande"), ("Pages :", "2 (y compris celle-ci)"))):
        canvas.text(40, 130 + 22 * i, label, 11, "bold")
        canvas.text(110, 130 + 22 * i, value, 11)
    canvas.text(40, 260, "Merci de confirmer la bonne réception de cette commande par retour de fax.", 10)
    return canvas.image


STAMPS = {"fr": "REÇU LE 14 MARS 2026", "en": "RECEIVED 14 MAR 2026"}


def scan_bytes(sample: Sample, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    pages: list[Scan] = []
    text = STAMPS[sample.document.language]
    if sample.cover:
        pages.append(degrade(cover_sheet(sample), sample.kind, rng, text))
    pages.append(degrade(render(sample.document), sample.kind, rng, text))
    return save(pages)


def write(samples: list[Sample], out: Path, broken: bool) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict] = {}
    for index, sample in enumerate(samples):
        data = scan_bytes(sample, seed=7 + index)
        suffix = {"png": ".png", "jpeg": ".jpg"}.get(_format(sample.kind), ".tif")
        name = sample.name + suffix
        (out / name).write_bytes(data)
        manifest[name] = {"damage": sample.kind, "layout": sample.document.layout,
                          "language": sample.document.language, "pages": 2 if sample.cover else 1,
                          "truth": sample.document.truth()}
    if broken:
        whole = scan_bytes(samples[0], seed=7)
        (out / f"{BROKEN}.png").write_bytes(whole[: len(whole) // 3])
        manifest[f"{BROKEN}.png"] = {"damage": "truncated", "truth": None, "expect_codes": ["IMAGE_UNREADABLE"]}
    (out / "manifest.json").write_text(json.dumps(dict(sorted(manifest.items())), indent=2, ensure_ascii=False)
                                       + "\n", encoding="utf-8")
    return manifest


def _format(kind: str) -> str:
    return {"jpeg": "jpeg", "fax": "tiff", "fax_noisy": "tiff"}.get(kind, "png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--bench", type=int, default=0, help="documents per kind of damage (benchmark set)")
    args = parser.parse_args(argv)
    samples = bench_samples(args.bench) if args.bench else list(SAMPLES)
    manifest = write(samples, args.out, broken=not args.bench)
    size = sum((args.out / name).stat().st_size for name in manifest)
    print(f"{len(manifest)} scan(s) in {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
