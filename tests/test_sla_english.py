"""English mode of the calendar pages and the SLA panel: weekday names, month heading, clock labels,
states, units and countdowns are translated; calendar and holiday names are data and may stay Chinese."""

import pytest
from django.conf import settings
from django.utils import translation

from kefu.sla.hooks import remaining_text, target_text
from kefu.sla.models import Calendar, CalendarException
from tests import factories
from tests.test_complaint_english import chinese_left, data_strings


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield client
    translation.activate(settings.LANGUAGE_CODE)  # the middleware leaves English active in this thread


def _calendar_data() -> list[str]:
    names = list(Calendar.objects.values_list("name", flat=True))
    names += list(CalendarException.objects.values_list("name", flat=True))
    return data_strings(*names, "放假", "上班")  # the import accepts these words, so its help names them


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "supervisor"])
def test_calendar_pages_in_english(english, desk, who):
    english.force_login(getattr(desk, who))
    cal = Calendar.objects.get(is_default=True)
    for url in ["/calendars/", f"/calendars/{cal.pk}/?month=2026-10", "/calendars/policies/"]:
        html = english.get(url).content.decode()
        assert chinese_left(html, _calendar_data()) == [], url
    html = english.get(f"/calendars/{cal.pk}/?month=2026-10").content.decode()
    assert "<th>Mon</th>" in html and "October 2026" in html


@pytest.mark.django_db
def test_sla_panel_in_english(english, desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket(desk.agent)
    english.force_login(desk.agent)
    html = english.get(f"/tickets/{ticket.number}/").content.decode()
    panel = html[html.index("sla-clocks"):]
    panel = panel[:panel.index("</table>")]
    assert chinese_left(panel, []) == []
    assert "First response" in panel and "working" in panel


def test_countdown_and_target_texts_follow_the_language():
    from kefu.sla.clock import Target

    with translation.override("en"):
        assert remaining_text(2 * 3600 + 5 * 60) == "2h 5m left"
        assert remaining_text(-(26 * 3600)) == "Overdue by 1d 2h"
        assert target_text(Target(2, "working_days")) == "2 working days"
    with translation.override("zh-hans"):
        assert remaining_text(300) == "剩 5分钟"
        assert target_text(Target(1.5, "business_hours")) == "1.5 工作小时"
