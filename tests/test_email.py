"""E-mail messages and zip attachments: sniffing, attachments as children, limits as coded findings."""

from __future__ import annotations

import io
import random
import zipfile
from email import policy
from email.message import EmailMessage

import pytest
from conftest import SAMPLES

from parsers.email_message import EmailParser, looks_like_email
from parsers.email_zip import ZipLimits, ZipParser
from parsers.registry import parser_for

EMAIL = SAMPLES / "email"


def mail(body: str = "Bonjour,\n", **headers: str) -> EmailMessage:
    message = EmailMessage(policy=policy.default)
    message["From"] = headers.pop("sender", "Claire Martin <achats@maison-durand.example>")
    message["To"] = "commandes@biofrais.example"
    message["Subject"] = headers.pop("subject", "Commande")
    message["Date"] = "Mon, 12 Jan 2026 08:42:00 +0100"
    message.set_content(body)
    return message


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [
    b"From: a@b.example\nSubject: x\n\nhello",
    b"Received: from mx by mail; Mon, 12 Jan 2026\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi",
    b"Return-Path: <a@b.example>\nDelivered-To: adv@c.example\nFrom: a@b.example\nSubject: folded\n  subject\n\nx",
    b"From a@b.example Mon Jan 12 08:42:00 2026\nFrom: a@b.example\nTo: c@d.example\n\nmbox style",
])
def test_rfc822_messages_are_sniffed(data):
    assert looks_like_email(data) and isinstance(parser_for(data), EmailParser)


@pytest.mark.parametrize("data", [
    b"UNA:+.? 'UNB+UNOC:3+SENDER+RECIPIENT'", b"%PDF-1.7", b"<?xml version='1.0'?><a/>", b"PK\x03\x04",
    b"Subject: only one header\n\nbody", b"just some text: with a colon\nand more\n", b"", b"\x00\x01From: x",
])
def test_other_bytes_are_not_emails(data):
    assert not looks_like_email(data)


def test_the_edifact_order_mail_gives_its_attachment_and_says_who_sent_it():
    result = EmailParser().parse((EMAIL / "commande-edifact-fr.eml").read_bytes())
    assert not result.findings and not result.documents
    [attachment] = result.attachments
    assert attachment.name == "PO-7001.edi" and attachment.data.startswith(b"UNA:+.? 'UNB+UNOC:3")
    assert any("from achats@maison-durand.example" in note and "Commande PO-7001" in note for note in result.notes)


def test_a_message_without_attachment_goes_to_the_free_text_extractor():
    result = EmailParser().parse((EMAIL / "commande-texte-libre-fr.eml").read_bytes())
    [finding] = result.findings
    assert finding.code == "EMAIL_NO_ATTACHMENT" and finding.severity.value == "warning"
    for detail in ("achats@maison-durand.example", "Commande pour jeudi", "20 Jan 2026", "free-text order"):
        assert detail in finding.message
    assert not result.attachments
    text = result.text
    assert text.sender == "achats@maison-durand.example" and text.sender_name == "Claire Martin"
    assert text.subject == "Commande pour jeudi" and text.sent_at == "2026-01-20T07:55:00+01:00"
    assert "5 sacs de farine de blé T65 bio 25 kg (réf. BF-102)" in text.text


def test_an_html_only_message_is_read_as_text_and_an_empty_one_is_an_error():
    html = mail()
    html.set_content("<html><style>p {}</style><p>Merci de livrer&nbsp;10 cartons</p><p>réf. <b>BF-101</b></p></html>",
                     subtype="html")
    assert EmailParser().parse(html.as_bytes()).text.text == "Merci de livrer 10 cartons\n\nréf. BF-101\n"
    empty = EmailParser().parse(mail(" \n").as_bytes())
    assert empty.text is None and [(f.code, f.is_error) for f in empty.findings] == [("EMAIL_NO_ATTACHMENT", True)]


def test_a_forwarded_message_is_a_child_message():
    result = EmailParser().parse((EMAIL / "facture-transferee-fr.eml").read_bytes())
    [forwarded] = result.attachments
    assert forwarded.name.endswith(".eml") and forwarded.content_type == "message/rfc822"
    inner = EmailParser().parse(forwarded.data)
    assert [a.name for a in inner.attachments] == ["F-2026-0142.pdf"]


def test_a_signature_logo_is_not_a_document_but_a_pasted_scan_is():
    result = EmailParser().parse((EMAIL / "invoice-facturx-en.eml").read_bytes())
    assert [a.name for a in result.attachments] == ["F-2026-0142.pdf"]
    message = mail()
    message.add_alternative("<p>see scan <img src='cid:scan'></p>", subtype="html")
    message.get_payload()[1].add_related(b"\xff\xd8\xff" + bytes(100_000), "image", "jpeg", cid="<scan>",
                                         filename="scan.jpg", disposition="inline")
    assert [a.name for a in EmailParser().parse(message.as_bytes()).attachments] == ["scan.jpg"]


def test_edifact_pasted_as_the_message_text_becomes_an_attachment():
    result = EmailParser().parse(mail("UNA:+.? 'UNB+UNOC:3+A:14+B:14+260112:0900+R1'UNZ+0+R1'\n").as_bytes())
    assert [a.name for a in result.attachments] == ["body.edi"] and not result.findings


def test_encoded_file_names_are_decoded():
    message = mail()
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="facture été n°3.pdf")
    [attachment] = EmailParser().parse(message.as_bytes()).attachments
    assert attachment.name == "facture été n°3.pdf" and attachment.data == b"%PDF-1.4"


def test_signatures_are_skipped_and_encrypted_mail_is_reported():
    signed = mail()
    signed.add_attachment(b"sig", maintype="application", subtype="pkcs7-signature", filename="smime.p7s")
    result = EmailParser().parse(signed.as_bytes())
    assert not result.attachments and [f.code for f in result.findings] == ["EMAIL_NO_ATTACHMENT"]
    locked = (b"From: a@b.example\nTo: c@d.example\nMIME-Version: 1.0\n"
              b"Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\n"
              b"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\n")
    assert [f.code for f in EmailParser().parse(locked).findings] == ["EMAIL_ENCRYPTED"]


@pytest.mark.parametrize("data", [
    b"From: a@b.example\nTo: c@d.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
    b"--XX\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBER!!!i0xLjQ=\n",
    b"From: =?utf-8?b?invalid?= <\nSubject: =?x-unknown?q?abc?=\nDate: yesterday\nMIME-Version: 1.0\n\n\xff\xfe body",
    b"From: a@b.example\nReceived: x\nContent-Type: multipart/mixed\n\nno boundary at all",
    b"From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\n\n--B--\n",
])
def test_malformed_messages_never_raise(data):
    result = EmailParser().parse(data)
    assert result.findings or result.attachments


def test_a_truncated_attachment_is_flagged_as_malformed_mime():
    data = (EMAIL / "commande-edifact-fr.eml").read_bytes()
    result = EmailParser().parse(data[: len(data) - 200])
    assert "EMAIL_MALFORMED" in {f.code for f in result.findings}


# -- zip ------------------------------------------------------------------------------------------

def test_a_zip_gives_its_files():
    result = ZipParser().parse(zip_of({"a/PO-1.edi": b"UNA", "b.xml": b"<a/>"}))
    assert [a.name for a in result.attachments] == ["a/PO-1.edi", "b.xml"] and not result.findings


def test_office_files_are_not_unpacked():
    assert not ZipParser().sniff(zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}))
    assert ZipParser().sniff(zip_of({"x.txt": b"x"}))


def test_zip_limits_become_findings():
    limits = ZipLimits(max_files=3, max_total_bytes=50_000, max_ratio=10, ratio_floor=1000, max_depth=1)
    parser = ZipParser(limits)
    bomb = parser.parse(zip_of({"zeros.bin": bytes(40_000), "ok.txt": b"fine"}))
    assert [f.code for f in bomb.findings] == ["ZIP_BOMB"] and [a.name for a in bomb.attachments] == ["ok.txt"]
    many = parser.parse(zip_of({f"{i}.txt": str(i).encode() for i in range(5)}))
    assert [f.code for f in many.findings] == ["ZIP_TOO_MANY_FILES"] and len(many.attachments) == 3
    noise = random.Random(4).randbytes(30_000)  # does not compress: no bomb, just big
    large = parser.parse(zip_of({"a.bin": noise, "b.bin": noise[::-1]}))
    assert [f.code for f in large.findings] == ["ZIP_TOO_LARGE"] and [a.name for a in large.attachments] == ["a.bin"]
    nested = parser.parse(zip_of({"one.zip": zip_of({"two.zip": zip_of({"deep.txt": b"x"})}), "top.txt": b"t"}))
    assert [f.code for f in nested.findings] == ["ZIP_TOO_DEEP"] and [a.name for a in nested.attachments] == ["top.txt"]
    shallow = parser.parse(zip_of({"one.zip": zip_of({"inner.txt": b"x"})}))
    assert [a.name for a in shallow.attachments] == ["one.zip/inner.txt"] and not shallow.findings


def test_damaged_encrypted_and_empty_zips():
    data = zip_of({"a.txt": b"hello" * 100, "b.txt": b"world"})
    assert [f.code for f in ZipParser().parse(data[:40]).findings] == ["ZIP_DAMAGED"]
    flipped = bytearray(data)
    flipped[40] ^= 0xFF  # inside a.txt's compressed bytes: its CRC no longer matches
    damaged = ZipParser().parse(bytes(flipped))
    assert "ZIP_DAMAGED" in {f.code for f in damaged.findings}
    encrypted = bytearray(data)
    for marker in (b"PK\x03\x04", b"PK\x01\x02"):  # set the "encrypted" flag of every entry
        start = 0
        while (start := encrypted.find(marker, start)) != -1:
            offset = start + (6 if marker == b"PK\x03\x04" else 8)
            encrypted[offset] |= 0x01
            start += 4
    assert {f.code for f in ZipParser().parse(bytes(encrypted)).findings} == {"ZIP_ENCRYPTED"}
    assert [f.code for f in ZipParser().parse(zip_of({})).findings] == ["ZIP_EMPTY"]


def test_the_hostile_sample_is_contained():
    result = EmailParser().parse((EMAIL / "hostile-en.eml").read_bytes())
    archive = next(a for a in result.attachments if a.name == "invoices.zip")
    unpacked = ZipParser().parse(archive.data)
    assert {f.code for f in unpacked.findings} == {"ZIP_BOMB", "ZIP_TOO_DEEP"} and not unpacked.attachments
