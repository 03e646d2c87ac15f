"""QA API (/api/v1/qa): the exact shapes of issue 11, which call-centre systems integrate against.

Handlers are thin: they parse, call a service or selector, and shape the answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from kefu.core.schema import ErrorOut
from kefu.tickets.selectors import ticket_get

from . import assist, review, selectors
from .imports import import_start, import_status
from .models import ImportJob
from .services import conversation_submit

router = Router(tags=["qa"])
InspectionStateName = Literal["queued", "done", "failed"]
Severity = Literal["info", "minor", "major", "critical"]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class TurnIn(Schema):
    role: Literal["agent", "customer", "system"]
    text: str
    start: float | None = None
    end: float | None = None
    ts: str | None = None


class ConversationIn(Schema):
    external_id: str
    channel: Literal["chat", "voice"] | None = None
    agent: str
    customer_id: int | None = None
    ticket: str | None = None
    started_at: datetime | None = None
    turns: list[TurnIn]
    meta: dict | None = None


class ConversationSaved(Schema):
    id: int
    external_id: str
    inspection_state: InspectionStateName


class ReviewOut(Schema):
    verdict: Literal["confirmed", "rejected"]
    comment: str
    by: str | None
    at: datetime | None


class AppealBrief(Schema):
    id: int
    state: Literal["open", "accept", "partial", "reject"]
    reason: str
    comment: str
    created_at: datetime
    ruled_at: datetime | None


class FindingOut(Schema):
    id: int
    rule: str
    category: str
    severity: Severity
    turn: int
    start: int
    end: int
    evidence: str
    message: str
    counts: bool
    review: ReviewOut | None
    appeal: AppealBrief | None


class InspectionOut(Schema):
    state: InspectionStateName
    pack: str | None
    pack_version: str | None
    score: float | None
    auto_score: float | None = None
    fatal: bool
    inspected_at: datetime | None = None
    findings: list[FindingOut]
    items: list[dict] = []


class ConversationOut(Schema):
    id: int
    external_id: str | None
    source: Literal["ticket", "import", "api"]
    channel: Literal["chat", "voice"]
    agent: str | None
    customer_id: int | None
    ticket: str | None
    started_at: datetime
    turns: list[dict]
    inspection_state: InspectionStateName
    inspection: InspectionOut


class ImportAccepted(Schema):
    job: int


class ImportError_(Schema):
    line: int
    message: str


class ImportStatus(Schema):
    state: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    errors: list[ImportError_]


class CheckIn(Schema):
    role: Literal["agent", "customer"] = "agent"
    text: str
    ticket: str | None = None


class CheckFinding(Schema):
    rule: str
    category: str
    severity: Severity
    start: int
    end: int
    evidence: str
    message: str
    suggestion: str


class CheckOut(Schema):
    findings: list[CheckFinding]


class ReviewIn(Schema):
    verdict: Literal["confirmed", "rejected"]
    comment: str = ""


class AppealIn(Schema):
    reason: str


class AppealCreated(Schema):
    appeal: int


class RulingIn(Schema):
    decision: Literal["accept", "partial", "reject"]
    comment: str = ""


class RulingOut(Schema):
    appeal: int
    state: Literal["open", "accept", "partial", "reject"]
    score: float


@router.post("/conversations", response={200: ConversationSaved, 201: ConversationSaved, **ERRORS},
             summary="Submit a chat or call; the same external_id again updates it in place (200)")
def submit_conversation(request: HttpRequest, payload: ConversationIn):
    data = payload.dict(exclude_none=True)
    if payload.started_at is not None:
        data["started_at"] = payload.started_at.isoformat()
    conversation, created = conversation_submit(by=request.user, data=data)
    body = {"id": conversation.pk, "external_id": conversation.external_id,
            "inspection_state": conversation.inspection_state}
    return Status(201 if created else 200, body)


@router.get("/conversations/{conversation_id}", response={200: ConversationOut, **ERRORS},
            summary="A conversation with its current inspection (findings, reviews, appeals)")
def get_conversation(request: HttpRequest, conversation_id: int):
    return selectors.conversation_json(selectors.conversation_get(request.user, conversation_id))


@router.post("/imports", response={202: ImportAccepted, **ERRORS},
             summary="Import a .jsonl, .csv or .xlsx file of conversations as background work")
def start_import(request: HttpRequest, file: UploadedFile = File(...)):
    job = import_start(by=request.user, upload=file)
    return Status(202, {"job": job.pk})


@router.get("/imports/{job_id}", response={200: ImportStatus, **ERRORS}, summary="Progress of an import")
def get_import(request: HttpRequest, job_id: int):
    job = ImportJob.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise Http404("导入任务不存在")
    return import_status(job)


@router.post("/check", response={200: CheckOut, **ERRORS}, url_name="qa_check",
             summary="Live check of a draft (real-time rules); writes nothing")
def check(request: HttpRequest, payload: CheckIn):
    ticket = ticket_get(request.user, payload.ticket) if payload.ticket else None
    return {"findings": assist.check_text(by=request.user, text=payload.text, role=payload.role, ticket=ticket)}


class OverrideIn(Schema):
    text: str
    rules: list[str] = []
    ticket: str | None = None


class OverrideOut(Schema):
    id: int


@router.post("/assist/overrides", response={201: OverrideOut, **ERRORS}, url_name="qa_override",
             summary="Record a reply sent although the live check warned (sending is never blocked)")
def record_override(request: HttpRequest, payload: OverrideIn):
    ticket = ticket_get(request.user, payload.ticket) if payload.ticket else None
    row = assist.assist_override(by=request.user, text=payload.text, rules=payload.rules, ticket=ticket)
    return Status(201, {"id": row.pk})


@router.post("/findings/{finding_id}/review", response={200: FindingOut, **ERRORS},
             summary="An inspector confirms or rejects a finding")
def review_finding(request: HttpRequest, finding_id: int, payload: ReviewIn):
    finding = selectors.finding_get(request.user, finding_id)
    review.finding_review(finding=finding, by=request.user, verdict=payload.verdict, comment=payload.comment)
    data = selectors.inspection_json(finding.inspection, finding.inspection.conversation.inspection_state)
    return next(f for f in data["findings"] if f["id"] == finding.pk)


@router.post("/findings/{finding_id}/appeal", response={201: AppealCreated, **ERRORS},
             summary="The conversation's agent appeals a finding (within the window, with a reason)")
def appeal_finding(request: HttpRequest, finding_id: int, payload: AppealIn):
    finding = selectors.finding_get(request.user, finding_id)
    appeal = review.appeal_create(inspection=finding.inspection, finding=finding, by=request.user,
                                  reason=payload.reason)
    return Status(201, {"appeal": appeal.pk})


@router.post("/inspections/{inspection_id}/appeal", response={201: AppealCreated, **ERRORS},
             summary="The conversation's agent appeals the score as a whole")
def appeal_score(request: HttpRequest, inspection_id: int, payload: AppealIn):
    inspection = selectors.inspection_get(request.user, inspection_id)
    appeal = review.appeal_create(inspection=inspection, by=request.user, reason=payload.reason)
    return Status(201, {"appeal": appeal.pk})


@router.post("/appeals/{appeal_id}/ruling", response={200: RulingOut, **ERRORS},
             summary="A supervisor rules on an appeal: accept, partial or reject (final)")
def rule_appeal(request: HttpRequest, appeal_id: int, payload: RulingIn):
    appeal = selectors.appeal_get(request.user, appeal_id)
    appeal = review.appeal_rule(appeal=appeal, by=request.user, decision=payload.decision, comment=payload.comment)
    return {"appeal": appeal.pk, "state": appeal.state, "score": appeal.inspection.score}
