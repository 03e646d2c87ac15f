"""Regressions for the security review: personal data, dispatch and ownership rules, robustness."""

import json

import pytest
from django.urls import reverse

from kefu.accounts.models import DepartmentKind, Role
from kefu.core.errors import DomainError, Forbidden
from kefu.tickets import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake_order(desk):
    return factories.ticket(desk.agent, intake={"contact": "13912345678", "budget": "2万"})


def test_intake_contact_is_masked_in_ticket_api_and_page_for_masked_roles(desk, intake_order, api_client, client):
    services.ticket_dispatch(ticket=intake_order, by=desk.agent, department=desk.aftersales)
    body = api_client.as_user(desk.handler).get(f"/api/v1/tickets/{intake_order.number}").json()
    assert body["intake"]["contact"] != "13912345678" and body["intake"]["budget"] == "2万"
    client.force_login(desk.handler)
    assert "13912345678" not in client.get(reverse("tickets:detail", args=[intake_order.number])).content.decode()
    assert api_client.as_user(desk.agent).get(f"/api/v1/tickets/{intake_order.number}").json()["intake"][
        "contact"] == "13912345678"


def test_intake_contact_never_enters_the_history(desk, intake_order):
    services.ticket_update(ticket=intake_order, by=desk.agent, intake={"contact": "13700001111"})
    values = json.dumps([e.params for e in intake_order.events.all()], ensure_ascii=False)
    assert "13912345678" not in values and "13700001111" not in values


def test_customer_edit_through_api_needs_personal_data_permission(desk, api_client):
    customer = factories.customer(desk.supervisor, phones=["13812345678"])
    desk.agent.can_view_personal_data = False
    desk.agent.save()
    response = api_client.as_user(desk.agent).patch(f"/api/v1/customers/{customer.pk}",
                                                    {"version": customer.version, "phones": ["110"]})
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.phones == ["13812345678"]


def test_dispatch_only_to_active_responsible_departments(desk):
    ticket = factories.ticket(desk.agent)
    with pytest.raises(DomainError):
        services.ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.other_service)
    desk.logistics.is_active = False
    desk.logistics.save()
    with pytest.raises(DomainError):
        services.ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.logistics)
    assert desk.aftersales.kind == DepartmentKind.RESPONSIBLE
    services.ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.aftersales)


def test_transfer_and_hand_over_stay_within_the_department_and_service_roles(desk):
    ticket = factories.ticket(desk.agent)
    outsider = factories.user(Role.AGENT, dept=desk.other_service)
    for assignee in (outsider, desk.handler, desk.qa):
        with pytest.raises(DomainError):
            services.ticket_assign(ticket=ticket, by=desk.supervisor, assignee=assignee)
    foreign_team = factories.team(desk.other_service)
    with pytest.raises(DomainError):
        services.ticket_assign(ticket=ticket, by=desk.supervisor, team=foreign_team)
    with pytest.raises(DomainError):
        services.ticket_hand_over(ticket=ticket, by=desk.supervisor, to=desk.handler, reason="调岗", customer_told=True)
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.first_responder) == (desk.agent, desk.agent)


def test_handler_replies_but_cannot_edit_order_fields(desk):
    ticket = factories.ticket(desk.agent)
    services.ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.aftersales)
    with pytest.raises(Forbidden):
        services.ticket_update(ticket=ticket, by=desk.handler, subject="改个标题")
    services.ticket_add_message(ticket=ticket, by=desk.handler, kind="reply", body="师傅明天上门")


def test_media_files_are_not_served_publicly_even_in_debug(settings):
    import importlib

    from django.urls import Resolver404, clear_url_caches, resolve

    import kefu.urls

    settings.DEBUG = True
    try:
        importlib.reload(kefu.urls)  # the URL list is built at import, so build it as a DEBUG site would
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve("/media/attachments/GD1/a.png", urlconf=kefu.urls)
    finally:
        settings.DEBUG = False
        importlib.reload(kefu.urls)
        clear_url_caches()


@pytest.mark.parametrize(("url", "data"), [
    ("/tickets/new/?customer=abc", None),
])
def test_malformed_ids_are_404_not_500(desk, client, url, data):
    client.force_login(desk.agent)
    assert client.get(url).status_code == 404


def test_malformed_assignee_is_404_not_500(desk, client):
    ticket = factories.ticket(desk.agent)
    client.force_login(desk.agent)
    assert client.post(reverse("tickets:assign", args=[ticket.number]), {"assignee": "abc"}).status_code == 404


def test_phrase_position_must_be_a_number(desk):
    from kefu.phrases.services import phrase_save

    with pytest.raises(DomainError) as err:
        phrase_save(by=desk.supervisor, situation="thanks", text="谢谢", position="first")
    assert err.value.field == "position"
