"""Text-PDF parsing: bytes in, a layout of words with boxes out; broken PDFs end as coded findings."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from parsers.pdf import PdfLimits, PdfTextParser
from parsers.registry import PARSERS, parser_for

PDF = SAMPLES / "pdf"


def parse(name: str, limits: PdfLimits = PdfLimits()):
    return PdfTextParser(limits).parse((PDF / name).read_bytes())


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_sniffs_pdf_bytes_not_names():
    parser = PdfTextParser()
    assert parser.sniff(b"%PDF-1.7\n...")
    assert parser.sniff(b"\xef\xbb\xbf junk before the header %PDF-1.4\n")
    assert not parser.sniff(b"UNA:+.? 'UNB+UNOC:3")
    assert not parser.sniff(b"x" * 2000 + b"%PDF-1.4")  # a header far inside is not a PDF


def test_the_text_pdf_parser_comes_last_and_takes_plain_pdfs():
    assert isinstance(PARSERS[-1], PdfTextParser)
    assert parser_for((PDF / "facture-fr-classique.pdf").read_bytes()).name == "pdf"


def test_words_carry_boxes_in_points_from_the_top_left():
    result = parse("facture-fr-classique.pdf")
    layout = result.layout
    assert layout.method == "pdf-text" and len(layout.pages) == 1 and not result.findings
    page = layout.pages[0]
    assert (round(page.width), round(page.height)) == (595, 842)  # A4
    words = {w.text: w for w in page.words}
    title, footer = words["FACTURE"], words["intracommunautaire"]
    assert title.bbox[1] < 60 < footer.bbox[1]  # top-left origin: the title is near 0, the footer near 842
    assert all(w.confidence == 1.0 and w.bbox[0] <= w.bbox[2] and w.bbox[1] < w.bbox[3] for w in page.words)
    assert "Désignation" in words and "3,4500" in words  # accents kept, numbers are single words


def test_a_multi_page_pdf_keeps_its_pages_in_order():
    layout = parse("facture-fr-multipage.pdf").layout
    assert [p.number for p in layout.pages] == [1, 2, 3]
    assert any(w.text == "Report" for w in layout.pages[1].words)


@pytest.mark.parametrize("name, code", [
    ("broken-encrypted.pdf", "PDF_ENCRYPTED"),
    ("broken-damaged.pdf", "PDF_DAMAGED"),
])
def test_broken_pdfs_end_as_one_coded_finding(name, code):
    result = parse(name)
    assert codes(result) == [code] and result.layout is None and not result.documents
    assert result.findings[0].is_error and result.findings[0].message.endswith(".")


def test_an_image_only_pdf_is_read_by_ocr_into_the_same_layout():
    result = parse("broken-image-only.pdf")
    assert result.layout is not None and result.layout.method == "ocr" and result.layout.word_count > 0
    assert any("read by OCR" in note for note in result.notes)
    assert all(0 <= word.confidence <= 1 for page in result.layout.pages for word in page.words)


def test_too_many_pages_or_bytes_is_pdf_too_large():
    assert codes(parse("facture-fr-multipage.pdf", PdfLimits(max_pages=2))) == ["PDF_TOO_LARGE"]
    assert codes(parse("facture-fr-classique.pdf", PdfLimits(max_bytes=1000))) == ["PDF_TOO_LARGE"]


@pytest.mark.parametrize("data", [
    b"%PDF-",
    b"%PDF-1.4\n%%EOF",
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    b"%PDF-1.7\n" + bytes(range(256)) * 40,
])
def test_junk_after_a_pdf_header_is_damaged_never_a_crash(data):
    result = PdfTextParser().parse(data)
    assert codes(result) in (["PDF_DAMAGED"], ["PDF_NO_TEXT"])


def test_every_truncation_of_a_good_pdf_ends_in_a_finding_or_a_layout():
    data = (PDF / "invoice-en-modern.pdf").read_bytes()
    for cut in range(8, len(data), max(1, len(data) // 25)):
        result = PdfTextParser().parse(data[:cut])
        assert result.layout is not None or codes(result), cut
