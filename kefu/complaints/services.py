"""Writes of the complaint flow. One service per action of models.ACTIONS, named complaint_<action>.

Each service is one transaction: it re-reads the complaint under a row lock, checks the actor's role
(kefu.policy) and the state (ACTIONS table), applies the step, writes a fact to the work-order history
and a ComplaintStep (the flow's own log) and tells the first responder (首问负责人).
"""

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation

from kefu import policy
from kefu.accounts.models import Department, DepartmentKind, User
from kefu.accounts.selectors import active_handlers, active_supervisors
from kefu.core.errors import DomainError
from kefu.customers.masking import mask_phone
from kefu.customers.models import Customer
from kefu.notifications import notify
from kefu.tickets import events
from kefu.tickets import services as ticket_services
from kefu.tickets.models import Channel, MessageKind, Status, Ticket, TicketType
from kefu.tickets.signals import ticket_changed

from . import deadlines, notices
from .history import step_code, write_record_corrections
from .models import (
    ACTIONS,
    RECEIPT_TARGETS,
    RECEIVE_LABEL,
    Complaint,
    ComplaintCategory,
    ComplaintState,
    ComplaintStep,
    ContactMethod,
    Emotion,
    ObjectKind,
    Party,
    ReceiptVia,
    Severity,
    Source,
)

# ---- small guards ----------------------------------------------------------------------------
STORED_LANGUAGE = "zh-hans"  # stored text is Chinese: the product and its records are Chinese-first


def _text(value: str | None, field: str, label: str, *, required: bool = True, limit: int = 5000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"请填写{label}", field=field)
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 字", field=field)
    return value


def _choice(value: str | None, choices, field: str, label: str, *, required: bool = True) -> str:
    value = value or ""
    if not value and not required:
        return ""
    if value not in choices.values:
        raise DomainError(f"请选择有效的{label}" + (f"（收到：{value}）" if value else ""), field=field)
    return value


def _when(value: datetime | None, field: str, label: str, now: datetime) -> datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        raise DomainError(f"{label}须带时区", field=field)
    if value > now + timedelta(minutes=5):
        raise DomainError(f"{label}不能晚于当前时间", field=field)
    return value


def complaint_url(complaint: Complaint) -> str:
    return f"/complaints/{complaint.ticket.number}/"


# ---- the transition machinery ----------------------------------------------------------------


def _locked(complaint: Complaint) -> Complaint:
    return (Complaint.objects.select_for_update(of=("self",))
            .select_related("ticket", "ticket__first_responder", "dispatched_to").get(pk=complaint.pk))


def stored_text(label: object) -> str:
    """A choice label as stored text (notifications, messages, step notes, audit rows): always Chinese,
    whatever language the person who triggered the write reads the pages in."""
    with translation.override(STORED_LANGUAGE):
        return str(label)


def _state_text(complaint: Complaint) -> str:
    return stored_text(ComplaintState(complaint.state).label)


def _state_refusal(complaint: Complaint, action_label: str) -> str:
    if complaint.is_archived:
        return f"投诉已归档，只能填写总结评价，不能执行「{action_label}」"
    return f"投诉当前为「{_state_text(complaint)}」，不能执行「{action_label}」"


def _begin(complaint: Complaint, by: User | None, name: str) -> Complaint:
    """Locks the row, then refuses a wrong role or a wrong state before anything is written."""
    action = ACTIONS[name]
    fresh = _locked(complaint)
    if by is not None:
        policy.require(policy.can_act_on_complaint(by, fresh, action.actor),
                       policy.COMPLAINT_ACTOR_REFUSALS[action.actor])
    if fresh.state not in action.sources:
        raise DomainError(_state_refusal(fresh, action.label), field="state", code="wrong_state")
    return fresh


def _finish(complaint: Complaint, by: User | None, name: str, to_state: str, note: str = "",
            now: datetime | None = None, facts: dict | None = None) -> Complaint:
    """facts: the step's params in the history (default: the note as the person's text)."""
    now = now or timezone.now()
    from_state = complaint.state
    facts = facts if facts is not None else {"text": note[:2000]}
    if _repeats(complaint, name, to_state, facts):
        complaint.refresh_from_db()
        return complaint
    complaint.state = to_state
    complaint.save()
    label = ACTIONS[name].label if name in ACTIONS else RECEIVE_LABEL
    ComplaintStep.objects.create(complaint=complaint, action=name, from_state=from_state if name != "receive" else "",
                                 to_state=to_state, actor=by, round=complaint.round, note=note[:2000], created_at=now)
    states = {"from": from_state if name != "receive" else None, "to": to_state}
    events.record(complaint.ticket, step_code(name), by=by, at=now, **states, **facts)
    _tell_first_responder(complaint, by, f"投诉 {complaint.ticket.number}：{label}（{_state_text(complaint)}）")
    ticket = complaint.ticket
    transaction.on_commit(lambda: ticket_changed.send(sender=Ticket, ticket=ticket))
    return complaint


def _repeats(complaint: Complaint, name: str, to_state: str, facts: dict) -> bool:
    """The same step taken again with the same content in the same state (a double submission, 总结评价
    saved unchanged) writes no history row, step or notice: nothing happened."""
    if complaint.state != to_state:
        return False
    last = events.of_tickets([complaint.ticket_id], codes=[step_code(name)]).order_by("-id").first()
    if last is None or last.params.get("to") != to_state:
        return False
    previous = {key: value for key, value in last.params.items() if key not in ("from", "to")}
    return previous == events.normalise(**facts)


def _tell_first_responder(complaint: Complaint, by: User | None, text: str) -> None:
    """首问负责: the owner hears when the ball comes back to customer service (their next move: tell the
    customer the approved solution, collect the receipt, archive) or the complaint ends, not of every
    internal step of the responsible department; never of their own steps."""
    if complaint.state not in notices.SERVICE_NEXT or (by is not None and complaint.ticket.first_responder_id == by.pk):
        return
    notify(users=[complaint.ticket.first_responder], text=text, url=complaint_url(complaint), kind=notices.PROGRESS)


def _handlers(complaint: Complaint):
    return active_handlers(complaint.dispatched_to_id)


def _supervisors(complaint: Complaint):
    return active_supervisors(complaint.ticket.department_id)


def _set_ticket_status(ticket: Ticket, by: User, status: str, reason: str) -> None:
    if ticket.status != status:
        ticket_services.ticket_set_status(ticket=ticket, by=by, status=status, reason=reason)


# ---- receive and record ----------------------------------------------------------------------

RECORD_FIELDS = ("contact_name", "contact_phone", "source", "account_manager", "object_kind", "object_detail",
                 "description", "happened_at", "place", "demand", "emotion", "key_quotes", "category", "severity")


@transaction.atomic
def complaint_receive(*, by: User, customer: Customer | None = None, subject: str = "", description: str = "",
                      channel: str = Channel.PHONE, source: str = Source.DIRECT, account_manager: str = "",
                      ticket: Ticket | None = None, received_at: datetime | None = None) -> Complaint:
    """受理: opens the complaint on a new work order of type 投诉, or on an existing one.

    received_at dates a new work order (its GD number follows it), e.g. a complaint taken on paper yesterday.
    """
    policy.require(policy.can_create_ticket(by), policy.COMPLAINT_ACTOR_REFUSALS["service"])
    source = _choice(source, Source, "source", "投诉来源")
    account_manager = _text(account_manager, "account_manager", "招商经理姓名",
                            required=source == Source.ACCOUNT_MANAGER, limit=60)
    if ticket is None:
        if customer is None:
            raise DomainError("请选择客户", field="customer")
        ticket = ticket_services.ticket_create(
            by=by, customer=customer, subject=subject, body=description, type=TicketType.COMPLAINT,
            channel=channel, account_manager=account_manager, created_at=received_at)
    else:
        policy.require(policy.can_register_complaint(by, ticket), policy.COMPLAINT_ACTOR_REFUSALS["service"])
        if ticket.type != TicketType.COMPLAINT:
            raise DomainError("只有类型为「投诉」的工单可以登记投诉", field="ticket")
        if Complaint.objects.filter(ticket=ticket).exists():
            raise DomainError(f"工单 {ticket.number} 已登记投诉", field="ticket")
    complaint = Complaint(ticket=ticket, received_at=ticket.created_at, source=source,
                          account_manager=account_manager, description=(description or "").strip())
    deadlines.start_reply_clock(complaint, complaint.received_at)
    return _finish(complaint, by, "receive", ComplaintState.RECEIVED, now=complaint.received_at)


def _clean_record(data: dict, now: datetime) -> dict:
    source = _choice(data.get("source") or Source.DIRECT, Source, "source", "投诉来源")
    category = data.get("category")
    if not isinstance(category, ComplaintCategory) or not category.is_active:
        raise DomainError("请选择投诉分类", field="category")
    return {
        "contact_name": _text(data.get("contact_name"), "contact_name", "联系人", required=False, limit=60),
        "contact_phone": _text(data.get("contact_phone"), "contact_phone", "联系电话", limit=40),
        "source": source,
        "account_manager": _text(data.get("account_manager"), "account_manager", "招商经理姓名",
                                 required=source == Source.ACCOUNT_MANAGER, limit=60),
        "object_kind": _choice(data.get("object_kind"), ObjectKind, "object_kind", "投诉对象"),
        "object_detail": _text(data.get("object_detail"), "object_detail", "具体对象（哪个产品、服务或人员）",
                               limit=120),
        "description": _text(data.get("description"), "description", "投诉事由"),
        "happened_at": _when(data.get("happened_at"), "happened_at", "发生时间", now)
        if data.get("happened_at") else None,
        "place": _text(data.get("place"), "place", "发生地点", required=False, limit=120),
        "demand": _text(data.get("demand"), "demand", "客户诉求"),
        "emotion": _choice(data.get("emotion"), Emotion, "emotion", "情绪状态"),
        "key_quotes": _text(data.get("key_quotes"), "key_quotes", "客户原话（关键语句）"),
        "category": category,
        "severity": _choice(data.get("severity") or Severity.MINOR, Severity, "severity", "严重程度"),
    }


def _unmasked_phone(posted: str | None, stored: str) -> str:
    """A role without access to personal data sees 138****1111 in the form and posts it back
    unchanged: that means "keep the number", never "store the stars"."""
    posted = (posted or "").strip()
    if "*" not in posted:
        return posted
    if stored and posted == mask_phone(stored):
        return stored
    raise DomainError("联系电话请填写完整号码（不能含 *）", field="contact_phone")


@transaction.atomic
def complaint_record(*, complaint: Complaint, by: User, **fields) -> Complaint:
    """客户投诉处理记录表: completes (or corrects, before validity is decided) the record form."""
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    complaint = _begin(complaint, by, "record")
    fields["contact_phone"] = _unmasked_phone(fields.get("contact_phone"), complaint.contact_phone)
    cleaned = _clean_record(fields, timezone.now())
    corrected = []
    if complaint.state == ComplaintState.RECORDED:  # a correction: trace each changed field
        corrected = write_record_corrections(complaint, by, cleaned)
    for key, value in cleaned.items():
        setattr(complaint, key, value)
    _set_ticket_status(complaint.ticket, by, Status.OPEN, "complaint_recorded")
    return _finish(complaint, by, "record", ComplaintState.RECORDED, complaint.description[:200],
                   facts={"text": complaint.description[:200], "corrected": corrected})


# ---- validity ----------------------------------------------------------------------------------


def _mark_replied(complaint: Complaint, at: datetime) -> None:
    if complaint.first_reply_at is None:
        complaint.first_reply_at = at
        deadlines.stop_clock(complaint, deadlines.REPLY, at)


def _reply_in_thread(complaint: Complaint, by: User, method: str, text: str) -> None:
    """What the customer was told goes into the work order's thread as a reply, so the order's own
    first-response clock and history agree with the complaint (a phone call is a reply too)."""
    ticket_services.ticket_add_message(ticket=complaint.ticket, by=by, kind=MessageKind.REPLY,
                                       body=f"【{stored_text(ContactMethod(method).label)}】{text}")


@transaction.atomic
def complaint_reject(*, complaint: Complaint, by: User, reason: str, explained_how: str,
                     explained_at: datetime | None = None) -> Complaint:
    """不成立: the reason is written and how/when the customer was told is recorded; closes the complaint."""
    complaint = _begin(complaint, by, "reject")
    now = timezone.now()
    complaint.invalid_reason = _text(reason, "reason", "不成立的原因")
    complaint.explained_how = _choice(explained_how, ContactMethod, "explained_how", "向客户解释的方式")
    complaint.explained_at = _when(explained_at, "explained_at", "解释时间", now)
    _mark_replied(complaint, complaint.explained_at)
    _reply_in_thread(complaint, by, complaint.explained_how, f"投诉不成立：{complaint.invalid_reason}")
    deadlines.stop_running_clocks(complaint, now)
    _set_ticket_status(complaint.ticket, by, Status.CLOSED, "complaint_invalid")
    return _finish(complaint, by, "reject", ComplaintState.INVALID, complaint.invalid_reason)


@transaction.atomic
def complaint_dispatch(*, complaint: Complaint, by: User, department: Department, note: str = "") -> Complaint:
    """投诉成立: issues the handling order (投诉处理单) to the responsible department customer service chose."""
    complaint = _begin(complaint, by, "dispatch")
    if department is None or department.kind != DepartmentKind.RESPONSIBLE or not department.is_active:
        raise DomainError("请选择一个启用的责任部门", field="department")
    ticket_services.ticket_follow_complaint_dispatch(ticket=complaint.ticket, by=by, department=department, note=note)
    complaint.ticket.refresh_from_db()
    complaint.dispatched_to = department
    complaint.dispatched_at = timezone.now()
    notify(users=_handlers(complaint), text=f"投诉处理单 {complaint.ticket.number}：请分析原因",
           url=complaint_url(complaint), dedupe_key=f"complaint-dispatch-{complaint.pk}-{department.pk}",
           kind=notices.TASK)
    return _finish(complaint, by, "dispatch", ComplaintState.DISPATCHED, f"{department.name} {note}".strip(),
                   facts={"department": department, "text": note.strip()})


@transaction.atomic
def complaint_reply(*, complaint: Complaint, by: User, method: str, note: str,
                    replied_at: datetime | None = None) -> Complaint:
    """答复客户 (progress reply): stops the 24-hour reply clock the first time; the state stays."""
    complaint = _begin(complaint, by, "reply")
    method = _choice(method, ContactMethod, "method", "答复方式")
    note = _text(note, "note", "答复内容")
    if _repeats(complaint, "reply", complaint.state, {"method": method, "text": note}):
        return complaint  # the same words by the same means again: a double submission
    _mark_replied(complaint, _when(replied_at, "replied_at", "答复时间", timezone.now()))
    _reply_in_thread(complaint, by, method, note)
    return _finish(complaint, by, "reply", complaint.state, f"{stored_text(ContactMethod(method).label)}：{note}",
                   facts={"method": method, "text": note})


# ---- the responsible department's work ---------------------------------------------------------


@transaction.atomic
def complaint_analyse(*, complaint: Complaint, by: User, cause: str) -> Complaint:
    complaint = _begin(complaint, by, "analyse")
    complaint.cause = _text(cause, "cause", "原因分析")
    return _finish(complaint, by, "analyse", ComplaintState.ANALYSED, complaint.cause)


@transaction.atomic
def complaint_assign_responsibility(*, complaint: Complaint, by: User, party: str,
                                    department: Department | None = None, person: str = "") -> Complaint:
    """责任判定: ours / supplier / logistics / customer; our department (and person) when it is ours."""
    complaint = _begin(complaint, by, "assign_responsibility")
    complaint.responsible_party = _choice(party, Party, "party", "责任方")
    if complaint.responsible_party == Party.OURS and department is None:
        raise DomainError("责任在我方时须选择责任部门", field="department")
    complaint.responsible_department = department
    complaint.responsible_person = _text(person, "person", "责任人", required=False, limit=60)
    note = f"{stored_text(Party(complaint.responsible_party).label)} {department or ''} {complaint.responsible_person}"
    facts = {"party": complaint.responsible_party, "department": department, "person": complaint.responsible_person}
    return _finish(complaint, by, "assign_responsibility", ComplaintState.RESPONSIBILITY, note.strip(), facts=facts)


@transaction.atomic
def complaint_propose(*, complaint: Complaint, by: User, solution: str) -> Complaint:
    complaint = _begin(complaint, by, "propose")
    complaint.solution = _text(solution, "solution", "解决方案")
    deadlines.start_approve_clock(complaint, timezone.now())
    notify(users=_supervisors(complaint), text=f"投诉 {complaint.ticket.number} 的解决方案待您审批",
           url=complaint_url(complaint), kind=notices.TASK)
    return _finish(complaint, by, "propose", ComplaintState.PROPOSED, complaint.solution)


# ---- supervisor approval -----------------------------------------------------------------------


@transaction.atomic
def complaint_approve(*, complaint: Complaint, by: User, comment: str = "") -> Complaint:
    """Only supervisors; the row lock plus the state check make a second, concurrent approval fail."""
    complaint = _begin(complaint, by, "approve")
    now = timezone.now()
    complaint.approved_at = now
    complaint.approved_by = by
    complaint.approval_comment = _text(comment, "comment", "审批意见", required=False)
    deadlines.stop_clock(complaint, deadlines.APPROVE, now)
    deadlines.start_implement_clock(complaint, now)
    return _finish(complaint, by, "approve", ComplaintState.APPROVED, complaint.approval_comment, now)


@transaction.atomic
def complaint_send_back(*, complaint: Complaint, by: User, comment: str) -> Complaint:
    complaint = _begin(complaint, by, "send_back")
    complaint.approval_comment = _text(comment, "comment", "退回意见")
    deadlines.stop_clock(complaint, deadlines.APPROVE, timezone.now())
    notify(users=_handlers(complaint), text=f"投诉 {complaint.ticket.number} 的方案被退回：{complaint.approval_comment}",
           url=complaint_url(complaint), kind=notices.TASK)
    return _finish(complaint, by, "send_back", ComplaintState.RESPONSIBILITY, complaint.approval_comment)


# ---- customer, implementation, result ----------------------------------------------------------


@transaction.atomic
def complaint_notify_customer(*, complaint: Complaint, by: User, method: str, customer_response: str,
                              notified_at: datetime | None = None) -> Complaint:
    complaint = _begin(complaint, by, "notify_customer")
    complaint.notified_how = _choice(method, ContactMethod, "method", "告知方式")
    complaint.notified_at = _when(notified_at, "notified_at", "告知时间", timezone.now())
    complaint.customer_response = _text(customer_response, "customer_response", "客户的反应")
    _mark_replied(complaint, complaint.notified_at)
    _reply_in_thread(complaint, by, complaint.notified_how,
                     f"解决方案：{complaint.solution}\n客户反应：{complaint.customer_response}")
    notify(users=_handlers(complaint), text=f"投诉 {complaint.ticket.number}：客户已知悉方案，请实施",
           url=complaint_url(complaint), kind=notices.TASK)
    return _finish(complaint, by, "notify_customer", ComplaintState.NOTIFIED, complaint.customer_response)


@transaction.atomic
def complaint_implement(*, complaint: Complaint, by: User, implementation: str) -> Complaint:
    complaint = _begin(complaint, by, "implement")
    now = timezone.now()
    complaint.implementation = _text(implementation, "implementation", "实施情况")
    complaint.implemented_at = now
    deadlines.stop_clock(complaint, deadlines.IMPLEMENT, now)
    return _finish(complaint, by, "implement", ComplaintState.IMPLEMENTED, complaint.implementation, now)


@transaction.atomic
def complaint_report(*, complaint: Complaint, by: User, result: str) -> Complaint:
    """处理结果单 back to customer service; issues a fresh single-use receipt link (old links die)."""
    complaint = _begin(complaint, by, "report")
    complaint.result_report = _text(result, "result", "处理结果")
    complaint.reported_at = timezone.now()
    complaint.receipt_nonce = _new_nonce()
    return _finish(complaint, by, "report", ComplaintState.REPORTED, complaint.result_report)


def _new_nonce() -> str:
    return secrets.token_hex(16)


# ---- receipt, archive, summary -----------------------------------------------------------------


def apply_receipt(complaint: Complaint, by: User | None, satisfied: bool, comment: str, via: str) -> Complaint:
    """Shared by the agent's recording and the customer's link; the caller has locked and checked."""
    if not isinstance(satisfied, bool):
        raise DomainError("请选择满意或不满意", field="satisfied")
    comment = _text(comment, "comment", "不满意的原因", required=not satisfied, limit=2000)
    now = timezone.now()
    complaint.receipt_satisfied, complaint.receipt_comment = satisfied, comment
    complaint.receipt_via, complaint.receipt_at, complaint.receipt_nonce = via, now, ""
    note = ("满意" if satisfied else "不满意") + (f"：{comment}" if comment else "")
    if not satisfied:
        complaint.round += 1
        notify(users=list(_supervisors(complaint)) + list(_handlers(complaint)),
               text=f"投诉 {complaint.ticket.number} 客户回执不满意，退回重新制定方案（第 {complaint.round} 轮）",
               url=complaint_url(complaint), kind=notices.TASK)
    return _finish(complaint, by, "receipt", RECEIPT_TARGETS[satisfied], note, now,
                   facts={"satisfied": satisfied, "text": comment})


@transaction.atomic
def complaint_receipt(*, complaint: Complaint, by: User, satisfied: bool, comment: str = "") -> Complaint:
    """回执 recorded by an agent from a call: satisfied → receipted; not satisfied → back to solution."""
    complaint = _begin(complaint, by, "receipt")
    return apply_receipt(complaint, by, satisfied, comment, ReceiptVia.AGENT)


@transaction.atomic
def complaint_archive(*, complaint: Complaint, by: User) -> Complaint:
    complaint = _begin(complaint, by, "archive")
    complaint.archived_at = timezone.now()
    deadlines.stop_running_clocks(complaint, complaint.archived_at)
    _set_ticket_status(complaint.ticket, by, Status.CLOSED, "complaint_archived")
    notify(users=_supervisors(complaint), text=f"投诉 {complaint.ticket.number} 已归档，请填写总结评价",
           url=complaint_url(complaint), kind=notices.TASK)
    return _finish(complaint, by, "archive", ComplaintState.ARCHIVED, now=complaint.archived_at)


@transaction.atomic
def complaint_summarise(*, complaint: Complaint, by: User, root_cause: str, improvement: str,
                        owner: str) -> Complaint:
    """总结评价 by the supervisor: root cause, improvement action and its owner (editable after archive)."""
    complaint = _begin(complaint, by, "summarise")
    complaint.root_cause = _text(root_cause, "root_cause", "根本原因")
    complaint.improvement = _text(improvement, "improvement", "改进措施")
    complaint.improvement_owner = _text(owner, "owner", "改进负责人", limit=60)
    complaint.summarised_at = timezone.now()
    facts = {"text": complaint.root_cause, "improvement": complaint.improvement, "owner": complaint.improvement_owner}
    return _finish(complaint, by, "summarise", ComplaintState.SUMMARISED, complaint.root_cause, facts=facts)
