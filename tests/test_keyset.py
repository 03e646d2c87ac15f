"""Keyset (cursor) paging of the work-order list: every order exactly once, in the same order as the
page-numbered list, for every sort, including orders without a due time (NULLs sort last)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from kefu.core import keyset
from kefu.tickets.models import PRIORITY_ORDER, Status, Ticket
from kefu.tickets.selectors import KEYSETS
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(desk):
    start = timezone.now() - timedelta(days=3)
    numbers = []
    for i in range(23):
        ticket = factories.ticket(desk.agent, priority=["low", "normal", "high"][i % 3])
        # equal created_at values (pairs) and equal or missing due times: the tie-breakers matter
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=start + timedelta(hours=i // 2),
            due_at=None if i % 5 == 0 else start + timedelta(days=1, hours=(i * 7) % 4))
        numbers.append(ticket.number)
    return numbers


def walk(api, **params) -> list[str]:
    seen, cursor = [], ""
    for _ in range(50):
        body = api.get("/api/v1/tickets", page_size=4, cursor=cursor, **params).json()
        seen += [row["number"] for row in body["results"]]
        cursor = body["next_cursor"]
        if not cursor:
            return seen
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize("sort", sorted(KEYSETS))
def test_cursor_pages_walk_every_order_once_in_the_page_order(desk, api_client, orders, sort):
    api = api_client.as_user(desk.supervisor)
    by_cursor = walk(api, sort=sort)
    by_page = []
    for page in range(1, 8):
        by_page += [row["number"] for row in api.get("/api/v1/tickets", page=page, page_size=4, sort=sort)
                    .json()["results"]]
    assert sorted(by_cursor) == sorted(orders)
    assert by_cursor == by_page


def test_a_page_by_number_hands_over_to_the_cursor(desk, api_client, orders):
    api = api_client.as_user(desk.supervisor)
    second = api.get("/api/v1/tickets", page=2, page_size=5).json()
    third = api.get("/api/v1/tickets", page=3, page_size=5).json()
    follow = api.get("/api/v1/tickets", page_size=5, cursor=second["next_cursor"]).json()
    assert [r["number"] for r in follow["results"]] == [r["number"] for r in third["results"]]
    assert follow["page"] is None and (follow["count"], follow["count_exact"]) == (23, True)


def test_a_bad_cursor_is_a_400_naming_the_field(desk, api_client, orders):
    response = api_client.as_user(desk.supervisor).get("/api/v1/tickets", cursor="not-a-cursor")
    assert response.status_code == 400
    assert "cursor" in str(response.json())


def test_counts_stop_counting_beyond_the_cap(desk, orders):
    qs = Ticket.objects.all()
    assert keyset.capped_count(qs) == (23, True)
    with mock.patch.object(keyset, "_estimate", return_value=40):
        assert keyset.capped_count(qs, cap=10) == (40, False)
    with mock.patch.object(keyset, "_estimate", return_value=0):
        assert keyset.capped_count(qs, cap=10) == (11, False)  # no estimate: "more than the cap"


@pytest.mark.parametrize("sort", ["priority", "-priority", "status", "-status", "number", "-number"])
def test_every_sort_pages_in_its_own_order_not_by_due_time_or_the_stored_word(desk, api_client, orders, sort):
    """sort=priority is urgent first (the rank), not "high" < "low" < "normal" by the stored word; the other
    sorts page in their own order too (they fell back to the due-time order)."""
    api = api_client.as_user(desk.supervisor)
    Ticket.objects.filter(number__in=orders[:4]).update(status="open")
    Ticket.objects.filter(number=orders[5]).update(priority="urgent")
    rows = {t.number: t for t in Ticket.objects.filter(number__in=orders)}
    rank = {"priority": lambda t: PRIORITY_ORDER[t.priority], "status": lambda t: Status.values.index(t.status),
            "number": lambda t: t.number}[sort.lstrip("-")]
    for walked in (walk(api, sort=sort), [r["number"] for page in range(1, 8) for r in api.get(
            "/api/v1/tickets", page=page, page_size=4, sort=sort).json()["results"]]):
        keys = [rank(rows[number]) for number in walked]
        assert sorted(walked) == sorted(orders)
        assert keys == sorted(keys, reverse=sort.startswith("-"))
        if sort == "priority":
            assert [rows[n].priority for n in walked][:1] == ["urgent"] and rows[walked[-1]].priority == "low"
