"""Writes on conversations: external conversations saved (the same external id updates in place), work-
order threads kept in step with their messages, inspection queued as background work after commit."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.jobs import enqueue
from kefu.tickets import events
from kefu.tickets.models import MessageKind, Status, Ticket

from .inspect import conversation_digest
from .models import Channel, Conversation, InspectionState, QaEvent, Source, Trigger
from .records import AgentDirectory, Record, clean_record

# Work orders whose channel is a call become "voice" conversations; everything else reads as chat.
VOICE_TICKET_CHANNELS = {"phone"}


# QA facts that also belong in the work order's own history when the conversation is its thread or
# linked to it (registered with kefu.tickets.events in hooks.register_history).
TICKET_HISTORY_CODES = {"qa.inspected", "qa.reviewed", "qa.appealed", "qa.ruled"}


def event(conversation: Conversation, code: str, by: User | None = None, now: datetime | None = None,
          **params: object) -> QaEvent:
    now = now or timezone.now()
    if conversation.ticket_id and code in TICKET_HISTORY_CODES:
        events.record(conversation.ticket, code, by=by, at=now, conversation=conversation.pk,
                      **{k: v for k, v in params.items() if k in ("score", "decision", "rule", "version")})
    return QaEvent.objects.create(conversation=conversation, actor=by, code=code, params=params, created_at=now)


def queue_inspection(conversation: Conversation, trigger: str) -> None:
    enqueue("qa.inspect", {"conversation": conversation.pk, "trigger": trigger},
            key=f"qa.inspect:{conversation.pk}")


@transaction.atomic
def conversation_submit(*, by: User, data: dict) -> tuple[Conversation, bool]:
    """The API's POST /qa/conversations: validate, save (create or update), queue its inspection."""
    policy.require(policy.can_import_conversations(by), "只有质检员、主管或管理员可以导入会话")
    record = clean_record(data, AgentDirectory())
    conversation, created, changed = conversation_save(record=record, source=Source.API)
    event(conversation, "qa.received" if created else "qa.updated", by, source="api", changed=changed)
    if changed:
        queue_inspection(conversation, Trigger.IMPORT)
    return conversation, created


def conversation_save(*, record: Record, source: str) -> tuple[Conversation, bool, bool]:
    """Upsert by external id; returns (conversation, created, turns changed)."""
    digest = conversation_digest(record.channel, record.turns, record.meta)
    fields = {"channel": record.channel, "agent_id": record.agent_id, "customer_id": record.customer_id,
              "ticket_id": record.ticket_id, "started_at": record.started_at, "turns": record.turns,
              "meta": record.meta}
    conversation = Conversation.objects.select_for_update().filter(external_id=record.external_id).first()
    if conversation is None:
        conversation = Conversation.objects.create(external_id=record.external_id, source=source, digest=digest,
                                                   inspection_state=InspectionState.QUEUED, **fields)
        return conversation, True, True
    changed = conversation.digest != digest or conversation.agent_id != record.agent_id
    for name, value in fields.items():
        setattr(conversation, name, value)
    if changed:
        conversation.digest = digest
        conversation.inspection_state = InspectionState.QUEUED
    conversation.save()
    return conversation, False, changed


def ticket_turns(ticket: Ticket) -> list[dict]:
    """The public thread as the engine reads it: customer messages and replies, with their times."""
    role = {MessageKind.CUSTOMER: "customer", MessageKind.REPLY: "agent"}
    return [{"role": role[m.kind], "text": m.body, "ts": timezone.localtime(m.created_at).isoformat()}
            for m in ticket.messages.filter(kind__in=list(role)).order_by("created_at", "id")]


@transaction.atomic
def conversation_sync_ticket(*, ticket: Ticket) -> Conversation | None:
    """Keeps a work order's conversation equal to its thread; inspects after each new agent reply and
    when the order is resolved (each once: the marks below remember what was already inspected)."""
    turns = ticket_turns(ticket)
    if not any(t["role"] == "agent" for t in turns):
        return None
    channel = Channel.VOICE if ticket.channel in VOICE_TICKET_CHANNELS else Channel.CHAT
    agent_id = ticket.assignee_id or ticket.first_responder_id
    conversation = Conversation.objects.select_for_update().filter(ticket=ticket, source=Source.TICKET).first()
    if conversation is None:
        conversation = Conversation(ticket=ticket, source=Source.TICKET, started_at=ticket.created_at, meta={})
    resolved = ticket.status in (Status.RESOLVED, Status.CLOSED)
    # The resolved flag is part of the input: the inspection at resolution is the final one, made even
    # when no message changed since the last reply's (closing rules judge a finished conversation).
    digest = conversation_digest(channel, turns, {"resolved": resolved})
    replies = sum(1 for t in turns if t["role"] == "agent")
    seen = conversation.meta or {}
    trigger = None
    if replies > seen.get("replies", 0):
        trigger = Trigger.RESOLVE if resolved else Trigger.REPLY
    elif resolved and not seen.get("resolved"):
        trigger = Trigger.RESOLVE
    conversation.channel, conversation.turns, conversation.agent_id = channel, turns, agent_id
    conversation.customer_id = ticket.customer_id
    conversation.meta = {"replies": replies, "resolved": resolved}
    if trigger:
        conversation.inspection_state = InspectionState.QUEUED
    conversation.digest = digest
    conversation.save()
    if trigger:
        queue_inspection(conversation, trigger)
    return conversation
