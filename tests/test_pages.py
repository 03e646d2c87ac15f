import pytest
from django.core.cache import cache
from django.urls import reverse

from kefu.tickets.models import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _login(client, user):
    client.force_login(user)
    return client


def test_pages_require_login(client):
    response = client.get(reverse("tickets:inbox"))
    assert response.status_code == 302 and "/login/" in response.url


def test_login_is_rate_limited(desk, client, settings):
    settings.KEFU_LOGIN_MAX_ATTEMPTS = 3
    for _ in range(3):
        assert client.post("/login/", {"username": desk.agent.username, "password": "wrong"}).status_code == 200
    locked = client.post("/login/", {"username": desk.agent.username, "password": factories.PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_with_right_password_works(desk, client):
    response = client.post("/login/", {"username": desk.agent.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(desk.agent.pk)


def test_workspace_is_chinese_by_default_even_for_english_browsers(desk, client):
    _login(client, desk.agent)
    response = client.get(reverse("tickets:inbox"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "工单收件箱" in response.content.decode()


def test_english_switch(desk, client):
    _login(client, desk.agent)
    client.post("/i18n/setlang/", {"language": "en", "next": "/tickets/"})
    response = client.get(reverse("tickets:inbox"))
    assert response["Content-Language"] == "en"
    assert "Inbox" in response.content.decode()


def test_inbox_query_count_does_not_grow_with_rows(desk, client, django_assert_max_num_queries):
    _login(client, desk.supervisor)
    factories.ticket(desk.agent)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("tickets:inbox") + "?view=all").status_code == 200
    for _ in range(30):
        factories.ticket(desk.teammate)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("tickets:inbox") + "?view=all")


def test_customer_list_query_count_does_not_grow_with_rows(desk, client, django_assert_max_num_queries):
    _login(client, desk.agent)
    factories.customer()
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("customers:list"))
    for _ in range(30):
        factories.customer()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("customers:list"))


def test_customer_text_is_escaped(desk, client):
    customer = factories.customer(name="<script>alert(1)</script>")
    ticket = factories.ticket(desk.agent, customer, subject="<img src=x onerror=alert(2)>",
                              body="<b>加粗</b>")
    _login(client, desk.agent)
    for url in (reverse("tickets:detail", args=[ticket.number]), reverse("tickets:inbox"),
                reverse("customers:detail", args=[customer.pk])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x" not in html
        assert "<b>加粗</b>" not in html


def test_other_teams_order_page_is_404(desk, client):
    foreign = factories.ticket(desk.other_agent, subject="二组机密")
    _login(client, desk.agent)
    response = client.get(reverse("tickets:detail", args=[foreign.number]))
    assert response.status_code == 404


def test_phones_masked_on_pages_for_handler(desk, client):
    from kefu.tickets.services import ticket_dispatch

    ticket = factories.ticket(desk.agent, factories.customer(phones=["13812345678"]))
    ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.aftersales)
    _login(client, desk.handler)
    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    html = client.get(reverse("customers:detail", args=[ticket.customer.pk])).content.decode()
    assert "13812345678" not in html


def test_reply_form_writes_message_and_history(desk, client):
    ticket = factories.ticket(desk.agent)
    _login(client, desk.agent)
    client.post(reverse("tickets:message", args=[ticket.number]), {"kind": "reply", "body": "您好，已为您查询"})
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "您好，已为您查询" in html and "回复客户" in html


def test_stale_form_shows_conflict_message_and_keeps_first_write(desk, client):
    ticket = factories.ticket(desk.agent)
    _login(client, desk.agent)
    url = reverse("tickets:fields", args=[ticket.number])
    client.post(url, {"version": ticket.version, "priority": "high"})
    response = client.post(url, {"version": ticket.version, "priority": "low"}, follow=True)
    assert "已被他人修改" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.priority == "high"


def test_qa_cannot_create_orders(desk, client):
    _login(client, desk.qa)
    assert client.get(reverse("tickets:create")).status_code == 403


def test_overview_for_supervisor_only(desk, client):
    factories.ticket(desk.agent)
    _login(client, desk.agent)
    assert client.get(reverse("tickets:overview")).status_code == 403
    _login(client, desk.supervisor)
    response = client.get(reverse("tickets:overview"))
    assert response.status_code == 200 and "坐席负载" in response.content.decode()


def test_create_order_page_with_new_customer_and_intake(desk, client):
    _login(client, desk.agent)
    response = client.post(reverse("tickets:create"), {
        "new_customer_name": "钱多多", "new_customer_salutation": "mr", "new_customer_phone": "13600001111",
        "subject": "咨询地板价格", "body": "想了解实木地板", "type": "consultation", "channel": "phone",
        "priority": "normal", "intake_budget": "2万", "intake_invoice": "需要",
    })
    assert response.status_code == 302
    from kefu.customers.models import Customer

    customer = Customer.objects.get(name="钱多多")
    assert customer.intake == {"budget": "2万", "invoice": "需要"}
    assert customer.tickets.get().first_responder == desk.agent


def test_supervisor_edits_phrases_agent_cannot(desk, client):
    from kefu.phrases.models import Phrase

    _login(client, desk.agent)
    client.post(reverse("phrases:create"), {"situation": "thanks", "text": "谢谢您", "is_active": "on"})
    assert not Phrase.objects.filter(text="谢谢您").exists()
    _login(client, desk.supervisor)
    client.post(reverse("phrases:create"), {"situation": "thanks", "text": "谢谢您", "is_active": "on"})
    assert Phrase.objects.filter(text="谢谢您").exists()


def test_missing_calendar_year_warns_admins_everywhere_and_supervisors_on_their_pages(desk, client, monkeypatch):
    from datetime import date

    from kefu.sla import hooks
    from kefu.sla.models import Calendar, CalendarException, SlaPolicy
    from kefu.sla.seed import seed_defaults

    if not Calendar.objects.exists():  # an earlier transactional test may have flushed the seeded rows
        seed_defaults(Calendar, CalendarException, SlaPolicy)
    monkeypatch.setattr(hooks.timezone, "localdate", lambda: date(2026, 11, 22))
    _login(client, desk.admin)
    assert 'data-missing-years="2027"' in client.get(reverse("tickets:inbox")).content.decode()
    _login(client, desk.supervisor)
    assert "data-missing-years" not in client.get(reverse("tickets:inbox")).content.decode()
    assert 'data-missing-years="2027"' in client.get(reverse("tickets:overview")).content.decode()
    _login(client, desk.agent)
    assert "data-missing-years" not in client.get(reverse("tickets:inbox")).content.decode()


def test_merge_into_an_invisible_order_is_refused_with_a_message(desk, client):
    own = factories.ticket(desk.agent)
    foreign = factories.ticket(desk.other_agent)
    _login(client, desk.agent)
    response = client.post(reverse("tickets:merge", args=[own.number]), {"into": foreign.number}, follow=True)
    assert f"找不到工单 {foreign.number}" in response.content.decode()
    own.refresh_from_db()
    assert own.merged_into is None
