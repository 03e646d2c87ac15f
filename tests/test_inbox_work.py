"""Inbox work: select many and assign / change status / merge (all or nothing), 领取, sortable columns,
saved views per user, keyboard script served as a file, XLSX of the filtered list."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kefu.core.errors import DomainError
from kefu.tickets.bulk import ticket_claim, tickets_bulk
from kefu.tickets.models import SavedView, Ticket
from kefu.tickets.selectors import ticket_list
from tests import factories

pytestmark = pytest.mark.django_db


def _fresh(*tickets):
    return [Ticket.objects.get(pk=t.pk) for t in tickets]


def test_bulk_assign_and_status(desk):
    a, b = factories.ticket(desk.agent), factories.ticket(desk.agent)
    assert tickets_bulk(by=desk.supervisor, tickets=[a, b], action="assign", assignee=desk.teammate) == [
        a.number, b.number]
    assert {t.assignee for t in _fresh(a, b)} == {desk.teammate}
    tickets_bulk(by=desk.supervisor, tickets=_fresh(a, b), action="status", status="waiting")
    assert {t.status for t in _fresh(a, b)} == {"waiting"}


def test_bulk_is_all_or_nothing_and_names_the_order(desk):
    a = factories.ticket(desk.agent)
    closed = factories.ticket(desk.agent)
    Ticket.objects.filter(pk=closed.pk).update(status="closed")
    with pytest.raises(DomainError) as err:
        tickets_bulk(by=desk.agent, tickets=_fresh(a, closed), action="status", status="resolved")
    assert closed.number in err.value.message
    assert _fresh(a)[0].status == a.status  # the first one was rolled back


def test_bulk_merge_keeps_the_oldest(desk):
    customer = factories.customer(desk.agent)  # only one customer's orders can be merged
    first, second, third = (factories.ticket(desk.agent, customer) for _ in range(3))
    tickets_bulk(by=desk.agent, tickets=[third, first, second], action="merge")
    assert [t.merged_into_id for t in _fresh(first, second, third)] == [None, first.pk, first.pk]


def test_claim_takes_an_unassigned_order_once(desk):
    order = factories.ticket(desk.agent)
    Ticket.objects.filter(pk=order.pk).update(assignee=None)
    ticket_claim(ticket=_fresh(order)[0], by=desk.teammate)
    assert _fresh(order)[0].assignee == desk.teammate
    with pytest.raises(DomainError, match=desk.teammate.name):
        ticket_claim(ticket=_fresh(order)[0], by=desk.agent)


def test_inbox_page_bulk_claim_and_saved_views(client, desk):
    order = factories.ticket(desk.agent, subject="第一张")
    other = factories.ticket(desk.agent, subject="第二张")
    Ticket.objects.filter(pk=order.pk).update(assignee=None)
    client.force_login(desk.teammate)
    html = client.get("/tickets/", {"view": "team"}).content.decode()
    assert f'data-testid="claim-{order.number}"' in html and 'id="bulk-form"' in html
    assert "kefu/inbox.js" in html and "<script>" not in html
    client.post(f"/tickets/{order.number}/claim/", {"next": "/tickets/?view=team"})
    assert _fresh(order)[0].assignee == desk.teammate
    client.post("/tickets/bulk/", {"numbers": [order.number, other.number], "action": "status", "status": "waiting"})
    assert {t.status for t in _fresh(order, other)} == {"waiting"}
    client.post("/tickets/views/", {"name": "等客户的", "query": "view=team&status=waiting&evil=1"})
    saved = SavedView.objects.get(user=desk.teammate)
    assert saved.query == "view=team&status=waiting"
    assert "等客户的" in client.get("/tickets/").content.decode()
    client.force_login(desk.agent)
    assert "等客户的" not in client.get("/tickets/").content.decode()  # per user


def test_columns_sort_both_ways(client, desk):
    low = factories.ticket(desk.agent, priority="low", subject="低")
    urgent = factories.ticket(desk.agent, priority="urgent", subject="急")
    client.force_login(desk.supervisor)
    rows = client.get("/tickets/", {"view": "all", "sort": "priority"}).context["rows"]
    assert [t.pk for t, _p, _s in rows][:2] == [urgent.pk, low.pk]
    rows = client.get("/tickets/", {"view": "all", "sort": "-priority"}).context["rows"]
    assert [t.pk for t, _p, _s in rows][:2] == [low.pk, urgent.pk]
    html = client.get("/tickets/", {"view": "all", "sort": "priority"}).content.decode()
    assert 'data-testid="sort--priority"' in html  # clicking the sorted column reverses it


def test_api_bulk_and_claim(desk, api_client):
    a, b = factories.ticket(desk.agent), factories.ticket(desk.agent)
    api = api_client.as_user(desk.supervisor)
    body = api.post("/api/v1/tickets/bulk", {"numbers": [a.number, b.number], "action": "assign",
                                             "assignee_id": desk.teammate.pk}).json()
    assert body == {"changed": [a.number, b.number]}
    Ticket.objects.filter(pk=a.pk).update(assignee=None)
    assert api.post(f"/api/v1/tickets/{a.number}/claim").json()["assignee"]["id"] == desk.supervisor.pk
    assert api.post("/api/v1/tickets/bulk", {"numbers": [a.number], "action": "explode"}).status_code == 422


def test_xlsx_export_follows_the_filters_and_defuses_formulas(client, desk):
    factories.ticket(desk.agent, subject="=HYPERLINK(\"http://x\")", priority="urgent")
    factories.ticket(desk.agent, subject="普通咨询", priority="low")
    client.force_login(desk.supervisor)
    response = client.get("/tickets/export.xlsx", {"view": "all", "priority": "urgent"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    subjects = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert subjects == ["'=HYPERLINK(\"http://x\")"]


@pytest.mark.parametrize("sort", ["due", "-created", "updated"])
def test_inbox_pages_by_cursor_through_every_order_once(client, desk, monkeypatch, sort):
    import re
    from html import unescape

    from kefu.tickets import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    orders = [factories.ticket(desk.agent, subject=f"第{i}张") for i in range(8)]
    client.force_login(desk.supervisor)
    expected = [t.number for t in ticket_list(desk.supervisor, view="all", status="active", sort=sort)]
    seen, url, pages = [], f"/tickets/?view=all&sort={sort}", 0
    while url and pages < 10:
        response = client.get(url)
        seen += [row[0].number for row in response.context["rows"]]
        html = response.content.decode()
        assert response.context["page"].by_cursor
        found = re.search(r'href="\?([^"]*)" data-testid="next-page"', html)
        url = "/tickets/?" + unescape(found.group(1)) if found else ""
        if pages:
            assert 'data-testid="first-page"' in html
        pages += 1
    assert pages == 3 and seen == expected and sorted(seen) == sorted(t.number for t in orders)


def test_inbox_with_a_broken_cursor_starts_from_the_top_and_numbered_pages_still_work(client, desk, monkeypatch):
    from kefu.tickets import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(5):
        factories.ticket(desk.agent, subject=f"第{i}张")
    client.force_login(desk.supervisor)
    first = client.get("/tickets/", {"view": "all"}).context["rows"]
    broken = client.get("/tickets/", {"view": "all", "cursor": "not-a-cursor"})
    assert broken.status_code == 200 and [r[0] for r in broken.context["rows"]] == [r[0] for r in first]
    numbered = client.get("/tickets/", {"view": "all", "page": 2})
    assert numbered.context["page"].number == 2 and len(numbered.context["rows"]) == 2
