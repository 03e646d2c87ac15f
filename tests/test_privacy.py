"""PIPL requests (issue 10 item 5): export (JSON, XLSX) and erasure with a supervisor's approval,
keeping work orders, statistics and the audit."""

import io
import json

import pytest
from openpyxl import load_workbook

from kefu.core.errors import DomainError, Forbidden
from kefu.security.models import EventKind, PrivacyRequest, SecurityEvent
from kefu.security.privacy import customer_export_data, privacy_request_decide, privacy_request_file
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import ticket_add_message
from tests import factories


@pytest.fixture
def customer(desk):
    cust = factories.customer(desk.agent, name="隐私客户", phones=["13911112222"], email="p@example.com",
                              address="上海市某路1号", notes="喜欢下午来电")
    ticket = factories.ticket(desk.agent, cust, subject="咨询", body="我的电话是13911112222", intake={"contact": "13911112222"})
    ticket_add_message(ticket=ticket, by=desk.agent, kind="note", body="内部：客户很急")
    return cust


def test_export_needs_approval_then_gives_json_and_xlsx(desk, customer, client):
    client.force_login(desk.agent)
    client.post(f"/security/privacy/customer/{customer.pk}/", {"kind": "export", "reason": "客户来电要求"})
    item = PrivacyRequest.objects.get(customer=customer)
    assert client.get(f"/security/privacy/{item.pk}/export.json").status_code == 403  # not approved yet
    assert client.post(f"/security/privacy/{item.pk}/decide/", {"approve": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.state == "pending"  # the filer cannot approve their own request
    client.force_login(desk.supervisor)
    client.post(f"/security/privacy/{item.pk}/decide/", {"approve": "1"})
    item.refresh_from_db()
    assert (item.state, item.decided_by) == ("approved", desk.supervisor)
    client.force_login(desk.agent)
    data = json.loads(client.get(f"/security/privacy/{item.pk}/export.json").content)
    assert data["customer"]["phones"] == ["13911112222"] and data["customer"]["address"] == "上海市某路1号"
    assert any("13911112222" in m["body"] for m in data["messages"])
    assert not any("内部" in m["body"] for m in data["messages"])  # internal notes are not the customer's
    xlsx = client.get(f"/security/privacy/{item.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"客户", "工单", "消息"} <= set(book.sheetnames)
    assert SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_EXPORTED).count() == 2


def test_erasure_anonymises_but_keeps_orders_statistics_and_audit(desk, customer):
    ticket = Ticket.objects.get(customer=customer)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent, reason="客户要求删除")
    with pytest.raises(Forbidden):
        privacy_request_decide(request=item, by=desk.agent, approve=True)
    with pytest.raises(Forbidden):
        privacy_request_decide(request=item, by=desk.qa, approve=True)
    privacy_request_decide(request=item, by=desk.supervisor, approve=True)
    customer.refresh_from_db()
    assert customer.phones == [] and customer.email == "" and customer.address == "" and customer.notes == ""
    assert "隐私客户" not in customer.name
    data = json.dumps(customer_export_data(customer), ensure_ascii=False)
    assert "13911112222" not in data and "上海市某路1号" not in data
    ticket.refresh_from_db()
    assert ticket.created_at and ticket.type and ticket.intake == {}  # the order stays, counted as before
    assert TicketEvent.objects.filter(ticket=ticket).count() >= events_before  # the audit stays
    assert SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_ERASED, actor=desk.supervisor).exists()
    item.refresh_from_db()
    assert item.state == "done"


def test_rejected_erasure_changes_nothing(desk, customer):
    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent)
    privacy_request_decide(request=item, by=desk.supervisor, approve=False)
    customer.refresh_from_db()
    assert customer.phones == ["13911112222"]
    with pytest.raises(DomainError):
        privacy_request_decide(request=item, by=desk.supervisor, approve=True)


def test_masked_roles_and_other_departments_cannot_file(desk, customer):
    with pytest.raises(Forbidden):
        privacy_request_file(customer=customer, kind="export", by=desk.qa)
    with pytest.raises(Forbidden):
        privacy_request_file(customer=customer, kind="export", by=desk.other_supervisor)
    item = privacy_request_file(customer=customer, kind="export", by=desk.agent)
    with pytest.raises(Forbidden):
        privacy_request_decide(request=item, by=desk.other_supervisor, approve=True)


def test_privacy_pages_render(desk, customer, client):
    privacy_request_file(customer=customer, kind="export", by=desk.agent)
    client.force_login(desk.supervisor)
    page = client.get("/security/privacy/").content.decode()
    assert "隐私客户" in page and "批准" in page
    assert client.get(f"/security/privacy/customer/{customer.pk}/").status_code == 200
    assert "个人信息请求" in client.get(f"/customers/{customer.pk}/").content.decode()
