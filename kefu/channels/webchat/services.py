"""Web chat flows. Every line is kept on the session; once the session has a work order (an agent
accepted, or the visitor left a message out of hours) each line is also a message of the order's thread,
which is the transcript. Live events tell the visitor and the agents."""

import re

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import Department, User
from kefu.core.errors import DomainError
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.jobs import enqueue
from kefu.jobs.models import Job, JobState
from kefu.live.broadcast import publish
from kefu.tickets.models import Channel, MessageKind
from kefu.tickets.services import ticket_add_message, ticket_assign, ticket_create

from .availability import availability, chat_settings, online_agents
from .models import ChatLine, ChatSession, Sender, SessionState

MAX_TEXT = 2000
_PHONE = re.compile(r"^\+?[\d\- ]{5,20}$")


def session_channel(session: ChatSession) -> str:
    return f"chat:{session.public_id}"


def _line_data(line: ChatLine) -> dict:
    return {"id": line.pk, "sender": line.sender, "text": line.text,
            "author": line.author.name if line.author_id else "", "at": line.created_at.isoformat()}


def _announce(session: ChatSession, kind: str, data: dict) -> None:
    channels = [session_channel(session)]
    if session.state == SessionState.QUEUED or kind in {"chat.queue", "chat.state"}:
        channels.append(f"chatq:{session.department_id}")  # the department's queue changed
    if session.agent_id:
        channels.append(f"user:{session.agent_id}")
    publish(channels, kind, {"session": str(session.public_id), **data})


def _state_data(session: ChatSession) -> dict:
    return {"state": session.state, "agent": session.agent.name if session.agent_id else "",
            "ticket": session.ticket.number if session.ticket_id else ""}


@transaction.atomic
def chat_start(*, department: Department, name: str = "", phone: str = "") -> tuple[ChatSession, str]:
    """A visitor opens the widget: queued when someone can answer now, else a message for later."""
    row = chat_settings(department)
    if row is None or not row.is_enabled:
        raise DomainError("该部门未开通在线客服", field="department")
    name, phone = (name or "").strip()[:60], (phone or "").strip()[:30]
    if phone and not _PHONE.match(phone):
        raise DomainError(f"电话号码格式不正确：{phone}", field="phone")
    now = timezone.now()
    token, digest = ChatSession.new_token()
    open_now = availability(department, now).open
    session = ChatSession.objects.create(
        token_digest=digest, department=department, visitor_name=name, visitor_phone=phone,
        state=SessionState.QUEUED if open_now else SessionState.MESSAGE, created_at=now, updated_at=now)
    _line(session, Sender.SYSTEM, row.greeting if open_now else row.offline_text, None)
    if open_now:  # the visitor's name (plain text) lets a waiting agent's desktop notice say who it is
        _announce(session, "chat.queue", {**_state_data(session), "visitor": session.visitor_name or "访客"})
    return session, token


def _line(session: ChatSession, sender: str, text: str, author: User | None) -> ChatLine:
    """Keeps the line and tells both sides at once; the copy into the order's thread (and the order's
    bookkeeping: history, SLA, inbox) follows as background work, so delivery never waits for it."""
    line = ChatLine.objects.create(session=session, sender=sender, author=author, text=text,
                                   created_at=timezone.now())
    if session.ticket_id and sender != Sender.SYSTEM:
        _transcript_soon(session)
    _announce(session, "chat.message", {"line": _line_data(line)})
    return line


def _transcript_soon(session: ChatSession) -> None:
    """One pending copy job per session: a burst of lines is copied by one run, in order. The caller holds
    the session's row lock and so does the job's copy, so a job seen pending here has not copied yet and
    will see this line: the common case costs one indexed read, not an insert and a worker's ring."""
    key = f"chat.transcript:{session.pk}"
    if not Job.objects.filter(key=key, state=JobState.PENDING).exists():
        enqueue("chat.transcript", {"session": session.pk}, key=key)


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("消息不能为空", field="text")
    if len(text) > MAX_TEXT:
        raise DomainError(f"消息不能超过 {MAX_TEXT} 字", field="text")
    return text


def _locked(session: ChatSession) -> ChatSession:
    # The session row alone, no joins: a chat line (the hot path) needs only its ids and state; the order
    # and the agent load when a rarer step (accept, transfer, close) asks for them.
    return ChatSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def chat_visitor_says(*, session: ChatSession, text: str) -> ChatLine:
    text = _clean_text(text)
    session = _locked(session)
    if session.state == SessionState.CLOSED:
        raise DomainError("会话已结束，请重新发起咨询", field="session", code="closed")
    if session.state == SessionState.QUEUED and not online_agents(session.department):
        _to_message(session)  # everyone left while the visitor waited: keep it as a message, not a void
    line = _line(session, Sender.VISITOR, text, None)
    if session.state == SessionState.MESSAGE and session.ticket_id is None:
        _open_order(session, by=chat_settings(session.department).owner, subject_from=text)
        _copy_lines_to_thread(session)
    return line


def _to_message(session: ChatSession) -> None:
    session.state = SessionState.MESSAGE
    session.save(update_fields=["state"])
    row = chat_settings(session.department)
    _line(session, Sender.SYSTEM, row.offline_text, None)
    _announce(session, "chat.state", _state_data(session))


def _customer_for(session: ChatSession, by: User) -> Customer:
    digits = re.sub(r"\D", "", session.visitor_phone)
    if len(digits) >= 5:
        known = Customer.objects.filter(phones_index__contains=digits).order_by("-updated_at").first()
        if known is not None:
            return known
    name = session.visitor_name or f"访客{str(session.public_id)[:6]}"
    return customer_create(by=by, name=name, phones=[session.visitor_phone] if session.visitor_phone else [])


def _open_order(session: ChatSession, *, by: User, subject_from: str) -> None:
    prefix = "在线留言" if session.state == SessionState.MESSAGE else "在线咨询"
    session.customer = _customer_for(session, by)
    session.ticket = ticket_create(by=by, customer=session.customer, subject=f"{prefix}：{subject_from[:60]}",
                                   channel=Channel.CHAT)
    session.save(update_fields=["customer", "ticket"])


@transaction.atomic
def chat_transcript_copy(*, session_id: int) -> int:
    """Copies the session's lines not yet in its order's thread, in order; idempotent (the session row is
    locked, and a copied line is marked)."""
    session = ChatSession.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=session_id)
    if session.ticket_id is None:
        return 0
    copied = _copy_lines_to_thread(session)
    if session.state == SessionState.CLOSED:
        _inspect_finished(session)
    return copied


def _inspect_finished(session: ChatSession) -> None:
    """A finished chat is judged as a whole: its conversation (kept by kefu/qa from the order's thread) is
    inspected once more unless its current inspection already saw this exact transcript."""
    from kefu.qa.models import Trigger
    from kefu.qa.services import conversation_sync_ticket, queue_inspection

    conversation = conversation_sync_ticket(ticket=session.ticket)
    if conversation is None:  # no agent ever answered: nothing of the service to judge
        return
    if not conversation.inspections.filter(is_current=True, digest=conversation.digest).exists():
        queue_inspection(conversation, Trigger.RESOLVE)


def _copy_lines_to_thread(session: ChatSession) -> int:
    """The lines not yet in the order's thread join it, in order (the transcript)."""
    copied = 0
    for line in session.lines.filter(thread_message__isnull=True).exclude(sender=Sender.SYSTEM).order_by("id"):
        kind = MessageKind.CUSTOMER if line.sender == Sender.VISITOR else MessageKind.REPLY
        line.thread_message = ticket_add_message(ticket=session.ticket, by=line.author, kind=kind, body=line.text)
        line.save(update_fields=["thread_message"])
        copied += 1
    return copied


@transaction.atomic
def chat_accept(*, session: ChatSession, by: User) -> ChatSession:
    """An agent takes a queued chat: they become the first responder of its work order (首问负责)."""
    policy.require(policy.can_see_chat(by, session), "您不能接待该部门的会话")
    session = _locked(session)
    if session.state != SessionState.QUEUED:
        raise DomainError("该会话已被接待或已结束", field="session", code="taken")
    first = session.lines.filter(sender=Sender.VISITOR).order_by("id").first()
    session.state, session.agent = SessionState.ACTIVE, by
    session.save(update_fields=["state", "agent"])
    _open_order(session, by=by, subject_from=first.text if first else (session.visitor_name or "访客"))
    if session.ticket.assignee_id != by.pk:
        ticket_assign(ticket=session.ticket, by=by, assignee=by)
    _copy_lines_to_thread(session)
    _line(session, Sender.SYSTEM, f"客服 {by.name} 为您服务", None)
    _announce(session, "chat.state", _state_data(session))
    return session


def _require_agent(session: ChatSession, by: User) -> None:
    policy.require(session.agent_id == by.pk or (policy.can_chat(by) and session.ticket_id is not None
                                                and policy.can_assign_ticket(by, session.ticket)),
                   "这不是您接待的会话")


@transaction.atomic
def chat_agent_says(*, session: ChatSession, by: User, text: str) -> ChatLine:
    text = _clean_text(text)
    session = _locked(session)
    if session.state != SessionState.ACTIVE:
        raise DomainError("会话不在接待中", field="session")
    _require_agent(session, by)
    return _line(session, Sender.AGENT, text, by)


@transaction.atomic
def chat_transfer(*, session: ChatSession, by: User, to: User) -> ChatSession:
    session = _locked(session)
    if session.state != SessionState.ACTIVE:
        raise DomainError("会话不在接待中", field="session")
    _require_agent(session, by)
    if to.pk == session.agent_id:
        raise DomainError("会话已由该客服接待", field="to")
    if to not in online_agents(session.department) or not policy.can_chat(to):
        raise DomainError(f"{to} 不在线，不能转接", field="to")
    ticket_assign(ticket=session.ticket, by=by, assignee=to, note="在线会话转接")
    previous = session.agent
    session.agent = to
    session.save(update_fields=["agent"])
    _line(session, Sender.SYSTEM, f"会话已由 {previous.name if previous else ''} 转接给客服 {to.name}", None)
    publish([f"user:{previous.pk}"] if previous else [], "chat.state",
            {"session": str(session.public_id), **_state_data(session)})
    _announce(session, "chat.state", _state_data(session))
    return session


@transaction.atomic
def chat_close(*, session: ChatSession, by: User | None) -> ChatSession:
    """Ended by the agent (by) or the visitor (by=None)."""
    session = _locked(session)
    if by is not None:
        _require_agent(session, by)
    if session.state == SessionState.CLOSED:
        return session
    session.state = SessionState.CLOSED
    session.save(update_fields=["state"])
    if session.ticket_id:  # the last lines join the thread and the whole chat is inspected
        _transcript_soon(session)
    _line(session, Sender.SYSTEM, "会话已结束，感谢您的咨询" if by else "访客已离开", None)
    _announce(session, "chat.state", _state_data(session))
    return session


def chat_typing(*, session: ChatSession, by: User | None) -> None:
    """Not stored as a line: only a hint on the other side for a few seconds."""
    if by is not None:
        _require_agent(session, by)
    _announce(session, "chat.typing", {"who": "agent" if by else "visitor"})
