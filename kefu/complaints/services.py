"""Writes of the complaint flow. One service per action of models.ACTIONS, named complaint_<action>;
how a step runs (lock, role and state checks, step log, fact, notice) is kefu/complaints/flow.py.

Each service is one transaction: it re-reads the complaint under a row lock, checks the actor's role
(kefu.policy) and the state (ACTIONS table), applies the step, writes a fact to the work-order history
and a ComplaintStep (the flow's own log) and tells the first responder (首问负责人).
"""

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import Department, DepartmentKind, User
from kefu.core.errors import DomainError, clean_text
from kefu.customers.masking import mask_phone
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.notifications import notify
from kefu.tickets import services as ticket_services
from kefu.tickets.models import Channel, MessageKind, Status, Ticket, TicketType

from . import deadlines, notices
from .flow import (
    begin,
    clean_choice,
    clean_when,
    complaint_url,
    finish,
    handlers,
    repeats,
    set_ticket_status,
    stored_text,
    supervisors,
)
from .history import write_record_corrections
from .models import (
    RECEIPT_TARGETS,
    Complaint,
    ComplaintCategory,
    ComplaintState,
    ContactMethod,
    Emotion,
    ObjectKind,
    Party,
    ReceiptVia,
    Severity,
    Source,
)

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
    source = clean_choice(source, Source, "source", "投诉来源")
    account_manager = clean_text(account_manager, "account_manager", "招商经理姓名",
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
    return finish(complaint, by, "receive", ComplaintState.RECEIVED, now=complaint.received_at)


@transaction.atomic
def complaint_register(*, by: User, customer: Customer | None = None, new_customer: dict | None = None,
                       ticket: Ticket | None = None, subject: str = "", channel: str = Channel.PHONE,
                       source: str = Source.DIRECT, account_manager: str = "", record: dict | None = None) -> Complaint:
    """登记投诉 in one transaction, for the page and the API alike: a new customer if asked
    (new_customer={"name", "phones"}), the complaint received on a new or an existing 投诉 work order,
    and its record form when given. Nothing is half-written when any part is refused."""
    if ticket is None and customer is None and new_customer:
        customer = customer_create(by=by, name=new_customer.get("name", ""), phones=new_customer.get("phones", []))
    description = str((record or {}).get("description") or "")
    if ticket is None:
        complaint = complaint_receive(by=by, customer=customer, subject=subject, description=description,
                                      channel=channel, source=source, account_manager=account_manager)
    else:
        complaint = complaint_receive(by=by, ticket=ticket, source=source, account_manager=account_manager)
    if record:
        complaint = complaint_record(complaint=complaint, by=by, **record)
    return complaint


def _clean_record(data: dict, now: datetime) -> dict:
    source = clean_choice(data.get("source") or Source.DIRECT, Source, "source", "投诉来源")
    category = data.get("category")
    if not isinstance(category, ComplaintCategory) or not category.is_active:
        raise DomainError("请选择投诉分类", field="category")
    return {
        "contact_name": clean_text(data.get("contact_name"), "contact_name", "联系人", required=False, limit=60),
        "contact_phone": clean_text(data.get("contact_phone"), "contact_phone", "联系电话", limit=40),
        "source": source,
        "account_manager": clean_text(data.get("account_manager"), "account_manager", "招商经理姓名",
                                 required=source == Source.ACCOUNT_MANAGER, limit=60),
        "object_kind": clean_choice(data.get("object_kind"), ObjectKind, "object_kind", "投诉对象"),
        "object_detail": clean_text(data.get("object_detail"), "object_detail", "具体对象（哪个产品、服务或人员）",
                               limit=120),
        "description": clean_text(data.get("description"), "description", "投诉事由"),
        "happened_at": clean_when(data.get("happened_at"), "happened_at", "发生时间", now)
        if data.get("happened_at") else None,
        "place": clean_text(data.get("place"), "place", "发生地点", required=False, limit=120),
        "demand": clean_text(data.get("demand"), "demand", "客户诉求"),
        "emotion": clean_choice(data.get("emotion"), Emotion, "emotion", "情绪状态"),
        "key_quotes": clean_text(data.get("key_quotes"), "key_quotes", "客户原话（关键语句）"),
        "category": category,
        "severity": clean_choice(data.get("severity") or Severity.MINOR, Severity, "severity", "严重程度"),
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
    complaint = begin(complaint, by, "record")
    fields["contact_phone"] = _unmasked_phone(fields.get("contact_phone"), complaint.contact_phone)
    cleaned = _clean_record(fields, timezone.now())
    corrected = []
    if complaint.state == ComplaintState.RECORDED:  # a correction: trace each changed field
        corrected = write_record_corrections(complaint, by, cleaned)
    for key, value in cleaned.items():
        setattr(complaint, key, value)
    set_ticket_status(complaint.ticket, by, Status.OPEN, "complaint_recorded")
    return finish(complaint, by, "record", ComplaintState.RECORDED, complaint.description[:200],
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
    complaint = begin(complaint, by, "reject")
    now = timezone.now()
    complaint.invalid_reason = clean_text(reason, "reason", "不成立的原因")
    complaint.explained_how = clean_choice(explained_how, ContactMethod, "explained_how", "向客户解释的方式")
    complaint.explained_at = clean_when(explained_at, "explained_at", "解释时间", now)
    _mark_replied(complaint, complaint.explained_at)
    _reply_in_thread(complaint, by, complaint.explained_how, f"投诉不成立：{complaint.invalid_reason}")
    deadlines.stop_running_clocks(complaint, now)
    set_ticket_status(complaint.ticket, by, Status.CLOSED, "complaint_invalid")
    return finish(complaint, by, "reject", ComplaintState.INVALID, complaint.invalid_reason)


@transaction.atomic
def complaint_dispatch(*, complaint: Complaint, by: User, department: Department, note: str = "") -> Complaint:
    """投诉成立: issues the handling order (投诉处理单) to the responsible department customer service chose."""
    complaint = begin(complaint, by, "dispatch")
    if department is None or department.kind != DepartmentKind.RESPONSIBLE or not department.is_active:
        raise DomainError("请选择一个启用的责任部门", field="department")
    ticket_services.ticket_follow_complaint_dispatch(ticket=complaint.ticket, by=by, department=department, note=note)
    complaint.ticket.refresh_from_db()
    complaint.dispatched_to = department
    complaint.dispatched_at = timezone.now()
    notify(users=handlers(complaint), text=f"投诉处理单 {complaint.ticket.number}：请分析原因",
           url=complaint_url(complaint), dedupe_key=f"complaint-dispatch-{complaint.pk}-{department.pk}",
           kind=notices.TASK)
    return finish(complaint, by, "dispatch", ComplaintState.DISPATCHED, f"{department.name} {note}".strip(),
                  facts={"department": department, "text": note.strip()})


@transaction.atomic
def complaint_reply(*, complaint: Complaint, by: User, method: str, note: str,
                    replied_at: datetime | None = None) -> Complaint:
    """答复客户 (progress reply): stops the 24-hour reply clock the first time; the state stays."""
    complaint = begin(complaint, by, "reply")
    method = clean_choice(method, ContactMethod, "method", "答复方式")
    note = clean_text(note, "note", "答复内容")
    if repeats(complaint, "reply", complaint.state, {"method": method, "text": note}):
        return complaint  # the same words by the same means again: a double submission
    _mark_replied(complaint, clean_when(replied_at, "replied_at", "答复时间", timezone.now()))
    _reply_in_thread(complaint, by, method, note)
    return finish(complaint, by, "reply", complaint.state, f"{stored_text(ContactMethod(method).label)}：{note}",
                  facts={"method": method, "text": note})


# ---- the responsible department's work ---------------------------------------------------------


@transaction.atomic
def complaint_analyse(*, complaint: Complaint, by: User, cause: str) -> Complaint:
    complaint = begin(complaint, by, "analyse")
    complaint.cause = clean_text(cause, "cause", "原因分析")
    return finish(complaint, by, "analyse", ComplaintState.ANALYSED, complaint.cause)


@transaction.atomic
def complaint_assign_responsibility(*, complaint: Complaint, by: User, party: str,
                                    department: Department | None = None, person: str = "") -> Complaint:
    """责任判定: ours / supplier / logistics / customer; our department (and person) when it is ours."""
    complaint = begin(complaint, by, "assign_responsibility")
    complaint.responsible_party = clean_choice(party, Party, "party", "责任方")
    if complaint.responsible_party == Party.OURS and department is None:
        raise DomainError("责任在我方时须选择责任部门", field="department")
    complaint.responsible_department = department
    complaint.responsible_person = clean_text(person, "person", "责任人", required=False, limit=60)
    note = f"{stored_text(Party(complaint.responsible_party).label)} {department or ''} {complaint.responsible_person}"
    facts = {"party": complaint.responsible_party, "department": department, "person": complaint.responsible_person}
    return finish(complaint, by, "assign_responsibility", ComplaintState.RESPONSIBILITY, note.strip(), facts=facts)


@transaction.atomic
def complaint_propose(*, complaint: Complaint, by: User, solution: str) -> Complaint:
    complaint = begin(complaint, by, "propose")
    complaint.solution = clean_text(solution, "solution", "解决方案")
    deadlines.start_approve_clock(complaint, timezone.now())
    notify(users=supervisors(complaint), text=f"投诉 {complaint.ticket.number} 的解决方案待您审批",
           url=complaint_url(complaint), kind=notices.TASK)
    return finish(complaint, by, "propose", ComplaintState.PROPOSED, complaint.solution)


# ---- supervisor approval -----------------------------------------------------------------------


@transaction.atomic
def complaint_approve(*, complaint: Complaint, by: User, comment: str = "") -> Complaint:
    """Only supervisors; the row lock plus the state check make a second, concurrent approval fail."""
    complaint = begin(complaint, by, "approve")
    now = timezone.now()
    complaint.approved_at = now
    complaint.approved_by = by
    complaint.approval_comment = clean_text(comment, "comment", "审批意见", required=False)
    deadlines.stop_clock(complaint, deadlines.APPROVE, now)
    deadlines.start_implement_clock(complaint, now)
    return finish(complaint, by, "approve", ComplaintState.APPROVED, complaint.approval_comment, now)


@transaction.atomic
def complaint_send_back(*, complaint: Complaint, by: User, comment: str) -> Complaint:
    complaint = begin(complaint, by, "send_back")
    complaint.approval_comment = clean_text(comment, "comment", "退回意见")
    deadlines.stop_clock(complaint, deadlines.APPROVE, timezone.now())
    notify(users=handlers(complaint), text=f"投诉 {complaint.ticket.number} 的方案被退回：{complaint.approval_comment}",
           url=complaint_url(complaint), kind=notices.TASK)
    return finish(complaint, by, "send_back", ComplaintState.RESPONSIBILITY, complaint.approval_comment)


# ---- customer, implementation, result ----------------------------------------------------------


@transaction.atomic
def complaint_notify_customer(*, complaint: Complaint, by: User, method: str, customer_response: str,
                              notified_at: datetime | None = None) -> Complaint:
    complaint = begin(complaint, by, "notify_customer")
    complaint.notified_how = clean_choice(method, ContactMethod, "method", "告知方式")
    complaint.notified_at = clean_when(notified_at, "notified_at", "告知时间", timezone.now())
    complaint.customer_response = clean_text(customer_response, "customer_response", "客户的反应")
    _mark_replied(complaint, complaint.notified_at)
    _reply_in_thread(complaint, by, complaint.notified_how,
                     f"解决方案：{complaint.solution}\n客户反应：{complaint.customer_response}")
    notify(users=handlers(complaint), text=f"投诉 {complaint.ticket.number}：客户已知悉方案，请实施",
           url=complaint_url(complaint), kind=notices.TASK)
    return finish(complaint, by, "notify_customer", ComplaintState.NOTIFIED, complaint.customer_response)


@transaction.atomic
def complaint_implement(*, complaint: Complaint, by: User, implementation: str) -> Complaint:
    complaint = begin(complaint, by, "implement")
    now = timezone.now()
    complaint.implementation = clean_text(implementation, "implementation", "实施情况")
    complaint.implemented_at = now
    deadlines.stop_clock(complaint, deadlines.IMPLEMENT, now)
    return finish(complaint, by, "implement", ComplaintState.IMPLEMENTED, complaint.implementation, now)


@transaction.atomic
def complaint_report(*, complaint: Complaint, by: User, result: str) -> Complaint:
    """处理结果单 back to customer service; issues a fresh single-use receipt link (old links die)."""
    complaint = begin(complaint, by, "report")
    complaint.result_report = clean_text(result, "result", "处理结果")
    complaint.reported_at = timezone.now()
    complaint.receipt_nonce = _new_nonce()
    return finish(complaint, by, "report", ComplaintState.REPORTED, complaint.result_report)


def _new_nonce() -> str:
    return secrets.token_hex(16)


# ---- receipt, archive, summary -----------------------------------------------------------------


def apply_receipt(complaint: Complaint, by: User | None, satisfied: bool, comment: str, via: str) -> Complaint:
    """Shared by the agent's recording and the customer's link; the caller has locked and checked."""
    if not isinstance(satisfied, bool):
        raise DomainError("请选择满意或不满意", field="satisfied")
    comment = clean_text(comment, "comment", "不满意的原因", required=not satisfied, limit=2000)
    now = timezone.now()
    complaint.receipt_satisfied, complaint.receipt_comment = satisfied, comment
    complaint.receipt_via, complaint.receipt_at, complaint.receipt_nonce = via, now, ""
    note = ("满意" if satisfied else "不满意") + (f"：{comment}" if comment else "")
    if not satisfied:
        complaint.round += 1
        notify(users=list(supervisors(complaint)) + list(handlers(complaint)),
               text=f"投诉 {complaint.ticket.number} 客户回执不满意，退回重新制定方案（第 {complaint.round} 轮）",
               url=complaint_url(complaint), kind=notices.TASK)
    return finish(complaint, by, "receipt", RECEIPT_TARGETS[satisfied], note, now,
                  facts={"satisfied": satisfied, "text": comment})


@transaction.atomic
def complaint_receipt(*, complaint: Complaint, by: User, satisfied: bool, comment: str = "") -> Complaint:
    """回执 recorded by an agent from a call: satisfied → receipted; not satisfied → back to solution."""
    complaint = begin(complaint, by, "receipt")
    return apply_receipt(complaint, by, satisfied, comment, ReceiptVia.AGENT)


@transaction.atomic
def complaint_archive(*, complaint: Complaint, by: User) -> Complaint:
    complaint = begin(complaint, by, "archive")
    complaint.archived_at = timezone.now()
    deadlines.stop_running_clocks(complaint, complaint.archived_at)
    set_ticket_status(complaint.ticket, by, Status.CLOSED, "complaint_archived")
    notify(users=supervisors(complaint), text=f"投诉 {complaint.ticket.number} 已归档，请填写总结评价",
           url=complaint_url(complaint), kind=notices.TASK)
    return finish(complaint, by, "archive", ComplaintState.ARCHIVED, now=complaint.archived_at)


@transaction.atomic
def complaint_summarise(*, complaint: Complaint, by: User, root_cause: str, improvement: str,
                        owner: str) -> Complaint:
    """总结评价 by the supervisor: root cause, improvement action and its owner (editable after archive)."""
    complaint = begin(complaint, by, "summarise")
    complaint.root_cause = clean_text(root_cause, "root_cause", "根本原因")
    complaint.improvement = clean_text(improvement, "improvement", "改进措施")
    complaint.improvement_owner = clean_text(owner, "owner", "改进负责人", limit=60)
    complaint.summarised_at = timezone.now()
    facts = {"text": complaint.root_cause, "improvement": complaint.improvement, "owner": complaint.improvement_owner}
    return finish(complaint, by, "summarise", ComplaintState.SUMMARISED, complaint.root_cause, facts=facts)
