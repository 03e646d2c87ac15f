"""The complaint flow as a state machine: every state, both exits, the receipt loop, and who may do what."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from kefu.complaints import receipts
from kefu.complaints import services as cs
from kefu.complaints.models import MAIN_PATH, TRANSITIONS, ComplaintConfig, ComplaintState, ComplaintStep
from kefu.core.errors import DomainError, Forbidden
from kefu.notifications.models import Notification
from kefu.sla.alerts import sla_send_alerts
from kefu.sla.models import SlaClock
from kefu.tickets.models import Status, TicketEvent
from tests import factories
from tests.test_complaint_support import STEPS, aware, received, record_data, walk_to

S = ComplaintState
pytestmark = pytest.mark.django_db


def _refused(call, error=DomainError, match: str | None = None):
    with pytest.raises(error, match=match):
        call()


def test_transition_table_reaches_every_state_and_only_final_states_are_dead_ends():
    assert set(MAIN_PATH) | {S.INVALID} == set(S.values)
    assert {state for state, targets in TRANSITIONS.items() if not targets} == {S.INVALID}
    assert TRANSITIONS[S.SUMMARISED] == {S.SUMMARISED}  # the summary stays editable
    assert TRANSITIONS[S.REPORTED] == {S.RECEIPTED, S.RESPONSIBILITY}


def test_main_path_walks_every_state_with_each_roles_allowed_and_refused_actions(desk):
    c = received(desk)
    assert c.state == S.RECEIVED and c.ticket.type == "complaint" and c.ticket.first_responder == desk.agent
    _refused(lambda: cs.complaint_record(complaint=c, by=desk.qa, **record_data()), Forbidden, "客服人员")
    _refused(lambda: cs.complaint_record(complaint=c, by=desk.handler, **record_data()), Forbidden)
    refusals = {
        S.DISPATCHED: [lambda c: cs.complaint_dispatch(complaint=c, by=desk.handler, department=desk.aftersales)],
        S.ANALYSED: [lambda c: cs.complaint_analyse(complaint=c, by=desk.agent, cause="x"),
                     lambda c: cs.complaint_analyse(complaint=c, by=desk.other_handler, cause="x")],
        S.PROPOSED: [lambda c: cs.complaint_propose(complaint=c, by=desk.supervisor, solution="x")],
        S.APPROVED: [lambda c: cs.complaint_approve(complaint=c, by=desk.agent),
                     lambda c: cs.complaint_approve(complaint=c, by=desk.handler),
                     lambda c: cs.complaint_approve(complaint=c, by=desk.other_supervisor)],
        S.NOTIFIED: [lambda c: cs.complaint_notify_customer(complaint=c, by=desk.handler, method="phone",
                                                            customer_response="x")],
        S.IMPLEMENTED: [lambda c: cs.complaint_implement(complaint=c, by=desk.agent, implementation="x")],
        S.SUMMARISED: [lambda c: cs.complaint_summarise(complaint=c, by=desk.agent, root_cause="x",
                                                        improvement="x", owner="x")],
    }
    for target, step in STEPS:
        for refused in refusals.get(target, []):
            before = c.state
            _refused(lambda refused=refused, c=c: refused(c), Forbidden)
            c.refresh_from_db()
            assert c.state == before
        c = step(desk, c)
        assert c.state == target
    assert [s.to_state for s in c.steps.all()] == [S.RECEIVED, *[t for t, _ in STEPS]]
    events = TicketEvent.objects.filter(ticket=c.ticket, code__startswith="complaint.")
    assert events.count() == len(STEPS) + 1
    c.ticket.refresh_from_db()
    assert c.ticket.status == Status.CLOSED and c.ticket.dispatched_to == desk.aftersales
    assert c.approved_by == desk.supervisor and c.receipt_satisfied is True
    # what the customer was told is in the work order's thread, so its own first-response clock agrees
    replies = list(c.ticket.messages.filter(kind="reply").values_list("body", flat=True))
    assert replies == ["【电话】解决方案：三日内上门换货并补偿运费\n客户反应：客户同意方案"]
    assert c.ticket.first_response_at is not None


def test_first_responder_hears_when_customer_service_acts_next_not_of_every_internal_step(desk):
    """Issue 17: every step used to notify the first responder; now the responsible department's own
    steps (analysis, responsibility, proposal, implementation) reach the people who act on them."""
    c = walk_to(desk, S.PROPOSED)
    texts = list(Notification.objects.filter(user=desk.agent).values_list("text", flat=True))
    assert not any(word in t for t in texts for word in ("原因分析", "责任判定", "提出解决方案", "下发投诉处理单"))
    assert Notification.objects.filter(user=desk.supervisor, text__contains="待您审批").exists()
    for _target, step in STEPS[5:9]:  # approve, notify the customer, implement, report
        c = step(desk, c)
    assert c.state == S.REPORTED
    texts = list(Notification.objects.filter(user=desk.agent).values_list("text", flat=True))
    # approved: the agent tells the customer; reported: the agent collects the receipt
    assert sum("审批通过" in t for t in texts) == 1 and sum("提交处理结果单" in t for t in texts) == 1
    assert not any("实施方案" in t for t in texts)
    assert set(Notification.objects.filter(user=desk.agent).values_list("kind", flat=True)) == {"complaint.progress"}


def test_invalid_path_requires_a_reason_and_how_the_customer_was_told(desk):
    c = walk_to(desk, S.RECORDED)
    _refused(lambda: cs.complaint_reject(complaint=c, by=desk.agent, reason=" ", explained_how="phone"),
             match="不成立的原因")
    _refused(lambda: cs.complaint_reject(complaint=c, by=desk.agent, reason="非本公司产品", explained_how="fax"),
             match="解释的方式")
    told = aware("2026-03-02 10:00")
    with mock.patch("django.utils.timezone.now", return_value=told + timedelta(hours=1)):
        c = cs.complaint_reject(complaint=c, by=desk.agent, reason="非本公司产品", explained_how="phone",
                                explained_at=told)
    assert c.state == S.INVALID and c.explained_at == told and c.first_reply_at == told
    c.ticket.refresh_from_db()
    assert c.ticket.status == Status.CLOSED
    _refused(lambda: cs.complaint_dispatch(complaint=c, by=desk.agent, department=desk.aftersales),
             match="不成立")


def test_not_satisfied_receipt_sends_back_to_solution_counts_the_round_and_alerts_the_supervisor(desk):
    c = walk_to(desk, S.REPORTED)
    _refused(lambda: cs.complaint_receipt(complaint=c, by=desk.agent, satisfied=False, comment=""),
             match="不满意的原因")
    c = cs.complaint_receipt(complaint=c, by=desk.agent, satisfied=False, comment="划痕砖没有全部换掉")
    assert c.state == S.RESPONSIBILITY and c.round == 2
    assert Notification.objects.filter(user=desk.supervisor, text__contains="第 2 轮").exists()
    c = cs.complaint_propose(complaint=c, by=desk.handler, solution="全部重新换货")
    for _target, step in STEPS[5:10]:
        c = step(desk, c)
    assert c.state == S.RECEIPTED
    assert c.steps.filter(action="propose").count() == 2 and c.steps.last().round == 2


def test_supervisor_sends_back_with_a_comment(desk):
    c = walk_to(desk, S.PROPOSED)
    _refused(lambda: cs.complaint_send_back(complaint=c, by=desk.supervisor, comment=""), match="退回意见")
    c = cs.complaint_send_back(complaint=c, by=desk.supervisor, comment="补偿标准太低")
    assert c.state == S.RESPONSIBILITY and c.approval_comment == "补偿标准太低"


def test_skipping_a_step_is_refused_and_nothing_changes(desk):
    c = walk_to(desk, S.RECORDED)
    steps_before = ComplaintStep.objects.count()
    _refused(lambda: cs.complaint_approve(complaint=c, by=desk.supervisor), match="不能执行「审批通过」")
    _refused(lambda: cs.complaint_report(complaint=c, by=desk.admin, result="x"), match="已记录")
    c.refresh_from_db()
    assert c.state == S.RECORDED and ComplaintStep.objects.count() == steps_before


def test_approving_twice_records_exactly_one_approval(desk):
    c = walk_to(desk, S.PROPOSED)
    stale = type(c).objects.get(pk=c.pk)  # a second supervisor's page, read before the first approved
    cs.complaint_approve(complaint=c, by=desk.supervisor)
    second = factories.user("supervisor", dept=desk.service)
    _refused(lambda: cs.complaint_approve(complaint=stale, by=second), match="方案已批准")
    assert c.steps.filter(action="approve").count() == 1
    c.refresh_from_db()
    assert c.approved_by == desk.supervisor


def test_archived_complaint_is_read_only_except_the_summary(desk):
    c = walk_to(desk, S.ARCHIVED)
    _refused(lambda: cs.complaint_receipt(complaint=c, by=desk.agent, satisfied=False, comment="x"), match="已归档")
    _refused(lambda: cs.complaint_record(complaint=c, by=desk.agent, **record_data()), match="已归档")
    c = cs.complaint_summarise(complaint=c, by=desk.supervisor, root_cause="包装", improvement="检查", owner="仓库")
    c = cs.complaint_summarise(complaint=c, by=desk.admin, root_cause="包装不足", improvement="检查", owner="仓库")
    assert c.state == S.SUMMARISED and c.root_cause == "包装不足"


def test_record_form_names_the_missing_field(desk):
    c = received(desk)
    for field, message in [("demand", "客户诉求"), ("key_quotes", "客户原话"), ("emotion", "情绪状态"),
                           ("object_kind", "投诉对象"), ("category", "投诉分类")]:
        with pytest.raises(DomainError, match=message) as err:
            cs.complaint_record(complaint=c, by=desk.agent, **record_data(**{field: None}))
        assert err.value.field == field
    with pytest.raises(DomainError) as err:
        cs.complaint_record(complaint=c, by=desk.agent, **record_data(source="account_manager"))
    assert err.value.field == "account_manager"
    with pytest.raises(DomainError, match="未知字段"):
        cs.complaint_record(complaint=c, by=desk.agent, colour="red", **record_data())


def test_receive_on_an_existing_ticket_needs_a_complaint_ticket_without_a_record(desk):
    consultation = factories.ticket(desk.agent)
    _refused(lambda: cs.complaint_receive(by=desk.agent, ticket=consultation), match="投诉")
    ticket = factories.ticket(desk.agent, type="complaint", subject="投诉送货延误")
    c = cs.complaint_receive(by=desk.agent, ticket=ticket)
    assert c.received_at == ticket.created_at
    _refused(lambda: cs.complaint_receive(by=desk.agent, ticket=ticket), match="已登记投诉")
    _refused(lambda: cs.complaint_receive(by=desk.handler, customer=ticket.customer, subject="x"), Forbidden)


def test_dispatch_only_to_a_responsible_department(desk):
    c = walk_to(desk, S.RECORDED)
    _refused(lambda: cs.complaint_dispatch(complaint=c, by=desk.agent, department=desk.service), match="责任部门")
    c = cs.complaint_dispatch(complaint=c, by=desk.agent, department=desk.aftersales)
    assert Notification.objects.filter(user=desk.handler, text__contains="请分析原因").exists()


def test_reply_deadline_is_24_hours_and_implementation_five_working_days(desk):
    monday = aware("2026-03-02 10:00")  # an ordinary working week in 2026
    with mock.patch("django.utils.timezone.now", return_value=monday):
        c = received(desk)
    assert c.reply_due_at == monday + timedelta(hours=24)
    c = walk_to(desk, S.RECORDED, c)
    c = cs.complaint_reply(complaint=c, by=desk.agent, method="phone", note="已致歉，正在核实")
    assert c.first_reply_at is not None and c.state == S.RECORDED
    c = walk_to(desk, S.PROPOSED, c)
    with mock.patch("django.utils.timezone.now", return_value=monday):
        c = cs.complaint_approve(complaint=c, by=desk.supervisor)
    # day 0 is the Monday; the fifth working day after it is the next Monday, at close of business
    assert c.implement_due_at.date().isoformat() == "2026-03-09"
    clocks = {clock.kind: clock for clock in SlaClock.objects.filter(ticket=c.ticket)}
    assert clocks["complaint_reply"].stopped_at == c.first_reply_at
    assert clocks["complaint_implement"].due_at == c.implement_due_at and clocks["complaint_implement"].stopped_at is None
    c.ticket.refresh_from_db()
    # the earliest running clock feeds the work order (the order's own policy clocks, started when it was
    # created, count too: the complaint reply is not a reply on the order)
    running = [clock.due_at for clock in clocks.values() if clock.stopped_at is None and not clock.paused_now]
    assert c.implement_due_at in running
    assert c.ticket.due_at == min(running)


class TestReceiptLink:
    def test_customer_receipt_by_link_is_single_use(self, desk):
        c = walk_to(desk, S.REPORTED)
        token = receipts.receipt_token(c)
        assert receipts.receipt_open(token).pk == c.pk
        c = receipts.complaint_receipt_by_link(token=token, satisfied=True, comment="谢谢")
        assert c.state == S.RECEIPTED and c.receipt_via == "link"
        with pytest.raises(receipts.ReceiptLinkError, match="已使用"):
            receipts.complaint_receipt_by_link(token=token, satisfied=False, comment="再来一次")
        c.refresh_from_db()
        assert c.state == S.RECEIPTED and c.receipt_satisfied is True

    def test_tampered_link_is_refused_and_nothing_changes(self, desk):
        c = walk_to(desk, S.REPORTED)
        token = receipts.receipt_token(c)
        for bad in [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "abc", ""]:
            with pytest.raises(receipts.ReceiptLinkError, match="无效"):
                receipts.complaint_receipt_by_link(token=bad, satisfied=True)
        c.refresh_from_db()
        assert c.state == S.REPORTED

    def test_link_of_an_earlier_round_dies_when_a_new_result_is_reported(self, desk):
        c = walk_to(desk, S.REPORTED)
        old = receipts.receipt_token(c)
        c = receipts.complaint_receipt_by_link(token=old, satisfied=False, comment="没修好")
        c = cs.complaint_propose(complaint=c, by=desk.handler, solution="再修一次")
        for _target, step in STEPS[5:9]:
            c = step(desk, c)
        assert c.state == S.REPORTED
        with pytest.raises(receipts.ReceiptLinkError):
            receipts.receipt_open(old)
        assert receipts.receipt_open(receipts.receipt_token(c)).pk == c.pk


def test_overdue_implementation_alerts_the_handler_the_first_responder_and_the_supervisor(desk):
    monday = aware("2026-03-02 10:00")
    with mock.patch("django.utils.timezone.now", return_value=monday):
        c = walk_to(desk, S.APPROVED)
    sent = sla_send_alerts(now=monday + timedelta(days=10))
    assert sent >= 3
    for user in [desk.handler, desk.agent, desk.supervisor]:
        assert Notification.objects.filter(user=user, text__contains="投诉方案实施").filter(
            text__contains="已超时").exists(), user
    assert not Notification.objects.filter(user=desk.other_handler).exists()
    assert sla_send_alerts(now=monday + timedelta(days=11)) == 0  # each alert once
    c = cs.complaint_notify_customer(complaint=c, by=desk.agent, method="phone", customer_response="好")
    assert c.state == S.NOTIFIED


def test_reply_limit_in_business_hours_is_configurable(desk):
    ComplaintConfig.objects.update_or_create(pk=1, defaults={"reply_amount": 8, "reply_unit": "business_hours"})
    monday = aware("2026-03-02 10:00")
    with mock.patch("django.utils.timezone.now", return_value=monday):
        c = received(desk)
    clock = SlaClock.objects.get(ticket=c.ticket, kind="complaint_reply")
    assert (clock.target_unit, clock.target_amount) == ("business_hours", 8)
    # 8 business hours from Monday 10:00 end on Tuesday morning, not Monday 18:00
    assert c.reply_due_at == clock.due_at and timezone.localtime(c.reply_due_at).date().isoformat() == "2026-03-03"
