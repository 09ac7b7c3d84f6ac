"""Hybrid PDFs (Factur-X, ZUGFeRD, XRechnung, Order-X): the embedded XML first, checked against the visible text."""

from __future__ import annotations

import email
import io
import json
from decimal import Decimal
from email import policy

import pytest
from conftest import CORPUS, SAMPLES
from pypdf import PdfWriter
from typer.testing import CliRunner

from parsers.facturx import FacturXParser, amounts_in, inspect_pdf
from parsers.registry import PARSERS, parser_for
from pipeline.cli import app


def attachment(sample: str, name: str) -> bytes:
    message = email.message_from_bytes((SAMPLES / "email" / sample).read_bytes(), policy=policy.default)
    return next(part.get_payload(decode=True) for part in message.walk() if part.get_filename() == name)


@pytest.fixture(scope="module")
def invoice_pdf() -> bytes:
    return attachment("invoice-facturx-en.eml", "F-2026-0142.pdf")


def corpus(path: str) -> bytes:
    file = CORPUS / path
    if not file.is_file():
        pytest.skip(f"{file} is not here")
    return file.read_bytes()


def encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_factur_x_parser_comes_before_any_parser_that_takes_every_pdf():
    names = [parser.name for parser in PARSERS]
    assert "factur-x" in names
    assert all(names.index("factur-x") < i for i, n in enumerate(names) if n.startswith("pdf"))


def test_a_factur_x_invoice_is_read_from_its_xml(invoice_pdf):
    parser = parser_for(invoice_pdf)
    assert isinstance(parser, FacturXParser)
    result = parser.parse(invoice_pdf)
    [doc] = result.documents
    assert (doc.kind.value, doc.number, doc.order_ref, doc.delivery_note_ref) == (
        "invoice", "F-2026-0142", "PO-7001", "BL-3301")
    assert doc.totals.gross == Decimal("163.95") and len(doc.lines) == 2
    assert doc.source.format == "factur-x" and doc.source.locator.startswith("factur-x.xml:")
    assert doc.source.message_type == "CII:EN 16931"
    assert doc.provenance["totals.gross"].method == "xml" and doc.provenance["totals.gross"].confidence == 1.0
    assert not doc.findings  # number and total are on the print
    assert any("factur-x library" in note for note in result.notes) and result.envelope_keys


def test_xml_that_the_print_does_not_show_is_an_error():
    pdf = attachment("maildir/cur/1769072520.M200P4242.adv-samples:2,S", "F-2026-0150.pdf")
    [doc] = FacturXParser().parse(pdf).documents
    [finding] = [f for f in doc.findings if f.code == "XML_TEXT_MISMATCH"]
    assert finding.is_error and "29.75" in finding.message and finding.field == "totals.gross"


def test_a_corpus_pdf_whose_print_shows_another_number_is_caught():
    [doc] = FacturXParser().parse(corpus("facturx/zugferd-corpus__MustangGnuaccountingBeispielRE-20201121_508_"
                                        "withBOM.pdf")).documents
    assert any(f.code == "XML_TEXT_MISMATCH" and f.field == "number" for f in doc.findings)


@pytest.mark.parametrize(("text", "amount"), [
    ("Total TTC 1 234,56 EUR", "1234.56"), ("Total 1.234,56 €", "1234.56"), ("Total $1,234.56", "1234.56"),
    ("Endsumme 963,12 €", "963.12"), ("Gesamt: 571.04", "571.04"), ("Summe 12 345 678,90", "12345678.90"),
    ("TOTAL 1\u202f234,56", "1234.56"), ("Betrag 39.077,22", "39077.22"), ("net 100", "100.00"),
])
def test_amounts_are_found_whatever_the_separators(text, amount):
    assert Decimal(amount) in amounts_in(text)


def test_other_embedded_files_become_attachments_and_the_xml_is_not_one():
    result = FacturXParser().parse(corpus("facturx/akretion-factur-x__invoice_EN16931.pdf"))
    assert [a.name for a in result.attachments] == ["Bon_de_livraison.pdf"] and result.documents


def test_zugferd_2_is_preferred_to_zugferd_1_in_the_same_pdf():
    result = FacturXParser().parse(corpus("facturx/zugferd-corpus__MustangRE-20171118_506_ZUGFeRD1and2.pdf"))
    [doc] = result.documents
    assert doc.source.locator.startswith("factur-x.xml") and not result.attachments
    assert any("ZUGFeRD-invoice.xml" in note and "not read" in note for note in result.notes)


def test_a_pdf_without_embedded_xml_is_left_to_the_pdf_parser():
    assert not FacturXParser().sniff(corpus("pdf-plain/horstoeko-zugferd__pdf_plain.pdf"))
    assert not FacturXParser().sniff(corpus("pdf-broken/zugferd-mustangproject__corrupt-factur-x-waytoosmall.pdf"))


def test_broken_embedded_xml_is_a_coded_finding_never_a_crash():
    result = FacturXParser().parse(corpus("pdf-plain/zugferd-corpus__factur-x-invalid-xml-encoding-attribute.pdf"))
    assert "XML_MALFORMED" in {f.code for f in result.findings}


def test_a_pdf_protected_by_an_owner_password_only_is_still_read(invoice_pdf):
    data = encrypted(invoice_pdf, user_password="")
    [doc] = FacturXParser().parse(data).documents
    assert doc.number == "F-2026-0142"


def test_a_locked_hybrid_pdf_is_pdf_encrypted(invoice_pdf):
    locked = encrypted(invoice_pdf, user_password="secret")
    assert not FacturXParser().sniff(locked)  # nothing shows it is a Factur-X: the PDF parser reports it
    marked = locked + b"\n% factur-x.xml\n"
    inspect_pdf.cache_clear()
    assert FacturXParser().sniff(marked)
    assert [f.code for f in FacturXParser().parse(marked).findings] == ["PDF_ENCRYPTED"]


def test_a_damaged_pdf_that_names_its_xml_is_pdf_damaged(invoice_pdf):
    damaged = invoice_pdf[:1500]
    if FacturXParser().sniff(damaged):
        assert [f.code for f in FacturXParser().parse(damaged).findings] in (["PDF_DAMAGED"], ["XML_MALFORMED"])
    junk = b"%PDF-1.7\n1 0 obj << /F (factur-x.xml) >>\n" + b"\x00" * 50
    assert FacturXParser().sniff(junk)
    assert [f.code for f in FacturXParser().parse(junk).findings] == ["PDF_DAMAGED"]


def test_ignore_embedded_xml_skips_the_factur_x_parser(invoice_pdf, tmp_path, monkeypatch):
    assert not isinstance(parser_for(invoice_pdf, ignore_embedded_xml=True), FacturXParser)
    monkeypatch.chdir(tmp_path)  # no database here: the replay writes nothing
    path = tmp_path / "F-2026-0142.pdf"
    path.write_bytes(invoice_pdf)
    plain = json.loads(CliRunner().invoke(app, ["replay", str(path), "--json"]).stdout)
    visible = CliRunner().invoke(app, ["replay", str(path), "--json", "--ignore-embedded-xml"])
    assert visible.exception is None or isinstance(visible.exception, SystemExit)
    output = json.loads(visible.stdout)
    assert plain["file"]["format"] == "factur-x"
    assert output["file"]["format"] != "factur-x"
    assert all(d["provenance"].get("number", {}).get("method") != "xml" for d in output["documents"])
