"""The scan samples read as drawn, from cached tesseract output (tests/fixtures/ocr: no OCR runs here).

Every page of every sample under samples/scans has its tesseract TSV in tests/fixtures/ocr, keyed by the file's
hash, the page and the preparation steps. After changing the samples or the preparation, refresh them with
``ADV_UPDATE_OCR_FIXTURES=1 .venv/bin/pytest tests/test_ocr_samples.py`` (runs tesseract, writes the missing
TSVs, removes the unused ones) and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import HERMETIC, ROOT, SAMPLES

from extractors import extract_documents
from parsers.ocr_engines import PageImage
from parsers.ocr import OcrOptions, configure_ocr, current_options, engine_for
from pipeline.process import process
from pipeline.scans import scan_pages
from schemas import to_canonical

SCANS = SAMPLES / "scans"
FIXTURES = ROOT / "tests" / "fixtures" / "ocr"
MANIFEST: dict[str, dict] = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
UPDATE = bool(os.environ.get("ADV_UPDATE_OCR_FIXTURES"))
OPTIONS = OcrOptions(processes=1, cache_dir=FIXTURES, cache_read_only=not UPDATE)
REFRESH = "run `ADV_UPDATE_OCR_FIXTURES=1 .venv/bin/pytest tests/test_ocr_samples.py` and review the diff"
GOOD = sorted(name for name, entry in MANIFEST.items() if entry["truth"])
# Samples OCR cannot read right, on purpose: what matters is that they stop for a person, saying why.
TOO_DAMAGED = {"po-fr-form-fax-noisy.tif": {"LOW_CONFIDENCE", "BAD_QUANTITY", "LINE_TOTAL_MISMATCH"}}


def ocr_samples() -> list[Path]:
    """Every sample the golden tests read by OCR: the scans, and image-only PDFs in other sample folders."""
    found = []
    for path in sorted(SAMPLES.rglob("*")):
        if not path.is_file() or path.name.endswith(".expected.json") or path.suffix in (".py", ".md", ".json"):
            continue
        if path.parent == SCANS or (path.suffix == ".pdf" and scan_pages(path.read_bytes(), HERMETIC)):
            found.append(path)
    return found


def fixture_paths() -> dict[Path, str]:
    engine = engine_for(OPTIONS)
    paths = {}
    for path in ocr_samples():
        if path.name not in GOOD and path.parent == SCANS:
            continue
        for job in scan_pages(path.read_bytes(), HERMETIC):
            paths[engine.path_for(PageImage(job.image, job.dpi, job.key(OPTIONS)), OPTIONS.languages)] = path.name
    return paths


@pytest.fixture(scope="module")
def outcomes():
    previous = current_options()
    configure_ocr(OPTIONS)
    try:
        read = {path.name: process(path.read_bytes()) for path in ocr_samples()}
        yield {name: read[name] for name in MANIFEST}
    finally:
        configure_ocr(previous)
    if UPDATE:
        used = set(fixture_paths())
        for stale in set(FIXTURES.glob("*.tsv")) - used:
            stale.unlink()


def test_every_page_of_every_scan_sample_has_its_cached_ocr(outcomes):
    missing = sorted({name for path, name in fixture_paths().items() if not path.is_file()})
    assert not missing, f"no cached OCR for {missing}: {REFRESH}"


def canonical(outcome) -> dict:
    assert len(outcome.documents) == 1, outcome.stages
    return to_canonical(outcome.documents[0])


@pytest.mark.parametrize("name", sorted(TOO_DAMAGED))
def test_a_scan_too_damaged_to_read_goes_to_review_with_the_reasons(outcomes, name):
    document = canonical(outcomes[name])
    assert document["status"] == "needs_review"
    assert TOO_DAMAGED[name] <= {f["code"] for f in document["findings"]}


@pytest.mark.parametrize("name", sorted(set(GOOD) - set(TOO_DAMAGED)))
def test_a_scan_reads_as_it_was_drawn(outcomes, name):
    truth, document = MANIFEST[name]["truth"], canonical(outcomes[name])
    assert outcomes[name].format == "image"
    assert document["kind"] == truth["kind"]
    for path, expected in truth.items():
        if path in ("kind", "lines") or expected is None:
            continue
        value = document
        for part in path.split("."):
            value = (value or {}).get(part)
        assert value == expected, f"{path}: read {value!r}, drawn {expected!r}"
    read = [(line["gtin"], line["quantity"]) for line in document["lines"]]
    assert read == [(line["gtin"], line["quantity"]) for line in truth["lines"]]


def test_every_value_points_at_its_page_and_box_with_the_words_confidence(outcomes):
    document = canonical(outcomes["po-fr-classic-clean.png"])
    number = document["provenance"]["number"]
    assert number["method"] == "ocr" and number["page"] == 1
    x0, top, x1, bottom = number["bbox"]
    assert 0 < x0 < x1 < 595 and 0 < top < bottom < 842  # A4 in points
    assert 0.5 < number["confidence"] < 1.0  # the rule's certainty times the words' OCR confidence
    assert document["provenance"]["lines[0].quantity"]["method"] == "ocr"


def test_the_order_behind_a_fax_cover_sheet_is_read_from_page_two(outcomes):
    outcome = outcomes["po-fr-fax-with-cover.tif"]
    document = canonical(outcome)
    assert [p.number for p in outcome.parse.layout.pages] == [1, 2]
    assert document["provenance"]["lines[0].gtin"]["page"] == 2


def test_a_truncated_scan_is_unreadable_and_waits_for_a_person(outcomes):
    outcome = outcomes["broken-truncated.png"]
    assert [f.code for f in outcome.findings] == ["IMAGE_UNREADABLE"]
    assert outcome.file_status.value == "needs_review"


def test_words_read_with_low_confidence_send_the_value_to_review_with_its_box(outcomes):
    layout = outcomes["po-en-modern-clean.png"].parse.layout
    page = layout.pages[0]
    number = canonical(outcomes["po-en-modern-clean.png"])["number"]
    smudged = tuple(w.model_copy(update={"confidence": 0.3}) if w.text == number else w for w in page.words)
    blurred = layout.model_copy(update={"pages": (page.model_copy(update={"words": smudged}),)})
    document = extract_documents(blurred, "0" * 64, "image").documents[0]
    finding = next(f for f in document.findings if f.field == "number")
    assert finding.code == "LOW_CONFIDENCE" and finding.is_error
    assert finding.location.page == 1 and finding.location.bbox is not None


def test_a_check_that_failed_on_a_scanned_value_points_at_its_box(outcomes):
    from pipeline.finding_locations import locate_findings
    from schemas.findings import error

    document = outcomes["po-fr-classic-clean.png"].documents[0]
    checked = document.with_findings([error("INVALID_GTIN", "GTIN 3760456001409 has a wrong check digit.",
                                            field="lines[0].gtin"),
                                      error("LINE_TOTAL_MISMATCH", "2 x 7.90 is not 474.00.", field="lines[1]"),
                                      error("MISSING_BUYER", "No buyer.", field="buyer")])
    located = {f.code: f.location for f in locate_findings(checked).findings}
    assert located["INVALID_GTIN"] == document.provenance["lines[0].gtin"]
    assert located["LINE_TOTAL_MISMATCH"] == document.provenance["lines[1].net_amount"]
    assert located["MISSING_BUYER"] is None
    assert locate_findings(document) is document  # nothing to add: the same object


def test_the_page_size_of_an_image_is_in_points_like_its_word_boxes():
    from PIL import Image

    from parsers.image import page_size_points

    assert page_size_points(Image.open(SCANS / "po-fr-classic-clean.png")) == pytest.approx((595, 842), abs=1)
    fax = Image.open(SCANS / "po-fr-form-fax-noisy.tif")  # 204 x 98 dpi
    assert page_size_points(fax) == pytest.approx((595, 842), abs=2)
