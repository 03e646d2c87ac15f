"""Bad input gets a 400/422 naming the field, never a 500 (issue 10 item 3)."""

import pytest

from tests import factories


@pytest.fixture
def agent_api(api_client, desk):
    return api_client.as_user(desk.agent)


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_nul_byte_in_query_is_refused_naming_the_parameter(agent_api):
    response = agent_api.get("/api/v1/tickets", q="ab\x00c")
    assert response.status_code == 400
    assert _fields(response) == {"q"}


def test_nul_byte_in_json_string_is_refused_naming_the_field(agent_api):
    response = agent_api.post("/api/v1/customers", {"name": "张\u0000三"})
    assert response.status_code == 400
    assert _fields(response) == {"name"}


def test_nul_byte_in_a_form_page_is_refused(client, desk):
    client.force_login(desk.agent)
    response = client.get("/customers/", {"q": "\x00"})
    assert response.status_code == 400


def test_invalid_email_on_a_customer_names_the_field(agent_api):
    response = agent_api.post("/api/v1/customers", {"name": "张三", "email": "not-an-email"})
    assert response.status_code in {400, 422}
    assert "email" in _fields(response)


@pytest.mark.parametrize("field,limit", [("company", 100), ("address", 200), ("wechat_id", 60),
                                         ("region", 60), ("department", 60), ("notes", 5000)])
def test_over_long_customer_field_names_the_field(agent_api, field, limit):
    response = agent_api.post("/api/v1/customers", {"name": "张三", field: "长" * (limit + 1)})
    assert response.status_code in {400, 422}
    assert field in _fields(response)


def test_over_long_account_manager_on_a_ticket_names_the_field(agent_api, desk):
    cust = factories.customer(desk.agent)
    response = agent_api.post("/api/v1/tickets", {"customer_id": cust.pk, "subject": "问",
                                                  "account_manager": "王" * 61})
    assert response.status_code in {400, 422}
    assert "account_manager" in _fields(response)


@pytest.mark.parametrize("tags", [[f"t{i}" for i in range(21)], ["长" * 31]])
def test_tag_lists_are_limited_on_tickets_and_customers(agent_api, desk, tags):
    cust = factories.customer(desk.agent)
    response = agent_api.post("/api/v1/tickets", {"customer_id": cust.pk, "subject": "问", "tags": tags})
    assert response.status_code in {400, 422}
    assert "tags" in _fields(response)
    response = agent_api.patch(f"/api/v1/customers/{cust.pk}", {"version": cust.version, "tags": tags})
    assert response.status_code in {400, 422}
    assert "tags" in _fields(response)


def test_page_far_past_the_end_is_empty_not_an_error(agent_api):
    response = agent_api.get("/api/v1/tickets", page=10**19)
    assert response.status_code in {200, 422}
    response = agent_api.get("/api/v1/customers", page=10**19)
    assert response.status_code in {200, 422}
    response = agent_api.get("/api/v1/complaints", page=10**19)
    assert response.status_code in {200, 422}


def test_page_past_the_end_is_an_empty_page(agent_api, desk):
    factories.ticket(desk.agent)
    response = agent_api.get("/api/v1/tickets", page=99)
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert response.json()["count"] == 1


@pytest.mark.parametrize("params", [
    {"start": "9999-12-30T10:00:00+08:00", "working_days": 3650},
    {"start": "9999-12-31T10:00:00+08:00", "business_hours": 100000},
    {"start": "0001-01-01T00:00:00+08:00", "working_days": 1},
])
def test_deadline_far_in_the_future_or_past_names_the_field(agent_api, params):
    response = agent_api.get("/api/v1/calendar/deadline", **params)
    assert response.status_code in {400, 422}, response.content
    assert _fields(response) & {"start", "working_days", "business_hours"}


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_working_day_far_dates_answer(agent_api, day):
    response = agent_api.get("/api/v1/calendar/working-day", date=day)
    assert response.status_code in {200, 400, 422}


def test_huge_vip_level_names_the_field(agent_api):
    response = agent_api.post("/api/v1/customers", {"name": "张三", "vip_level": 10**30})
    assert response.status_code in {400, 422}
    assert "vip_level" in _fields(response)


def test_page_form_with_invalid_email_shows_the_error(client, desk):
    client.force_login(desk.agent)
    response = client.post("/customers/new/", {"name": "张三", "email": "bad", "phones": "13812345678"})
    assert response.status_code in {200, 400}


# ---- uploads ---------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(name: str, data: bytes, content_type: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_type_is_read_from_the_content_not_the_declaration(desk, media):
    from kefu.core.errors import DomainError
    from kefu.tickets.services import ticket_add_message

    ticket = factories.ticket(desk.agent)
    script = _upload("photo.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "image/png")
    with pytest.raises(DomainError) as refused:
        ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="见附件", attachments=[script])
    assert refused.value.field == "attachments"
    message = ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="见附件",
                                 attachments=[_upload("截图", PNG, "application/octet-stream")])
    assert message.attachments.get().content_type == "image/png"


def test_html_declared_as_text_is_stored_as_text(desk, media):
    from kefu.tickets.services import ticket_add_message

    ticket = factories.ticket(desk.agent)
    message = ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="见附件",
                                 attachments=[_upload("a.txt", "<script>alert(1)</script>说明".encode(), "text/html")])
    assert message.attachments.get().content_type == "text/plain"


def test_count_and_total_per_message_are_limited(desk, media, settings):
    from kefu.core.errors import DomainError
    from kefu.tickets.services import ticket_add_message

    settings.KEFU_ATTACHMENT_MAX_FILES = 3
    settings.KEFU_ATTACHMENT_MESSAGE_MAX_BYTES = 2 * len(PNG)
    ticket = factories.ticket(desk.agent)
    with pytest.raises(DomainError, match="最多 3 个"):
        ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="见附件",
                           attachments=[_upload(f"{i}.png", PNG, "image/png") for i in range(4)])
    with pytest.raises(DomainError, match="合计"):
        ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="见附件",
                           attachments=[_upload(f"{i}.png", PNG, "image/png") for i in range(3)])
    assert not ticket.messages.filter(body="见附件").exists()  # nothing half-written


def test_total_per_order_is_limited(desk, media, settings):
    from kefu.core.errors import DomainError
    from kefu.tickets.services import ticket_add_message

    settings.KEFU_ATTACHMENT_TICKET_MAX_BYTES = 3 * len(PNG)
    ticket = factories.ticket(desk.agent)
    for i in range(3):
        ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body=f"第{i}张",
                           attachments=[_upload(f"{i}.png", PNG, "image/png")])
    with pytest.raises(DomainError, match="该工单的附件合计"):
        ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="再来一张",
                           attachments=[_upload("4.png", PNG, "image/png")])


def test_api_upload_over_the_count_is_a_400_naming_attachments(agent_api, desk, media, settings):
    settings.KEFU_ATTACHMENT_MAX_FILES = 2
    ticket = factories.ticket(desk.agent)
    files = [_upload(f"{i}.png", PNG, "image/png") for i in range(3)]
    response = agent_api.post_form(f"/api/v1/tickets/{ticket.number}/messages",
                                   {"kind": "reply", "body": "见附件", "files": files})
    assert response.status_code == 400
    assert _fields(response) == {"attachments"}
