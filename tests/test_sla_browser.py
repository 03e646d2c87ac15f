"""The calendar month view and the clock panel in a real browser (skipped without Chromium)."""

import os

import pytest

from kefu.accounts.models import Role
from kefu.sla.calendars import default_calendar
from tests import factories
from tests.conftest import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_sees_national_day_and_the_make_up_saturday(page, live_server, screenshot_dir):
    factories.user(Role.ADMIN, dept=factories.department(), username="caladmin")
    calendar = default_calendar()  # re-seeds it if an earlier transactional test flushed the tables
    login(page, live_server, "caladmin")
    page.goto(f"{live_server.url}/calendars/{calendar.pk}/?month=2026-10")
    assert page.locator("td[data-day='2026-10-01']").get_attribute("class").startswith("holiday")
    assert "国庆节" in page.locator("td[data-day='2026-10-10']").inner_text()
    assert page.locator("td[data-day='2026-10-10']").get_attribute("data-working") == "1"
    page.screenshot(path=os.path.join(screenshot_dir, "sla_calendar_month.png"), full_page=True)
