"""Work-order history as facts: the one module every app writes and reads history through.

Usage (for every app: complaints, sla, surveys, qa, channels ...)::

    from kefu.tickets import events

    # 1. Name your codes once, from your AppConfig.ready(); text is produced at display time in the
    #    reader's language, so pass lazy strings and small functions of the params, never stored text.
    events.register("survey.sent", title=pgettext_lazy("history", "发送满意度调查"),
                    note=lambda p: p.get("channel", ""))

    # 2. Write a fact inside your service's transaction: a code, JSON params (ids, codes, old and new
    #    values; never display text), the actor (None for the system) and the time (default now).
    events.record(ticket, "survey.sent", by=user, survey_id=survey.pk, channel="sms")

    # 3. Read facts by code (reports, ratings, SLA): never parse the rendered text.
    events.of_tickets(ticket_ids, codes=["survey.sent"]).values_list("ticket_id", "params")

    # 4. Display: events.lines(queryset) -> [Line(at, actor, title, field, old, new, note)].

Params must be JSON-serialisable. Personal data a history reader may not see (a phone number) is masked
before it is written: the history table is read by every role that sees the order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from .models import Channel, Priority, Status, Ticket, TicketEvent, TicketType

Render = Callable[[dict], object]


@dataclass(frozen=True)
class Kind:
    """How one event code reads: a title, a field label, and functions of the params for each cell."""

    title: object
    field: object = ""
    old: Render | None = None
    new: Render | None = None
    note: Render | None = None
    field_of: Render | None = None  # when the field column depends on the params (ticket.field_changed)


@dataclass(frozen=True)
class Line:
    """One row of the history table, in the language active when it was made."""

    code: str
    at: datetime
    actor: object
    params: dict
    title: str
    field: str
    old: str
    new: str
    note: str


KINDS: dict[str, Kind] = {}


def register(code: str, *, title: object, field: object = "", old: Render | None = None,
             new: Render | None = None, note: Render | None = None, field_of: Render | None = None) -> None:
    """Names an event code. Registering a code twice keeps the first (apps' ready() may run twice in tests)."""
    KINDS.setdefault(code, Kind(title, field, old, new, note, field_of))


def record(ticket: Ticket, code: str, *, by=None, at: datetime | None = None, **params) -> TicketEvent:
    """Writes one fact about a work order. Call it inside the service's transaction."""
    return TicketEvent.objects.create(ticket=ticket, actor=by, code=code, params=_clean(params),
                                      created_at=at or timezone.now())


def build(ticket: Ticket, code: str, *, by=None, at: datetime | None = None, **params) -> TicketEvent:
    """An unsaved fact, for TicketEvent.objects.bulk_create when a service writes many at once."""
    return TicketEvent(ticket=ticket, actor=by, code=code, params=_clean(params), created_at=at or timezone.now())


def of_ticket(ticket: Ticket) -> QuerySet[TicketEvent]:
    """The order's history, newest first."""
    return ticket.events.select_related("actor").order_by("-created_at", "-id")


def of_tickets(ticket_ids: Iterable[int], *, codes: Iterable[str] | None = None) -> QuerySet[TicketEvent]:
    qs = TicketEvent.objects.filter(ticket_id__in=list(ticket_ids))
    return qs.filter(code__in=list(codes)) if codes is not None else qs


def render(event: TicketEvent) -> Line:
    kind = KINDS.get(event.code)
    params = event.params or {}
    if kind is None:  # a code whose app was removed: still show the fact rather than hide it
        return Line(event.code, event.created_at, event.actor, params, event.code, "", "", "",
                    _text(params.get("note")))
    field = kind.field_of(params) if kind.field_of is not None else kind.field
    return Line(event.code, event.created_at, event.actor, params, str(kind.title), _text(field),
                _cell(kind.old, params, "old"), _cell(kind.new, params, "new"), _cell(kind.note, params, "note"))


def lines(qs: Iterable[TicketEvent]) -> list[Line]:
    return [render(event) for event in qs]


def _cell(fn: Render | None, params: dict, key: str) -> str:
    return _text(fn(params) if fn is not None else params.get(key))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def normalise(**params) -> dict:
    """The params as record() stores them: to compare a new fact with a stored one."""
    return _clean(params)


def _clean(params: dict) -> dict:
    """Drops empty values so rows stay small; a model instance is stored as its id and its name."""
    cleaned = {}
    for key, value in params.items():
        if value is None or value == "":
            continue
        if hasattr(value, "pk"):
            cleaned[f"{key}_id"] = value.pk
            value = str(value)
        cleaned[key] = value
    return cleaned


# ---- the work order's own codes ------------------------------------------------------------------------

CREATED = "ticket.created"
FIELD_CHANGED = "ticket.field_changed"
STATUS_CHANGED = "ticket.status_changed"
REOPENED = "ticket.reopened"
ASSIGNED = "ticket.assigned"
TRANSFERRED = "ticket.transferred"
DISPATCHED = "ticket.dispatched"
FIRST_RESPONDER_CHANGED = "ticket.first_responder_changed"
REPLIED = "ticket.replied"
NOTED = "ticket.noted"
CUSTOMER_MESSAGE = "ticket.customer_message"
LINKED = "ticket.linked"
MERGED = "ticket.merged"
MERGED_FROM = "ticket.merged_from"
STATUS_CODES = (STATUS_CHANGED, REOPENED)  # the facts the SLA pauses are derived from

# Why the system changed a status by itself (params["reason"]); apps add theirs with register_reason.
REASONS: dict[str, object] = {
    "customer_replied": gettext_lazy("客户回复"),
}


def register_reason(code: str, label: object) -> None:
    REASONS.setdefault(code, label)


def status_label(value: str | None) -> str:
    """A status code in the reader's language; text kept from before the migration shows as it was."""
    if not value:
        return ""
    return str(Status(value).label) if value in Status.values else str(value)


def _status_note(params: dict) -> str:
    reason = params.get("reason")
    if reason == "merged":
        return gettext("合并到 %(number)s") % {"number": params.get("into", "")}
    if reason in REASONS:
        return str(REASONS[reason])
    return _text(params.get("note"))


_FIELD_LABELS = {
    "subject": gettext_lazy("主题"),
    "type": gettext_lazy("类型"),
    "channel": gettext_lazy("渠道"),
    "priority": gettext_lazy("优先级"),
    "tags": gettext_lazy("标签"),
    "intake": gettext_lazy("十问"),
    "account_manager": gettext_lazy("招商经理"),
}


_FIELD_CHOICES = {"type": TicketType, "channel": Channel, "priority": Priority}


def _changed_value(key: str) -> Render:
    def value(params: dict) -> object:
        choices = _FIELD_CHOICES.get(params.get("field", ""))
        raw = params.get(key)
        return str(choices(raw).label) if choices is not None and raw in choices.values else raw
    return value


def _changed_field(params: dict) -> str:
    name = params.get("field", "")
    return str(_FIELD_LABELS.get(name, name))


def _register_ticket_codes() -> None:
    # "history" context: the same Chinese word is also a button (关联: "Linked" here, "Link" there).
    register(CREATED, title=pgettext_lazy("history", "创建"), new=lambda p: p.get("number"))
    register(STATUS_CHANGED, title=pgettext_lazy("history", "状态变更"), field=gettext_lazy("状态"),
             old=lambda p: status_label(p.get("old")), new=lambda p: status_label(p.get("new")), note=_status_note)
    register(REOPENED, title=pgettext_lazy("history", "重新打开"), field=gettext_lazy("状态"),
             old=lambda p: status_label(p.get("old")), new=lambda p: status_label(p.get("new")), note=_status_note)
    register(ASSIGNED, title=pgettext_lazy("history", "指派"), field=gettext_lazy("处理人"))
    register(TRANSFERRED, title=pgettext_lazy("history", "转班组"), field=gettext_lazy("班组"))
    register(DISPATCHED, title=pgettext_lazy("history", "转责任部门"), field=gettext_lazy("责任部门"))
    register(FIRST_RESPONDER_CHANGED, title=pgettext_lazy("history", "移交首问负责人"),
             field=gettext_lazy("首问负责人"))
    register(REPLIED, title=pgettext_lazy("history", "回复客户"))
    register(NOTED, title=pgettext_lazy("history", "内部备注"))
    register(CUSTOMER_MESSAGE, title=pgettext_lazy("history", "客户来信"))
    register(LINKED, title=pgettext_lazy("history", "关联"), field=gettext_lazy("关联工单"),
             new=lambda p: p.get("other"))
    register(MERGED, title=pgettext_lazy("history", "被合并"), field=gettext_lazy("合并到"),
             new=lambda p: p.get("into"))
    register(MERGED_FROM, title=pgettext_lazy("history", "合并入"), new=lambda p: p.get("source"))

    register(FIELD_CHANGED, title=pgettext_lazy("history", "修改"), field_of=_changed_field,
             old=_changed_value("old"), new=_changed_value("new"))


_register_ticket_codes()
