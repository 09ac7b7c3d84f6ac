"""The review desk in a real browser (Debian's Chromium through Playwright): the reviewer's walk-through,
keyboard navigation, the box of a field on a PDF page, and scripts in documents that must not run."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from browser.desk import PASSWORD, ingest, live_server, make_user, write

from browser.chromium import launch, log_in, missing
from conftest import SAMPLES
from pipeline.db.models import AuditEvent, Document

pytestmark = pytest.mark.skipif(missing() is not None, reason=missing() or "")

PAYLOAD = "<script>window.__xss=1</script><img src=x onerror=window.__xss=2>"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


@pytest.fixture
def desk(context, tmp_path):
    """Broken samples in review, a reviewer, and the desk served on a loopback port."""
    samples = [SAMPLES / "edifact" / name for name in ("broken-unt-count.edi", "broken-gtin-check-digit.edi")]
    pdf = SAMPLES / "pdf" / "facture-fr-classique.pdf"
    ingest(context, samples + ([pdf] if pdf.exists() else []))
    make_user(context, "rita")
    with live_server(context) as url:
        yield url


def _id(context, source: str) -> int:
    with context.sessions() as session:
        return session.scalar(select(Document.id).where(Document.source.like(f"%{source}"),
                                                        Document.kind.is_not(None)).order_by(Document.id.desc()))


def test_a_reviewer_fixes_a_field_and_approves_a_broken_sample(context, desk, page):
    log_in(page, desk, "rita", PASSWORD)
    assert "waiting for review" in page.inner_text("h1")
    page.click("text=broken-unt-count.edi")
    document_id = _id(context, "broken-unt-count.edi")
    page.wait_for_url(f"{desk}/documents/{document_id}")
    assert "EDI_UNT_COUNT" in page.inner_text("body")

    field = page.locator("tr.field[data-path='contract_ref'] input[name=value]")
    field.fill("CONTRACT-2026")
    field.press("Enter")  # a plain form: Enter saves and re-validates
    page.wait_for_load_state()
    assert "needs_review" in page.inner_text(".flash")  # still the envelope count: a person must approve
    assert page.locator("tr.field[data-path='contract_ref'] input[name=value]").input_value() == "CONTRACT-2026"

    page.fill("#approve-form input[name=reason]", "count checked with the sender")
    page.click("#approve-form button")
    page.wait_for_load_state()
    with context.sessions() as session:
        row = session.get(Document, document_id)
        actions = [(a.actor, a.action) for a in session.scalars(
            select(AuditEvent).where(AuditEvent.document_id == document_id))]
    assert row.state == "loaded" and row.canonical["contract_ref"] == "CONTRACT-2026"
    assert ("rita", "fix") in actions and ("rita", "approve") in actions
    page.goto(f"{desk}/documents/{document_id}")
    assert page.inner_text("#state") == "loaded"
    assert "approve" in page.inner_text("#audit")


def test_the_keyboard_opens_the_queue_and_approves(context, desk, page):
    log_in(page, desk, "rita", PASSWORD)
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/documents/*")
    first = int(page.url.rsplit("/", 1)[-1])
    page.keyboard.press("n")
    page.wait_for_url(lambda url: not url.endswith(f"/documents/{first}"))
    page.keyboard.press("p")
    page.wait_for_url(f"{desk}/documents/{first}")
    page.keyboard.press("a")
    page.wait_for_url(lambda url: not url.endswith(f"/documents/{first}"))
    with context.sessions() as session:
        assert session.get(Document, first).state == "loaded"


def test_the_box_of_the_field_under_the_cursor_is_drawn_on_the_page(context, desk, page):
    if not (SAMPLES / "pdf" / "facture-fr-classique.pdf").exists():
        pytest.skip("no PDF sample yet")
    log_in(page, desk, "rita", PASSWORD)
    page.goto(f"{desk}/documents/{_id(context, 'facture-fr-classique.pdf')}")
    page.wait_for_selector("figure.page img")
    assert page.evaluate("document.querySelector('figure.page img').naturalWidth") > 500
    page.hover("tr.field[data-bbox]:not([data-bbox='']) >> nth=0")
    box = page.locator("figure.page .bbox")
    assert box.count() == 1 and box.bounding_box()["width"] > 2


def test_scripts_in_documents_do_not_run(context, page, tmp_path):
    mail = (f"From: Mallory <m@evil.example>\r\nTo: adv@example.com\r\nSubject: {PAYLOAD}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            f"<html><body onload=\"alert(1)\">{PAYLOAD}<svg onload=alert(2)></svg></body></html>\r\n")
    from edifact_builders import interchange, order_body

    order = interchange([s.replace("Maison Durand SAS", PAYLOAD) for s in order_body("PO-XSS")]).replace(
        "UNT+25", "UNT+24")
    ingest(context, [write(tmp_path / "mail", "hostile.eml", mail), write(tmp_path / "edi", "hostile.edi", order)])
    make_user(context, "rita")
    with live_server(context) as url:
        log_in(page, url, "rita", PASSWORD)
        assert PAYLOAD in page.inner_text("#queue")  # the name shows as the text it is
        for source in ("hostile.eml", "hostile.edi"):
            with context.sessions() as session:
                document_id = session.scalar(select(Document.id).where(Document.source.like(f"%{source}"))
                                             .order_by(Document.id.desc()))
            page.goto(f"{url}/documents/{document_id}")
            page.wait_for_load_state("networkidle")
            assert PAYLOAD in page.inner_text("body")
        page.goto(f"{url}/dashboard")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None
        assert page.dialogs == []
        assert page.locator("img[src='x']").count() == 0
