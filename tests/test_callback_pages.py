"""Callback pages: the supervisor plans, edits, reviews, exports and archives; the agent works the queue."""

from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from kefu.callbacks.models import CallbackScript, CallbackTask, Campaign, DoNotCall
from tests import factories
from tests.callback_helpers import at, resolved_order

pytestmark = pytest.mark.django_db
MONDAY = at(2026, 11, 16, 10, 0)


@pytest.fixture
def monday(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY)


def _plan(client, desk, **extra):
    client.force_login(desk.supervisor)
    data = {"name": "宽带安装回访", "kind": "resolved_orders", "from": "2026-11-01", "to": "2026-11-15",
            "script": CallbackScript.objects.get().pk, "agents": [desk.agent.username], "exclude_days": "30",
            "review_percent": "100", "windows": "09:00-12:00,13:30-18:00", **extra}
    return client.post("/callbacks/campaigns/new/", data)


def test_supervisor_plans_a_campaign_on_the_page(client, desk, monday):
    resolved_order(desk.agent, when=at(2026, 11, 3, 15))
    assert client.get("/callbacks/campaigns/new/").status_code == 302  # not signed in
    response = _plan(client, desk)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == f"/callbacks/campaigns/{campaign.pk}/"
    page = client.get(response.url).content.decode()
    assert "宽带安装回访" in page and 'data-testid="report"' in page
    assert client.get("/callbacks/campaigns/").status_code == 200


def test_a_refused_plan_shows_the_reason_and_keeps_the_form(client, desk, monday):
    response = _plan(client, desk, name="空计划")
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有符合条件的回访对象" in page and 'value="空计划"' in page


def test_agent_works_the_queue_and_is_sent_to_the_next_callback(client, desk, monday):
    for day in (3, 4):
        resolved_order(desk.agent, when=at(2026, 11, day, 15))
    _plan(client, desk)
    first, second = CallbackTask.objects.order_by("id")
    client.force_login(desk.agent)
    queue = client.get("/callbacks/").content.decode()
    assert f"/callbacks/tasks/{first.pk}/" in queue
    page = client.get(f"/callbacks/tasks/{first.pk}/?path=0.1").content.decode()
    assert "请问是哪一类问题" in page and "设备问题" in page  # the fault question after "有问题"
    assert first.customer.phones[0] in page  # agents see the number they call
    response = client.post(f"/callbacks/tasks/{first.pk}/attempt/", {"result": "reached", "path": "0.0.1.0"})
    assert response.status_code == 302 and response.url == "/callbacks/next/"
    assert client.get(response.url).url == f"/callbacks/tasks/{second.pk}/"
    first.refresh_from_db()
    assert first.state == "done" and first.satisfied is True


def test_masked_phone_for_an_agent_without_personal_data(client, desk, monday):
    resolved_order(desk.agent, when=at(2026, 11, 3, 15))
    desk.agent.can_view_personal_data = False
    desk.agent.save()
    _plan(client, desk)
    task = CallbackTask.objects.get()
    client.force_login(desk.agent)
    page = client.get(f"/callbacks/tasks/{task.pk}/").content.decode()
    assert task.customer.phones[0] not in page and task.customer.phones[0][:3] + "****" in page


def test_agents_cannot_open_the_supervisor_pages(client, desk):
    client.force_login(desk.agent)
    for url in ("/callbacks/campaigns/", "/callbacks/campaigns/new/", "/callbacks/scripts/", "/callbacks/do-not-call/"):
        assert client.get(url).status_code == 403, url
    client.force_login(desk.handler)
    assert client.get("/callbacks/").status_code == 403


def test_review_export_and_archive_on_the_pages(client, desk, monday):
    resolved_order(desk.agent, when=at(2026, 11, 3, 15))
    _plan(client, desk)
    campaign, task = Campaign.objects.get(), CallbackTask.objects.get()
    client.force_login(desk.agent)
    client.post(f"/callbacks/tasks/{task.pk}/attempt/", {"result": "reached", "path": "0.1.0.1.0", "note": "还没修好"})
    client.force_login(desk.supervisor)
    review = client.get(f"/callbacks/campaigns/{campaign.pk}/review/").content.decode()
    assert "还没修好" in review and f'data-testid="review-{task.pk}"' in review
    client.post(f"/callbacks/tasks/{task.pk}/review/", {"verdict": "approved"})
    book = load_workbook(BytesIO(client.get(f"/callbacks/campaigns/{campaign.pk}/export.xlsx").content))
    detail = list(book.worksheets[1].values)
    assert detail[1][0] == task.customer.name and detail[1][6] == "已接通" and detail[1][7] == "不满意"
    assert detail[1][10].startswith("GD")
    client.post(f"/callbacks/campaigns/{campaign.pk}/archive/")
    campaign.refresh_from_db()
    assert campaign.state == "archived"


def test_script_editor_names_the_broken_line_and_saves_a_good_one(client, desk):
    client.force_login(desk.supervisor)
    script = CallbackScript.objects.get()
    response = client.post(f"/callbacks/scripts/{script.pk}/", {"name": script.name, "is_active": "1",
                                                               "text": "[a] 开场\n您好\n- 好 -> nowhere\n"})
    assert response.status_code == 400 and "第 3 行" in response.content.decode()
    script.refresh_from_db()
    assert "greet" in script.tree["nodes"]  # unchanged
    text = "[a] 开场\n您好，{称呼}\n- 好 -> b\n[b] 满意度\n满意吗？\n- 满意 -> end | satisfied=yes\n"
    response = client.post(f"/callbacks/scripts/{script.pk}/", {"name": script.name, "is_active": "1", "text": text})
    script.refresh_from_db()
    assert response.status_code == 302 and script.tree["start"] == "a" and script.version == 2


def test_do_not_call_list_on_its_page(client, desk):
    client.force_login(desk.supervisor)
    client.post("/callbacks/do-not-call/", {"phone": "138 0013 8000", "reason": "客户要求"})
    assert DoNotCall.objects.get().phone == "13800138000"
    assert "客户要求" in client.get("/callbacks/do-not-call/").content.decode()


def test_the_order_pages_show_the_callback_both_ways(client, desk, monday):
    order = resolved_order(desk.agent, when=at(2026, 11, 3, 15))
    _plan(client, desk)
    task = CallbackTask.objects.get()
    client.force_login(desk.agent)
    client.post(f"/callbacks/tasks/{task.pk}/attempt/", {"result": "reached", "path": "0.1.0.1.0"})
    task.refresh_from_db()
    source_page = client.get(f"/tickets/{order.number}/").content.decode()
    assert 'data-testid="callbacks-panel"' in source_page and f"/tickets/{task.follow_up.number}/" in source_page
    follow_page = client.get(f"/tickets/{task.follow_up.number}/").content.decode()
    assert 'data-testid="callback-source"' in follow_page and f"/tickets/{order.number}/" in follow_page
    other = factories.ticket(desk.agent)
    assert 'data-testid="callbacks-panel"' not in client.get(f"/tickets/{other.number}/").content.decode()


def test_pages_read_in_english(client, desk, monday, settings):
    resolved_order(desk.agent, when=at(2026, 11, 3, 15))
    _plan(client, desk)
    campaign, task = Campaign.objects.get(), CallbackTask.objects.get()
    client.force_login(desk.agent)
    client.post(f"/callbacks/tasks/{task.pk}/attempt/", {"result": "reached", "path": "0.1.0.1.0"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        assert "No callback is due" in client.get("/callbacks/").content.decode()  # the only one is done
        client.force_login(desk.supervisor)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(f"/callbacks/campaigns/{campaign.pk}/").content.decode()
        assert "Reach rate" in page and "Equipment" in page and "Problems found" in page
    finally:
        translation.activate(settings.LANGUAGE_CODE)
