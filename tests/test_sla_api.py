"""/api/v1/calendar: exact response shapes, calendar selection and errors naming the field."""

import pytest

from kefu.sla.models import Calendar


@pytest.fixture
def api(api_client, desk):
    return api_client.as_user(desk.agent)


def test_working_day_shape_for_a_make_up_saturday(api):
    response = api.get("/api/v1/calendar/working-day", date="2026-10-10")
    assert response.status_code == 200
    assert response.json() == {"date": "2026-10-10", "working_day": True, "provisional": False}


@pytest.mark.parametrize("day, working", [("2026-02-14", True), ("2026-02-28", True), ("2026-02-16", False),
                                          ("2026-10-07", False), ("2026-10-12", True)])
def test_official_2026_days(api, day, working):
    assert api.get("/api/v1/calendar/working-day", date=day).json()["working_day"] is working


def test_missing_year_is_provisional(api):
    assert api.get("/api/v1/calendar/working-day", date="2027-01-01").json() == {
        "date": "2027-01-01", "working_day": True, "provisional": True}


def test_deadline_in_working_days(api):
    response = api.get("/api/v1/calendar/deadline", start="2026-09-30T16:00:00+08:00", working_days=5)
    assert response.status_code == 200
    assert response.json() == {"start": "2026-09-30T16:00:00+08:00", "due": "2026-10-13T18:00:00+08:00",
                               "provisional": False}


def test_deadline_in_business_hours_skips_lunch(api):
    body = api.get("/api/v1/calendar/deadline", start="2026-03-02T11:00:00+08:00", business_hours=2).json()
    assert body["due"] == "2026-03-02T14:30:00+08:00"


def test_other_calendar_by_id(api):
    always = Calendar.objects.get(observes_holidays=False)
    body = api.get("/api/v1/calendar/working-day", date="2026-10-01", calendar=always.pk).json()
    assert body == {"date": "2026-10-01", "working_day": True, "provisional": False}
    assert api.get("/api/v1/calendar/working-day", date="2026-10-01", calendar=99999).status_code == 404


@pytest.mark.parametrize("params, field", [
    ({"date": "2026-13-01"}, "date"),
    ({}, "date"),
])
def test_bad_working_day_input_names_the_field(api, params, field):
    response = api.get("/api/v1/calendar/working-day", **params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize("params, status, field", [
    ({"start": "2026-09-30T16:00:00"}, 400, "start"),  # naive
    ({"start": "2026-09-30T16:00:00+08:00"}, 400, "working_days"),  # no amount
    ({"start": "2026-09-30T16:00:00+08:00", "working_days": 1, "business_hours": 1}, 400, "working_days"),
    ({"start": "2026-09-30T16:00:00+08:00", "working_days": -1}, 400, "working_days"),
    ({"start": "soon", "working_days": 1}, 422, "start"),
    ({"start": "2026-09-30T16:00:00+08:00", "business_hours": "x"}, 422, "business_hours"),
])
def test_bad_deadline_input_names_the_field(api, params, status, field):
    response = api.get("/api/v1/calendar/deadline", **params)
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


def test_anonymous_is_refused(client, db):
    assert client.get("/api/v1/calendar/working-day", {"date": "2026-10-10"}).status_code == 401


def test_ticket_clocks_for_someone_who_sees_the_order(api_client, desk, django_capture_on_commit_callbacks):
    from tests import factories

    with django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket(desk.agent, type="complaint")
    body = api_client.as_user(desk.agent).get(f"/api/v1/calendar/tickets/{ticket.number}/clocks").json()
    assert {c["kind"] for c in body} == {"first_response", "resolution"}
    assert {c["state"] for c in body} <= {"running", "warning", "breached"}
    hidden = api_client.as_user(desk.other_supervisor).get(f"/api/v1/calendar/tickets/{ticket.number}/clocks")
    assert hidden.status_code == 404
