"""Measured evidence per agent and period: SQL aggregates, one query per source, all agents at once.

Each provider returns {measure code: {agent id: Observed}}. A measure no provider returns has no data
source (e.g. QA before the qa app is installed): it shows no stars rather than a made-up number. An
agent missing from a measure's dict had nothing to measure (样本不足).

Attribution: an order counts for its current handler (assignee); a survey for the agent it was about;
a complaint's receipt for the order's first responder (首问负责).
"""

from collections.abc import Callable
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db.models import Avg, Count, F, Q

from kefu.accounts.models import User
from kefu.complaints.models import Complaint, ComplaintState, ObjectKind, Party
from kefu.qa_engine.model import CATEGORIES as QA_CATEGORIES
from kefu.sla.models import SlaClock
from kefu.surveys.models import Answer
from kefu.tickets import events
from kefu.tickets.models import Status, Ticket, TicketEvent

from .scoring import Observed

Evidence = dict[str, dict[int, Observed]]
DONE = [Status.RESOLVED, Status.CLOSED]
HANDED_ON = [events.ASSIGNED, events.TRANSFERRED]  # the agent passed the order to someone else
# Complaint states at or after the responsible party was determined (责任已判定).
S = ComplaintState
CONFIRMED_STATES = [S.RESPONSIBILITY, S.PROPOSED, S.APPROVED, S.NOTIFIED, S.IMPLEMENTED, S.REPORTED, S.RECEIPTED,
                    S.ARCHIVED, S.SUMMARISED]


def _ratio(num: int, den: int) -> Observed:
    return Observed(num / den if den else None, den)


def handled_orders(agents: list[int], start: datetime, end: datetime):
    """Orders created in the period and handled by the agent; merged duplicates are not work of their own."""
    return Ticket.objects.filter(assignee_id__in=agents, created_at__gte=start, created_at__lt=end,
                                 merged_into__isnull=True)


def orders(agents: list[int], start: datetime, end: datetime) -> tuple[dict[int, int], Evidence]:
    rows = (handled_orders(agents, start, end).values("assignee_id")
            .annotate(n=Count("id"), done=Count("id", filter=Q(status__in=DONE))))
    handled, done = {}, {}
    for r in rows:
        handled[r["assignee_id"]], done[r["assignee_id"]] = r["n"], r["done"]
    reopens = dict(TicketEvent.objects.filter(code=events.REOPENED, created_at__gte=start, created_at__lt=end,
                                              ticket__assignee_id__in=agents)
                   .values_list("ticket__assignee_id").annotate(n=Count("id")).values_list("ticket__assignee_id", "n"))
    handed_on = dict(TicketEvent.objects.filter(code__in=HANDED_ON, actor_id__in=agents,
                                                created_at__gte=start, created_at__lt=end)
                     .exclude(ticket__assignee_id=F("actor_id"))
                     .values_list("actor_id").annotate(n=Count("ticket_id", distinct=True))
                     .values_list("actor_id", "n"))
    evidence: Evidence = {
        "resolution_rate": {a: _ratio(done[a], n) for a, n in handled.items()},
        "reopen_rate": {a: _ratio(reopens.get(a, 0), done.get(a, 0)) for a in set(done) | set(reopens)},
        "escalation_rate": {a: _ratio(handed_on.get(a, 0), handled.get(a, 0) + handed_on.get(a, 0))
                            for a in set(handled) | set(handed_on)},
    }
    return handled, evidence


def sla(agents: list[int], start: datetime, end: datetime) -> Evidence:
    """Clocks stopped in the period: met when stopped by the due time (the SLA clocks are the one truth)."""
    rows = (SlaClock.objects.filter(ticket__assignee_id__in=agents, kind__in=["first_response", "resolution"],
                                    stopped_at__gte=start, stopped_at__lt=end)
            .values("ticket__assignee_id", "kind")
            .annotate(n=Count("id"), met=Count("id", filter=Q(stopped_at__lte=F("due_at")))))
    evidence: Evidence = {"first_response_met": {}, "resolution_met": {}}
    for r in rows:
        evidence[f"{r['kind']}_met"][r["ticket__assignee_id"]] = _ratio(r["met"], r["n"])
    return evidence


SURVEY_CODES = {"service_quality": "survey_attitude", "satisfaction": "satisfaction",
                "resolved": "first_contact_resolution"}


def surveys(agents: list[int], start: datetime, end: datetime) -> Evidence:
    rows = (Answer.objects.filter(survey__agent_id__in=agents, survey__answered_at__gte=start,
                                  survey__answered_at__lt=end, code__in=list(SURVEY_CODES), score__isnull=False)
            .values("survey__agent_id", "code").annotate(n=Count("id"), mean=Avg("score")))
    evidence: Evidence = {measure: {} for measure in SURVEY_CODES.values()}
    for r in rows:
        evidence[SURVEY_CODES[r["code"]]][r["survey__agent_id"]] = Observed(float(r["mean"]), r["n"])
    return evidence


def complaints(agents: list[int], start: datetime, end: datetime, handled: dict[int, int]) -> Evidence:
    receipts = (Complaint.objects.filter(ticket__first_responder_id__in=agents, receipt_at__gte=start,
                                         receipt_at__lt=end, receipt_satisfied__isnull=False)
                .values("ticket__first_responder_id")
                .annotate(n=Count("id"), ok=Count("id", filter=Q(receipt_satisfied=True))))
    satisfied = {r["ticket__first_responder_id"]: _ratio(r["ok"], r["n"]) for r in receipts}
    against = confirmed_against(agents, start, end)
    return {"complaint_satisfied": satisfied,
            "confirmed_complaints": {a: _ratio(against.get(a, 0), n) for a, n in handled.items()}}


def confirmed_against(agents: list[int], start: datetime, end: datetime) -> dict[int, int]:
    """Complaints about a person (对象：人员), our responsibility, naming the agent as the responsible person.
    The record form names people in words, so the agent's name or username is matched exactly."""
    names = {}
    for pk, username, display in User.objects.filter(pk__in=agents).values_list("pk", "username", "display_name"):
        names[username] = pk
        if display:
            names.setdefault(display, pk)
    rows = (Complaint.objects.filter(object_kind=ObjectKind.STAFF, responsible_party=Party.OURS,
                                     state__in=CONFIRMED_STATES, received_at__gte=start, received_at__lt=end,
                                     responsible_person__in=list(names))
            .values("responsible_person").annotate(n=Count("id")))
    counts: dict[int, int] = {}
    for r in rows:
        agent = names[r["responsible_person"]]
        counts[agent] = counts.get(agent, 0) + r["n"]
    return counts


def qa_categories(kind: str) -> list[str]:
    """Finding categories that stand for politeness or knowledge; only those the QA engine can produce."""
    wanted = settings.KEFU_RATING_QA_CATEGORIES.get(kind, [])
    return [c for c in wanted if c in QA_CATEGORIES]


def qa(agents: list[int], start: datetime, end: datetime) -> Evidence:
    """Current inspections of conversations started in the period; findings count unless a review
    rejected them or an appeal succeeded (Finding.counts)."""
    if not apps.is_installed("kefu.qa"):
        return {}
    inspection = apps.get_model("qa", "Inspection")
    annotations = {"n": Count("id", distinct=True), "fatal_n": Count("id", distinct=True, filter=Q(fatal=True))}
    kinds = {"politeness": "qa_politeness", "knowledge": "qa_knowledge"}
    live = {kind: qa_categories(kind) for kind in kinds}
    for kind, categories in live.items():
        if categories:
            annotations[f"{kind}_n"] = Count("id", distinct=True, filter=Q(
                findings__category__in=categories, findings__counts=True))
    rows = (inspection.objects.filter(agent_id__in=agents, is_current=True, started_at__gte=start,
                                      started_at__lt=end).values("agent_id").annotate(**annotations))
    evidence: Evidence = {"qa_fatal": {}}
    evidence.update({kinds[kind]: {} for kind, categories in live.items() if categories})
    for r in rows:
        evidence["qa_fatal"][r["agent_id"]] = _ratio(r["fatal_n"], r["n"])
        for kind, categories in live.items():
            if categories:
                evidence[kinds[kind]][r["agent_id"]] = _ratio(r[f"{kind}_n"], r["n"])
    return evidence


def collect(agents: list[int], start: datetime, end: datetime) -> tuple[dict[int, int], Evidence]:
    handled, evidence = orders(agents, start, end)
    for provider in (sla, surveys, qa, *EXTRA_PROVIDERS):
        evidence.update(provider(agents, start, end))
    evidence.update(complaints(agents, start, end, handled))
    return handled, evidence


# Providers other apps add (callbacks, knowledge base ...): fn(agents, start, end) -> Evidence.
EXTRA_PROVIDERS: list[Callable] = []
