"""Report pages (issue 15): the dashboard for each role, tables as JSON and XLSX (Chinese headers, no
formula injection), the order list XLSX with outcome and masked phones, the monthly report, the wall view."""

from io import BytesIO
from unittest.mock import patch

import pytest
from openpyxl import load_workbook

from kefu.security.models import EventKind, SecurityEvent
from tests.report_fixtures import NOW, department_orders
from tests.test_reports import run  # noqa: F401  (fixture)

Q = {"from": "2026-09-21", "to": "2026-10-11"}


@pytest.fixture
def dept(desk, run):  # noqa: F811
    return department_orders(desk, run)


def get(client, user, url, **params):
    client.force_login(user)
    with patch("django.utils.timezone.now", return_value=NOW):
        return client.get(url, params)


def test_dashboard_for_each_role(client, desk, dept):
    page = get(client, desk.supervisor, "/reports/", **Q)
    text = page.content.decode()
    assert page.status_code == 200
    # the page is a shell: each panel is its own request (htmx on load), no table is built here
    assert 'data-testid="slot-agents"' in text and 'data-testid="slot-teams"' in text and "tables" not in page.context
    assert 'hx-get="/reports/panels/agents/?from=2026-09-21' in text and 'hx-trigger="load"' in text
    assert "full=1" in text and "<script>" not in text  # the no-JS link; no inline script
    assert page.context["previous_period"].start.isoformat() == "2026-08-31"
    panel = get(client, desk.supervisor, "/reports/panels/volume_channel/", **Q)
    assert 'data-testid="table-volume_channel"' in panel.content.decode() and "<html" not in panel.content.decode()
    assert 'type="application/json"' in panel.content.decode() and panel.context["chart"]["type"] == "bar"
    kpis = get(client, desk.supervisor, "/reports/panels/kpis/", **Q)
    assert kpis.context["current"]["orders"]["created"] == 4 and 'data-testid="kpi-created"' in kpis.content.decode()
    assert 'hx-get="/reports/panels/kpis_previous/?from=2026-09-21' in kpis.content.decode()  # its own request
    previous = get(client, desk.supervisor, "/reports/panels/kpis_previous/", **Q)
    text = previous.content.decode()
    assert text.count('hx-swap-oob="true"') == 8 and 'id="kpi-prev-created"' in text and "2026-08-31" in text
    whole = get(client, desk.supervisor, "/reports/", full="1", **Q)  # without JavaScript: built whole
    assert 'data-testid="table-agents"' in whole.content.decode() and len(whole.context["tables"]) == 16
    assert whole.context["current"] == kpis.context["current"]
    assert whole.context["previous"] == previous.context["previous"]
    mine = get(client, desk.agent, "/reports/", **Q)
    assert mine.status_code == 200 and 'data-testid="slot-teams"' not in mine.content.decode()
    agents = get(client, desk.agent, "/reports/panels/agents/", **Q)
    assert [row[0] for row in agents.context["t"].plain_rows()] == [desk.agent.name]
    assert get(client, desk.agent, "/reports/panels/teams/", **Q).status_code == 404
    assert get(client, desk.agent, "/reports/panels/nothing/", **Q).status_code == 404
    for url in ("/reports/", "/reports/panels/kpis/", "/reports/panels/volume_day/"):
        assert get(client, desk.qa, url, **Q).status_code == 403
        assert get(client, desk.handler, url, **Q).status_code == 403
        assert get(client, desk.agent, url, agent=desk.other_agent.pk, **Q).status_code == 403
        assert get(client, desk.supervisor, url, **{"from": "2026-10-11", "to": "2026-09-01"}).status_code == 422


def test_table_json_and_xlsx_agree_and_headers_are_chinese(client, desk, dept, api_client):
    desk.team_b.name = "=HYPERLINK(\"http://evil\")"
    desk.team_b.save()
    data = get(client, desk.supervisor, "/reports/tables/working_time/", **Q).json()
    assert data["columns"][0] == "班组" and len(data["rows"]) == 2
    api = api_client.as_user(desk.supervisor)
    with patch("django.utils.timezone.now", return_value=NOW):
        assert api.get("/api/v1/reports/tables/working_time", **Q).json()["rows"] == data["rows"]
    response = get(client, desk.supervisor, "/reports/tables/working_time/", format="xlsx", **Q)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == data["columns"] and ws["A1"].font.bold
    assert "'=HYPERLINK(\"http://evil\")" in [r[0] for r in rows]  # shown as text, never run as a formula
    everything = load_workbook(BytesIO(get(client, desk.supervisor, "/reports/tables/all/", format="xlsx", **Q).content))
    assert everything.sheetnames[0] == "汇总" and len(everything.sheetnames) > 10
    assert get(client, desk.supervisor, "/reports/tables/nope/", **Q).status_code == 404


def test_order_list_xlsx_one_row_per_order_with_outcome_and_masked_phones(client, desk, dept):
    response = get(client, desk.supervisor, "/reports/orders.xlsx", **Q)
    rows = [[c.value for c in row] for row in load_workbook(BytesIO(response.content)).active.iter_rows()]
    head = rows[0]
    assert head[0] == "工单号" and head[-5:] == ["首次响应（工作小时）", "解决（工作小时）", "首次响应SLA", "解决SLA", "满意度"]
    by_number = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert set(by_number) == {dept[k].number for k in ("T1", "T2", "T3", "T4")}
    t2 = by_number[dept["T2"].number]
    assert (t2["首次响应（工作小时）"], t2["解决（工作小时）"], t2["首次响应SLA"], t2["解决SLA"]) == (1.5, 9.5, "超时", "达标")
    assert by_number[dept["T4"].number]["首次响应SLA"] == "已超时"
    phone = dept["T1"].customer.phones[0]
    assert by_number[dept["T1"].number]["电话"] == phone
    # who exported whose phone numbers is in the security audit
    assert SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_READ, actor=desk.supervisor,
                                        params__where="report_orders_export").exists()
    desk.supervisor.can_view_personal_data = False
    desk.supervisor.save()
    masked = get(client, desk.supervisor, "/reports/orders.xlsx", **Q)
    cells = [c.value for row in load_workbook(BytesIO(masked.content)).active.iter_rows() for c in row]
    assert phone not in cells and any(isinstance(c, str) and c.startswith(phone[:3]) and "*" in c for c in cells)


def test_monthly_report_prints_this_and_last_month(client, desk, dept):
    page = get(client, desk.supervisor, "/reports/monthly/", month="2026-09")
    text = page.content.decode()
    assert page.status_code == 200 and "2026-09" in text
    assert 'hx-get="/reports/panels/monthly_summary/?from=2026-09-01&amp;to=2026-09-30' in text
    assert 'hx-get="/reports/panels/sla_policy/?from=2026-09-01&amp;to=2026-09-30' in text and "print=1" in text
    head = get(client, desk.supervisor, "/reports/panels/monthly_summary/", **{"from": "2026-09-01", "to": "2026-09-30"})
    assert 'hx-get="/reports/panels/monthly_previous/?from=2026-09-01' in head.content.decode()
    before = get(client, desk.supervisor, "/reports/panels/monthly_previous/", **{"from": "2026-09-01", "to": "2026-09-30"})
    assert before.content.decode().count('hx-swap-oob="true"') == len(head.context["lines"])
    lines = {label: (now, prev) for (label, now, _none), (_label, prev) in zip(head.context["lines"],
                                                                             before.context["lines"], strict=True)}
    assert lines["新建工单"] == (4, 0)  # T1, T2, T3 and T5 in September; nothing in August
    printed = get(client, desk.supervisor, "/reports/panels/sla_policy/", print="1", **{"from": "2026-09-01",
                                                                                       "to": "2026-09-30"})
    assert 'data-testid="print-sla_policy"' in printed.content.decode() and "<a " not in printed.content.decode()
    whole = get(client, desk.supervisor, "/reports/monthly/", month="2026-09", full="1")
    assert [(a, b, c) for a, b, c in whole.context["lines"]] == [(a, b, lines[a][1]) for a, b, _n in head.context["lines"]]
    assert len(whole.context["tables"]) == 10
    assert get(client, desk.supervisor, "/reports/monthly/", month="2026-9x").status_code == 422


def test_wall_view_counts_and_refreshes_itself(client, desk, dept):
    page = get(client, desk.supervisor, "/reports/wall/")
    text = page.content.decode()
    assert 'hx-trigger="every 30s"' in text
    w = page.context["w"]
    assert (w["active"], w["late"]) == (1, 1)  # T4: open, first response overdue
    partial = client.get("/reports/wall/", HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and 'data-testid="wall-late"' in partial.content.decode()
    from tests.test_reports import _inbox_count

    for key in ("active", "late", "waiting", "unassigned", "soon"):
        assert _inbox_count(desk.supervisor, w["links"][key]) == w[key], key
    assert get(client, desk.agent, "/reports/wall/").status_code == 403


def test_english_pages_leave_no_chinese_but_data(desk, dept, client, settings):
    from django.utils import translation

    from tests.test_complaint_english import chinese_left, data_strings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        data = data_strings(*[dept[k].subject for k in ("T1", "T2", "T3", "T4")])
        for url, params in [("/reports/", Q), ("/reports/", {**Q, "full": "1"}), ("/reports/wall/", {}),
                            ("/reports/monthly/", {"month": "2026-09", "full": "1"}), ("/reports/panels/kpis/", Q),
                            ("/reports/subscriptions/", {})]:
            html = get(client, desk.supervisor, url, **params).content.decode()
            assert chinese_left(html, data) == [], url
        assert get(client, desk.supervisor, "/reports/tables/backlog/", **Q).json()["columns"][0] == "Age"
    finally:
        translation.activate(settings.LANGUAGE_CODE)


def test_a_month_at_the_end_of_the_calendar_is_a_field_error_not_a_crash(client, desk):
    for month in ("9999-12", "0001-01", "2026-13"):
        response = get(client, desk.supervisor, "/reports/monthly/", month=month)
        assert response.status_code == 422, month
