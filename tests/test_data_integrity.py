"""Data that stays right (issue 10 item 2): customer versions, merge lock order, the archived lock,
system messages, customers by department, and reads of personal data recorded."""

import threading

import pytest
from django.db import connection, connections

from kefu import policy
from kefu.complaints.models import ComplaintState
from kefu.core.errors import Conflict, DomainError
from kefu.customers.services import customer_update
from kefu.security.models import EventKind, SecurityEvent
from kefu.tickets import services
from kefu.tickets.models import Message, Ticket
from tests import factories
from tests.test_complaint_support import ensure_seed_data, walk_to

# ---- customer versions -----------------------------------------------------------------------------

def test_stale_customer_write_is_a_409_and_changes_nothing(desk, api_client):
    cust = factories.customer(desk.agent, company="旧单位")
    api = api_client.as_user(desk.agent)
    first = api.patch(f"/api/v1/customers/{cust.pk}", {"version": cust.version, "company": "甲公司"})
    assert first.status_code == 200 and first.json()["version"] == cust.version + 1
    stale = api.patch(f"/api/v1/customers/{cust.pk}", {"version": cust.version, "company": "乙公司"})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"
    cust.refresh_from_db()
    assert cust.company == "甲公司"


def test_customer_patch_without_version_is_refused(desk, api_client):
    cust = factories.customer(desk.agent)
    response = api_client.as_user(desk.agent).patch(f"/api/v1/customers/{cust.pk}", {"company": "甲"})
    assert response.status_code == 422
    assert "version" in {e["field"] for e in response.json()["errors"]}


def test_stale_customer_edit_page_shows_the_conflict(desk, client):
    cust = factories.customer(desk.agent, name="张三")
    client.force_login(desk.agent)
    form = client.get(f"/customers/{cust.pk}/edit/").content.decode()
    assert f'name="version" value="{cust.version}"' in form
    customer_update(customer=cust, by=desk.supervisor, version=cust.version, company="别人先改了")
    response = client.post(f"/customers/{cust.pk}/edit/", {"name": "张三", "phones": "13812345678",
                                                          "vip_level": 0, "version": cust.version})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    cust.refresh_from_db()
    assert cust.company == "别人先改了"


def test_service_refuses_a_stale_version(desk):
    cust = factories.customer(desk.agent)
    customer_update(customer=cust, by=desk.agent, version=1, notes="一")
    with pytest.raises(Conflict):
        customer_update(customer=cust, by=desk.agent, version=1, notes="二")


# ---- system messages -------------------------------------------------------------------------------

def test_people_cannot_post_system_messages(desk, api_client):
    ticket = factories.ticket(desk.agent)
    for user in (desk.agent, desk.supervisor, desk.admin):
        response = api_client.as_user(user).post_form(f"/api/v1/tickets/{ticket.number}/messages",
                                                      {"kind": "system", "body": "系统：已退款"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "kind"
    assert not ticket.messages.filter(kind="system").exists()
    services.ticket_add_message(ticket=ticket, by=None, kind="system", body="自动提醒")  # the system may
    assert ticket.messages.filter(kind="system").count() == 1


# ---- the archived complaint locks its work order -----------------------------------------------------

@pytest.fixture
def archived(desk):
    ensure_seed_data()
    return walk_to(desk, ComplaintState.ARCHIVED)


def test_archived_complaint_order_refuses_status_and_edits(desk, archived, api_client):
    ticket = archived.ticket
    before = (ticket.status, ticket.subject, ticket.type, ticket.version)
    with pytest.raises(DomainError, match="已归档"):
        services.ticket_set_status(ticket=ticket, by=desk.supervisor, status="open")
    with pytest.raises(DomainError, match="已归档"):
        services.ticket_update(ticket=ticket, by=desk.supervisor, subject="改标题")
    with pytest.raises(DomainError, match="已归档"):
        services.ticket_update(ticket=ticket, by=desk.supervisor, type="consultation")
    with pytest.raises(DomainError, match="已归档"):
        services.ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="补充说明")
    api = api_client.as_user(desk.supervisor)
    assert api.post(f"/api/v1/tickets/{ticket.number}/transition", {"status": "open"}).status_code == 400
    ticket.refresh_from_db()
    assert (ticket.status, ticket.subject, ticket.type, ticket.version) == before


def test_a_new_contact_on_an_archived_complaint_starts_a_linked_order(desk, archived):
    ticket = archived.ticket
    message = services.ticket_add_message(ticket=ticket, by=desk.agent, kind="customer", body="又坏了")
    new = message.ticket
    assert new.pk != ticket.pk and new.customer_id == ticket.customer_id
    assert new.related.filter(pk=ticket.pk).exists()
    assert not ticket.messages.filter(body="又坏了").exists()
    assert new.status == "new"


def test_archived_complaint_orders_cannot_be_merged(desk, archived):
    other = factories.ticket(desk.agent, archived.ticket.customer)
    with pytest.raises(DomainError, match="已归档"):
        services.ticket_merge(source=archived.ticket, target=other, by=desk.supervisor)
    with pytest.raises(DomainError, match="已归档"):
        services.ticket_merge(source=other, target=archived.ticket, by=desk.supervisor)


# ---- merges lock in a fixed order ------------------------------------------------------------------

def _merge_crossed(desk, a: Ticket, b: Ticket) -> list[str]:
    """Merges a into b and b into a at the same instant, each in its own connection."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def merge(source: Ticket, target: Ticket) -> None:
        try:
            barrier.wait()
            services.ticket_merge(source=source, target=target, by=desk.supervisor)
            outcomes.append("ok")
        except DomainError:
            outcomes.append("refused")
        except Exception as exc:  # a deadlock would surface here as OperationalError
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=merge, args=(a, b)), threading.Thread(target=merge, args=(b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_crossed_merges_do_not_deadlock(desk):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL=postgres://...)")
    for _round in range(5):
        cust = factories.customer(desk.agent)
        a, b = factories.ticket(desk.agent, cust), factories.ticket(desk.agent, cust)
        outcomes = _merge_crossed(desk, a, b)
        assert sorted(outcomes) == ["ok", "refused"], outcomes


def test_merge_still_moves_the_thread(desk):
    cust = factories.customer(desk.agent)
    a, b = factories.ticket(desk.agent, cust), factories.ticket(desk.agent, cust, body="第二张")
    services.ticket_merge(source=b, target=a, by=desk.supervisor)
    assert Message.objects.filter(ticket=a, body__contains="第二张").exists()


# ---- customers follow the department ---------------------------------------------------------------

def test_customers_are_visible_by_department(desk, api_client, settings):
    cust = factories.customer(desk.agent, phones=["13800001234"])
    outsider = factories.user("agent", dept=desk.other_service)
    assert policy.can_view_customer(desk.teammate, cust)
    assert policy.can_view_customer(desk.other_agent, cust)  # same department, other team
    assert not policy.can_view_customer(desk.other_supervisor, cust)
    assert not policy.can_view_customer(outsider, cust)
    assert api_client.as_user(outsider).get(f"/api/v1/customers/{cust.pk}").status_code == 404
    assert cust.pk not in [c["id"] for c in api_client.as_user(outsider).get("/api/v1/customers").json()["results"]]
    settings.KEFU_CUSTOMER_DIRECTORY = "shared"
    assert policy.can_view_customer(outsider, cust)
    assert not policy.can_view_customer(desk.handler, cust)  # handlers never browse the directory


def test_a_department_sees_customers_of_its_orders(desk):
    cust = factories.customer(desk.other_supervisor)  # created in the other department
    assert not policy.can_view_customer(desk.agent, cust)
    factories.ticket(desk.agent, cust)
    assert policy.can_view_customer(desk.agent, cust)


def test_admin_sees_every_customer(desk):
    cust = factories.customer(desk.other_supervisor)
    assert policy.can_view_customer(desk.admin, cust)


# ---- reads of unmasked personal data are recorded ----------------------------------------------------

def test_unmasked_reads_are_recorded_once_per_window(desk, api_client, client):
    from django.core.cache import cache

    cache.clear()
    cust = factories.customer(desk.agent)
    api = api_client.as_user(desk.agent)
    api.get(f"/api/v1/customers/{cust.pk}")
    api.get(f"/api/v1/customers/{cust.pk}")
    events = SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_READ, actor=desk.agent)
    assert events.count() == 1 and events.get().params == {"where": "api.customer", "customers": [cust.pk]}
    client.force_login(desk.supervisor)
    client.get(f"/customers/{cust.pk}/")
    assert SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_READ, actor=desk.supervisor).exists()


def test_masked_reads_are_not_personal_data_reads(desk, api_client):
    from django.core.cache import cache

    cache.clear()
    cust = factories.customer(desk.agent)
    ticket = factories.ticket(desk.agent, cust)
    api_client.as_user(desk.qa).get(f"/api/v1/tickets/{ticket.number}")
    assert not SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_READ).exists()


def test_complaint_exports_and_prints_are_recorded_as_reads(desk, client):
    from django.core.cache import cache

    cache.clear()
    ensure_seed_data()
    complaint = walk_to(desk, ComplaintState.RECORDED)
    client.force_login(desk.supervisor)
    assert client.get("/complaints/export.xlsx", {"queue": "all"}).status_code == 200
    client.get(f"/complaints/{complaint.ticket.number}/print/")
    wheres = set(SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_READ, actor=desk.supervisor)
                 .values_list("params__where", flat=True))
    assert "complaint_export" in wheres
