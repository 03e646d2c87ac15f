"""Chinese full-text search: segmentation, short and Traditional queries, ranking, every write indexed."""

import pytest
from django.core.management import call_command

from kefu.search import index as search
from kefu.search.models import Document
from kefu.search.text import highlight, index_tokens, plan_query
from kefu.tickets.selectors import ticket_list
from kefu.tickets.services import ticket_add_message, ticket_update
from tests import factories


def test_segmentation_keeps_domain_words_and_two_character_windows():
    tokens = index_tokens("新装木地板一周内起鼓")
    assert {"木地板", "地板", "起鼓"} <= set(tokens)
    assert all(len(t) > 1 for t in tokens)  # single characters are not indexed


def test_traditional_query_is_planned_in_simplified():
    plan = plan_query("發票開錯了")
    assert [t.word for t in plan.terms] == ["发票", "开错"]


def test_one_character_query_is_a_substring_match():
    plan = plan_query("鼓")
    assert not plan.terms and plan.substring == "鼓"


def test_highlight_marks_words_and_escapes_the_rest():
    out = highlight("新裝木地板<b>起鼓", ["地板", "起鼓"])
    assert out == "新裝木<mark>地板</mark>&lt;b&gt;<mark>起鼓</mark>"


@pytest.fixture
def orders(desk):
    floor = factories.ticket(desk.agent, subject="新装木地板一周内起鼓", body="师傅说是受潮")
    invoice = factories.ticket(desk.agent, subject="发票抬头开错了", body="请重开发票")
    refund = factories.ticket(desk.agent, subject="申请退款", body="商品破损，要求退款")
    return {"floor": floor, "invoice": invoice, "refund": refund}


def _numbers(user, q, **kw):
    return [t.number for t in ticket_list(user, q=q, **kw)]


@pytest.mark.django_db
def test_api_finds_the_floor_order_by_words_the_subject_holds_apart(desk, orders, api_client):
    body = api_client.as_user(desk.agent).get("/api/v1/tickets", q="地板起鼓").json()
    assert [r["number"] for r in body["results"]] == [orders["floor"].number]


@pytest.mark.django_db
def test_a_word_only_in_a_message_finds_its_order(desk, orders):
    assert _numbers(desk.agent, "受潮") == [orders["floor"].number]
    ticket_add_message(ticket=orders["invoice"], by=desk.agent, kind="reply", body="已为您联系财务红冲处理")
    assert _numbers(desk.agent, "红冲") == [orders["invoice"].number]


@pytest.mark.django_db
def test_two_character_and_traditional_queries(desk, orders):
    assert _numbers(desk.agent, "发票") == [orders["invoice"].number]
    assert _numbers(desk.agent, "發票") == [orders["invoice"].number]
    assert _numbers(desk.agent, "退款") == [orders["refund"].number]


@pytest.mark.django_db
def test_ranking_puts_the_order_that_says_it_most_first(desk, orders):
    passing = factories.ticket(desk.agent, subject="咨询物流", body="顺便问一下退款")
    assert _numbers(desk.agent, "退款") == [orders["refund"].number, passing.number]


@pytest.mark.django_db
def test_one_character_falls_back_to_substring(desk, orders):
    assert _numbers(desk.agent, "鼓") == [orders["floor"].number]


@pytest.mark.django_db
def test_subject_edit_is_reindexed_and_rebuild_restores_the_index(desk, orders):
    floor = orders["floor"]
    ticket_update(ticket=floor, by=desk.agent, version=floor.version, subject="地砖开裂")
    assert _numbers(desk.agent, "地砖") == [floor.number]
    assert _numbers(desk.agent, "起鼓") == []
    Document.objects.all().delete()
    assert _numbers(desk.agent, "地砖") == []
    call_command("search_rebuild")
    assert _numbers(desk.agent, "地砖") == [floor.number]
    assert _numbers(desk.agent, "受潮") == [floor.number]


@pytest.mark.django_db
def test_search_respects_what_the_user_may_see(desk, orders):
    # A responsible-department handler sees no order that was not dispatched to them.
    assert _numbers(desk.handler, "退款") == []


@pytest.mark.django_db
def test_order_number_and_customer_name(desk, orders):
    floor = orders["floor"]
    assert _numbers(desk.agent, floor.number.lower()) == [floor.number]
    assert floor.number in _numbers(desk.agent, floor.customer.name)


@pytest.mark.django_db
def test_rank_restricted_within_a_queryset(desk, orders):
    from kefu.tickets.models import Ticket

    within = Ticket.objects.exclude(pk=orders["refund"].pk)
    assert search.rank("ticket", "退款", within=within) == []


@pytest.mark.django_db
def test_inbox_page_highlights_the_words_and_shows_the_message_that_matched(desk, orders, client):
    client.force_login(desk.agent)
    html = client.get("/tickets/", {"q": "受潮", "view": "all"}).content.decode()
    assert orders["floor"].number in html and orders["invoice"].number not in html
    assert "师傅说是<mark>受潮</mark>" in html
    html = client.get("/tickets/", {"q": "地板起鼓", "view": "all"}).content.decode()
    assert "新装木<mark>地板</mark>一周内<mark>起鼓</mark>" in html


@pytest.mark.django_db
def test_customers_found_by_company_words(desk, api_client):
    factories.customer(desk.agent, name="王五", company="华东建材有限公司", phones=["13900001111"])
    factories.customer(desk.agent, name="赵六", company="光明乳业", phones=["13900002222"])
    body = api_client.as_user(desk.agent).get("/api/v1/customers", q="建材").json()
    assert [r["name"] for r in body["results"]] == ["王五"]


@pytest.mark.django_db
def test_complaints_found_by_words_of_their_record(desk, orders):
    from django.utils import timezone

    from kefu.complaints.models import Complaint
    from kefu.complaints.selectors import complaint_list

    Complaint.objects.create(ticket=orders["floor"], received_at=timezone.now(), description="安装师傅态度恶劣")
    found = complaint_list(desk.supervisor, q="態度", now=timezone.now())
    assert [c.ticket.number for c in found] == [orders["floor"].number]


@pytest.mark.django_db
def test_common_words_rank_among_the_newest_first(desk, monkeypatch):
    from kefu.search import index

    old = [factories.ticket(desk.agent, subject=f"退款申请{i}") for i in range(3)]
    new = [factories.ticket(desk.agent, subject=f"退款咨询{i}") for i in range(3)]
    newest = max(t.pk for t in new)
    monkeypatch.setattr(index, "RECENT_WINDOW", newest - new[0].pk + 1)
    assert set(search.rank("ticket", "退款", limit=3)) == {t.pk for t in new}  # enough among the newest
    assert len(search.rank("ticket", "退款", limit=5)) == 5  # too few there: every match is ranked
    assert old[0].pk in search.rank("ticket", "退款", limit=6)


@pytest.mark.django_db
def test_one_character_reads_only_the_newest_orders_and_says_so(desk, client, api_client, monkeypatch):
    old = factories.ticket(desk.agent, subject="地板鼓起来了")
    filler = [factories.ticket(desk.agent, subject=f"咨询{i}") for i in range(3)]
    new = factories.ticket(desk.agent, subject="墙面鼓包")
    monkeypatch.setattr(search, "SUBSTRING_WINDOW", new.pk - filler[0].pk + 1)
    assert _numbers(desk.agent, "鼓") == [new.number]  # the old one is outside the window
    client.force_login(desk.agent)
    page = client.get("/tickets/", {"q": "鼓", "view": "all"}).content.decode()
    assert 'data-testid="search-capped"' in page and "两个字以上" in page
    body = api_client.as_user(desk.agent).get("/api/v1/tickets", q="鼓").json()
    assert [r["number"] for r in body["results"]] == [new.number] and body["count_exact"] is False
    # Two characters use the index over every order.
    assert set(_numbers(desk.agent, "地板")) == {old.number}
    monkeypatch.setattr(search, "SUBSTRING_WINDOW", 10_000)
    assert set(_numbers(desk.agent, "鼓")) == {old.number, new.number}
    assert 'data-testid="search-capped"' not in client.get("/tickets/", {"q": "鼓"}).content.decode()


@pytest.mark.django_db
def test_more_matches_than_the_rank_limit_are_paged_best_first_and_announced(desk, client, api_client,
                                                                             monkeypatch):
    best = factories.ticket(desk.agent, subject="退款退款", body="再次申请退款")
    others = [factories.ticket(desk.agent, subject=f"申请退款{i}") for i in range(3)]
    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    body = api_client.as_user(desk.agent).get("/api/v1/tickets", q="退款", page_size=1).json()
    assert body["results"][0]["number"] == best.number and body["count"] == 2 and body["count_exact"] is False
    client.force_login(desk.agent)
    page = client.get("/tickets/", {"q": "退款"}).content.decode()
    assert 'data-testid="search-capped"' in page and "最相关的前 2 张" in page
    monkeypatch.setattr(search, "RANK_LIMIT", 200)
    body = api_client.as_user(desk.agent).get("/api/v1/tickets", q="退款").json()
    assert body["count"] == 1 + len(others) and body["count_exact"] is True
    assert 'data-testid="search-capped"' not in client.get("/tickets/", {"q": "退款"}).content.decode()


def test_tokens_of_parts_joined_equal_the_tokens_of_the_joined_text():
    from kefu.search.text import index_text, index_text_many

    parts = ["GD2026120500001", "新装木地板一周内起鼓", "", "您好，已為您登記 KF-12 ", "请问还需要多久？", "好的"]
    assert index_text_many(parts) == index_text(" ".join(parts))
    assert index_text_many(parts * 2) == index_text(" ".join(parts * 2))  # repeats (served from memory)
