"""A few tests that run tesseract itself: the CLI on a scan, an image-only PDF, and the cached fixtures still
matching what the installed tesseract reads. The rest of the OCR tests replay cached output."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from conftest import ROOT, SAMPLES
from PIL import Image
from typer.testing import CliRunner

from parsers.image import image_jobs, ocr_pdf, ocr_pdf_layout
from parsers.ocr import OcrOptions, configure_ocr, current_options, read_page, read_pages
from parsers.ocr_engines.tesseract import tesseract_version
from pipeline.cli import app

SCANS = SAMPLES / "scans"
FIXTURES = ROOT / "tests" / "fixtures" / "ocr"

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed: run "
                                "scripts/setup.sh")


@pytest.fixture
def uncached():
    previous = current_options()
    configure_ocr(OcrOptions(processes=1))
    yield
    configure_ocr(previous)


def test_the_installed_tesseract_has_french_and_english():
    import pytesseract

    assert tesseract_version().startswith(("4.", "5."))
    assert {"fra", "eng"} <= set(pytesseract.get_languages())


def test_replay_json_of_a_scanned_order_has_per_field_confidence_and_page_boxes(tmp_path, monkeypatch, uncached):
    # replay writes nothing and needs no database: a fresh home without one
    monkeypatch.setenv("ADV_HOME", str(tmp_path / ".adv"))
    monkeypatch.delenv("ADV_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copy(SCANS / "po-en-modern-clean.png", "scan.png")
    result = CliRunner().invoke(app, ["replay", "scan.png", "--json"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.output)
    assert data["file"]["format"] == "image"
    (document,) = data["documents"]
    assert document["kind"] == "order" and document["number"] == "PO-2026-4476"
    quantity = document["provenance"]["lines[0].quantity"]
    assert quantity["method"] == "ocr" and quantity["page"] == 1 and len(quantity["bbox"]) == 4
    assert 0 < quantity["confidence"] <= 1


def test_an_image_only_pdf_is_rendered_and_read(uncached):
    scan = Image.open(SCANS / "dn-fr-classic-clean.png")
    buffer = io.BytesIO()
    scan.save(buffer, "PDF", resolution=300)
    result = ocr_pdf(buffer.getvalue(), dpi=200)
    (page,) = result.layout.pages
    assert result.layout.method == "ocr" and not result.findings
    assert page.width == pytest.approx(595, abs=2) and page.height == pytest.approx(842, abs=2)
    texts = {w.text for w in page.words}
    assert "LIVRAISON" in texts and any(t.startswith("BL-2026-") for t in texts)
    assert ocr_pdf(b"%PDF-1.7 truncated").findings[0].code == "IMAGE_UNREADABLE"
    assert ocr_pdf_layout(b"%PDF-1.7 truncated").pages == ()


def test_the_cached_fixtures_are_what_this_tesseract_reads():
    """Fixtures made with another tesseract would make the sample tests pass on output nobody gets."""
    (job,) = image_jobs((SCANS / "dn-fr-modern-fax.tif").read_bytes())
    cached = read_page(job, OcrOptions(processes=1, cache_dir=FIXTURES, cache_read_only=True)).page
    fresh = read_page(job, OcrOptions(processes=1)).page
    assert [w.text for w in fresh.words] == [w.text for w in cached.words]


def test_pages_read_in_the_process_pool_come_back_in_order_and_identical(tmp_path):
    jobs = image_jobs((SCANS / "po-fr-fax-with-cover.tif").read_bytes())
    options = OcrOptions(processes=2, cache_dir=FIXTURES, cache_read_only=True)
    pooled = read_pages(jobs, options)
    alone = read_pages(jobs, OcrOptions(processes=1, cache_dir=FIXTURES, cache_read_only=True))
    assert [r.page.number for r in pooled] == [1, 2]
    assert [r.page for r in pooled] == [r.page for r in alone]
