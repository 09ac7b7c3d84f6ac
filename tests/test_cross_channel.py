"""The same order sent by EDI and as a PDF attached to an e-mail: one order loaded, the other a linked duplicate."""

from __future__ import annotations

import json
from email.message import EmailMessage

from conftest import SAMPLES
from edifact_builders import SELLER, gln, interchange
from sqlalchemy import select

from pipeline.db.models import Document, Order
from pipeline.run import leftover_ids, list_files, process_batch, receive_files

PDF = SAMPLES / "pdf" / "purchase-order-en.pdf"


def edi_twin_of_the_pdf_order() -> str:
    """An EANCOM ORDERS carrying the very order the PDF shows (number, buyer VAT id, items and quantities)."""
    order = json.loads((PDF.parent / (PDF.name + ".expected.json")).read_text())["documents"][0]
    body = [f"BGM+220+{order['number']}+9'", f"DTM+137:{order['issue_date'].replace('-', '')}:102'",
            f"NAD+BY+{gln('301987600001')}::9++{order['buyer']['name'].replace(chr(39), '?' + chr(39))}'",
            f"RFF+VA:{order['buyer']['vat_id']}'", f"NAD+SU+{SELLER}::9'"]
    for number, line in enumerate(order["lines"], start=1):
        body += [f"LIN+{number}'", f"PIA+5+{line['seller_item_id']}:SA'", f"QTY+21:{line['quantity']}:{line['unit']}'"]
    return interchange(body + ["UNS+S'"], ref="X1")


def pdf_mail() -> bytes:
    mail = EmailMessage()
    mail["From"] = "achats@epicerie-du-marche.fr"
    mail["To"] = "commandes@example.fr"
    mail["Subject"] = "Commande"
    mail.set_content("Bonjour, veuillez trouver notre commande en pièce jointe.")
    mail.add_attachment(PDF.read_bytes(), maintype="application", subtype="pdf", filename=PDF.name)
    return bytes(mail)


def ingest(context, folder):
    report, ids = receive_files(context, list_files(context, [folder]))
    return report.merge(process_batch(context, sorted(set(ids) | set(leftover_ids(context)))))


def test_the_same_order_by_edi_and_by_pdf_mail_is_loaded_once(context, tmp_path):
    (tmp_path / "edi").mkdir()
    (tmp_path / "edi" / "order.edi").write_text(edi_twin_of_the_pdf_order(), encoding="latin-1")
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "order.eml").write_bytes(pdf_mail())

    assert ingest(context, tmp_path / "edi").states["loaded"] == 1
    ingest(context, tmp_path / "mail")

    with context.sessions() as session:
        assert len(session.scalars(select(Order)).all()) == 1
        orders = session.scalars(select(Document).where(Document.kind == "order",
                                                        Document.canonical.is_not(None))).all()
        by_state = {d.state: d for d in orders}
        assert set(by_state) == {"loaded", "duplicate"}
        assert by_state["duplicate"].duplicate_of_id == by_state["loaded"].id
        assert by_state["duplicate"].format == "pdf" and by_state["loaded"].format == "edifact"


def test_a_pdf_missing_its_date_is_fixed_through_the_cli_and_loads(adv_env, tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "facture.pdf").write_bytes((SAMPLES / "pdf" / "broken-facture-sans-date.pdf").read_bytes())
    runner = CliRunner()
    assert runner.invoke(app, ["ingest"]).exit_code == 1
    [item] = [i for i in json.loads(runner.invoke(app, ["exceptions", "list", "--json"]).stdout)["items"] if i["kind"]]
    assert "FIELD_MISSING" in item["codes"]
    fixed = runner.invoke(app, ["exceptions", "fix", str(item["id"]), "issue_date", "2026-03-02"])
    assert fixed.exit_code == 0, fixed.stdout
    assert "loaded" in fixed.stdout
