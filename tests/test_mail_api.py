"""POST /api/v1/channels/email/inbound: the raw MIME webhook for mail gateways (exact shape of issue 13)."""

import pytest

from kefu.accounts.services import token_create
from kefu.channels.email.models import Mailbox
from kefu.tickets.models import Ticket
from tests.mailfactory import mail

URL = "/api/v1/channels/email/inbound"


@pytest.fixture
def gateway(desk):
    Mailbox.objects.create(name="客服邮箱", address="service@kefu.test", department=desk.service,
                           owner=desk.supervisor)
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=desk.supervisor)}"}


def _post(client, raw: bytes, headers: dict, content_type: str = "message/rfc822"):
    return client.generic("POST", URL, raw, content_type=content_type, **headers)


def test_webhook_returns_202_with_ticket_message_and_new_ticket(client, gateway, settings):
    settings.KEFU_SMTP_URL = ""
    raw = mail(message_id="<hook-1@example.cn>")
    first = _post(client, raw, gateway)
    assert first.status_code == 202
    body = first.json()
    ticket = Ticket.objects.get()
    assert body == {"ticket": ticket.number, "message": ticket.messages.get().pk, "new_ticket": True}
    again = _post(client, raw, gateway)
    assert again.status_code == 202 and again.json() == {**body, "new_ticket": False}
    assert Ticket.objects.count() == 1 and ticket.messages.count() == 1


def test_webhook_refuses_wrong_type_missing_token_and_agents(client, gateway, desk):
    assert _post(client, mail(), gateway, content_type="text/plain").status_code == 415
    assert _post(client, mail(), {}).status_code == 401
    agent = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=desk.agent)}"}
    assert _post(client, mail(), agent).status_code == 403
    bad = _post(client, b"not a mail at all", gateway)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "body"
    assert Ticket.objects.count() == 0


def test_webhook_refuses_oversized_mail(client, gateway, settings):
    settings.KEFU_MAIL_MAX_BYTES = 2000
    assert _post(client, mail(body="长" * 3000), gateway).status_code == 413


def test_openapi_declares_the_raw_body_and_statuses(client, settings):
    settings.KEFU_PUBLIC_API_DOCS = True  # the schema is behind login by default (issue 10)
    spec = client.get("/api/v1/openapi.json").json()
    op = spec["paths"][URL]["post"]
    assert "message/rfc822" in op["requestBody"]["content"]
    assert {"202", "401", "403", "413", "415"} <= set(op["responses"])
