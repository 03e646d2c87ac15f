"""Headers (issue 10 item 4): a CSP without inline scripts, HSTS and Secure cookies over HTTPS,
Referrer-Policy, frame denial; the API docs behind login unless a setting opens them."""

import re
from pathlib import Path

import pytest

from kefu.accounts.services import token_create
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def test_pages_carry_csp_referrer_and_frame_headers(desk, client):
    client.force_login(desk.agent)
    response = client.get("/tickets/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


def test_https_gets_hsts_and_secure_cookies(desk, client):
    response = client.post("/login/", {"username": desk.agent.username, "password": factories.PASSWORD},
                           secure=True)
    assert response.status_code == 302
    assert "max-age=" in response["Strict-Transport-Security"]
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True
    plain = client.post("/login/", {"username": desk.agent.username, "password": factories.PASSWORD})
    if "sessionid" in plain.cookies:
        assert not plain.cookies["sessionid"]["secure"]


def test_no_template_has_inline_scripts_or_handlers():
    offenders = []
    for path in ROOT.joinpath("kefu").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text) or "hx-vals='js:" in text or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_api_docs_need_a_login_by_default(db, client):
    assert client.get("/api/v1/docs").status_code == 302
    assert client.get("/api/v1/openapi.json").status_code == 401


def test_api_docs_for_signed_in_users_and_token_holders(desk, client):
    raw = token_create(user=desk.agent)
    assert client.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    client.force_login(desk.agent)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui-init.js" in docs.content


def test_api_docs_can_be_opened_by_a_setting(db, client, settings):
    settings.KEFU_PUBLIC_API_DOCS = True
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_customer_lookup_works_without_script_computed_values(desk, client):
    cust = factories.customer(desk.agent, name="欧阳查找")
    client.force_login(desk.agent)
    response = client.get("/customers/lookup/", {"lookup": "欧阳"}, HTTP_HX_REQUEST="true")
    assert str(cust.pk) in response.content.decode() and "欧阳查找" in response.content.decode()


# ---- in a browser: no page violates the policy -------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_run_under_the_csp_without_violations(page, live_server, desk):
    from tests.test_complaint_support import ensure_seed_data, walk_to

    ensure_seed_data()
    complaint = walk_to(desk, "recorded")
    ticket = complaint.ticket
    cust = ticket.customer
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    from tests.conftest import login

    login(page, live_server, desk.admin.username)
    paths = ["/tickets/", f"/tickets/{ticket.number}/", "/tickets/new/", "/customers/", f"/customers/{cust.pk}/",
             f"/customers/{cust.pk}/edit/", "/complaints/", f"/complaints/{ticket.number}/", "/complaints/new/",
             "/complaints/analysis/", f"/complaints/{ticket.number}/print/", "/phrases/", "/notifications/",
             "/calendars/", "/security/tokens/", "/security/audit/", "/security/two-factor/", "/api/v1/docs",
             "/admin/"]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status < 500, path
        page.wait_for_load_state("networkidle")
    assert violations == []
    # The language switch (was an inline onchange) still submits.
    page.goto(live_server.url + "/tickets/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
