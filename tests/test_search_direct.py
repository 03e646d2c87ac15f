"""A whole order number or phone number is answered by its index alone (issue 9: under 50 ms at 1M
orders), without ranking the full-text index; a number that names nothing still gets the full search."""

from unittest.mock import patch

import pytest

from kefu.customers.services import customer_create
from kefu.search import index as search
from kefu.tickets.selectors import ticket_list
from tests import factories

pytestmark = pytest.mark.django_db


def _found(user, q) -> list[str]:
    return [t.number for t in ticket_list(user, q=q, status="")]


def test_a_whole_order_number_or_phone_skips_the_full_text_ranking(desk):
    customer = customer_create(by=desk.agent, name="韩梅梅", phones=["13688889999"])
    first, second = factories.ticket(desk.agent, customer), factories.ticket(desk.agent, customer)
    other = factories.ticket(desk.agent, subject="来电 13688889999 的家属")  # the digits in another order's text
    with patch.object(search, "rank", side_effect=AssertionError("ranked")):
        assert _found(desk.agent, first.number.lower()) == [first.number]
        assert sorted(_found(desk.agent, "136 8888 9999")) == sorted([first.number, second.number])
    assert other.number not in _found(desk.agent, "13688889999")  # the caller's orders, not mentions


def test_numbers_that_name_nothing_fall_back_to_the_full_search(desk):
    mention = factories.ticket(desk.agent, subject="请回电 13311112222")
    assert _found(desk.agent, "13311112222") == [mention.number]  # no customer has it: found in the text
    assert _found(desk.agent, "GD2099010199999") == []
    assert list(ticket_list(desk.handler, q=mention.number)) == []  # visibility still applies
