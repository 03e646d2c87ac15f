"""Writes of surveys: send (with its suppression rules), deliver, answer, remind.

Each is one transaction that checks its guard and writes the work order's history. Delivery runs in
background work after commit, so a slow mail server never holds the agent's request.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.jobs import enqueue
from kefu.notifications import notify
from kefu.tickets import events
from kefu.tickets.models import Ticket

from . import history, links
from .answers import clean_answers
from .delivery import PURPOSE
from .hooks import run_low_score_handlers
from .models import Answer, QuestionKind, Survey, Trigger
from .rules import Suppressed, check_may_send

LOW_SCORE_KIND = "survey.low_score"


def _agent_of(ticket: Ticket) -> User:
    return ticket.assignee or ticket.first_responder


@transaction.atomic
def survey_send(*, ticket: Ticket, trigger: str, by: User | None = None) -> Survey:
    """Creates the survey and its link; delivery follows after commit. `by` None = the system (on resolve)."""
    if by is not None:
        policy.require(policy.can_send_survey(by, ticket), "您没有权限向此工单的客户发送调查")
    if trigger not in Trigger.values:
        raise DomainError(f"触发方式无效：{trigger}", field="trigger")
    ticket = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    now = timezone.now()
    questionnaire = check_may_send(ticket, trigger, now)
    survey = Survey.objects.create(
        ticket=ticket, customer=ticket.customer, agent=_agent_of(ticket), department_id=ticket.department_id,
        questionnaire=questionnaire, trigger=trigger, sent_by=by, nonce=links.new_nonce(), sent_at=now,
        expires_at=now + timedelta(days=settings.KEFU_SURVEY_LINK_DAYS),
    )
    events.record(ticket, history.SENT, by=by, survey_id=survey.pk, trigger=trigger)
    enqueue("surveys.deliver", {"survey": survey.pk}, key=f"surveys.deliver:{survey.pk}")
    return survey


def survey_open(token: str) -> Survey:
    """The survey a live link points to (GET shows the questions; nothing is recorded)."""
    target = links.link_read(token, purpose=PURPOSE)
    survey = (Survey.objects.select_related("ticket", "questionnaire").prefetch_related("questionnaire__questions")
              .filter(pk=target.pk).first())
    return _check_live(survey, target.nonce)


def _check_live(survey: Survey | None, nonce: str) -> Survey:
    if survey is None:
        raise links.LinkError("链接无效", code="invalid")
    if survey.answered_at is not None or not links.nonce_matches(survey.nonce, nonce):
        raise links.LinkError("链接已使用", code="used")
    if timezone.now() >= survey.expires_at:
        raise links.LinkError("链接已过期", code="expired")
    return survey


def survey_answer(*, token: str, data: dict) -> Survey:
    """The customer's one answer; the nonce is re-checked under the row lock so a double submit fails."""
    with transaction.atomic():
        target = links.link_read(token, purpose=PURPOSE)
        survey = (Survey.objects.select_for_update(of=("self",)).select_related("ticket", "questionnaire")
                  .filter(pk=target.pk).first())
        survey = _check_live(survey, target.nonce)
        questions = list(survey.questionnaire.questions.all())
        cleaned = clean_answers(questions, data)
        Answer.objects.bulk_create([Answer(survey=survey, question=q, code=q.code, kind=q.kind,
                                           question_text=q.text, score=score, text=text)
                                    for q, score, text in cleaned])
        survey.answered_at = timezone.now()
        survey.nonce = ""
        survey.low_score = is_low(cleaned)
        survey.save(update_fields=["answered_at", "nonce", "low_score"])
        events.record(survey.ticket, history.ANSWERED, survey_id=survey.pk, low=survey.low_score,
                      scores={q.code: score for q, score, _text in cleaned if score is not None})
        if survey.low_score:
            _tell_supervisors(survey)
            transaction.on_commit(lambda: run_low_score_handlers(survey))
    return survey


def is_low(cleaned: list) -> bool:
    limit = settings.KEFU_SURVEY_LOW_SCORE
    for question, score, _text in cleaned:
        if score is None:
            continue
        if question.kind == QuestionKind.STARS and score <= limit:
            return True
        if question.kind == QuestionKind.NPS and score <= limit * 2:
            return True
    return False


def _tell_supervisors(survey: Survey) -> None:
    supervisors = policy.active_supervisors(survey.department_id)
    notify(users=supervisors, text=f"工单 {survey.ticket.number} 收到客户低分评价，请关注",
           url=f"/tickets/{survey.ticket.number}/", dedupe_key=f"survey.low:{survey.pk}", kind=LOW_SCORE_KIND)


def survey_after_resolve(ticket: Ticket) -> Survey | None:
    """The resolve rule: called when an order becomes resolved; suppressed orders get nothing."""
    try:
        return survey_send(ticket=ticket, trigger=Trigger.RESOLVED)
    except Suppressed:
        return None


def survey_with_receipt(*, ticket: Ticket) -> Survey | None:
    """The complaint receipt's survey (kefu/complaints/receipts.py calls this once the customer confirmed)."""
    try:
        return survey_send(ticket=ticket, trigger=Trigger.COMPLAINT_RECEIPT)
    except Suppressed:
        return None


def survey_after_callback(*, ticket: Ticket, by: User) -> Survey:
    """For the callbacks app (回访): the agent who made the callback sends its survey."""
    return survey_send(ticket=ticket, trigger=Trigger.CALLBACK, by=by)
