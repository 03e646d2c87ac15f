"""The records behind each number of an agent's rating: what the evidence page lists per measure.

The same filters as evidence.py, one agent, as rows {"when", "ticket", "text", "counts"} where
"counts" says whether the row counts against the measure's good direction (shown highlighted).
"""

from collections.abc import Callable
from datetime import datetime

from django.apps import apps
from django.db.models import F

from kefu.accounts.models import User
from kefu.complaints.models import Complaint, ObjectKind, Party
from kefu.sla.models import SlaClock
from kefu.surveys.models import Answer
from kefu.tickets import events
from kefu.tickets.models import TicketEvent

from .evidence import CONFIRMED_STATES, DONE, HANDED_ON, SURVEY_CODES, handled_orders, qa_categories

LIMIT = 500  # a month of one agent's orders; the count above the table says when more exist
Row = dict


def _orders(agent: User, start: datetime, end: datetime) -> list[Row]:
    qs = handled_orders([agent.pk], start, end).order_by("created_at")[:LIMIT]
    return [{"when": t.created_at, "ticket": t.number, "text": f"{t.subject}（{t.get_status_display()}）",
             "counts": t.status not in DONE} for t in qs]


def _reopens(agent: User, start: datetime, end: datetime) -> list[Row]:
    qs = (TicketEvent.objects.filter(code=events.REOPENED, created_at__gte=start, created_at__lt=end,
                                     ticket__assignee=agent).select_related("ticket").order_by("created_at")[:LIMIT])
    return [{"when": e.created_at, "ticket": e.ticket.number, "text": e.params.get("note") or e.ticket.subject,
             "counts": True} for e in qs]


def _handed_on(agent: User, start: datetime, end: datetime) -> list[Row]:
    qs = (TicketEvent.objects.filter(code__in=HANDED_ON, actor=agent, created_at__gte=start,
                                     created_at__lt=end).exclude(ticket__assignee_id=F("actor_id"))
          .select_related("ticket").order_by("created_at")[:LIMIT])
    return [{"when": e.created_at, "ticket": e.ticket.number, "text": f"{e.params.get('old', '—')} → {e.params.get('new', '—')}",
             "counts": True} for e in qs]


def _clocks(kind: str) -> Callable:
    def rows(agent: User, start: datetime, end: datetime) -> list[Row]:
        qs = (SlaClock.objects.filter(ticket__assignee=agent, kind=kind, stopped_at__gte=start, stopped_at__lt=end)
              .select_related("ticket").order_by("stopped_at")[:LIMIT])
        return [{"when": c.stopped_at, "ticket": c.ticket.number, "due": c.due_at,
                 "text": c.ticket.subject, "counts": c.stopped_at > c.due_at} for c in qs]
    return rows


def _answers(code: str) -> Callable:
    def rows(agent: User, start: datetime, end: datetime) -> list[Row]:
        qs = (Answer.objects.filter(survey__agent=agent, survey__answered_at__gte=start, survey__answered_at__lt=end,
                                    code=code, score__isnull=False)
              .select_related("survey__ticket").order_by("survey__answered_at")[:LIMIT])
        low = 0 if code == "resolved" else 2
        return [{"when": a.survey.answered_at, "ticket": a.survey.ticket.number, "score": a.score,
                 "text": a.question_text, "counts": a.score <= low} for a in qs]
    return rows


def _receipts(agent: User, start: datetime, end: datetime) -> list[Row]:
    qs = (Complaint.objects.filter(ticket__first_responder=agent, receipt_at__gte=start, receipt_at__lt=end,
                                   receipt_satisfied__isnull=False).select_related("ticket").order_by("receipt_at"))
    return [{"when": c.receipt_at, "ticket": c.ticket.number, "text": c.receipt_comment or c.ticket.subject,
             "counts": not c.receipt_satisfied} for c in qs[:LIMIT]]


def _confirmed(agent: User, start: datetime, end: datetime) -> list[Row]:
    names = [agent.username] + ([agent.display_name] if agent.display_name else [])
    qs = (Complaint.objects.filter(object_kind=ObjectKind.STAFF, responsible_party=Party.OURS,
                                   state__in=CONFIRMED_STATES, received_at__gte=start, received_at__lt=end,
                                   responsible_person__in=names).select_related("ticket").order_by("received_at"))
    return [{"when": c.received_at, "ticket": c.ticket.number, "text": c.description[:120] or c.ticket.subject,
             "counts": True} for c in qs[:LIMIT]]


def _qa(kind: str) -> Callable:
    def rows(agent: User, start: datetime, end: datetime) -> list[Row]:
        if not apps.is_installed("kefu.qa"):
            return []
        if kind == "fatal":  # the inspection is the record: a fatal item fails the whole conversation
            inspection = apps.get_model("qa", "Inspection")
            qs = (inspection.objects.filter(agent=agent, is_current=True, fatal=True, started_at__gte=start,
                                            started_at__lt=end)
                  .select_related("conversation__ticket").order_by("started_at")[:LIMIT])
            return [{"when": i.started_at, "ticket": getattr(i.conversation.ticket, "number", ""),
                     "conversation": i.conversation_id, "score": i.score,
                     "text": f"{i.pack_name} {i.pack_version}", "counts": True} for i in qs]
        finding = apps.get_model("qa", "Finding")
        qs = (finding.objects.filter(category__in=qa_categories(kind), counts=True, inspection__agent=agent,
                                     inspection__is_current=True, inspection__started_at__gte=start,
                                     inspection__started_at__lt=end)
              .select_related("inspection__conversation__ticket").order_by("inspection__started_at")[:LIMIT])
        return [{"when": f.inspection.started_at, "ticket": getattr(f.inspection.conversation.ticket, "number", ""),
                 "conversation": f.inspection.conversation_id, "text": f"{f.rule} {f.message or ''} 「{f.evidence}」",
                 "counts": True} for f in qs]
    return rows


RECORDS: dict[str, Callable] = {
    "resolution_rate": _orders, "reopen_rate": _reopens, "escalation_rate": _handed_on,
    "first_response_met": _clocks("first_response"), "resolution_met": _clocks("resolution"),
    **{measure: _answers(code) for code, measure in SURVEY_CODES.items()},
    "complaint_satisfied": _receipts, "confirmed_complaints": _confirmed,
    "qa_fatal": _qa("fatal"), "qa_politeness": _qa("politeness"), "qa_knowledge": _qa("knowledge"),
}


def measure_records(code: str, agent: User, start: datetime, end: datetime) -> list[Row]:
    provider = RECORDS.get(code)
    return provider(agent, start, end) if provider else []
