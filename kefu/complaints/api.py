"""Complaint API (/api/v1/complaints): file complaints, read their state, take every step of the flow.

Each step is POST /{number}/actions/{action} with the same fields as the page's form, parsed by the
same form and run by the same service, so roles, states and messages are identical to the pages.
"""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from kefu import policy
from kefu.core.errors import DomainError, answers
from kefu.core.pagination import paginate
from kefu.core.schema import choice_enum
from kefu.customers.masking import mask_phone
from kefu.customers.selectors import customer_get
from kefu.security.audit import personal_data_read
from kefu.tickets.selectors import ticket_get

from . import receipts
from . import services as cs
from .forms import RecordForm, run_action
from .models import (
    ACTIONS,
    Complaint,
    ComplaintCategory,
    ComplaintState,
    ContactMethod,
    Emotion,
    ObjectKind,
    Party,
    Severity,
    Source,
)
from .schemas import ComplaintAction, ComplaintActionIn, ComplaintIn, form_data
from .selectors import (
    QUEUES,
    available_actions,
    complaint_get,
    complaint_list,
    complaint_steps,
    deadline_rows,
)

router = Router(tags=["complaints"])

ComplaintQueue = choice_enum("ComplaintQueue", QUEUES, blank=False)
StateFilter = choice_enum("ComplaintStateFilter", ComplaintState.values)


StepAction = choice_enum("ComplaintStepAction", ["receive", *ACTIONS], blank=False)
StepFromState = choice_enum("ComplaintStepFromState", ComplaintState.values)  # "" on the first step (receive)


class StepOut(Schema):
    action: StepAction
    label: str
    from_state: StepFromState
    to_state: ComplaintState
    actor: str | None
    round: int
    note: str
    created_at: datetime


class ComplaintOut(Schema):
    number: str
    subject: str
    state: ComplaintState
    state_label: str
    round: int
    customer: dict
    first_responder: dict
    record: dict
    handling: dict
    deadlines: dict
    actions: list[str] = Field(..., description="steps the caller may take now")
    steps: list[StepOut] = []


class ComplaintPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ComplaintOut]


class ReceiptLinkOut(Schema):
    url: str


def _record(c: Complaint, full: bool) -> dict:
    return {
        "contact_name": c.contact_name, "contact_phone": c.contact_phone if full else mask_phone(c.contact_phone),
        "source": c.source, "account_manager": c.account_manager, "channel": c.ticket.channel,
        "object_kind": c.object_kind, "object_detail": c.object_detail, "description": c.description,
        "happened_at": c.happened_at, "place": c.place, "demand": c.demand, "emotion": c.emotion,
        "key_quotes": c.key_quotes, "category": c.category.name if c.category_id else None, "severity": c.severity,
    }


def _handling(c: Complaint) -> dict:
    return {
        "invalid_reason": c.invalid_reason, "explained_how": c.explained_how, "explained_at": c.explained_at,
        "dispatched_to": c.dispatched_to.name if c.dispatched_to_id else None, "cause": c.cause,
        "responsible_party": c.responsible_party, "responsible_person": c.responsible_person,
        "solution": c.solution, "approved_at": c.approved_at, "approval_comment": c.approval_comment,
        "notified_how": c.notified_how, "notified_at": c.notified_at, "customer_response": c.customer_response,
        "implementation": c.implementation, "implemented_at": c.implemented_at, "result_report": c.result_report,
        "receipt_satisfied": c.receipt_satisfied, "receipt_comment": c.receipt_comment, "receipt_via": c.receipt_via,
        "archived_at": c.archived_at, "root_cause": c.root_cause, "improvement": c.improvement,
        "improvement_owner": c.improvement_owner,
    }


def complaint_dict(c: Complaint, user, *, steps: bool = False) -> dict:
    data = {
        "number": c.ticket.number, "subject": c.ticket.subject, "state": c.state,
        "state_label": c.get_state_display(), "round": c.round,
        "customer": {"id": c.ticket.customer_id, "name": c.ticket.customer.name},
        "first_responder": {"id": c.ticket.first_responder_id, "name": c.ticket.first_responder.name},
        "record": _record(c, policy.can_view_personal_data(user)), "handling": _handling(c),
        "deadlines": {"reply_due_at": c.reply_due_at, "first_reply_at": c.first_reply_at,
                      "implement_due_at": c.implement_due_at,
                      # the clocks themselves: the one source of on-time / warning / breached / paused
                      "clocks": [{"kind": row["kind"], "due_at": row["due"], "stopped_at": row["done"],
                                  "state": row["state"]} for row in deadline_rows(c, timezone.now())]},
        "actions": [a.name for a in available_actions(user, c)],
    }
    if steps:
        data["steps"] = [{"action": s.action, "label": s.label, "from_state": s.from_state, "to_state": s.to_state,
                          "actor": s.actor.name if s.actor else None, "round": s.round, "note": s.note,
                          "created_at": s.created_at} for s in complaint_steps(c)]
    return data


@router.get("", response=ComplaintPage, summary="List complaints visible to the caller (queues and filters)")
def list_complaints(request: HttpRequest, queue: ComplaintQueue = "all", state: StateFilter = "",
                    department: str = Query("", description="id of the responsible department dispatched to"),
                    category: str = Query("", description="id of a complaint category"), overdue: bool = False,
                    q: str = "", page: int = 1, page_size: int = 50):
    qs = complaint_list(request.user, queue=queue, state=state, department=department, category=category,
                        overdue=overdue, q=q, now=timezone.now())
    rows, meta = paginate(qs, page, page_size)
    personal_data_read(request.user, [c.ticket.customer_id for c in rows], where="api.complaints", request=request)
    return {**meta, "results": [complaint_dict(c, request.user) for c in rows]}


def _form_errors(form) -> DomainError:
    field, messages = next(iter(form.errors.items()))
    return DomainError(f"{field}: {' '.join(messages)}", field=field)


@router.post("", response={201: ComplaintOut}, summary="File a complaint (受理), optionally with its record form",
             openapi_extra=answers(404))
def create_complaint(request: HttpRequest, payload: ComplaintIn):
    ticket = ticket_get(request.user, payload.ticket) if payload.ticket else None
    if ticket is None and payload.customer_id is None:
        raise DomainError("请提供 customer_id 或 ticket", field="customer_id")
    customer = customer_get(request.user, payload.customer_id) if ticket is None else None
    record = None
    fields = form_data(payload.record) if payload.record is not None else {}
    if fields:
        form = RecordForm({"source": payload.source, "account_manager": payload.account_manager,
                           "severity": "minor", **fields})
        if not form.is_valid():
            raise _form_errors(form)
        record = form.cleaned_data
    complaint = cs.complaint_register(by=request.user, customer=customer, ticket=ticket, subject=payload.subject,
                                      channel=payload.channel, source=payload.source,
                                      account_manager=payload.account_manager, record=record)
    created = complaint_get(request.user, complaint.ticket.number)
    return Status(201, complaint_dict(created, request.user, steps=True))


@router.get("/{number}", response=ComplaintOut, summary="One complaint with its step log and the caller's actions")
def get_complaint(request: HttpRequest, number: str):
    complaint = complaint_get(request.user, number)
    personal_data_read(request.user, [complaint.ticket.customer_id], where="api.complaint", request=request)
    return complaint_dict(complaint, request.user, steps=True)


@router.post("/{number}/actions/{action}", response=ComplaintOut,
             summary="Take one step of the flow: " + ", ".join(ACTIONS))
def take_action(request: HttpRequest, number: str, action: ComplaintAction,
                payload: ComplaintActionIn):
    complaint = complaint_get(request.user, number)
    form, result = run_action(action.value, complaint=complaint, by=request.user, data=form_data(payload))
    if result is None:
        raise _form_errors(form)
    return complaint_dict(complaint_get(request.user, number), request.user, steps=True)


@router.get("/{number}/receipt-link", response=ReceiptLinkOut,
            summary="The customer's single-use receipt link (only while the result waits for a receipt)")
def receipt_link(request: HttpRequest, number: str):
    complaint = complaint_get(request.user, number)
    policy.require(policy.can_act_on_complaint(request.user, complaint, "service"),
                   policy.COMPLAINT_ACTOR_REFUSALS["service"])
    token = receipts.receipt_token(complaint)
    return {"url": request.build_absolute_uri(f"/complaints/receipt/{token}/")}


# ---- reference lists (mounted at /api/v1/) -------------------------------------------------------------

reference = Router(tags=["reference"])


class CategoryOut(Schema):
    id: int
    code: str
    name: str


@reference.get("/complaint-categories", response=list[CategoryOut], summary="Active complaint categories (投诉分类)")
def complaint_categories(request: HttpRequest):
    return list(ComplaintCategory.objects.filter(is_active=True).order_by("order", "name"))


def _pairs(choices) -> list[dict]:
    return [{"value": c.value, "label": str(c.label)} for c in choices]


class ComplaintChoicesOut(Schema):
    """The coded values the complaint steps take (record form and actions), labels in the caller's language."""

    sources: list[dict]
    object_kinds: list[dict]
    emotions: list[dict]
    severities: list[dict]
    parties: list[dict]
    contact_methods: list[dict]
    states: list[dict]
    actions: list[dict]


@reference.get("/complaint-choices", response=ComplaintChoicesOut,
               summary="Values of the complaint record form and steps (source, party, contact method ...)")
def complaint_choices(request: HttpRequest):
    return {"sources": _pairs(Source), "object_kinds": _pairs(ObjectKind), "emotions": _pairs(Emotion),
            "severities": _pairs(Severity), "parties": _pairs(Party), "contact_methods": _pairs(ContactMethod),
            "states": _pairs(ComplaintState),
            "actions": [{"value": a.name, "label": a.title} for a in ACTIONS.values()]}
