"""OCR without running tesseract: its TSV read into words, boxes into points, the cache, failures as findings."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from parsers.image import ImageParser, decoded_page, image_jobs
from parsers.ocr import (ENGINES, OcrOptions, PageJob, join_digit_groups, keep, ocr_layout, read_page,
                         to_word)
from parsers.ocr_engines import OcrUnavailable, OcrWord, PageImage
from parsers.ocr_engines.tesseract import CachedTesseract, cache_key, parse_tsv

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
TSV = "\n".join([
    HEADER,
    "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
    "4\t1\t1\t1\t1\t0\t100\t200\t500\t40\t-1\t",
    "5\t1\t1\t1\t1\t1\t100\t200\t300\t40\t96.5\tCommande",
    "5\t1\t1\t1\t1\t2\t420\t200\t180\t40\t91\tN°",
    "5\t1\t1\t1\t1\t3\t620\t200\t10\t40\t95\t ",  # empty word: tesseract's blank boxes
    "5\t1\t2\t1\t1\t1\t100\t300\t120\t40\t40\t1",
    "5\t1\t2\t1\t2\t1\t100\t400\t120\t40\t12.5\t|",
])


def word(text, left, width=40, line=1, top=100, height=30, confidence=0.9):
    return OcrWord(text=text, left=left, top=top, width=width, height=height, confidence=confidence, block=1,
                   line=line)


def test_tsv_rows_become_words_with_running_line_numbers_and_confidences_from_0_to_1():
    words = parse_tsv(TSV)
    assert [w.text for w in words] == ["Commande", "N°", "1", "|"]
    assert [w.line for w in words] == [1, 1, 2, 3]  # block 2 line 1 is the page's second line
    assert words[0].confidence == 0.965 and words[0].block == 1
    assert parse_tsv("") == [] and parse_tsv(HEADER) == []


def test_pixels_become_pdf_points_with_the_page_resolution():
    converted = to_word(word("Total", 300, width=150, top=600, height=42), 72 / 300)
    assert converted.bbox == (72.0, 144.0, 108.0, 154.08)
    assert converted.confidence == 0.9 and converted.line == 1


def test_amounts_split_at_their_thousands_space_are_joined_and_columns_are_not():
    words = [word("Total", 0, 60), word("1", 300, 12), word("453,95", 318, 70), word("€", 400, 12),
             word("12", 600, 25), word("500", 700, 40)]
    joined = join_digit_groups(words)
    assert [w.text for w in joined] == ["Total", "1 453,95", "€", "12", "500"]
    assert joined[1].left == 300 and joined[1].width == 88
    other_line = [word("1", 300, 12), word("453,95", 318, 70, line=2)]
    assert len(join_digit_groups(other_line)) == 2


def test_specks_that_tesseract_is_unsure_of_are_dropped():
    assert not keep(word("|", 0, confidence=0.2)) and not keep(word("~.", 0, confidence=0.1))
    assert keep(word("|", 0, confidence=0.9)) and keep(word("a", 0, confidence=0.05)) and keep(word("€", 0, 0.1))


def test_the_cache_replays_a_stored_tsv_without_running_the_engine(tmp_path):
    class NoTesseract:
        config = "--psm 3"

        def tsv(self, page, languages):
            raise AssertionError("tesseract ran although the page is cached")

    engine = CachedTesseract(tmp_path, read_only=True, engine=NoTesseract())
    page = PageImage(Image.new("L", (10, 10), 255), 300, key="ab" * 32 + "|p1|dpi|300|v1")
    (tmp_path / f"{cache_key(page.key, 'fra+eng', '--psm 3')}.tsv").write_text(TSV, encoding="utf-8")
    assert [w.text for w in engine.recognise(page, "fra+eng")][:2] == ["Commande", "N°"]
    assert engine.path_for(page, "fra+eng").name.startswith("abababababababab-p1-")


class FakeEngine:
    """Returns the words it was built with, or raises what it was told to."""

    name = "fake"

    def __init__(self, words=(), error: Exception | None = None):
        self.words, self.error = list(words), error

    def recognise(self, page, languages):
        if self.error:
            raise self.error
        return self.words


@pytest.fixture
def fake_engine(monkeypatch):
    def install(**kwargs):
        monkeypatch.setitem(ENGINES, "fake", lambda options: FakeEngine(**kwargs))
        return OcrOptions(engine="fake", processes=1, steps=())
    return install


def job(number=1, size=(600, 800), dpi=300):
    return PageJob(number=number, image=Image.new("L", size, 255), dpi=dpi, source_key="0" * 64)


def test_another_engine_plugs_in_by_name_and_gives_the_same_layout(fake_engine):
    options = fake_engine(words=[word("Bon", 300, 60), word("de", 380, 40), word("commande", 440, 160)])
    result = ocr_layout([job()], options)
    page = result.layout.pages[0]
    assert result.layout.method == "ocr" and not result.findings
    assert (page.width, page.height) == (144.0, 192.0)
    assert [w.text for w in page.words] == ["Bon", "de", "commande"] and page.words[0].bbox[0] == 72.0


def test_a_page_the_engine_fails_on_is_empty_and_says_so(fake_engine):
    options = fake_engine(error=RuntimeError("tesseract crashed"))
    result = ocr_layout([job(1), job(2)], options)
    assert [p.words for p in result.layout.pages] == [(), ()]
    assert [f.code for f in result.findings] == ["OCR_FAILED", "OCR_FAILED"]
    assert "Page 2" in result.findings[1].message and "tesseract crashed" in result.findings[1].message


def test_a_missing_engine_is_a_finding_that_says_how_to_install_it(fake_engine):
    options = fake_engine(error=OcrUnavailable("tesseract is not installed: run scripts/setup.sh"))
    result = ocr_layout([job()], options)
    assert [f.code for f in result.findings] == ["OCR_UNAVAILABLE"]
    assert "scripts/setup.sh" in result.findings[0].message
    assert ocr_layout([job()], OcrOptions(engine="nonesuch", processes=1)).findings[0].code == "OCR_UNAVAILABLE"


def test_a_poor_scan_is_reported_with_its_mean_confidence(fake_engine):
    options = fake_engine(words=[word("Cmd", 0, confidence=0.3), word("12", 100, confidence=0.5)])
    result = ocr_layout([job()], options)
    assert [f.code for f in result.findings] == ["OCR_POOR_SCAN"]
    assert "0.40" in result.findings[0].message
    assert read_page(job(), options).page.words[0].confidence == 0.3


def tiff(pages: list[Image.Image], dpi, compression="group4") -> bytes:
    buffer = io.BytesIO()
    pages[0].save(buffer, "TIFF", compression=compression, dpi=dpi, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def test_a_multi_page_fax_is_one_job_per_page_with_its_resolutions():
    pages = [Image.new("1", (1728, 1100), 1), Image.new("1", (1728, 1100), 1)]
    jobs = image_jobs(tiff(pages, (204, 98), "group3"))
    assert [j.number for j in jobs] == [1, 2]
    assert (jobs[0].dpi, jobs[0].vertical_dpi) == (204, 98) and jobs[0].image.mode == "L"


def test_an_image_without_a_plausible_resolution_is_taken_for_an_a4_page():
    buffer = io.BytesIO()
    Image.new("RGB", (1654, 2339), "white").save(buffer, "PNG")  # no pHYs chunk
    _, dpi, vertical = decoded_page(Image.open(io.BytesIO(buffer.getvalue())))
    assert dpi == 200 and vertical is None
    buffer = io.BytesIO()
    Image.new("L", (2480, 3508), 255).save(buffer, "JPEG", dpi=(72, 72))  # a camera's default
    assert decoded_page(Image.open(io.BytesIO(buffer.getvalue())))[1] == 300


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"\xff\xd8\xff\xe0 not really a jpeg",
                                  b"II*\x00\x08\x00\x00\x00\xff\xff"], ids=["png", "jpeg", "tiff"])
def test_junk_behind_an_image_signature_is_unreadable_not_a_crash(data):
    result = ImageParser(OcrOptions(processes=1)).parse(data)
    assert [f.code for f in result.findings] == ["IMAGE_UNREADABLE"] and result.layout is None


def test_an_image_too_large_for_a_page_is_refused_before_decoding():
    data = tiff([Image.new("1", (12000, 12000), 1)], (300, 300))
    result = ImageParser(OcrOptions(processes=1)).parse(data)
    assert [f.code for f in result.findings] == ["IMAGE_TOO_LARGE"]


def test_only_image_signatures_are_sniffed():
    parser = ImageParser()
    assert parser.sniff(b"\x89PNG\r\n\x1a\n...") and parser.sniff(b"MM\x00*...") and parser.sniff(b"\xff\xd8\xff..")
    assert not parser.sniff(b"%PDF-1.7") and not parser.sniff(b"") and not parser.sniff(b"GIF89a")
