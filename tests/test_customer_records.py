"""Clean customer records: phones in one form, duplicates refused with the existing record offered,
merging moves orders, complaints and history with an audit row."""

import pytest
from django.utils import timezone

from kefu.complaints.models import Complaint
from kefu.core.errors import DomainError
from kefu.customers.merge import customer_merge
from kefu.customers.models import CustomerMerge, CustomerPhone
from kefu.customers.phones import normalise_phone
from kefu.customers.selectors import customer_search
from kefu.customers.services import DuplicateCustomer, customer_create, customer_update
from kefu.tickets.selectors import ticket_list
from tests import factories


@pytest.mark.parametrize("raw", ["13577446522", "135 7744 6522", "135-7744-6522", "+86 135 7744 6522",
                                 "+8613577446522", "008613577446522", "8613577446522", "１３５７７４４６５２２"])
def test_phone_forms_normalise_to_one_number(raw):
    assert normalise_phone(raw) == "13577446522"


def test_landline_keeps_its_area_code_and_foreign_numbers_their_plus():
    assert normalise_phone("010-6552 1234") == "01065521234"
    assert normalise_phone("+852 2345 6789") == "+85223456789"


def test_a_bad_number_is_refused_by_name():
    with pytest.raises(DomainError) as err:
        normalise_phone("135abc")
    assert err.value.field == "phones" and "135abc" in err.value.message


@pytest.mark.django_db
def test_new_customer_with_a_known_phone_written_differently_is_refused(desk):
    existing = customer_create(by=desk.agent, name="李雷", phones=["13577446522"])
    with pytest.raises(DuplicateCustomer) as err:
        customer_create(by=desk.agent, name="李雷2", phones=["135 7744 6522"])
    assert err.value.existing == existing and err.value.field == "phones"
    second = customer_create(by=desk.agent, name="李雷的家人", phones=["135 7744 6522"], allow_duplicate=True)
    assert second.phones == ["13577446522"]


@pytest.mark.django_db
def test_email_duplicates_ignore_case(desk):
    customer_create(by=desk.agent, name="韩梅梅", email="Han@Example.com")
    with pytest.raises(DuplicateCustomer):
        customer_create(by=desk.agent, name="韩梅梅", email="han@example.COM")


@pytest.mark.django_db
def test_editing_a_phone_onto_another_record_is_refused(desk):
    customer_create(by=desk.agent, name="甲", phones=["13500000001"])
    other = customer_create(by=desk.agent, name="乙", phones=["13500000002"])
    with pytest.raises(DuplicateCustomer):
        customer_update(customer=other, by=desk.agent, phones=["+86 135-0000-0001"])
    # Saving the record unchanged is not a duplicate of itself.
    customer_update(customer=other, by=desk.agent, notes="老客户")


@pytest.mark.django_db
def test_api_answers_409_with_the_existing_id(desk, api_client):
    existing = customer_create(by=desk.agent, name="李雷", phones=["13577446522"])
    api = api_client.as_user(desk.agent)
    response = api.post("/api/v1/customers", {"name": "李雷", "phones": ["+86 135 7744 6522"]})
    assert response.status_code == 409
    assert response.json()["existing_id"] == existing.pk and response.json()["field"] == "phones"
    confirmed = api.post("/api/v1/customers", {"name": "李雷", "phones": ["13577446522"], "allow_duplicate": True})
    assert confirmed.status_code == 201


@pytest.mark.django_db
def test_page_offers_the_existing_record(desk, client):
    existing = customer_create(by=desk.agent, name="李雷", phones=["13577446522"])
    client.force_login(desk.agent)
    response = client.post("/customers/new/", {"name": "李磊", "phones": "135-7744-6522", "vip_level": 0})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="duplicate-customer"' in html
    assert f"/customers/{existing.pk}/" in html
    response = client.post("/customers/new/", {"name": "李磊", "phones": "135-7744-6522", "vip_level": 0,
                                               "allow_duplicate": "on"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_order_create_page_offers_the_existing_customer(desk, client):
    existing = customer_create(by=desk.agent, name="李雷", phones=["13577446522"])
    client.force_login(desk.agent)
    form = {"new_customer_name": "李雷", "new_customer_phone": "135 7744 6522", "subject": "咨询",
            "type": "consultation", "channel": "phone", "priority": "normal"}
    html = client.post("/tickets/new/", form).content.decode()
    assert f'name="customer_id" value="{existing.pk}"' in html
    response = client.post("/tickets/new/", {**form, "customer_id": existing.pk})
    assert response.status_code == 302
    assert existing.tickets.count() == 1


@pytest.mark.django_db
def test_search_by_whole_phone_uses_the_phone_table(desk):
    customer = customer_create(by=desk.agent, name="李雷", phones=["+86 135 7744 6522"])
    order = factories.ticket(desk.agent, customer)
    assert CustomerPhone.objects.filter(customer=customer, number="13577446522").exists()
    assert [c.pk for c in customer_search(desk.agent, "135-7744-6522")] == [customer.pk]
    assert [t.pk for t in ticket_list(desk.agent, q="135 7744 6522")] == [order.pk]
    assert [t.pk for t in ticket_list(desk.agent, q="6522")] == [order.pk]  # a part: substring
    assert list(ticket_list(desk.qa, q="13577446522")) == []  # masked roles cannot look numbers up


@pytest.mark.django_db
def test_merge_moves_orders_complaints_and_history_with_an_audit_row(desk):
    keep = customer_create(by=desk.agent, name="李雷", phones=["13577446522"], tags=["老客户"], vip_level=2)
    dup = customer_create(by=desk.agent, name="李雷", phones=["13911112222"], email="li@example.com",
                          tags=["投诉过"], allow_duplicate=True)
    order = factories.ticket(desk.agent, dup)
    Complaint.objects.create(ticket=order, received_at=timezone.now())
    merge = customer_merge(source=dup, target=keep, by=desk.supervisor)
    keep.refresh_from_db()
    dup.refresh_from_db()
    order.refresh_from_db()
    assert order.customer == keep and Complaint.objects.get(ticket=order).ticket.customer == keep
    assert keep.phones == ["13577446522", "13911112222"] and keep.email == "li@example.com"
    assert keep.tags == ["投诉过", "老客户"] and keep.vip_level == 2
    assert dup.merged_into == keep and dup.phones == []
    assert order.events.filter(code="customer.merged", params__old_id=dup.pk, params__new_id=keep.pk).exists()
    audit = CustomerMerge.objects.get()
    assert audit == merge and audit.by == desk.supervisor and audit.source_data["email"] == "li@example.com"
    assert audit.moved == {"tickets.Ticket": 1, "complaints.Complaint": 1}  # the complaint's copy of its customer
    assert Complaint.objects.get(ticket=order).order_customer == keep
    # The merged record is out of lists and duplicate checks; its old number now finds the kept one.
    assert dup not in customer_search(desk.agent, "李雷")
    assert [c.pk for c in customer_search(desk.agent, "13911112222")] == [keep.pk]
    with pytest.raises(DuplicateCustomer) as err:
        customer_create(by=desk.agent, name="x", phones=["13911112222"])
    assert err.value.existing == keep


@pytest.mark.django_db
def test_merge_is_for_supervisors_and_not_into_itself(desk):
    a = customer_create(by=desk.agent, name="甲", phones=["13500000001"])
    b = customer_create(by=desk.agent, name="乙", phones=["13500000002"])
    with pytest.raises(Exception, match="主管"):
        customer_merge(source=a, target=b, by=desk.agent)
    with pytest.raises(DomainError):
        customer_merge(source=a, target=a, by=desk.supervisor)
    customer_merge(source=a, target=b, by=desk.supervisor)
    with pytest.raises(DomainError):
        customer_merge(source=a, target=b, by=desk.supervisor)


@pytest.mark.django_db
def test_merge_through_api_and_page(desk, api_client, client):
    a = customer_create(by=desk.agent, name="甲", phones=["13500000001"])
    b = customer_create(by=desk.agent, name="乙", phones=["13500000002"])
    factories.ticket(desk.agent, a)
    body = api_client.as_user(desk.supervisor).post(f"/api/v1/customers/{a.pk}/merge", {"into": b.pk}).json()
    assert body == {"source": a.pk, "target": b.pk, "moved": {"tickets.Ticket": 1}}
    c = customer_create(by=desk.agent, name="丙", phones=["13500000003"])
    client.force_login(desk.supervisor)
    assert client.post(f"/customers/{c.pk}/merge/", {"into": b.pk}).status_code == 302
    c.refresh_from_db()
    assert c.merged_into == b
