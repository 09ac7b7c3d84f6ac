"""Acknowledgments in the outbox: ORDRSP for EDIFACT orders, APERAK for rejected EDIFACT, e-mails for the rest.

Every EDIFACT file we write is parsed back with our own parser: its envelope must be clean (no EDI_* error).
"""

from __future__ import annotations

import email
import io
import json
from email import policy
from pathlib import Path

from conftest import SAMPLES
from edifact_builders import BUYER, DELIVERY, GTIN_A, SELLER, interchange, order_body
from sqlalchemy import select
from typer.testing import CliRunner

from parsers.edifact import EdifactParser, read_events
from parsers.edifact_envelope import InterchangeClosed, Message
from pipeline.acknowledgments import acknowledge
from pipeline.cli import app
from pipeline.context import Context
from pipeline.db.models import AuditEvent, Document
from pipeline.settings import Settings
from schemas import DocumentKind

runner = CliRunner()


def adv(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def outbox() -> Path:
    return Settings().resolved_outbox


def outbox_files() -> list[str]:
    folder = outbox()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def ingest(tmp_path: Path, name: str, data: str | bytes) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    path = inbox / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("latin-1"))
    adv("ingest", str(path))


def business_document(number: str) -> Document:
    context = Context(Settings())
    with context.sessions() as session:
        row = session.scalars(select(Document).where(Document.number == number, Document.canonical.is_not(None))).one()
        session.expunge(row)
        return row


def acknowledged(document_id: int) -> list[str]:
    context = Context(Settings())
    with context.sessions() as session:
        return list(session.scalars(select(AuditEvent.reason).where(AuditEvent.document_id == document_id,
                                                                    AuditEvent.action == "acknowledged")))


def parse_back(name: str):
    """Our parser's reading of an outbox file: (documents, file findings, every finding code)."""
    result = EdifactParser().parse((outbox() / name).read_bytes())
    codes = {f.code for f in result.findings} | {f.code for d in result.documents for f in d.findings}
    return result.documents, result.findings, codes


def envelope_errors(codes: set[str], *allowed: str) -> set[str]:
    return {c for c in codes if c.startswith("EDI_") and c not in allowed}


def unb(name: str):
    header = next(e.header for e in read_events(io.BytesIO((outbox() / name).read_bytes()))
                  if isinstance(e, InterchangeClosed))
    return header


def bad_gtin_order(number: str = "PO-1001", ref: str = "REF1") -> str:
    return interchange([s.replace(f"LIN+1++{GTIN_A}", f"LIN+1++{GTIN_A[:-1]}0") for s in order_body(number)],
                       ref=ref)


# -- ORDRSP ----------------------------------------------------------------------------------------


def test_a_loaded_edifact_order_gets_an_ordrsp_accepted(adv_env, tmp_path):
    ingest(tmp_path, "po.edi", interchange(order_body("PO/2025/7")))
    order = business_document("PO/2025/7")
    name = f"ordrsp-{order.id}-PO-2025-7.edi"
    assert outbox_files() == [name]

    [response], file_findings, codes = parse_back(name)
    assert not envelope_errors(codes) and not file_findings
    assert response.kind is DocumentKind.ORDER_RESPONSE and response.response == "accepted"
    assert response.order_ref == "PO/2025/7" and response.number == f"AR-{order.id}"
    assert [(line.line_no, line.gtin, line.quantity, line.response) for line in response.lines] == [
        (1, GTIN_A, 12, "accepted"), (2, response.lines[1].gtin, 3, "accepted")]
    assert response.buyer.gln == BUYER and response.seller.gln == SELLER
    header = unb(name)  # back the way it came: from the order's recipient to its sender
    assert (header.sender, header.recipient, header.syntax_id) == (SELLER, BUYER, "UNOC")
    assert header.control_ref == f"R{order.id:010d}"
    assert acknowledged(order.id) == [f"ORDRSP (order accepted) to {BUYER}, written to the outbox as {name}"]


def test_acknowledging_again_writes_nothing(adv_env, tmp_path, context):
    ingest(tmp_path, "po.edi", interchange(order_body()))
    order = business_document("PO-1001")
    before = {name: (outbox() / name).read_bytes() for name in outbox_files()}
    with context.sessions() as session:
        assert acknowledge(session, order.id, context.settings, context.store, "tester") == []
        assert acknowledge(session, order.parent_id, context.settings, context.store, "tester") == []
        session.commit()
    adv("ingest", str(tmp_path / "inbox"))  # the same bytes again: nothing new either
    assert {name: (outbox() / name).read_bytes() for name in outbox_files()} == before
    assert len(acknowledged(order.id)) == 1


def test_an_order_corrected_in_review_gets_an_ordrsp_changed(adv_env, tmp_path):
    ingest(tmp_path, "po.edi", bad_gtin_order())
    order = business_document("PO-1001")
    assert order.state == "needs_review" and outbox_files() == []
    assert adv("exceptions", "fix", str(order.id), "lines[0].gtin", GTIN_A).exit_code == 0
    [name] = outbox_files()
    [response], _, codes = parse_back(name)
    assert not envelope_errors(codes)
    assert response.response == "changed"
    assert [line.response for line in response.lines] == ["changed", "accepted"]
    assert b"FTX+AAI+++Corrected?: gtin'" in (outbox() / name).read_bytes()


def test_a_rejected_edifact_order_gets_an_ordrsp_rejected_and_an_aperak(adv_env, tmp_path):
    ingest(tmp_path, "po.edi", bad_gtin_order())
    order = business_document("PO-1001")
    reason = "Article inconnu: merci de renvoyer la commande avec le bon GTIN"
    assert adv("exceptions", "reject", str(order.id), "--reason", reason).exit_code == 1
    assert outbox_files() == [f"aperak-{order.id}-PO-1001.edi", f"ordrsp-{order.id}-PO-1001.edi"]

    [response], _, codes = parse_back(f"ordrsp-{order.id}-PO-1001.edi")
    assert not envelope_errors(codes)
    assert response.response == "rejected" and {line.response for line in response.lines} == {"rejected"}
    assert {line.quantity for line in response.lines} == {0}  # QTY 113: nothing will be delivered

    name = f"aperak-{order.id}-PO-1001.edi"
    documents, findings, codes = parse_back(name)
    assert not documents and envelope_errors(codes, "EDI_UNSUPPORTED_MESSAGE") == set()  # APERAK is not read
    [message] = [e for e in read_events(io.BytesIO((outbox() / name).read_bytes())) if isinstance(e, Message)]
    assert message.type_string == "APERAK:D:96A:UN:EAN001" and not message.findings
    text = (outbox() / name).read_bytes().decode("latin-1")
    assert "BGM+12E::9+AP-" in text and "+27'" in text and "RFF+ON:PO-1001'" in text and "RFF+ACW:M1'" in text
    assert "ERC+REJECTED::91'" in text and "FTX+AAO+++Article inconnu?: merci de renvoyer la commande avec le" in text
    assert "ERC+FINDING::91'" in text and "INVALID_GTIN?:" in text
    assert [r.split(",")[0] for r in acknowledged(order.id)] == [f"ORDRSP (order rejected) to {BUYER}",
                                                                 f"APERAK (order rejected) to {BUYER}"]


def test_a_rejected_edifact_file_gets_an_aperak_per_interchange(adv_env, tmp_path):
    unsupported = interchange(["BGM+23+ST-1+9'", "DTM+137:20251120:102'"], ref="IFT1").replace(
        "ORDERS:D:96A:UN:EAN008", "IFTSTA:D:01B:UN")
    ingest(tmp_path, "status.edi", unsupported)
    context = Context(Settings())
    with context.sessions() as session:
        file_id = session.scalar(select(Document.id).where(Document.parent_id.is_(None)))
    assert adv("exceptions", "reject", str(file_id), "--reason", "We do not take IFTSTA").exit_code == 1
    [name] = outbox_files()
    assert name == f"aperak-{file_id}-IFT1-1.edi"
    header = unb(name)
    assert (header.sender, header.recipient) == (SELLER, BUYER)
    _, _, codes = parse_back(name)
    assert envelope_errors(codes, "EDI_UNSUPPORTED_MESSAGE") == set()
    text = (outbox() / name).read_text(encoding="latin-1")
    assert "RFF+ACW:IFT1'" in text and "FTX+AAO+++We do not take IFTSTA'" in text
    assert "ERC+FINDING::ZZZ'" in text and "EDI_UNSUPPORTED_MESSAGE" in text


def test_names_outside_latin_1_and_level_a_partners(adv_env, tmp_path):
    body = [s.replace("Gants nitrile taille M", "Œufs frais plein air x12 – « bio »") for s in order_body("PO-1")]
    ingest(tmp_path, "utf8.edi", interchange(body, ref="U1").encode("utf-8"))
    upper = [s.replace("Maison Durand SAS", "MAISON DURAND SAS").replace("Huile d?'olive vierge extra 1 L", "HUILE")
             .replace("Gants nitrile taille M", "GANTS") for s in order_body("PO-2")]
    ingest(tmp_path, "unoa.edi", interchange(upper, ref="A1", syntax="UNOA:2", una=False))
    first, second = business_document("PO-1"), business_document("PO-2")
    text = (outbox() / f"ordrsp-{first.id}-PO-1.edi").read_bytes().decode("latin-1")
    assert "IMD+F++:::OEufs frais plein air x12 - \" bio \"'" in text
    level_a = (outbox() / f"ordrsp-{second.id}-PO-2.edi").read_bytes()
    assert b"UNB+UNOA:3+" in level_a and level_a.decode("ascii").upper() == level_a.decode("ascii")
    for name in outbox_files():
        _, findings, codes = parse_back(name)
        assert not envelope_errors(codes) and not findings, name


def test_documents_in_review_duplicates_and_invoices_get_nothing(adv_env, tmp_path):
    ingest(tmp_path, "po.edi", interchange(order_body(), ref="R1"))
    ingest(tmp_path, "again.edi", interchange(order_body(), ref="R2"))  # the same order in another interchange
    ingest(tmp_path, "bad.edi", bad_gtin_order("PO-2002", ref="R3"))
    ingest(tmp_path, "invoice.edi", (SAMPLES / "edifact" / "invoic-eancom-d96a.edi").read_bytes())
    context = Context(Settings())
    with context.sessions() as session:
        states = sorted(session.execute(select(Document.kind, Document.number, Document.state).where(
            Document.canonical.is_not(None))).all())
    assert states == [("invoice", "FA25-004871", "loaded"), ("order", "PO-1001", "duplicate"),
                      ("order", "PO-1001", "loaded"), ("order", "PO-2002", "needs_review")]
    assert [name.split("-")[0] for name in outbox_files()] == ["ordrsp"]


# -- e-mail ----------------------------------------------------------------------------------------


def mail_with(attachment: bytes | None, name: str = "order.xml") -> bytes:
    message = email.message.EmailMessage(policy=policy.default)
    message["From"] = "Claire Martin <achats@maison-durand.example>"
    message["To"] = "commandes@biofrais.example"
    message["Subject"] = "Commande"
    message["Message-ID"] = "<po-1@maison-durand.example>"
    message.set_content("Bonjour, voici notre commande.")
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="xml", filename=name)
    return message.as_bytes()


UBL_ORDER = f"""<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>PO-MAIL-1</cbc:ID><cbc:IssueDate>2025-11-20</cbc:IssueDate>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cac:BuyerCustomerParty><cac:Party><cbc:EndpointID schemeID="0088">{BUYER}</cbc:EndpointID>
  <cac:PartyName><cbc:Name>Maison Durand SAS</cbc:Name></cac:PartyName></cac:Party></cac:BuyerCustomerParty>
 <cac:SellerSupplierParty><cac:Party><cbc:EndpointID schemeID="0088">{SELLER}</cbc:EndpointID>
  <cac:PartyName><cbc:Name>BioFrais Distribution</cbc:Name></cac:PartyName></cac:Party></cac:SellerSupplierParty>
 <cac:Delivery><cac:DeliveryLocation><cbc:ID schemeID="0088">{DELIVERY}</cbc:ID></cac:DeliveryLocation></cac:Delivery>
 <cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID><cbc:Quantity unitCode="C62">12</cbc:Quantity>
  <cbc:LineExtensionAmount currencyID="EUR">54.00</cbc:LineExtensionAmount>
  <cac:Price><cbc:PriceAmount currencyID="EUR">4.50</cbc:PriceAmount></cac:Price>
  <cac:Item><cbc:Name>Gants nitrile taille M</cbc:Name>
   <cac:StandardItemIdentification><cbc:ID schemeID="0160">{GTIN_A}</cbc:ID></cac:StandardItemIdentification>
  </cac:Item></cac:LineItem></cac:OrderLine>
</Order>
"""


def read_mail(name: str) -> email.message.EmailMessage:
    return email.message_from_bytes((outbox() / name).read_bytes(), policy=policy.default)


def test_an_order_by_mail_gets_an_email_to_its_sender(adv_env, tmp_path):
    ingest(tmp_path, "commande.eml", mail_with(UBL_ORDER.encode()))
    order = business_document("PO-MAIL-1")
    assert order.state == "loaded", order.state_reason
    name = f"ack-{order.id}-PO-MAIL-1-accepted.eml"
    assert outbox_files() == [name]
    mail = read_mail(name)
    assert mail["To"] == "achats@maison-durand.example" and mail["From"] == "commandes@biofrais.example"
    assert mail["In-Reply-To"] == "<po-1@maison-durand.example>"
    assert "PO-MAIL-1" in mail["Subject"]
    text = mail.get_content()
    assert "Nous avons bien reçu votre commande PO-MAIL-1 du 20/11/2025" in text
    assert "We have received your order PO-MAIL-1 of 2025-11-20" in text
    assert "Gants nitrile taille M" in text and "54.00" in text
    assert acknowledged(order.id) == [f"e-mail (order accepted) to achats@maison-durand.example, written to the "
                                      f"outbox as {name}"]


def test_a_file_from_a_mail_a_person_rejects_is_answered_with_the_reason(adv_env, tmp_path):
    ingest(tmp_path, "notes.eml", mail_with(b"\x00\x01 not a document anyone can read", name="scan.bin"))
    [item] = json.loads(adv("exceptions", "list", "--json").stdout)["items"]  # the attachment, UNKNOWN_FORMAT
    reason = "Merci d'envoyer la commande en PDF ou en EDI"
    adv("exceptions", "reject", str(item["id"]), "--reason", reason)
    [name] = outbox_files()
    assert name == f"ack-{item['id']}-rejected.eml"
    mail = read_mail(name)
    assert mail["To"] == "achats@maison-durand.example"  # from the e-mail the attachment came in
    assert mail["In-Reply-To"] == "<po-1@maison-durand.example>"
    text = mail.get_content()
    assert f"Motif : {reason}" in text and f"Reason: {reason}" in text and "scan.bin" in text


def test_nothing_reaches_the_outbox_when_the_transaction_rolls_back(adv_env, tmp_path, context):
    ingest(tmp_path, "po.edi", bad_gtin_order())
    order = business_document("PO-1001")
    with context.sessions() as session:
        session.get(Document, order.id).state = "rejected"
        written = acknowledge(session, order.id, context.settings, context.store, "tester")
        assert len(written) == 2 and not any(path.exists() for path in written)
        session.rollback()
    assert outbox_files() == [] and acknowledged(order.id) == []


def test_the_answer_to_a_test_interchange_is_a_test(adv_env, tmp_path):
    test = interchange(order_body("PO-T")).replace("+REF1'", "+REF1++++++1'", 1)  # UNB 0035 test indicator
    ingest(tmp_path, "test.edi", test)
    order = business_document("PO-T")
    assert order.state == "needs_review"  # EDI_TEST_INTERCHANGE
    assert adv("exceptions", "approve", str(order.id), "--reason", "partner onboarding").exit_code == 0
    [name] = outbox_files()
    assert unb(name).test
    _, _, codes = parse_back(name)
    assert envelope_errors(codes) == {"EDI_TEST_INTERCHANGE"}
