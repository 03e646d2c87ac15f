"""English mode of the complaint pages: every word the product writes is translated; only data
(names, subjects, what people typed) may stay Chinese."""

import re

import pytest
from django.conf import settings
from django.utils import translation

from kefu.accounts.models import Department, Team, User
from kefu.complaints.models import ComplaintCategory, ComplaintState
from kefu.customers.models import Customer
from kefu.sla.models import Calendar
from kefu.tickets import events
from tests.test_complaint_support import walk_to

S = ComplaintState
pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3400-\u9fff]+")


def data_strings(*extra: str) -> list[str]:
    """Chinese text that comes from the database or from people, longest first (so parts go last)."""
    values = {"简体中文", "客服", *extra}  # the language menu and the brand name
    for model, fields in [(User, ["display_name", "username"]), (Department, ["name"]), (Team, ["name"]), (Customer, ["name"]),
                          (ComplaintCategory, ["name"]), (Calendar, ["name"])]:
        for row in model.objects.values_list(*fields):
            values.update(v for v in row if v)
    return sorted(values, key=len, reverse=True)


def chinese_left(html: str, data: list[str]) -> list[str]:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    for value in data:
        html = html.replace(value, "")
    return CJK.findall(html)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield client
    translation.activate(settings.LANGUAGE_CODE)  # the middleware leaves English active in this thread


def _complaint_data(complaint) -> list[str]:
    c, t = complaint, complaint.ticket
    texts = [t.subject, c.description, c.contact_name, c.object_detail, c.place, c.demand, c.key_quotes, c.cause,
             c.solution, c.responsible_person, c.implementation, c.result_report, c.customer_response,
             c.approval_comment, c.root_cause, c.improvement, c.improvement_owner, c.receipt_comment]
    texts += [s.note for s in complaint.steps.all()]
    texts += list(t.messages.values_list("body", flat=True))
    return data_strings(*[x for x in texts if x])


@pytest.mark.parametrize("state", [S.RECORDED, S.PROPOSED, S.REPORTED, S.SUMMARISED])
def test_complaint_page_in_english_has_no_chinese_of_its_own(english, desk, state):
    complaint = walk_to(desk, state)
    for user in (desk.agent, desk.supervisor, desk.handler):
        english.force_login(user)
        response = english.get(f"/complaints/{complaint.ticket.number}/")
        assert response.status_code in {200, 404}  # the handler no longer sees a closed complaint
        assert chinese_left(response.content.decode(), _complaint_data(complaint)) == [], user.role
    english.force_login(desk.agent)
    assert "<h2>Deadlines</h2>" in english.get(f"/complaints/{complaint.ticket.number}/").content.decode()


def test_list_analysis_and_print_in_english(english, desk):
    complaint = walk_to(desk, S.SUMMARISED)
    english.force_login(desk.supervisor)
    data = _complaint_data(complaint)
    for url in ["/complaints/", "/complaints/?queue=all", "/complaints/analysis/",
                f"/complaints/{complaint.ticket.number}/print/"]:
        html = english.get(url).content.decode()
        assert chinese_left(html, data) == [], url
    charts = english.get("/complaints/analysis/").context["charts"]
    assert charts["steps"] and not any(CJK.search(label) for label, _hours in charts["steps"])


def test_deadline_texts_in_english(english, desk):
    complaint = walk_to(desk, S.RECORDED)
    english.force_login(desk.agent)
    rows = english.get(f"/complaints/{complaint.ticket.number}/").context["deadlines"]
    assert rows[0]["label"] and not CJK.search(rows[0]["label"])
    assert rows[0]["text"].endswith(" left") and not CJK.search(rows[0]["text"])


def test_registration_page_and_ticket_panel_in_english(english, desk):
    complaint = walk_to(desk, S.RECORDED)
    english.force_login(desk.agent)
    data = _complaint_data(complaint)
    assert chinese_left(english.get("/complaints/new/").content.decode(), data) == []
    html = english.get(f"/tickets/{complaint.ticket.number}/").content.decode()
    panel = html[html.index('data-testid="complaint-panel"'):]
    assert chinese_left(panel[:panel.index("</div>")], data) == []


def test_an_english_readers_steps_store_chinese_text(english, desk):
    from kefu.notifications.models import Notification
    from kefu.tickets.models import TicketEvent

    complaint = walk_to(desk, S.RECORDED)
    english.force_login(desk.agent)
    english.post(f"/complaints/{complaint.ticket.number}/act/reply/", {"method": "phone", "note": "已致歉"})
    english.force_login(desk.handler)
    english.post(f"/complaints/{complaint.ticket.number}/act/analyse/", {"cause": "x"})  # wrong state: refused
    english.force_login(desk.agent)
    english.post(f"/complaints/{complaint.ticket.number}/act/dispatch/", {"department": desk.aftersales.pk})
    step = complaint.steps.get(action="reply")
    assert step.note == "电话：已致歉"
    event = TicketEvent.objects.filter(ticket=complaint.ticket, code="complaint.dispatch").get()
    assert (event.params["from"], event.params["to"]) == ("recorded", "dispatched")
    line = events.render(event)
    assert (line.old, line.new, line.note) == ("已记录", "已派发", f"下发投诉处理单：{desk.aftersales.name}")
    with translation.override("en"):
        line = events.render(event)
    assert (line.old, line.new) == ("Recorded", "Dispatched") and line.note.startswith("Issue handling order")
    texts = list(Notification.objects.filter(text__contains=complaint.ticket.number).values_list("text", flat=True))
    assert texts and not any(word in text for text in texts for word in ("Dispatched", "Recorded"))
