"""The supervisor's reports (issue 15): figures against the hand-computed department of report_fixtures
(a weekend and the National Day holiday in the working-time metrics), the summary API's exact shape,
bad input as 422 naming the field, roles, and every drill-down list agreeing with its number."""

from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import pytest
from django.http import QueryDict

from kefu.complaints import services as cs
from kefu.complaints.models import ComplaintState
from kefu.qa.models import Inspection
from kefu.reports import tables
from kefu.reports.filters import Period, build_filter
from kefu.reports.summary import summary
from kefu.sla.calendars import default_calendar, work_calendar
from kefu.tickets.inbox_views import inbox_filters
from kefu.tickets.selectors import ticket_list
from tests import factories
from tests.report_fixtures import NOW, answer, at, department_orders, inspection
from tests.test_complaint_support import walk_to

P = Period(at(2026, 9, 21).date(), at(2026, 10, 11).date())
SUMMARY = "/api/v1/reports/summary"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return call


@pytest.fixture
def dept(desk, run):
    return department_orders(desk, run)


def figures(user, period=P, **dims):
    with patch("django.utils.timezone.now", return_value=NOW):
        return summary(user, build_filter(user, period, **dims), NOW)


def table(user, name, period=P, **dims):
    with patch("django.utils.timezone.now", return_value=NOW):
        return tables.build(name, user, build_filter(user, period, **dims), NOW)


def test_the_calendar_facts_the_fixture_relies_on(db):
    cal = work_calendar(default_calendar())
    assert not cal.is_working_day(at(2026, 9, 25).date())  # Mid-Autumn Festival
    assert not cal.is_working_day(at(2026, 9, 26).date()) and not cal.is_working_day(at(2026, 9, 27).date())
    assert not any(cal.is_working_day(at(2026, 10, d).date()) for d in range(1, 8))
    assert cal.is_working_day(at(2026, 10, 10).date())  # make-up Saturday


def test_orders_and_sla_shares_of_the_department(desk, dept):
    got = figures(desk.supervisor)
    assert got["orders"] == {"created": 4, "resolved": 3, "open": 1}
    # first response: T1 met, T3 met (0.5 h: received on a holiday before a weekend); T2 late (1.5 h across
    # the National Day holiday); T4 running past due. Resolution: T1, T2, T3 met; T4 not yet due on Monday noon
    assert got["sla"] == {"first_response_met_pct": 50.0, "resolution_met_pct": 100.0}
    previous = figures(desk.supervisor, P.previous())
    assert previous["orders"] == {"created": 1, "resolved": 1, "open": 0}
    assert previous["sla"] == {"first_response_met_pct": 100.0, "resolution_met_pct": 100.0}


def test_filters_by_team_agent_and_channel(desk, dept):
    assert figures(desk.supervisor, team=desk.team_a.pk)["orders"] == {"created": 3, "resolved": 2, "open": 1}
    assert figures(desk.supervisor, agent=desk.other_agent.pk)["orders"] == {"created": 1, "resolved": 1, "open": 0}
    assert figures(desk.supervisor, channel="chat")["sla"] == {"first_response_met_pct": 100.0,
                                                               "resolution_met_pct": 100.0}
    assert figures(desk.supervisor, channel="wechat")["orders"] == {"created": 0, "resolved": 0, "open": 0}
    assert figures(desk.supervisor, channel="wechat")["sla"] == {"first_response_met_pct": None,
                                                                 "resolution_met_pct": None}


def test_working_times_count_neither_the_weekend_nor_the_holiday(desk, dept):
    rows = {r[0]: r[1:] for r in table(desk.supervisor, "working_time").plain_rows()}
    # team A: first response T1 0.5 h, T2 1.5 h -> 1.0; resolution T1 3.5 h, T2 9.5 h -> 6.5
    assert rows["一组"] == [2, 1.0, 2, 6.5]
    # team B: T3 created on the holiday Friday 17:00, answered Monday 09:30 (0.5 h), resolved 10:00 (1 h)
    assert rows["二组"] == [1, 0.5, 1, 1.0]
    agents = {r[0]: r[1:] for r in table(desk.supervisor, "agents").plain_rows()}
    assert agents[desk.agent.name][:3] == [3, 2, 1]
    assert agents[desk.agent.name][5:7] == [1.0, 6.5]
    assert agents[desk.other_agent.name][3:5] == [100.0, 100.0]
    assert agents[desk.agent.name][3:5] == [round(100 / 3, 1), 100.0]  # T1 met, T2 late, T4 late; T1, T2 met


def test_satisfaction_qa_and_complaints(desk, dept, run):
    answer(dept["T1"], 5, at(2026, 9, 29, 10))
    answer(dept["T3"], 2, at(2026, 10, 10, 11))
    answer(dept["T5"], 1, at(2026, 9, 12, 9))  # previous period
    with patch("django.utils.timezone.now", return_value=at(2026, 9, 29, 10)):
        complaint = run(cs.complaint_receive, by=desk.agent, customer=factories.customer(desk.agent),
                        subject="投诉瓷砖划痕", description="瓷砖有划痕")
        complaint = walk_to(desk, ComplaintState.RECORDED, complaint)
    with patch("django.utils.timezone.now", return_value=at(2026, 9, 29, 15)):
        run(cs.complaint_reply, complaint=complaint, by=desk.agent, method="phone", note="已致歉")
    Inspection.objects.all().delete()  # the engine's inspection of the complaint's thread: hand-scored below
    inspection(desk.agent, 80, at(2026, 9, 29, 10))
    inspection(desk.agent, 90, at(2026, 10, 8, 10), channel="voice")
    inspection(desk.other_agent, 70, at(2026, 10, 9, 10))
    inspection(desk.agent, 10, at(2026, 9, 15, 10))  # previous period
    inspection(dept["outsider"], 50, at(2026, 10, 1, 10))  # another department
    got = figures(desk.supervisor)
    assert got["csat"] == {"answered": 2, "avg": 3.5}
    assert got["qa"] == {"inspected": 3, "avg_score": 80.0}
    assert got["complaints"] == {"received": 1, "replied_in_24h_pct": 100.0, "implemented_in_5wd_pct": None}
    mine = figures(desk.agent)
    assert mine["csat"] == {"answered": 1, "avg": 5.0}
    assert mine["qa"] == {"inspected": 2, "avg_score": 85.0}
    assert figures(desk.supervisor, channel="phone")["qa"] == {"inspected": 1, "avg_score": 90.0}
    stars = {r[0]: r[1] for r in table(desk.supervisor, "csat_stars").plain_rows()}
    assert stars == {"★★★★★": 1, "★★★★": 0, "★★★": 0, "★★": 1, "★": 0}


def test_summary_api_has_exactly_the_contracted_shape(desk, dept, api_client):
    api_client.as_user(desk.supervisor)
    with patch("django.utils.timezone.now", return_value=NOW):
        response = api_client.get(SUMMARY, **{"from": "2026-09-21", "to": "2026-10-11"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "orders": {"created": 4, "resolved": 3, "open": 1},
        "sla": {"first_response_met_pct": 50.0, "resolution_met_pct": 100.0},
        "csat": {"answered": 0, "avg": None},
        "qa": {"inspected": 0, "avg_score": None},
        "complaints": {"received": 0, "replied_in_24h_pct": None, "implemented_in_5wd_pct": None},
    }
    with patch("django.utils.timezone.now", return_value=NOW):
        chat = api_client.get(SUMMARY, **{"from": "2026-09-21", "to": "2026-10-11", "channel": "chat",
                                          "team": desk.team_b.pk, "agent": desk.other_agent.pk}).json()
    assert chat["orders"] == {"created": 1, "resolved": 1, "open": 0}


@pytest.mark.parametrize("params,field", [
    ({"from": "2026-13-01", "to": "2026-10-11"}, "from"),
    ({"from": "2026-09-21", "to": "yesterday"}, "to"),
    ({"to": "2026-10-11"}, "from"),
    ({"from": "2026-10-11", "to": "2026-09-21"}, "to"),
    ({"from": "2020-01-01", "to": "2026-10-11"}, "to"),
    ({"from": "2026-09-21", "to": "2026-10-11", "channel": "fax"}, "channel"),
    ({"from": "2026-09-21", "to": "2026-10-11", "team": "999999"}, "team"),
    ({"from": "2026-09-21", "to": "2026-10-11", "agent": "x"}, "agent"),
])
def test_bad_input_is_422_naming_the_field(desk, api_client, params, field):
    response = api_client.as_user(desk.supervisor).get(SUMMARY, **params)
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]


def test_roles_agents_see_their_own_figures_only(desk, dept, api_client):
    mine = figures(desk.agent)
    assert mine["orders"] == {"created": 3, "resolved": 2, "open": 1}  # T1, T2, T4
    api_client.as_user(desk.agent)
    refused = api_client.get(SUMMARY, **{"from": "2026-09-21", "to": "2026-10-11", "agent": desk.other_agent.pk})
    assert refused.status_code == 403
    assert api_client.as_user(desk.qa).get(SUMMARY, **{"from": "2026-09-21", "to": "2026-10-11"}).status_code == 403
    assert api_client.as_user(desk.handler).get(SUMMARY, **{"from": "2026-09-21", "to": "2026-10-11"}).status_code == 403
    # the other department's supervisor counts only T6; the admin counts everything
    assert figures(desk.other_supervisor)["orders"]["created"] == 1
    assert figures(desk.admin)["orders"]["created"] == 5


def _inbox_count(user, url: str) -> int:
    query = QueryDict(urlparse(url).query)
    view, filters, sort = inbox_filters(query, user)
    with patch("django.utils.timezone.now", return_value=NOW):
        return ticket_list(user, view=view, sort=sort, **filters).count()


def _qa_count(user, url: str) -> int:
    from kefu.qa import selectors

    q = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    return selectors.results(user, agent=q.get("agent", ""), team=int(q["team"]) if q.get("team") else None,
                             rule=q.get("rule", ""), channel=q.get("channel", ""),
                             start=at(*map(int, q["start"].split("-"))).date(),
                             end=at(*map(int, q["end"].split("-"))).date(),
                             fatal={"1": True}.get(q.get("fatal", ""))).count()


@pytest.mark.parametrize("who", ["supervisor", "agent", "admin"])
def test_every_linked_number_agrees_with_the_list_behind_it(desk, dept, who):
    user = getattr(desk, who)
    answer(dept["T1"], 5, at(2026, 9, 29, 10))
    answer(dept["T3"], 2, at(2026, 10, 10, 11))
    inspection(desk.agent, 80, at(2026, 9, 29, 10))
    checked = 0
    for name in tables.TABLES:
        for row in table(user, name).rows:
            for cell in row:
                if not isinstance(cell, tables.Cell) or not cell.url:
                    continue
                if cell.url.startswith("/tickets/"):
                    assert _inbox_count(user, cell.url) == cell.value, (name, row[0], cell.url)
                    checked += 1
                elif cell.url.startswith("/qa/results/"):
                    assert _qa_count(user, cell.url) == cell.value, (name, row[0], cell.url)
                    checked += 1
    assert checked > 40


def test_summary_links_on_the_page_agree_with_their_numbers(desk, dept, client):
    client.force_login(desk.supervisor)
    with patch("django.utils.timezone.now", return_value=NOW):
        page = client.get("/reports/panels/kpis/", {"from": "2026-09-21", "to": "2026-10-11"})
    assert page.status_code == 200
    links = page.context["links"]
    current = page.context["current"]
    assert _inbox_count(desk.supervisor, links["created"]) == current["orders"]["created"] == 4
    assert _inbox_count(desk.supervisor, links["resolved"]) == current["orders"]["resolved"] == 3
    assert _inbox_count(desk.supervisor, links["open"]) == current["orders"]["open"] == 1
    assert _inbox_count(desk.supervisor, links["fr_met"]) == 2
    assert _inbox_count(desk.supervisor, links["fr_breached"]) == 2
    assert _inbox_count(desk.supervisor, links["res_met"]) == 3
    # the inbox page itself lists the drilled orders
    client.force_login(desk.supervisor)
    listed = client.get(links["fr_breached"])
    numbers = {t.number for t, *_rest in listed.context["rows"]}
    assert numbers == {dept["T2"].number, dept["T4"].number}


def test_working_times_come_from_the_rollup_and_stale_rows_are_computed_live(desk, dept, run):
    from kefu.reports.models import WorkTime
    from kefu.reports.worktime import worktime_refresh

    worktime_refresh()
    stored = {w.ticket_id: w for w in WorkTime.objects.all()}
    assert set(stored) == {dept[k].pk for k in ("T1", "T2", "T3", "T5")}  # T4 and T6 have no reply yet
    assert stored[dept["T2"].pk].resolution_s == 9.5 * 3600 and stored[dept["T3"].pk].first_response_s == 0.5 * 3600
    assert worktime_refresh() == 0  # nothing stale: a second run does nothing
    # a stored row is wrong and stale (the order was resolved again since): the figure is still exact
    WorkTime.objects.filter(ticket=dept["T1"]).update(resolution_s=999 * 3600, resolved_at=at(2026, 9, 28, 14))
    rows = {r[0]: r[1:] for r in run(table, desk.supervisor, "working_time").plain_rows()}
    assert rows["一组"] == [2, 1.0, 2, 6.5]
    assert WorkTime.objects.get(ticket=dept["T1"]).resolution_s == 3.5 * 3600  # the job the read rang fixed it
    # the rollup alone (every row fresh) gives the same figures
    rows = {r[0]: r[1:] for r in table(desk.supervisor, "working_time").plain_rows()}
    assert rows["一组"] == [2, 1.0, 2, 6.5] and rows["二组"] == [1, 0.5, 1, 1.0]


def test_a_calendar_edit_recomputes_the_stored_working_times_it_changes(desk, dept, run):
    """10-08 becomes a holiday after the fact: T2 (open across it) is measured again by the job the edit
    enqueued; T1 (all on 09-28) keeps its row untouched."""
    from datetime import date

    from kefu.reports.models import WorkTime
    from kefu.reports.worktime import worktime_refresh
    from kefu.sla.calendar_services import exception_save
    from kefu.sla.calendars import default_calendar

    worktime_refresh()
    t1_before = WorkTime.objects.get(ticket=dept["T1"])
    run(exception_save, by=desk.admin, calendar=default_calendar(), day=date(2026, 10, 8), kind="holiday",
        name="临时停工")
    t2 = WorkTime.objects.get(ticket=dept["T2"])
    assert (t2.first_response_s, t2.resolution_s) == (1 * 3600, 2 * 3600)  # was 1.5 h and 9.5 h
    t1 = WorkTime.objects.get(ticket=dept["T1"])
    assert (t1.resolution_s, t1.computed_at) == (t1_before.resolution_s, t1_before.computed_at)
    rows = {r[0]: r[1:] for r in table(desk.supervisor, "working_time").plain_rows()}
    assert rows["一组"] == [2, 0.75, 2, 2.75]  # T1 and T2 measured on the edited calendar (was 1.0 and 6.5)


def test_summary_schema_declares_its_parameters_enums_and_errors(db):
    from kefu.api import api

    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/reports/summary"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"from", "to", "team", "agent", "channel"}
    assert params["from"]["required"] and params["to"]["required"] and not params["team"].get("required")
    [ref] = [option["$ref"] for option in params["channel"]["schema"]["anyOf"] if "$ref" in option]
    assert "wechat" in schema["components"]["schemas"][ref.split("/")[-1]]["enum"]
    assert {"200", "400", "401", "403", "422", "429"} <= set(operation["responses"])
    assert operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    out = schema["components"]["schemas"][body["$ref"].split("/")[-1]]
    assert set(out["properties"]) == {"orders", "sla", "csat", "qa", "complaints"}
