import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.core.errors import Conflict, DomainError, Forbidden
from kefu.notifications.models import Notification
from kefu.tickets import events, services
from kefu.tickets.models import MessageKind, Status, TicketEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_creator_becomes_first_responder_and_creation_is_audited(desk):
    ticket = factories.ticket(desk.agent)
    assert ticket.first_responder == desk.agent
    assert ticket.assignee == desk.agent
    assert ticket.number.startswith("GD")
    assert ticket.messages.get().kind == MessageKind.CUSTOMER
    assert ticket.events.filter(code="ticket.created", actor=desk.agent, params__number=ticket.number).exists()


def test_intake_answers_are_kept_on_the_customer_profile(desk):
    customer = factories.customer()
    factories.ticket(desk.agent, customer, intake={"usage": "新房装修", "quantity": "80 平方米"})
    factories.ticket(desk.agent, customer, intake={"quantity": "120 平方米", "invoice": "需要"})
    customer.refresh_from_db()
    assert customer.intake == {"usage": "新房装修", "quantity": "120 平方米", "invoice": "需要"}


def test_unknown_intake_field_is_refused_with_the_field_named(desk):
    with pytest.raises(DomainError) as err:
        factories.ticket(desk.agent, intake={"favourite_colour": "红"})
    assert err.value.field == "intake"


def test_transfer_keeps_first_responder_and_tells_them(desk):
    ticket = factories.ticket(desk.agent)
    services.ticket_assign(ticket=ticket, by=desk.supervisor, assignee=desk.teammate, note="排班")
    ticket.refresh_from_db()
    assert ticket.first_responder == desk.agent
    assert ticket.assignee == desk.teammate
    assert Notification.objects.filter(user=desk.agent, text__contains=ticket.number).exists()
    assert Notification.objects.filter(user=desk.teammate).exists()
    event = ticket.events.get(code="ticket.assigned")
    assert (event.params, event.actor) == (
        {"old": str(desk.agent), "old_id": desk.agent.pk, "new": str(desk.teammate), "new_id": desk.teammate.pk,
         "note": "排班"}, desk.supervisor)
    line = events.render(event)
    assert (line.field, line.old, line.new, line.note) == ("处理人", str(desk.agent), str(desk.teammate), "排班")


def test_first_responder_changes_only_by_formal_hand_over(desk):
    ticket = factories.ticket(desk.agent)
    with pytest.raises(Forbidden):
        services.ticket_hand_over(ticket=ticket, by=desk.agent, to=desk.teammate, reason="休假", customer_told=True)
    with pytest.raises(DomainError):
        services.ticket_hand_over(ticket=ticket, by=desk.supervisor, to=desk.teammate, reason="休假",
                                  customer_told=False)
    services.ticket_hand_over(ticket=ticket, by=desk.supervisor, to=desk.teammate, reason="休假", customer_told=True)
    ticket.refresh_from_db()
    assert ticket.first_responder == desk.teammate
    assert ticket.events.filter(code="ticket.first_responder_changed", params__note="休假").exists()


def test_status_transitions_follow_the_table_and_reopen_is_audited(desk):
    ticket = factories.ticket(desk.agent)
    services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.RESOLVED)
    services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.CLOSED)
    with pytest.raises(DomainError):
        services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.WAITING)
    services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.OPEN, note="客户再次来电")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.closed_at is None
    assert ticket.events.filter(code="ticket.reopened", params__note="客户再次来电", params__old="closed",
                                params__new="open").exists()


def test_reply_sets_first_response_and_opens(desk):
    ticket = factories.ticket(desk.agent)
    services.ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="您好，很高兴为您服务")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at is not None


def test_customer_message_takes_order_out_of_waiting(desk):
    ticket = factories.ticket(desk.agent)
    services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.WAITING)
    services.ticket_add_message(ticket=ticket, by=desk.agent, kind="customer", body="我补充一下照片")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_stale_version_is_refused_and_nothing_is_lost(desk):
    ticket = factories.ticket(desk.agent)
    seen_version = ticket.version
    services.ticket_update(ticket=ticket, by=desk.agent, version=seen_version, priority="high")
    with pytest.raises(Conflict):
        services.ticket_update(ticket=ticket, by=desk.teammate, version=seen_version, subject="别人的改动")
    ticket.refresh_from_db()
    assert ticket.priority == "high"
    assert ticket.subject == "咨询发货时间"


def test_audit_history_records_field_old_new_who(desk):
    ticket = factories.ticket(desk.agent)
    services.ticket_update(ticket=ticket, by=desk.agent, priority="urgent", tags=["加急"])
    changed = ticket.events.filter(code="ticket.field_changed")
    facts = {(e.params["field"], str(e.params.get("old")), str(e.params["new"]), e.actor_id) for e in changed}
    assert ("priority", "normal", "urgent", desk.agent.pk) in facts
    assert ("tags", "[]", "['加急']", desk.agent.pk) in facts
    shown = {(line.field, line.old, line.new) for line in events.lines(changed)}
    assert {("优先级", "普通", "紧急"), ("标签", "", "加急")} <= shown


def test_audit_rows_cannot_be_edited_or_deleted(desk):
    event = factories.ticket(desk.agent).events.first()
    original = dict(event.params)
    event.params = {"number": "篡改"}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert TicketEvent.objects.get(pk=event.pk).params == original


def test_failed_action_writes_nothing(desk):
    ticket = factories.ticket(desk.agent)
    before = ticket.events.count()
    with pytest.raises(DomainError):
        services.ticket_update(ticket=ticket, by=desk.agent, priority="urgent", type="no-such-type")
    ticket.refresh_from_db()
    assert ticket.priority == "normal"
    assert ticket.events.count() == before


def test_oversized_and_disallowed_attachments_are_refused(desk, settings):
    settings.KEFU_ATTACHMENT_MAX_BYTES = 10
    ticket = factories.ticket(desk.agent)
    big = SimpleUploadedFile("photo.png", b"x" * 11, content_type="image/png")
    with pytest.raises(DomainError, match="超过"):
        services.ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="见附件", attachments=[big])
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/x-msdownload")
    with pytest.raises(DomainError, match="不允许"):
        services.ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="见附件", attachments=[exe])
    assert ticket.messages.count() == 1


def test_attachment_within_limits_is_stored(desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = factories.ticket(desk.agent)
    ok = SimpleUploadedFile("发票.pdf", b"%PDF-1.4", content_type="application/pdf")
    message = services.ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="发票见附件",
                                          attachments=[ok])
    attachment = message.attachments.get()
    assert (attachment.name, attachment.size, attachment.content_type) == ("发票.pdf", 8, "application/pdf")


def test_merge_moves_thread_closes_duplicate_and_keeps_pointer(desk):
    customer = factories.customer()
    target = factories.ticket(desk.agent, customer, subject="地板起翘")
    duplicate = factories.ticket(desk.agent, customer, subject="地板起翘（重复来电）", body="还没人来修")
    services.ticket_merge(source=duplicate, target=target, by=desk.agent)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target
    assert duplicate.status == Status.CLOSED
    assert target.messages.filter(body__contains="还没人来修").exists()
    with pytest.raises(DomainError):
        services.ticket_add_message(ticket=duplicate, by=desk.agent, kind="reply", body="你好")
    with pytest.raises(DomainError):
        services.ticket_merge(source=duplicate, target=target, by=desk.agent)


def test_merge_refuses_orders_of_different_customers(desk):
    a = factories.ticket(desk.agent)
    b = factories.ticket(desk.agent)
    with pytest.raises(DomainError, match="同一客户"):
        services.ticket_merge(source=a, target=b, by=desk.agent)


def test_link_is_symmetric_and_audited_on_both(desk):
    a = factories.ticket(desk.agent)
    b = factories.ticket(desk.agent)
    services.ticket_link(ticket=a, other=b, by=desk.agent)
    assert list(b.related.all()) == [a]
    assert a.events.filter(code="ticket.linked", params__other=b.number).exists()
    assert b.events.filter(code="ticket.linked", params__other=a.number).exists()


def test_handler_cannot_transfer_and_qa_cannot_reply(desk):
    ticket = factories.ticket(desk.agent)
    services.ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.aftersales)
    with pytest.raises(Forbidden):
        services.ticket_assign(ticket=ticket, by=desk.handler, assignee=desk.teammate)
    with pytest.raises(Forbidden):
        services.ticket_add_message(ticket=ticket, by=desk.qa, kind="reply", body="你好")
    services.ticket_add_message(ticket=ticket, by=desk.handler, kind="note", body="已安排师傅")


def test_dispatch_notifies_department_handlers(desk):
    ticket = factories.ticket(desk.agent)
    services.ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.aftersales)
    assert Notification.objects.filter(user=desk.handler, text__contains=ticket.number).exists()
    assert not Notification.objects.filter(user=desk.other_handler).exists()


def test_attachment_download_checks_the_ticket_permission(desk, settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    ticket = factories.ticket(desk.agent)
    upload = SimpleUploadedFile("照片.png", b"\x89PNG-data", content_type="image/png")
    message = services.ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="照片",
                                          attachments=[upload])
    url = f"/tickets/{ticket.number}/attachments/{message.attachments.get().pk}/"
    client.force_login(desk.other_agent)
    assert client.get(url).status_code == 404
    client.force_login(desk.agent)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG-data"
