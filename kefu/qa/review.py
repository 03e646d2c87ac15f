"""Review (人工复核) and appeal (申诉): the inspector's verdicts, the agent's appeal within the window on
the working-day calendar, and the supervisor's final ruling that locks.

Each service locks the row it changes, checks the actor through kefu.policy and the state here, writes
a QaEvent (history as facts), rescoring the inspection where a verdict changes what counts, and
notifies the people concerned after the fact.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import Conflict, DomainError, clean_text
from kefu.notifications import notify
from kefu.sla.calendars import default_calendar, work_calendar

from .inspect import rescore
from .models import (
    FINAL_APPEAL_STATES,
    Appeal,
    AppealState,
    Finding,
    Inspection,
    Review,
    ReviewState,
    Verdict,
)
from .packs import pack_by_version
from .sampling import qa_settings
from .services import event

DECISIONS = {"accept": AppealState.ACCEPTED, "partial": AppealState.PARTIAL, "reject": AppealState.REJECTED}
MAX_MANUAL_POINTS = 20  # one manual item can cost at most this many points


def conversation_url(inspection: Inspection) -> str:
    return f"/qa/conversations/{inspection.conversation_id}/"


def _review_row(inspection: Inspection, by: User, now: datetime) -> Review:
    review, _created = Review.objects.get_or_create(
        inspection=inspection, defaults={"reason": "manual", "reviewer": by, "created_at": now})
    return review


@transaction.atomic
def finding_review(*, finding: Finding, by: User, verdict: str, comment: str = "") -> Finding:
    finding = (Finding.objects.select_for_update(of=("self",))
               .select_related("inspection__conversation__agent").get(pk=finding.pk))
    inspection = finding.inspection
    policy.require(policy.can_review(by, inspection), "您不能复核这条质检结果")
    if verdict not in (Verdict.CONFIRMED, Verdict.REJECTED):
        raise DomainError("verdict 只能是 confirmed 或 rejected", field="verdict")
    if finding.appeals.exists():
        raise Conflict("该发现已有申诉，复核结论不能再改", field="verdict", code="locked")
    now = timezone.now()
    finding.verdict, finding.verdict_by, finding.verdict_at = verdict, by, now
    finding.verdict_comment = clean_text(comment, "comment", "备注", required=False, limit=500)
    finding.counts = verdict == Verdict.CONFIRMED
    finding.save()
    _review_row(inspection, by, now)
    rescore(inspection)
    event(inspection.conversation, "qa.finding_reviewed", by, now, finding=finding.pk, rule=finding.rule,
          verdict=verdict, comment=finding.verdict_comment, score=inspection.score)
    return finding


@transaction.atomic
def review_complete(*, inspection: Inspection, by: User, manual_scores: dict | None = None,
                    comment: str = "") -> Review:
    """Manual items (沟通技巧, 营销意识 ...) scored, the comment written, the review done; the agent is told."""
    inspection = (Inspection.objects.select_for_update(of=("self",))
                  .select_related("conversation__agent").get(pk=inspection.pk))
    policy.require(policy.can_review(by, inspection), "您不能复核这条质检结果")
    now = timezone.now()
    review = _review_row(inspection, by, now)
    if review.state == ReviewState.DONE and inspection.appeals.filter(finding__isnull=True).exists():
        raise Conflict("评分已被申诉，复核不能再改", field="manual_scores", code="locked")
    review.manual_scores = _manual_scores(inspection, manual_scores or {})
    review.comment = clean_text(comment, "comment", "复核意见", required=False, limit=2000)
    review.reviewer, review.state, review.done_at = by, ReviewState.DONE, now
    review.save()
    inspection.review = review
    rescore(inspection)
    event(inspection.conversation, "qa.reviewed", by, now, inspection=inspection.pk, score=inspection.score,
          manual=review.manual_scores)
    if inspection.agent_id:
        transaction.on_commit(lambda: notify(
            users=[inspection.agent], url=conversation_url(inspection),
            text=f"质检复核完成：会话 {inspection.conversation} 得分 {inspection.score:g}，如有异议可在时限内申诉"))
    return review


def manual_items(inspection: Inspection) -> list[str]:
    """The scorecard items a person scores (沟通技巧, 营销意识 ...), from the pack version that judged it."""
    pack = pack_by_version(inspection.pack_name, inspection.pack_version)
    return [item.code for item in pack.engine.pack.scorecard.items if item.manual] if pack else []


def _manual_scores(inspection: Inspection, raw: dict) -> dict:
    manual_codes = set(manual_items(inspection))
    scores = {}
    for code, value in raw.items():
        if code not in manual_codes:
            raise DomainError(f"{code} 不是人工评分项", field=f"manual_scores.{code}")
        try:
            points = float(value)
        except (TypeError, ValueError):
            raise DomainError(f"{code} 的扣分必须是数字", field=f"manual_scores.{code}") from None
        if not -MAX_MANUAL_POINTS <= points <= 0:
            raise DomainError(f"{code} 的扣分须在 -{MAX_MANUAL_POINTS} 到 0 之间", field=f"manual_scores.{code}")
        if points:
            scores[code] = points
    return scores


# ---- appeals --------------------------------------------------------------------------------------

def appeal_deadline(inspection: Inspection) -> datetime:
    """The end of business of the N-th working day after the result reached the agent (the review if
    there was one, otherwise the automatic result), on the agent's team calendar."""
    review = getattr(inspection, "review", None)
    start = review.done_at if review is not None and review.done_at else inspection.created_at
    agent = inspection.agent
    calendar = agent.team.calendar if agent is not None and agent.team_id and agent.team.calendar_id else None
    calendar = calendar or default_calendar()
    return work_calendar(calendar).add_working_days(start, qa_settings().appeal_working_days).due


def appeal_refusal(inspection: Inspection, finding: Finding | None, now: datetime | None = None) -> str | None:
    """Why an appeal cannot be made now, or None; the pages use it to show or hide the button."""
    now = now or timezone.now()
    if not inspection.is_current:
        return "这是旧版本的质检结果，请对当前结果申诉"
    existing = Appeal.objects.filter(inspection=inspection, finding=finding)
    if existing.filter(state__in=FINAL_APPEAL_STATES).exists():
        return "已有最终裁定，不能再次申诉"
    if existing.filter(state=AppealState.OPEN).exists():
        return "已有待裁定的申诉"
    if finding is not None and not finding.counts:
        return "该发现已不计分，无需申诉"
    if finding is not None and _turn_role(inspection, finding) != "agent":
        return "客户情绪类发现不扣客服的分，无需申诉"
    if now > appeal_deadline(inspection):
        return "已超过申诉时限"
    return None


def _turn_role(inspection: Inspection, finding: Finding) -> str | None:
    turns = inspection.conversation.turns
    return turns[finding.turn].get("role") if finding.turn < len(turns) else None


@transaction.atomic
def appeal_create(*, inspection: Inspection, by: User, reason: str, finding: Finding | None = None) -> Appeal:
    inspection = (Inspection.objects.select_for_update(of=("self",))
                  .select_related("agent__team", "conversation").get(pk=inspection.pk))
    policy.require(policy.can_appeal(by, inspection), "只有该会话的客服本人可以申诉")
    reason = clean_text(reason, "reason", "申诉理由", limit=2000)
    refusal = appeal_refusal(inspection, finding)
    if refusal:
        locked = refusal.startswith(("已有", "这是旧"))
        raise (Conflict if locked else DomainError)(refusal, field="appeal", code="locked" if locked else "window")
    now = timezone.now()
    appeal = Appeal.objects.create(inspection=inspection, finding=finding, agent=by, reason=reason, created_at=now)
    event(inspection.conversation, "qa.appealed", by, now, appeal=appeal.pk,
          finding=finding.pk if finding else None, rule=finding.rule if finding else None, reason=reason)
    transaction.on_commit(lambda: notify(
        users=_supervisors_of(by), url=conversation_url(inspection),
        text=f"{by.name} 对质检结果提出申诉（会话 {inspection.conversation}），请裁定"))
    return appeal


def _supervisors_of(agent: User) -> list[User]:
    return list(policy.appeal_judges(agent))


@transaction.atomic
def appeal_rule(*, appeal: Appeal, by: User, decision: str, comment: str = "") -> Appeal:
    """accept: the finding was wrong (it stops counting, and counts against the rule's precision);
    partial: the finding stands on record but the agent is not penalised for it; reject: unchanged.
    On a score appeal, accept/partial drop the manual deductions. The ruling is final."""
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related(
        "inspection__conversation__agent", "finding", "agent").get(pk=appeal.pk)
    policy.require(policy.can_rule_appeal(by, appeal), "您不能裁定这条申诉（主管裁定，且不能裁定针对本人复核的申诉）")
    if appeal.state != AppealState.OPEN:
        raise Conflict("该申诉已有最终裁定", field="decision", code="locked")
    if decision not in DECISIONS:
        raise DomainError("decision 只能是 accept、partial 或 reject", field="decision")
    now = timezone.now()
    appeal.state, appeal.ruled_by, appeal.ruled_at = DECISIONS[decision], by, now
    appeal.ruling_comment = clean_text(comment, "comment", "裁定意见", required=decision != "accept", limit=2000)
    appeal.save()
    _apply_ruling(appeal)
    event(appeal.inspection.conversation, "qa.ruled", by, now, appeal=appeal.pk, decision=decision,
          comment=appeal.ruling_comment, score=appeal.inspection.score)
    transaction.on_commit(lambda: notify(
        users=[appeal.agent], url=conversation_url(appeal.inspection),
        text=f"您的质检申诉已裁定：{AppealState(appeal.state).label}"))
    return appeal


def _apply_ruling(appeal: Appeal) -> None:
    if appeal.state == AppealState.REJECTED:
        return
    inspection = appeal.inspection
    if appeal.finding is not None:
        Finding.objects.filter(pk=appeal.finding_id).update(counts=False)
    else:
        review = getattr(inspection, "review", None)
        if review is not None and review.manual_scores:
            review.manual_scores = {} if appeal.state == AppealState.ACCEPTED else {
                code: round(points / 2, 1) for code, points in review.manual_scores.items()}
            review.save(update_fields=["manual_scores"])
    rescore(inspection)
