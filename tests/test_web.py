"""The review desk (adv web) through FastAPI's test client: logins, roles, CSRF, the queue, the document
page and its actions, lost updates, hostile documents, page images and the dashboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from edifact_builders import GTIN_A, interchange, order_body
from fastapi.testclient import TestClient
from sqlalchemy import select
from browser.desk import PASSWORD, csrf, ingest, logged_in, make_user, write

from pipeline.db.models import AuditEvent, Document, Order
from pipeline.users import Role
from pipeline.web.app import create_app

SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def bad_gtin_order(number: str = "PO-1001", ref: str = "REF1", buyer: str = "Maison Durand SAS") -> str:
    body = [s.replace(f"LIN+1++{GTIN_A}", f"LIN+1++{GTIN_A[:-1]}0").replace("Maison Durand SAS", buyer)
            for s in order_body(number)]
    return interchange(body, ref=ref)


def document_id(context, number: str) -> int:
    with context.sessions() as session:
        return session.scalar(select(Document.id).where(Document.number == number, Document.parent_id.is_not(None)))


def state(context, doc_id: int) -> tuple[str, int]:
    with context.sessions() as session:
        row = session.get(Document, doc_id)
        return row.state, row.version


def audit(context, doc_id: int) -> list[tuple[str, str, str | None]]:
    with context.sessions() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.document_id == doc_id).order_by(AuditEvent.id))
        return [(row.actor, row.action, row.to_state) for row in rows]


def form(client: TestClient, doc_id: int, **values) -> dict[str, str]:
    """What the document page's forms send: the session's CSRF token and the version shown."""
    page = client.get(f"/documents/{doc_id}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return {"csrf_token": csrf(client, f"/documents/{doc_id}"), "version": version, **values}


@pytest.fixture
def orders(context, tmp_path) -> dict[str, int]:
    """Two orders in review (a bad GTIN each), one from a buyer whose name is a script."""
    inbox = tmp_path / "in"
    ingest(context, [write(inbox, "po1.edi", bad_gtin_order("PO-1001", "REF1")),
                     write(inbox, "po2.edi", bad_gtin_order("PO-2002", "REF2", buyer=SCRIPT))])
    return {"PO-1001": document_id(context, "PO-1001"), "PO-2002": document_id(context, "PO-2002")}


# -- logging in and roles --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/queue", "/queue?code=INVALID_GTIN", "/documents/1", "/documents/1/raw",
                                  "/documents/1/pages/1.png", "/dashboard", "/dashboard/backlog-by-age.svg",
                                  "/dashboard/backlog-by-age.csv"])
def test_nothing_is_visible_without_logging_in(context, path):
    response = TestClient(create_app(context)).get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_login_with_a_wrong_password_is_refused_and_the_right_one_opens_the_queue(context):
    make_user(context, "rita")
    client = TestClient(create_app(context))
    wrong = client.post("/login", data={"name": "rita", "password": "nope", "csrf_token": csrf(client)})
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    unknown = client.post("/login", data={"name": "nobody", "password": PASSWORD, "csrf_token": csrf(client)})
    assert unknown.status_code == 401
    right = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf_token": csrf(client),
                                         "next": "/dashboard"}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/dashboard"
    cookie = right.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/queue").status_code == 200


def test_login_never_redirects_to_another_site(context):
    make_user(context, "rita")
    client = TestClient(create_app(context))
    response = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf_token": csrf(client),
                                           "next": "//evil.example/x"}, follow_redirects=False)
    assert response.headers["location"] == "/queue"


def test_a_disabled_account_is_logged_out_at_once(context):
    client = logged_in(context, "rita")
    from pipeline.users import set_active

    with context.sessions() as session:
        set_active(session, "rita", False)
        session.commit()
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_viewers_see_everything_and_change_nothing(context, orders):
    client = logged_in(context, "vera", Role.VIEWER)
    doc = orders["PO-1001"]
    page = client.get(f"/documents/{doc}")
    assert page.status_code == 200 and "PO-1001" in page.text
    assert 'action="/documents/%d/approve' % doc not in page.text and 'class="fix"' not in page.text
    token = csrf(client, "/queue")
    for action, data in [("approve", {}), ("reject", {"reason": "no"}), ("retry", {}),
                         ("fix", {"field": "lines[0].gtin", "value": GTIN_A})]:
        response = client.post(f"/documents/{doc}/{action}", data={"csrf_token": token, "version": "1", **data})
        assert response.status_code == 403 and "viewer" in response.text
    assert state(context, doc) == ("needs_review", 1)


# -- CSRF ------------------------------------------------------------------------------------------


def test_forms_without_the_session_token_are_refused(context, orders):
    client = logged_in(context)
    doc = orders["PO-1001"]
    assert client.post(f"/documents/{doc}/approve", data={"version": "1"}).status_code == 403
    refused = client.post(f"/documents/{doc}/approve", data={"version": "1", "csrf_token": "forged"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    other = logged_in(context, "otto")  # a token of another session does not do either
    refused = client.post(f"/documents/{doc}/approve", data={"version": "1", "csrf_token": csrf(other, "/queue")})
    assert refused.status_code == 403
    cross_site = client.post(f"/documents/{doc}/approve", data=form(client, doc),
                             headers={"origin": "http://evil.example"})
    assert cross_site.status_code == 403
    assert client.post("/login", data={"name": "rita", "password": PASSWORD}).status_code == 403
    assert state(context, doc) == ("needs_review", 1)


# -- the queue -------------------------------------------------------------------------------------


def test_the_queue_lists_documents_in_review_oldest_first_with_filters_and_counts(context, orders, tmp_path):
    ingest(context, [write(tmp_path / "more", "po3.edi", interchange(order_body("PO-3003"), ref="REF3")
                           .replace("UNT+25", "UNT+24"))], channel="email")
    client = logged_in(context)
    page = client.get("/queue").text
    assert "3 documents waiting for review" in page
    assert page.index("PO-1001") < page.index("PO-2002") < page.index("PO-3003")
    assert re.search(r'code=INVALID_GTIN">INVALID_GTIN</a> <span class="count">2</span>', page)
    assert re.search(r'channel=email">email</a> <span class="count">1</span>', page)
    by_code = client.get("/queue?code=EDI_UNT_COUNT").text
    assert "1 document waiting" in by_code and "PO-3003" in by_code and "PO-1001" not in by_code
    by_sender = client.get("/queue?sender=durand").text
    assert "PO-1001" in by_sender and "PO-2002" not in by_sender
    assert "PO-1001" not in client.get("/queue?age=24").text  # nothing has waited a day yet
    assert client.get("/queue?age=not-a-number&page=-3").status_code == 200


def test_the_queue_pages_through_many_documents(context):
    from browser.bench_loader import fill_queue

    fill_queue(context, 120)
    client = logged_in(context)
    first = client.get("/queue").text
    assert "1–50 of 120" in first and 'rel="next" href="/queue?page=2"' in first
    last = client.get("/queue?page=3").text
    assert "101–120 of 120" in last and 'rel="prev"' in last and 'rel="next"' not in last
    assert "101–120 of 120" in client.get("/queue?page=99").text


# -- the document page and its actions -------------------------------------------------------------


def test_the_document_page_shows_segments_fields_findings_and_provenance(context, orders):
    client = logged_in(context)
    doc = orders["PO-1001"]
    page = client.get(f"/documents/{doc}").text
    assert re.search(r'<li id="seg-\d+" value="\d+" class="used\s*">BGM\+220\+PO-1001\+9&#39;</li>', page)
    assert 'data-path="lines[0].gtin"' in page and "INVALID_GTIN" in page
    assert "LIN segment" in page and "100%" in page  # where the value came from, and how sure
    assert 'rel="next"' in page and "1 of 2" in page


def test_fixing_a_field_revalidates_loads_and_audits_the_user(context, orders):
    client = logged_in(context, "rita")
    doc = orders["PO-1001"]
    response = client.post(f"/documents/{doc}/fix", data=form(client, doc, field="lines[0].gtin", value=GTIN_A),
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/documents/{doc}"
    assert state(context, doc)[0] == "loaded"
    assert ("rita", "fix", "needs_review") in audit(context, doc) and ("rita", "revalidate", "loaded") in audit(context, doc)
    page = client.get(f"/documents/{doc}").text
    assert "is loaded" in page and "corrected by a person" in page


def test_a_fix_that_leaves_errors_shows_them_then_approve_loads(context, orders):
    client = logged_in(context, "rita")
    doc = orders["PO-1001"]
    client.post(f"/documents/{doc}/fix", data=form(client, doc, field="number", value="PO-1001-A"))
    page = client.get(f"/documents/{doc}").text
    assert "INVALID_GTIN" in page and state(context, doc) == ("needs_review", 2)
    response = client.post(f"/documents/{doc}/approve", data=form(client, doc, reason="checked by phone"),
                           follow_redirects=False)
    assert response.headers["location"] == f"/documents/{orders['PO-2002']}"  # on to the next one
    assert state(context, doc)[0] == "loaded"
    with context.sessions() as session:
        assert session.scalar(select(Order.number).where(Order.document_id == doc)) == "PO-1001-A"
    assert ("rita", "approve", "needs_review") in audit(context, doc)


def test_reject_needs_a_reason(context, orders):
    client = logged_in(context, "rita")
    doc = orders["PO-1001"]
    refused = client.post(f"/documents/{doc}/reject", data=form(client, doc, reason="  "))
    assert state(context, doc)[0] == "needs_review"
    assert "needs a reason" in refused.text  # shown on the document page the refusal leads back to
    client.post(f"/documents/{doc}/reject", data=form(client, doc, reason="wrong customer"))
    assert state(context, doc)[0] == "rejected" and ("rita", "reject", "rejected") in audit(context, doc)


def test_retry_runs_the_pipeline_again(context, orders):
    client = logged_in(context, "rita")
    doc = orders["PO-1001"]
    client.post(f"/documents/{doc}/retry", data=form(client, doc))
    assert state(context, doc) == ("needs_review", 2) and ("rita", "retry", "needs_review") in audit(context, doc)


def test_an_action_on_a_document_someone_else_just_changed_is_refused(context, orders):
    rita, otto = logged_in(context, "rita"), logged_in(context, "otto")
    doc = orders["PO-1001"]
    ritas_form, ottos_form = form(rita, doc, field="number", value="PO-1"), form(otto, doc, reason="fine")
    assert rita.post(f"/documents/{doc}/fix", data=ritas_form).status_code == 200
    refused = otto.post(f"/documents/{doc}/approve", data=ottos_form)
    assert refused.status_code == 409
    assert "changed by someone else" in refused.text and "not saved" in refused.text
    assert state(context, doc) == ("needs_review", 2)
    assert [a for a in audit(context, doc) if a[0] == "otto"] == []
    assert otto.post(f"/documents/{doc}/approve", data={**ottos_form, "version": ""}).status_code == 400


def test_proposals_from_earlier_corrections_of_the_sender_are_one_click(context, orders):
    client = logged_in(context, "rita")
    first, second = orders["PO-1001"], orders["PO-2002"]
    client.post(f"/documents/{first}/fix", data=form(client, first, field="lines[0].gtin", value=GTIN_A))
    page = client.get(f"/documents/{second}").text
    assert f"use “{GTIN_A}”" in page
    proposal = re.search(r'<form method="post" action="(/documents/\d+/fix)" class="proposal">.*?</form>', page, re.S)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', proposal.group(0)))
    assert fields["field"] == "lines[0].gtin" and fields["value"] == GTIN_A
    client.post(proposal.group(1), data=fields)
    assert state(context, second)[0] == "loaded"


# -- bad input -------------------------------------------------------------------------------------


def test_hostile_names_render_as_inert_text_under_a_content_security_policy(context, orders):
    client = logged_in(context)
    for path in ("/queue", f"/documents/{orders['PO-2002']}", "/dashboard"):
        response = client.get(path)
        assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/queue").text
    svg = client.get("/dashboard/touchless-by-sender.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<script" not in svg.text
    assert "sandbox" in svg.headers["content-security-policy"]


def test_a_script_in_an_email_subject_and_body_is_shown_as_text(context, tmp_path):
    mail = (f"From: Mallory <m@evil.example>\r\nTo: adv@example.com\r\nSubject: {SCRIPT}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            f"<html><body onload=alert(3)>{SCRIPT}<svg onload=alert(4)></svg></body></html>\r\n")
    ingest(context, [write(tmp_path / "mail", "hostile.eml", mail)], channel="email")
    with context.sessions() as session:
        doc = session.scalar(select(Document.id).where(Document.source.like("%hostile.eml")))
    page = logged_in(context).get(f"/documents/{doc}").text
    assert "<script>" not in page and "<svg onload" not in page and "<body onload" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "shown as source" in page


def test_raw_documents_download_inert_and_take_ids_only(context, orders):
    client = logged_in(context)
    raw = client.get(f"/documents/{orders['PO-1001']}/raw")
    assert raw.status_code == 200 and raw.content.startswith(b"UNA")
    assert raw.headers["content-type"] == "application/octet-stream"
    assert raw.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in raw.headers["content-security-policy"]
    for path in ("/documents/999999", "/documents/999999/raw", "/documents/999999/pages/1.png",
                 f"/documents/{orders['PO-1001']}/pages/1.png"):
        response = client.get(path)
        assert response.status_code == 404, path
    for path in ("/documents/..%2F..%2Fetc%2Fpasswd/raw", "/documents/%2Fetc%2Fpasswd/raw", "/documents/abc"):
        assert client.get(path).status_code in (400, 404), path
    assert client.post("/documents/999999/approve", data={"csrf_token": csrf(client, "/queue"),
                                                          "version": "1"}).status_code == 404


def test_pdf_pages_are_rendered_once_and_cached_in_the_raw_store(context, tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    pdf.new_page(595, 842)
    path = tmp_path / "scan.pdf"
    pdf.save(path)
    ingest(context, [path])
    with context.sessions() as session:
        doc = session.scalar(select(Document).where(Document.source.like("%scan.pdf")))
    client = logged_in(context)
    page = client.get(f"/documents/{doc.id}").text
    assert f'src="/documents/{doc.id}/pages/2.png"' in page and 'data-width="595.0"' in page
    image = client.get(f"/documents/{doc.id}/pages/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    cached = context.store.fs.glob(f"{context.store.root}/derived/{doc.sha256[:2]}/{doc.sha256}/*")
    assert sorted(Path(p).name for p in cached) == ["page-1.png", "page-2.png", "pages.json"]
    assert client.get(f"/documents/{doc.id}/pages/3.png").status_code == 404


# -- dashboard -------------------------------------------------------------------------------------


def test_the_dashboard_draws_every_chart_with_its_csv(context, orders):
    client = logged_in(context, "rita")
    client.post(f"/documents/{orders['PO-1001']}/fix",
                data=form(client, orders["PO-1001"], field="lines[0].gtin", value=GTIN_A))
    page = client.get("/dashboard").text
    names = re.findall(r'<img src="/dashboard/([\w-]+)\.svg"', page)
    assert len(names) == 5
    for name in names:
        svg = client.get(f"/dashboard/{name}.svg")
        assert svg.status_code == 200 and b"<svg" in svg.content[:500]
        csv = client.get(f"/dashboard/{name}.csv")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "INVALID_GTIN,1" in client.get("/dashboard/finding-codes.csv").text
    assert client.get("/dashboard/backlog-by-age.csv").text.splitlines()[1] == "under 1 h,1"
    by_sender = client.get("/dashboard/touchless-by-sender.csv").text
    assert "Maison Durand SAS (3012345000017),2,0,0.0" in by_sender  # one fixed by a person, one waiting
    assert client.get("/dashboard/nope.svg").status_code == 404


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(context, tmp_path):
    ingest(context, [write(tmp_path / "in", "po.edi", bad_gtin_order(buyer="=HYPERLINK(1)"))])
    csv = logged_in(context).get("/dashboard/touchless-by-sender.csv").text
    assert "'=HYPERLINK(1) (" in csv


# -- accounts on the command line ------------------------------------------------------------------


def test_adv_users_adds_lists_and_disables_accounts(adv_env):
    from typer.testing import CliRunner

    from pipeline.cli import app

    runner = CliRunner()
    added = runner.invoke(app, ["users", "add", "rita", "--role", "viewer"], input="a long password\n")
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, ["users", "add", "rita"], input="a long password\n").exit_code == 2  # taken
    assert runner.invoke(app, ["users", "add", "bob"], input="short\n").exit_code == 2
    assert runner.invoke(app, ["users", "role", "rita", "reviewer"]).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "rita"]).exit_code == 0
    listing = runner.invoke(app, ["users", "list"]).stdout
    assert "rita" in listing and "reviewer" in listing and "no" in listing
    assert "review desk" in runner.invoke(app, ["web", "--help"]).stdout


def test_the_first_start_creates_an_admin_once(context):
    from pipeline.users import authenticate
    from pipeline.web.demo import first_admin

    password = first_admin(context)
    assert password and first_admin(context) is None
    with context.sessions() as session:
        assert authenticate(session, "admin", password).role == "admin"
