from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from kefu.accounts.models import Department, Team, User
from kefu.core.errors import answers
from kefu.core.pagination import paginate, paginate_keyset
from kefu.core.schema import choice_enum
from kefu.customers.selectors import customer_get
from kefu.security.audit import personal_data_read

from . import services
from .bulk import ticket_claim, tickets_bulk
from .models import Channel, MessageKind, Priority, TicketType
from .models import Status as TicketStatus
from .presenters import message_dict, ticket_dict
from .selectors import (
    INBOX_VIEWS,
    KEYSETS,
    SORTS,
    search_capped,
    ticket_get,
    ticket_history,
    ticket_list,
    ticket_thread,
)

router = Router(tags=["tickets"])

# The list's filters as enums ("" = no filter, as before they were typed).
InboxView = choice_enum("InboxView", INBOX_VIEWS)
StatusFilter = choice_enum("StatusFilter", ["active", *TicketStatus.values])
TypeFilter = choice_enum("TypeFilter", TicketType.values)
ChannelFilter = choice_enum("ChannelFilter", Channel.values)
PriorityFilter = choice_enum("PriorityFilter", Priority.values)
TicketSort = choice_enum("TicketSort", ["relevance", *SORTS])
BulkStatus = choice_enum("BulkStatus", TicketStatus.values)  # "": the action is not a status change


class UserRef(Schema):
    id: int
    name: str


class CustomerRef(Schema):
    id: int
    name: str
    phones: list[str]


class TicketOut(Schema):
    number: str
    subject: str
    type: TicketType
    channel: Channel
    priority: Priority
    status: TicketStatus
    customer: CustomerRef
    first_responder: UserRef
    assignee: UserRef | None
    team: str | None
    department: str
    dispatched_to: str | None
    tags: list[str]
    intake: dict
    account_manager: str
    merged_into: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None


class TicketPage(Schema):
    count: int = Field(description="exact when count_exact, else the planner's estimate (over 1,000), or, for a "
                       "search (q), the matches listed when more match (the most relevant 200, or for one "
                       "character the newest orders')")
    count_exact: bool
    page: int | None = Field(description="null when the page was asked for by cursor")
    page_size: int
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page (fast at any depth); "
                                    "null on the last page")
    results: list[TicketOut]


class TicketIn(Schema):
    customer_id: int
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = ""
    type: TicketType = TicketType.CONSULTATION
    channel: Channel = Channel.PHONE
    priority: Priority = Priority.NORMAL
    tags: list[str] = []
    intake: dict = {}
    account_manager: str = ""


class TicketPatch(Schema):
    version: int
    subject: str | None = None
    type: TicketType | None = None
    channel: Channel | None = None
    priority: Priority | None = None
    tags: list[str] | None = None
    intake: dict | None = None
    account_manager: str | None = None


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str


class MessageOut(Schema):
    id: int
    kind: MessageKind
    author: UserRef | None
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class TransitionIn(Schema):
    status: TicketStatus
    version: int | None = None
    note: str = ""


class AssignIn(Schema):
    assignee_id: int | None = None
    team_id: int | None = None
    version: int | None = None
    note: str = ""


class DispatchIn(Schema):
    department_id: int | None
    note: str = ""


class MergeIn(Schema):
    into: str


class LinkIn(Schema):
    other: str


class EventOut(Schema):
    """A history fact (code, params) with its text in the caller's language (title ... note)."""

    code: str = Field(examples=["ticket.status_changed"])
    params: dict
    title: str
    field: str
    old_value: str
    new_value: str
    note: str
    actor: UserRef | None
    created_at: datetime


@router.get("", response=TicketPage, summary="List work orders visible to the caller")
def list_tickets(request, view: InboxView = "all", status: StatusFilter = "", type: TypeFilter = "",
                 channel: ChannelFilter = "", priority: PriorityFilter = "", q: str = "", sort: TicketSort = "",
                 page: int = 1, page_size: int = 50, cursor: str = ""):
    qs = ticket_list(request.user, view=view, status=status, type=type, channel=channel, priority=priority,
                     q=q, sort=sort)
    if q.strip() and sort in ("", "relevance"):
        # Ranked search results (at most kefu.search.index.RANK_LIMIT) page by number, best first.
        rows, meta = paginate(qs, page, page_size)
        meta.update(count_exact=True, next_cursor=None)
    else:
        rows, meta = paginate_keyset(qs, KEYSETS.get(sort, KEYSETS["due"]), page, page_size, cursor)
    if search_capped(qs):
        # The search stopped at RANK_LIMIT matches, or a one-character query read only the newest
        # orders: more orders match than these pages hold.
        meta["count_exact"] = False
    results = [ticket_dict(t, request.user) for t in rows]
    personal_data_read(request.user, [t.customer_id for t in rows], where="api.tickets.search" if q.strip()
                       else "api.tickets", request=request)
    return {**meta, "results": results}


@router.post("", response={201: TicketOut}, summary="Create a work order; the caller is its first responder",
             openapi_extra=answers(404))
def create_ticket(request, payload: TicketIn):
    data = payload.dict()
    customer = customer_get(request.user, data.pop("customer_id"))
    ticket = services.ticket_create(by=request.user, customer=customer, **data)
    # Answered from the order in memory (its creator is its first responder, who sees it): re-reading it
    # through the visibility filter was the create's slowest query.
    return Status(201, ticket_dict(ticket, request.user))


class BulkIn(Schema):
    numbers: list[str] = Field(..., min_length=1, max_length=200)
    action: Literal["assign", "status", "merge"]
    assignee_id: int | None = None
    status: BulkStatus = ""
    into: str | None = Field(None, description="merge: the order to keep (default: the oldest selected)")


class BulkOut(Schema):
    changed: list[str]


# Declared before "/{number}": the first matching path wins.
@router.post("/bulk", response=BulkOut, summary="One action on many work orders: all change or none does",
             openapi_extra=answers(404))
def bulk(request, payload: BulkIn):
    tickets = [ticket_get(request.user, n) for n in dict.fromkeys(payload.numbers)]
    assignee = get_object_or_404(User, pk=payload.assignee_id, is_active=True) if payload.assignee_id else None
    into = ticket_get(request.user, payload.into) if payload.into else None
    changed = tickets_bulk(by=request.user, tickets=tickets, action=payload.action, assignee=assignee,
                           status=payload.status, into=into)
    return {"changed": changed}


@router.get("/{number}", response=TicketOut)
def get_ticket(request, number: str):
    ticket = ticket_get(request.user, number)
    personal_data_read(request.user, [ticket.customer_id], where="api.ticket", request=request)
    return ticket_dict(ticket, request.user)


@router.patch("/{number}", response=TicketOut, summary="Edit fields; send the version you read (409 if stale)")
def patch_ticket(request, number: str, payload: TicketPatch):
    ticket = ticket_get(request.user, number)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    services.ticket_update(ticket=ticket, by=request.user, version=version, **changes)
    return ticket_dict(ticket_get(request.user, number), request.user)


@router.get("/{number}/messages", response=list[MessageOut])
def list_messages(request, number: str):
    ticket = ticket_get(request.user, number)
    return [message_dict(m) for m in ticket_thread(request.user, ticket)]


@router.post("/{number}/messages", response={201: MessageOut},
             summary="Add a reply, an internal note or a customer message (multipart, files optional)")
def add_message(request, number: str, kind: str = Form(...), body: str = Form(...),
                files: list[UploadedFile] = File(None)):
    ticket = ticket_get(request.user, number)
    message = services.ticket_add_message(ticket=ticket, by=request.user, kind=kind, body=body,
                                          attachments=files or [])
    return Status(201, message_dict(message))


@router.post("/{number}/transition", response=TicketOut, summary="Change status (reopen = back to open)")
def transition(request, number: str, payload: TransitionIn):
    ticket = ticket_get(request.user, number)
    services.ticket_set_status(ticket=ticket, by=request.user, status=payload.status, version=payload.version,
                               note=payload.note)
    return ticket_dict(ticket_get(request.user, number), request.user)


@router.post("/{number}/assign", response=TicketOut, summary="Transfer to an agent and/or a team")
def assign(request, number: str, payload: AssignIn):
    ticket = ticket_get(request.user, number)
    assignee = get_object_or_404(User, pk=payload.assignee_id) if payload.assignee_id else None
    team = get_object_or_404(Team, pk=payload.team_id) if payload.team_id else None
    services.ticket_assign(ticket=ticket, by=request.user, assignee=assignee, team=team, version=payload.version,
                           note=payload.note)
    return ticket_dict(ticket_get(request.user, number), request.user)


@router.post("/{number}/dispatch", response=TicketOut, summary="Dispatch to a responsible department")
def dispatch(request, number: str, payload: DispatchIn):
    ticket = ticket_get(request.user, number)
    department = get_object_or_404(Department, pk=payload.department_id) if payload.department_id else None
    services.ticket_dispatch(ticket=ticket, by=request.user, department=department, note=payload.note)
    return ticket_dict(ticket_get(request.user, number), request.user)


@router.post("/{number}/merge", response=TicketOut, summary="Merge this duplicate into another work order")
def merge(request, number: str, payload: MergeIn):
    source = ticket_get(request.user, number)
    target = ticket_get(request.user, payload.into)
    services.ticket_merge(source=source, target=target, by=request.user)
    return ticket_dict(ticket_get(request.user, payload.into), request.user)


@router.post("/{number}/links", response={204: None}, summary="Link a related work order")
def link(request, number: str, payload: LinkIn):
    ticket = ticket_get(request.user, number)
    other = ticket_get(request.user, payload.other)
    services.ticket_link(ticket=ticket, other=other, by=request.user)
    return Status(204, None)


@router.get("/{number}/events", response=list[EventOut], summary="Audit history, newest first")
def events(request, number: str):
    ticket = ticket_get(request.user, number)
    return [
        {"code": line.code, "params": line.params, "title": line.title, "field": line.field,
         "old_value": line.old, "new_value": line.new, "note": line.note,
         "actor": {"id": line.actor.pk, "name": line.actor.name} if line.actor else None, "created_at": line.at}
        for line in ticket_history(ticket)
    ]




# ---- reference lists: the values an integration may send (mounted at /api/v1/) -------------------------

reference = Router(tags=["reference"])


def _choices(enum) -> type[Schema]:
    return type(f"{enum.__name__}Choice", (Schema,), {"__annotations__": {"value": enum, "label": str}})


TypeChoice, StatusChoice, ChannelChoice, PriorityChoice = (_choices(e) for e in (TicketType, TicketStatus,
                                                                                    Channel, Priority))


def _listing(enum) -> list[dict]:
    return [{"value": choice.value, "label": str(choice.label)} for choice in enum]


@reference.get("/ticket-types", response=list[TypeChoice], summary="Work-order types (label in the caller's language)")
def ticket_types(request):
    return _listing(TicketType)


@reference.get("/ticket-statuses", response=list[StatusChoice], summary="Work-order statuses")
def ticket_statuses(request):
    return _listing(TicketStatus)


@reference.get("/channels", response=list[ChannelChoice], summary="Channels a work order can come in on")
def channels(request):
    return _listing(Channel)


@reference.get("/priorities", response=list[PriorityChoice], summary="Work-order priorities")
def priorities(request):
    return _listing(Priority)


@router.post("/{number}/claim", response=TicketOut, summary="领取: take an unassigned work order as its handler")
def claim(request, number: str):
    ticket_claim(ticket=ticket_get(request.user, number), by=request.user)
    return ticket_dict(ticket_get(request.user, number), request.user)
