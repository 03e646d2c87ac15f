"""Callbacks API (/api/v1/callbacks), exact shapes in issue 16:

GET scripts → [{"id", "name"}]; POST campaigns → 201 {"id", "targets"}; GET tasks?mine=1 → [task];
POST tasks/{id}/attempts {"result", "answers"?, "satisfied"?, "note"?} → {"task", "follow_up": number
or null, "next_attempt_at"? (only when the result is retried)}.
"""

from datetime import date, datetime
from typing import Literal

from django.http import JsonResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.responses import NinjaJSONEncoder

from kefu.core.errors import DomainError
from kefu.core.schema import ErrorOut
from kefu.security.audit import personal_data_read

from . import scripts
from .models import TaskState
from .presenters import task_dict
from .selectors import scripts_for, task_get, task_list
from .services import campaign_create, task_record_attempt

router = Router(tags=["callbacks"])

ResultCode = Literal["reached", "no_answer", "busy", "wrong_number", "refused", "do_not_call"]


class ScriptOut(Schema):
    id: int
    name: str


class SourceIn(Schema):
    model_config = {"populate_by_name": True}

    kind: Literal["resolved_orders", "archived_complaints", "customers"]
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    types: list[str] | None = None
    tags: list[str] | None = None
    levels: list[int] | None = None


class CampaignIn(Schema):
    name: str = Field(..., max_length=80)
    source: SourceIn
    script: int
    agents: list[str] = Field(..., max_length=50)
    exclude_called_within_days: int = Field(30, ge=0, le=365)


class CampaignCreated(Schema):
    id: int
    targets: int


class CustomerOut(Schema):
    id: int
    name: str
    address_form: str
    phones: list[str]


class TaskOut(Schema):
    id: int
    campaign: int
    campaign_name: str
    customer: CustomerOut
    ticket: str | None
    assignee: str
    state: Literal["pending", "done"]
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    result: ResultCode | None
    satisfied: bool | None
    answers: list[dict]
    note: str
    follow_up: str | None
    review: Literal["", "pending", "approved", "flagged"]


class TaskQuery(Schema):
    mine: bool = False
    campaign: int | None = None
    state: Literal["pending", "done"] | None = None


class AnswerIn(Schema):
    node: str
    answer: int | str


class AttemptIn(Schema):
    result: ResultCode
    answers: list[AnswerIn] | None = Field(None, max_length=60)
    satisfied: bool | None = None
    note: str | None = Field(None, max_length=2000)


class AttemptOut(Schema):
    task: TaskOut
    follow_up: str | None
    next_attempt_at: datetime | None = Field(None, description="present only when the result is retried")


@router.get("/scripts", response={200: list[ScriptOut], 401: ErrorOut, 403: ErrorOut},
            summary="Callback scripts that campaigns can use")
def list_scripts(request):
    return [{"id": s.pk, "name": s.name} for s in scripts_for(request.user)]


@router.post("/campaigns", response={201: CampaignCreated, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                                     409: ErrorOut, 422: ErrorOut},
             summary="Create a callback campaign: select the targets, apply the exclusions, assign the agents")
def create_campaign(request, payload: CampaignIn):
    source = payload.source.model_dump(by_alias=True, exclude_none=True)
    campaign = campaign_create(by=request.user, name=payload.name, source=source, script=payload.script,
                               agents=payload.agents, exclude_called_within_days=payload.exclude_called_within_days)
    return Status(201, {"id": campaign.pk, "targets": campaign.tasks.count()})


@router.get("/tasks", response={200: list[TaskOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
            summary="Callback tasks the caller may see (mine=1: assigned to the caller), at most 200")
def list_tasks(request, filters: Query[TaskQuery]):
    rows = list(task_list(request.user, mine=filters.mine, campaign=filters.campaign, state=filters.state)[:200])
    personal_data_read(request.user, [t.customer_id for t in rows], where="api.callbacks", request=request)
    return [task_dict(task, request.user) for task in rows]


@router.post("/tasks/{task_id}/attempts", response={200: AttemptOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut,
                                                    404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
             summary="Record one call of a callback: its result, the script's answers, satisfaction")
def record_attempt(request, task_id: int, payload: AttemptIn):
    task = task_get(request.user, task_id)
    try:
        choices = scripts.choices_from(task.campaign.script.tree, [a.model_dump() for a in payload.answers or []])
    except scripts.ScriptError as exc:
        raise DomainError(exc.message, field="answers") from None
    task, follow_up, next_at = task_record_attempt(task=task, by=request.user, result=payload.result, choices=choices,
                                                   satisfied=payload.satisfied, note=payload.note or "")
    body = {"task": task_dict(task, request.user), "follow_up": follow_up.number if follow_up else None}
    if next_at is not None and task.state == TaskState.PENDING:
        body["next_attempt_at"] = next_at
    # Built by hand: "follow_up" is always present (null when none), "next_attempt_at" only when retried.
    return JsonResponse(body, encoder=NinjaJSONEncoder, json_dumps_params={"ensure_ascii": False})
