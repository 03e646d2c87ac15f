"""Reads: one conversation with its current inspection as the API and the page show it, the results
list with its filters (keyset-friendly: ordered by started_at, id on an index), and the figures of the
inspector's home."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User

from .models import Appeal, Conversation, Finding, Inspection, Review, Verdict
from .packs import pack_by_version
from .sampling import queue_for

# "is_current IN (true)", not the bare boolean column Django writes for is_current=True: SQLite uses an
# index on (is_current, started_at, id) only for a comparison, and otherwise sorts all 100,000 results
# for the first page (4 s instead of under 1 ms). PostgreSQL plans both the same.
CURRENT = Q(is_current__in=[True])

SCORE_BANDS = {"fail": (0, 60), "pass": (60, 80), "good": (80, 90), "excellent": (90, 100.1)}


def conversation_get(user: User, pk: int) -> Conversation:
    conversation = Conversation.objects.select_related("agent", "customer", "ticket").filter(pk=pk).first()
    if conversation is None or not policy.can_view_conversation(user, conversation):
        raise Http404("会话不存在或无权查看")
    return conversation


def current_inspection(conversation: Conversation) -> Inspection | None:
    return (Inspection.objects.filter(conversation=conversation, is_current=True)
            .select_related("review", "agent__team").first())


def finding_get(user: User, pk: int) -> Finding:
    finding = Finding.objects.select_related("inspection__conversation__agent", "inspection__agent").filter(
        pk=pk).first()
    if finding is None or not policy.can_view_conversation(user, finding.inspection.conversation):
        raise Http404("质检发现不存在或无权查看")
    return finding


def inspection_get(user: User, pk: int) -> Inspection:
    inspection = Inspection.objects.select_related("conversation__agent", "agent").filter(pk=pk).first()
    if inspection is None or not policy.can_view_conversation(user, inspection.conversation):
        raise Http404("质检结果不存在或无权查看")
    return inspection


def appeal_get(user: User, pk: int) -> Appeal:
    appeal = Appeal.objects.select_related("inspection__conversation__agent", "finding", "agent").filter(
        pk=pk).first()
    if appeal is None or not policy.can_view_conversation(user, appeal.inspection.conversation):
        raise Http404("申诉不存在或无权查看")
    return appeal


def pack_of(inspection: Inspection):
    """The pack version that judged an inspection (its rules' titles and reasons), or None if unknown."""
    return pack_by_version(inspection.pack_name, inspection.pack_version)


def _review_json(finding: Finding) -> dict | None:
    if finding.verdict == Verdict.PENDING:
        return None
    return {"verdict": finding.verdict, "comment": finding.verdict_comment,
            "by": finding.verdict_by.username if finding.verdict_by else None, "at": finding.verdict_at}


def _appeal_json(appeal: Appeal | None) -> dict | None:
    if appeal is None:
        return None
    return {"id": appeal.pk, "state": appeal.state, "reason": appeal.reason, "comment": appeal.ruling_comment,
            "created_at": appeal.created_at, "ruled_at": appeal.ruled_at}


def inspection_findings(inspection: Inspection) -> list[tuple[Finding, Appeal | None]]:
    findings = list(inspection.findings.select_related("verdict_by").order_by("turn", "start", "id"))
    latest: dict[int, Appeal] = {}
    for appeal in Appeal.objects.filter(finding__inspection=inspection).order_by("created_at", "id"):
        latest[appeal.finding_id] = appeal
    return [(f, latest.get(f.pk)) for f in findings]


def inspection_json(inspection: Inspection | None, state: str) -> dict:
    if inspection is None:
        return {"state": state, "pack": None, "pack_version": None, "score": None, "fatal": False, "findings": []}
    return {
        "state": state, "pack": inspection.pack_name, "pack_version": inspection.pack_version,
        "score": inspection.score, "auto_score": inspection.auto_score, "fatal": inspection.fatal,
        "inspected_at": inspection.created_at,
        "findings": [{"id": f.pk, "rule": f.rule, "category": f.category, "severity": f.severity, "turn": f.turn,
                      "start": f.start, "end": f.end, "evidence": f.evidence, "message": f.message,
                      "counts": f.counts, "review": _review_json(f), "appeal": _appeal_json(a)}
                     for f, a in inspection_findings(inspection)],
        "items": inspection.items,
    }


def conversation_json(conversation: Conversation) -> dict:
    inspection = current_inspection(conversation)
    return {
        "id": conversation.pk, "external_id": conversation.external_id, "source": conversation.source,
        "channel": conversation.channel, "agent": conversation.agent.username if conversation.agent else None,
        "customer_id": conversation.customer_id, "ticket": conversation.ticket.number if conversation.ticket else None,
        "started_at": conversation.started_at, "turns": conversation.turns,
        "inspection_state": conversation.inspection_state,
        "inspection": inspection_json(inspection, conversation.inspection_state),
    }


# ---- lists --------------------------------------------------------------------------------------

def results(user: User, *, agent: str = "", team: int | None = None, rule: str = "", band: str = "",
            channel: str = "", start: date | None = None, end: date | None = None, fatal: bool | None = None,
            version: str = "", current: bool = True) -> QuerySet[Inspection]:
    """Inspections visible to the user, newest conversation first; every filter is optional."""
    qs = Inspection.objects.filter(policy.qa_scope(user))
    if current:
        qs = qs.filter(CURRENT)
    if agent:
        qs = qs.filter(agent__username=agent)
    if team:
        qs = qs.filter(team_id=team)
    if rule:
        qs = qs.filter(pk__in=Finding.objects.filter(rule=rule).values("inspection_id"))
    if band in SCORE_BANDS:
        low, high = SCORE_BANDS[band]
        qs = qs.filter(score__gte=low, score__lt=high)
    if channel:
        qs = qs.filter(channel=channel)
    if start:
        qs = qs.filter(started_at__gte=_day_start(start))
    if end:
        qs = qs.filter(started_at__lt=_day_start(end + timedelta(days=1)))
    if fatal is not None:
        qs = qs.filter(fatal=fatal)
    if version:
        qs = qs.filter(pack_version=version)
    # the list shows the conversation's name, never its turns: leave the big JSON columns in the table
    return (qs.select_related("agent", "conversation").defer("items", "conversation__turns", "conversation__meta")
            .order_by("-started_at", "-id"))


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def rule_reviews(user: User) -> dict[str, tuple[int, int]]:
    """Per rule: (findings reviewed or ruled on appeal, of them rejected by review or by an accepted appeal).

    Only the few findings a person looked at are read (a verdict, or an appeal with a ruling): two
    small queries, instead of grouping every current finding joined to its appeals (5 s at 100,000)."""
    # First the reviewed findings alone (the partial index qa_finding_reviewed), then which of their
    # inspections are current and visible: joined the other way round, the planner walks every finding.
    marked = list(Finding.objects.filter(~Q(verdict=Verdict.PENDING)).order_by()
                  .values_list("pk", "rule", "verdict", "inspection_id"))
    ruled = list(Appeal.objects.filter(finding__isnull=False, state__in=["accept", "partial", "reject"])
                 .order_by().values_list("finding_id", "finding__rule", "state", "inspection_id"))
    wanted = sorted({row[3] for row in [*marked, *ruled]})
    visible: set[int] = set()
    for at in range(0, len(wanted), 5000):  # in chunks: SQLite limits the parameters of one statement
        visible.update(Inspection.objects.filter(policy.qa_scope(user), CURRENT, pk__in=wanted[at:at + 5000])
                       .values_list("pk", flat=True))
    reviewed: dict[int, str] = {}
    rejected: set[int] = set()
    for pk, rule, verdict, inspection in marked:
        if inspection in visible:
            reviewed[pk] = rule
            if verdict == Verdict.REJECTED:
                rejected.add(pk)
    for pk, rule, state, inspection in ruled:
        if inspection in visible:
            reviewed[pk] = rule
            if state == "accept":
                rejected.add(pk)
    out: dict[str, tuple[int, int]] = {}
    for pk, rule in reviewed.items():
        seen, no = out.get(rule, (0, 0))
        out[rule] = (seen + 1, no + (pk in rejected))
    return out


def rule_precision(user: User) -> list[dict]:
    """Per rule: hits on current results, how many were reviewed or appealed, and the share rejected
    (review verdict rejected or appeal accepted): the rules that need work rise to the top."""
    findings = Finding.objects.filter(inspection__is_current__in=[True]).filter(
        policy.qa_scope(user, "inspection__agent"))
    reviews = rule_reviews(user)
    out = []
    for rule, hits in findings.values("rule").annotate(hits=Count("id")).order_by("rule").values_list("rule", "hits"):
        reviewed, rejected = reviews.get(rule, (0, 0))
        out.append({"rule": rule, "hits": hits, "reviewed": reviewed, "rejected": rejected,
                    "rejected_share": rejected / reviewed if reviewed else None})
    out.sort(key=lambda r: (-(r["rejected_share"] or 0), -r["hits"]))
    return out


def review_queue(user: User) -> QuerySet[Review]:
    return queue_for(user).filter(inspection__is_current=True).filter(
        policy.qa_scope(user, "inspection__agent")).select_related(
        "inspection__conversation", "inspection__agent").order_by("created_at", "id")
