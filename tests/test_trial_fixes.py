"""Regressions for what a new-user trial found in the workspace."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kefu.core.errors import DomainError
from kefu.customers.selectors import customer_search
from kefu.notifications.models import Notification
from kefu.tickets import services
from kefu.tickets.models import Status, Ticket
from kefu.tickets.templatetags.tickets import due_badge
from tests import factories

pytestmark = pytest.mark.django_db


def test_merged_order_cannot_be_reopened(desk):
    customer = factories.customer()
    target = factories.ticket(desk.agent, customer)
    duplicate = factories.ticket(desk.agent, customer)
    services.ticket_merge(source=duplicate, target=target, by=desk.agent)
    with pytest.raises(DomainError, match="已合并"):
        services.ticket_set_status(ticket=duplicate, by=desk.agent, status=Status.OPEN)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED


def test_inbox_search_finds_orders_by_the_callers_number(desk, client):
    ticket = factories.ticket(desk.agent, factories.customer(phones=["13577446522"]))
    client.force_login(desk.agent)
    html = client.get(reverse("tickets:inbox"), {"q": "13577446522", "view": "all", "status": ""}).content.decode()
    assert ticket.number in html


def test_customer_list_counts_only_visible_orders(desk):
    customer = factories.customer()
    factories.ticket(desk.agent, customer)
    factories.ticket(desk.other_agent, customer)
    assert customer_search(desk.agent).get(pk=customer.pk).ticket_count == 1
    assert customer_search(desk.supervisor).get(pk=customer.pk).ticket_count == 2


def test_opening_a_notification_marks_it_read_and_follows_it(desk, client):
    notice = Notification.objects.create(user=desk.agent, text="工单 GD1 已转给您", url="/tickets/")
    client.force_login(desk.agent)
    response = client.get(reverse("notification_open", args=[notice.pk]))
    assert response.status_code == 302 and response.url == "/tickets/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_someone_elses_notification_is_404(desk, client):
    notice = Notification.objects.create(user=desk.teammate, text="私人通知", url="/tickets/")
    client.force_login(desk.agent)
    assert client.get(reverse("notification_open", args=[notice.pk])).status_code == 404


def test_notification_never_redirects_off_site(desk, client):
    notice = Notification.objects.create(user=desk.agent, text="外链", url="https://evil.example/")
    client.force_login(desk.agent)
    assert client.get(reverse("notification_open", args=[notice.pk])).url == reverse("notifications")


def test_not_found_page_is_the_workspace_in_chinese(desk, client, settings):
    settings.DEBUG = False
    foreign = factories.ticket(desk.other_agent)
    client.force_login(desk.agent)
    response = client.get(reverse("tickets:detail", args=[foreign.number]))
    assert response.status_code == 404
    assert "页面不存在或无权查看" in response.content.decode()


def test_waiting_order_shows_a_paused_clock_not_a_countdown():
    sh = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 11, 2, 10, tzinfo=sh)
    order = Ticket(status="waiting", created_at=now, due_at=now + timedelta(hours=5), due_paused=True)
    assert "已暂停" in due_badge(order, now=now)


def test_api_answers_chinese_as_chinese(desk, api_client):
    factories.ticket(desk.agent, subject="投诉送货延误")
    body = api_client.as_user(desk.agent).get("/api/v1/tickets").content.decode()
    assert "投诉送货延误" in body


def test_api_docs_load_their_assets_locally(client, desk):
    client.force_login(desk.agent)  # the docs are behind login (issue 10)
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html.split("<body")[0]


def test_demo_customers_are_addressed_by_their_gender_and_few_notices_stay_unread(capsys):
    from django.core.management import call_command

    from kefu.customers.models import Customer

    call_command("demo")
    assert Customer.objects.get(name="王伟").address_form == "王先生"
    assert Customer.objects.filter(name__endswith="芳").first().address_form.endswith("女士")
    from kefu.accounts.models import User

    assert all(u.notifications.filter(read_at__isnull=True).count() <= 8 for u in User.objects.all())


def test_history_stores_codes_whatever_language_the_actor_reads_and_renders_in_the_readers(desk):
    from django.utils import translation

    from kefu.tickets import events

    ticket = factories.ticket(desk.agent)
    with translation.override("en"):
        services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.WAITING)
    event = ticket.events.get(code="ticket.status_changed")
    assert event.params == {"old": "new", "new": "waiting"}
    line = events.render(event)
    assert (line.old, line.new) == ("新建", "等待客户")
    with translation.override("en"):
        line = events.render(event)
    assert (line.title, line.old, line.new) == ("Status changed", "New", "Waiting on customer")


def test_language_does_not_outlive_the_request(desk, client):
    from django.utils import translation

    client.force_login(desk.agent)
    client.cookies["django_language"] = "en"
    client.get(reverse("tickets:inbox"))
    assert translation.get_language() == "zh-hans"
