"""Writes on work orders. Each service is one transaction, checks its own guard and writes audit events."""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import Department, DepartmentKind, Team, User
from kefu.core.errors import Conflict, DomainError
from kefu.core.limits import check_text, clean_tags
from kefu.customers.intake import clean_intake
from kefu.customers.masking import mask_text
from kefu.customers.models import Customer
from kefu.customers.services import customer_remember_intake
from kefu.notifications import notify
from kefu.security.uploads import read_head, sniff

from . import events, notices
from .models import (
    TRANSITIONS,
    Attachment,
    Channel,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketType,
    reserve_ticket_id,
)
from .signals import message_added, ticket_changed, ticket_created


def _history_intake(answers: dict) -> str:
    return "; ".join(f"{key}={mask_text(value) if key == 'contact' else value}" for key, value in answers.items())


def _locked(ticket: Ticket, version: int | None) -> Ticket:
    """Re-reads the row under a lock; refuses when the caller saw an older version."""
    fresh = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if version is not None and int(version) != fresh.version:
        raise Conflict("该工单已被他人修改，请刷新后重试", field="version", code="conflict")
    return fresh


# Complaint states after 归档: the complaint record and its work order are kept as they were archived.
ARCHIVED_COMPLAINT_STATES = {"archived", "summarised"}


def is_archived(ticket: Ticket) -> bool:
    complaint = getattr(ticket, "complaint", None)  # the reverse one-to-one of kefu.complaints, if any
    return complaint is not None and complaint.state in ARCHIVED_COMPLAINT_STATES


def _refuse_archived(ticket: Ticket) -> None:
    if is_archived(ticket):
        raise DomainError("该工单的投诉已归档，不能再修改；客户再次联系时会新建一张关联工单",
                          field="ticket", code="archived")


def _refuse_inactive_team(team: Team | None) -> None:
    if team is not None and not team.is_active:
        raise DomainError(f"班组「{team}」已停用，不能再分配工单", field="team")


def _save(ticket: Ticket) -> None:
    ticket.version += 1
    ticket.save()
    transaction.on_commit(lambda: ticket_changed.send(sender=Ticket, ticket=ticket))


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise DomainError(f"{field} 的取值无效：{value}", field=field)
    return value


def _ticket_url(ticket: Ticket) -> str:
    return f"/tickets/{ticket.number}/"


@transaction.atomic
def ticket_create(
    *,
    by: User,
    customer: Customer,
    subject: str,
    body: str = "",
    type: str = TicketType.CONSULTATION,
    channel: str = Channel.PHONE,
    priority: str = Priority.NORMAL,
    team: Team | None = None,
    assignee: User | None = None,
    tags: list[str] | None = None,
    intake: dict | None = None,
    account_manager: str = "",
    created_at: datetime | None = None,
) -> Ticket:
    policy.require(policy.can_create_ticket(by), "只有客服人员可以创建工单")
    subject = (subject or "").strip()
    if not subject:
        raise DomainError("主题不能为空", field="subject")
    if len(subject) > 200:
        raise DomainError("主题不能超过 200 字", field="subject")
    if by.department_id is None:
        raise DomainError("创建人未分配部门", field="department")
    _refuse_inactive_team(team)
    answers = clean_intake(intake)
    now = created_at or timezone.now()
    ticket = Ticket(
        number=f"TMP{uuid.uuid4().hex[:20]}",  # replaced by the GD number once the id is known
        subject=subject,
        type=_choice(type, TicketType, "type"),
        channel=_choice(channel, Channel, "channel"),
        priority=_choice(priority, Priority, "priority"),
        customer=customer,
        first_responder=by,
        assignee=assignee or (by if policy.keeps_own_new_tickets(by) else None),
        team=team or by.team,
        department=by.department,
        tags=clean_tags(tags),
        intake=answers,
        account_manager=check_text((account_manager or "").strip(), field="account_manager", limit=60,
                                   label="招商经理"),
        created_at=now,
        last_customer_message_at=now if body else None,
    )
    # Clocks are computed once, here, from the order in memory (not re-read after commit), and their due
    # time is saved with the number: in the one INSERT on PostgreSQL (the id taken from the sequence first;
    # the clock rows' foreign key is checked at commit), else in one UPDATE after it.
    ticket.pk = reserve_ticket_id()
    if ticket.pk is None:
        ticket.save()
    ticket.number = f"GD{timezone.localtime(now):%Y%m%d}{ticket.pk:05d}"
    ticket_created.send(sender=Ticket, ticket=ticket)
    if ticket._state.adding:
        ticket.save(force_insert=True)
    else:
        ticket.save(update_fields=["number", "due_at", "due_warning_at", "due_provisional"])
    if body.strip():
        Message.objects.create(ticket=ticket, kind=MessageKind.CUSTOMER, body=body.strip(), created_at=now)
    events.record(ticket, events.CREATED, by=by, at=now, number=ticket.number)
    customer_remember_intake(customer=customer, answers=answers)
    transaction.on_commit(lambda: ticket_changed.send(sender=Ticket, ticket=ticket, created=True))
    return ticket


EDITABLE = {"subject", "type", "channel", "priority", "tags", "account_manager", "intake"}


@transaction.atomic
def ticket_update(*, ticket: Ticket, by: User, version: int | None = None, **changes) -> Ticket:
    policy.require(policy.can_assign_ticket(by, ticket), "只有客服人员可以修改工单信息")
    unknown = set(changes) - EDITABLE
    if unknown:
        raise DomainError(f"字段不可修改：{', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    ticket = _locked(ticket, version)
    _refuse_archived(ticket)
    choices = {"type": TicketType, "channel": Channel, "priority": Priority}
    for field, value in changes.items():
        if field in choices:
            value = _choice(value, choices[field], field)
        elif field == "subject":
            value = (value or "").strip()
            if not value:
                raise DomainError("主题不能为空", field="subject")
        elif field == "tags":
            value = clean_tags(value)
        elif field == "account_manager":
            value = check_text((value or "").strip(), field="account_manager", limit=60, label="招商经理")
        elif field == "intake":
            value = clean_intake(value)
            customer_remember_intake(customer=ticket.customer, answers=value)
        old = getattr(ticket, field)
        if old != value:
            setattr(ticket, field, value)
            if field == "intake":  # history is read by roles that must not see the contact answer
                old, value = _history_intake(old), _history_intake(value)
            events.record(ticket, events.FIELD_CHANGED, by=by, field=field, old=old, new=value)
    _save(ticket)
    return ticket


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, by: User, status: str, version: int | None = None, note: str = "",
                      reason: str = "") -> Ticket:
    """note: what the person wrote; reason: a code (events.REASONS) when a flow changes the status itself."""
    policy.require(policy.can_work_ticket(by, ticket))
    ticket = _locked(ticket, version)
    _refuse_archived(ticket)
    status = _choice(status, Status, "status")
    if ticket.merged_into_id:
        raise DomainError(f"该工单已合并到 {ticket.merged_into.number}，请在那里继续处理", field="status")
    if status == ticket.status:
        raise DomainError("工单已处于该状态", field="status")
    if status not in TRANSITIONS[ticket.status]:
        raise DomainError(
            f"不能从「{ticket.get_status_display()}」变为「{Status(status).label}」", field="status"
        )
    old_status = ticket.status
    reopening = ticket.status in {Status.RESOLVED, Status.CLOSED} and status == Status.OPEN
    now = timezone.now()
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = now
    if status == Status.CLOSED:
        ticket.closed_at = now
    if reopening:
        ticket.resolved_at = None
        ticket.closed_at = None
    events.record(ticket, events.REOPENED if reopening else events.STATUS_CHANGED, by=by, old=old_status,
                  new=status, note=note, reason=reason)
    _save(ticket)
    return ticket


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, by: User, assignee: User | None = None, team: Team | None = None, version: int | None = None,
    note: str = "",
) -> Ticket:
    """Transfers a work order to another agent and/or team; the first responder stays and is told."""
    policy.require(policy.can_assign_ticket(by, ticket), "您没有权限转派此工单")
    ticket = _locked(ticket, version)
    _refuse_archived(ticket)
    if assignee is not None and assignee != ticket.assignee:  # keeping the current one is no new choice
        _check_staff(ticket, assignee, "assignee")
    if team is not None and team.department_id != ticket.department_id:
        raise DomainError(f"班组「{team}」不属于受理部门{ticket.department}", field="team")
    _refuse_inactive_team(team)
    changed = False
    if assignee != ticket.assignee:
        events.record(ticket, events.ASSIGNED, by=by, old=ticket.assignee, new=assignee, note=note)
        ticket.assignee = assignee
        changed = True
    if team is not None and team != ticket.team:
        events.record(ticket, events.TRANSFERRED, by=by, old=ticket.team, new=team, note=note)
        ticket.team = team
        changed = True
    if not changed:
        raise DomainError("处理人和班组都没有变化", field="assignee")
    _save(ticket)
    _tell_owner(ticket, by, f"工单 {ticket.number} 已转给 {assignee or team}")
    if assignee is not None and assignee != by:
        notify(users=[assignee], text=f"您收到工单 {ticket.number}：{ticket.subject}", url=_ticket_url(ticket),
               kind=notices.ASSIGNED_TO_YOU)
    return ticket


def _check_staff(ticket: Ticket, user: User, field: str) -> None:
    """Assignees and first responders are active agents or supervisors of the order's own department:
    anyone else would own an order their department's supervisor cannot see, or could not see it at all."""
    if not policy.may_own_tickets(user):
        raise DomainError(f"{user} 不是客服专员或主管，不能负责工单", field=field)
    if user.department_id != ticket.department_id:
        raise DomainError(f"{user} 不属于受理部门{ticket.department}", field=field)


def _tell_owner(ticket: Ticket, by: User, text: str) -> None:
    """首问负责: the first responder hears of every hand-over they did not make themselves."""
    if ticket.first_responder_id != by.pk:
        notify(users=[ticket.first_responder], text=text, url=_ticket_url(ticket), kind=notices.OWNER_UPDATE)


@transaction.atomic
def ticket_dispatch(*, ticket: Ticket, by: User, department: Department | None, note: str = "") -> Ticket:
    """Sends the case to a responsible department (销售部, 售后部 ...), whose handlers then see it."""
    policy.require(policy.can_assign_ticket(by, ticket), "您没有权限转派此工单")
    ticket = _locked(ticket, None)
    _refuse_archived(ticket)
    if department is not None and (department.kind != DepartmentKind.RESPONSIBLE or not department.is_active):
        raise DomainError(f"只能转派给启用中的责任部门：{department}", field="department")
    if getattr(ticket, "complaint", None) is not None:
        # The complaint flow decides which department handles it; two places must not disagree.
        raise DomainError("投诉工单请在投诉处理页面下发处理单", field="department")
    if department == ticket.dispatched_to:
        raise DomainError("工单已在该责任部门", field="department")
    _move_to_department(ticket, by, department, note)
    if department is not None:
        notify(users=policy.active_handlers(department.pk), text=f"新转派工单 {ticket.number}：{ticket.subject}",
               url=_ticket_url(ticket), kind=notices.DISPATCHED_TO_DEPARTMENT)
        _tell_owner(ticket, by, f"工单 {ticket.number} 已转派至 {department}")
    return ticket


def _move_to_department(ticket: Ticket, by: User, department: Department | None, note: str) -> None:
    events.record(ticket, events.DISPATCHED, by=by, old=ticket.dispatched_to, new=department, note=note)
    ticket.dispatched_to = department
    _save(ticket)


@transaction.atomic
def ticket_follow_complaint_dispatch(*, ticket: Ticket, by: User, department: Department, note: str = "") -> None:
    """The complaint flow, which owns the decision and checked role and state, moves its work order to the
    department it dispatched the complaint to (ticket_dispatch refuses such orders so the two cannot differ)."""
    ticket = _locked(ticket, None)
    if ticket.dispatched_to_id != department.pk:
        _move_to_department(ticket, by, department, note)


@transaction.atomic
def ticket_hand_over(*, ticket: Ticket, by: User, to: User, reason: str, customer_told: bool) -> Ticket:
    """Formal hand-over of first-responder ownership: supervisor only, reason given, customer told."""
    policy.require(policy.can_hand_over_first_responder(by) and policy.can_view_ticket(by, ticket),
                   "只有主管可以变更首问负责人")
    if not reason.strip():
        raise DomainError("请填写移交原因", field="reason")
    if not customer_told:
        raise DomainError("移交前须告知客户新的负责人", field="customer_told")
    ticket = _locked(ticket, None)
    _refuse_archived(ticket)
    _check_staff(ticket, to, "to")
    previous = ticket.first_responder
    if previous == to:
        raise DomainError("新负责人与原负责人相同", field="to")
    events.record(ticket, events.FIRST_RESPONDER_CHANGED, by=by, old=previous, new=to, note=reason)
    ticket.first_responder = to
    _save(ticket)
    notify(users=[previous, to], text=f"工单 {ticket.number} 首问负责人由 {previous} 移交给 {to}",
           url=_ticket_url(ticket), kind=notices.OWNERSHIP_MOVED)
    return ticket


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _check_upload(upload: UploadedFile) -> str:
    """Size and type of one file; the type comes from its bytes (a declared image/png may be a script)."""
    if upload.size > settings.KEFU_ATTACHMENT_MAX_BYTES:
        raise DomainError(f"附件「{upload.name}」超过 {_mb(settings.KEFU_ATTACHMENT_MAX_BYTES)} 的上限",
                          field="attachments")
    content_type = sniff(read_head(upload), upload.content_type or "")
    if content_type not in settings.KEFU_ATTACHMENT_TYPES:
        raise DomainError(f"不允许上传此类型的附件：{upload.name}（{content_type or '未知类型'}）",
                          field="attachments")
    return content_type


def upload_check(upload: UploadedFile) -> str:
    """Whether one file may be attached (size, type from its bytes): its type, or a DomainError naming it.
    For channels that keep what fits and name what does not (inbound mail)."""
    return _check_upload(upload)


def _check_uploads(ticket: Ticket, attachments: list[UploadedFile]) -> list[str]:
    """Per-message count and total, and the order's total across all its messages."""
    if len(attachments) > settings.KEFU_ATTACHMENT_MAX_FILES:
        raise DomainError(f"每条消息最多 {settings.KEFU_ATTACHMENT_MAX_FILES} 个附件", field="attachments")
    types = [_check_upload(upload) for upload in attachments]
    total = sum(upload.size for upload in attachments)
    if total > settings.KEFU_ATTACHMENT_MESSAGE_MAX_BYTES:
        raise DomainError(f"一条消息的附件合计不能超过 {_mb(settings.KEFU_ATTACHMENT_MESSAGE_MAX_BYTES)}",
                          field="attachments")
    if attachments:
        stored = Attachment.objects.filter(message__ticket=ticket).aggregate(n=Sum("size"))["n"] or 0
        if stored + total > settings.KEFU_ATTACHMENT_TICKET_MAX_BYTES:
            raise DomainError(f"该工单的附件合计不能超过 {_mb(settings.KEFU_ATTACHMENT_TICKET_MAX_BYTES)}",
                              field="attachments")
    return types


@transaction.atomic
def ticket_add_message(
    *, ticket: Ticket, by: User | None, kind: str, body: str, attachments: list[UploadedFile] = (),
) -> Message:
    """A reply to the customer, an internal note, or a message from the customer recorded by staff."""
    if by is not None:
        policy.require(policy.can_work_ticket(by, ticket))
    kind = _choice(kind, MessageKind, "kind")
    if kind == MessageKind.SYSTEM and by is not None:
        raise DomainError("系统消息只能由系统生成", field="kind")
    body = (body or "").strip()
    if not body:
        raise DomainError("内容不能为空", field="body")
    if len(body) > 20000:
        raise DomainError("内容不能超过 20000 字", field="body")
    ticket = _locked(ticket, None)
    if is_archived(ticket):
        if kind != MessageKind.CUSTOMER:
            _refuse_archived(ticket)
        return ticket_add_message(ticket=_follow_up(ticket, by), by=by, kind=kind, body=body,
                                  attachments=attachments)
    types = _check_uploads(ticket, list(attachments))
    if ticket.merged_into_id:
        raise DomainError(f"该工单已合并到 {ticket.merged_into.number}，请在那里继续处理", field="ticket")
    now = timezone.now()
    message = Message.objects.create(ticket=ticket, kind=kind, author=by, body=body, created_at=now)
    for upload, content_type in zip(attachments, types, strict=True):
        Attachment.objects.create(message=message, file=upload, name=upload.name[:200], size=upload.size,
                                  content_type=content_type)
    if kind == MessageKind.REPLY:
        ticket.last_reply_at = now
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        if ticket.status == Status.NEW:
            events.record(ticket, events.STATUS_CHANGED, by=by, old=ticket.status, new=Status.OPEN)
            ticket.status = Status.OPEN
    elif kind == MessageKind.CUSTOMER:
        ticket.last_customer_message_at = now
        if ticket.status == Status.WAITING:
            events.record(ticket, events.STATUS_CHANGED, by=by, old=ticket.status, new=Status.OPEN,
                          reason="customer_replied")
            ticket.status = Status.OPEN
    code = {"reply": events.REPLIED, "note": events.NOTED, "customer": events.CUSTOMER_MESSAGE}.get(kind)
    if code is not None:  # a system message is not a step anyone took
        events.record(ticket, code, by=by, message=message.pk, note=body[:200])
    _save(ticket)
    message_added.send(sender=Message, message=message)
    return message


def _follow_up(ticket: Ticket, by: User | None) -> Ticket:
    """A new contact about an archived complaint starts a new work order, linked to the archived one."""
    owner = by if by is not None and policy.can_create_ticket(by) else ticket.first_responder
    new = ticket_create(by=owner, customer=ticket.customer, subject=f"{ticket.subject}（再次来电）"[:200],
                        type=ticket.type, channel=ticket.channel, priority=ticket.priority)
    new.related.add(ticket)
    events.record(new, events.LINKED, by=owner, other=ticket.number, other_id=ticket.pk)
    events.record(ticket, events.LINKED, by=owner, other=new.number, other_id=new.pk)
    return new


@transaction.atomic
def ticket_link(*, ticket: Ticket, other: Ticket, by: User) -> None:
    policy.require(policy.can_work_ticket(by, ticket) and policy.can_view_ticket(by, other))
    if ticket.pk == other.pk:
        raise DomainError("不能关联工单自身", field="other")
    if ticket.related.filter(pk=other.pk).exists():
        raise DomainError("两个工单已经关联", field="other")
    ticket.related.add(other)
    events.record(ticket, events.LINKED, by=by, other=other.number, other_id=other.pk)
    events.record(other, events.LINKED, by=by, other=ticket.number, other_id=ticket.pk)


@transaction.atomic
def ticket_merge(*, source: Ticket, target: Ticket, by: User) -> Ticket:
    """Merges a duplicate into target: its thread moves over, it closes and keeps a pointer."""
    policy.require(policy.can_assign_ticket(by, source) and policy.can_assign_ticket(by, target),
                   "您没有权限合并这些工单")
    if source.pk == target.pk:
        raise DomainError("不能把工单合并到自身", field="target")
    # Both rows locked in one statement in id order: merging A into B while B merges into A waits, never
    # deadlocks (locking source then target took the two locks in opposite orders).
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    _refuse_archived(source)
    _refuse_archived(target)
    if source.merged_into_id:
        raise DomainError(f"工单 {source.number} 已合并过", field="source")
    if target.merged_into_id:
        raise DomainError(f"目标工单 {target.number} 已被合并，请选择 {target.merged_into.number}", field="target")
    if source.customer_id != target.customer_id:
        raise DomainError("只能合并同一客户的工单", field="target")
    now = timezone.now()
    for message in source.messages.all():
        Message.objects.create(ticket=target, kind=message.kind, author=message.author,
                               body=f"[{source.number}] {message.body}", created_at=message.created_at)
    source.merged_into = target
    old_status = source.status
    source.status = Status.CLOSED
    source.closed_at = now
    events.record(source, events.MERGED, by=by, into=target.number, into_id=target.pk)
    events.record(source, events.STATUS_CHANGED, by=by, old=old_status, new=Status.CLOSED, reason="merged",
                  into=target.number)
    events.record(target, events.MERGED_FROM, by=by, source=source.number, source_id=source.pk)
    _save(source)
    _save(target)
    return target


def tickets_move_customer(*, source: Customer, target: Customer, by: User) -> int:
    """Every order of a customer record merged into another goes to the kept record (complaints follow
    their orders), each with a history row; the caller holds both customer rows locked."""
    tickets = list(Ticket.objects.select_for_update().filter(customer=source).order_by("pk"))
    for ticket in tickets:
        events.record(ticket, "customer.merged", by=by, old=f"{source.name}（{source.pk}）", old_id=source.pk,
                      new=f"{target.name}（{target.pk}）", new_id=target.pk)
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(customer=target, updated_at=timezone.now())
    return len(tickets)
