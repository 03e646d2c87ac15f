"""Whether a work order may get a survey now: one place for every suppression rule."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kefu.core.errors import DomainError
from kefu.tickets.models import Ticket

from .defaults import install_defaults
from .models import Question, Questionnaire, Survey, SurveyRule, Trigger

AUTOMATIC = {Trigger.RESOLVED}


class Suppressed(DomainError):
    """No survey for this order now; `code` names the rule (merged, internal, no_reply, recent, ...)."""


def is_internal(ticket: Ticket) -> bool:
    tags = set(settings.KEFU_SURVEY_INTERNAL_TAGS)
    return bool(tags & set(ticket.tags or [])) or bool(tags & set(ticket.customer.tags or []))


def matching_rule(ticket: Ticket) -> SurveyRule | None:
    """The most specific rule: type+channel, then type, then channel, then the catch-all."""
    candidates = SurveyRule.objects.filter(ticket_type__in=[ticket.type, ""], channel__in=[ticket.channel, ""])
    ranked = sorted(candidates, key=lambda r: (r.ticket_type == "", r.channel == ""))
    return ranked[0] if ranked else None


def check_may_send(ticket: Ticket, trigger: str, now=None) -> Questionnaire:
    """The questionnaire to send, or Suppressed with the reason. Manual sends skip the automatic rules
    (reply, quiet period, per-type rules): a person chose to ask this customer."""
    now = now or timezone.now()
    if ticket.merged_into_id:
        raise Suppressed("已合并的工单不发送调查", field="ticket", code="merged")
    if is_internal(ticket):
        raise Suppressed("内部工单不发送调查", field="ticket", code="internal")
    live = ticket.surveys.filter(answered_at__isnull=True, expires_at__gt=now).exists()
    if live:
        raise Suppressed("该工单已有未回答的调查，链接仍然有效", field="ticket", code="pending")
    rule = matching_rule(ticket)
    if trigger in AUTOMATIC:
        if rule is None or not rule.send_on_resolve:
            raise Suppressed("此类工单不自动发送调查", field="ticket", code="no_rule")
        if ticket.first_response_at is None:
            raise Suppressed("客服未回复过客户，不发送调查", field="ticket", code="no_reply")
        quiet = timedelta(days=settings.KEFU_SURVEY_QUIET_DAYS)
        if Survey.objects.filter(customer_id=ticket.customer_id, sent_at__gt=now - quiet).exists():
            raise Suppressed(f"该客户近 {settings.KEFU_SURVEY_QUIET_DAYS} 天内已收到过调查", field="ticket",
                             code="recent")
    questionnaire = rule.questionnaire if rule and rule.questionnaire_id else default_questionnaire()
    if questionnaire is None or not questionnaire.is_active:
        raise Suppressed("没有可用的调查问卷", field="questionnaire", code="no_questionnaire")
    return questionnaire


def default_questionnaire() -> Questionnaire | None:
    """The default questionnaire; seed 003's is installed again when the table is empty (a database
    flushed after migrating, or an admin who deleted every questionnaire)."""
    if not Questionnaire.objects.exists():
        install_defaults(Questionnaire, Question, SurveyRule)
    return Questionnaire.objects.filter(is_default=True, is_active=True).first()
