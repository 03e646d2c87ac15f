"""Demo surveys for `kefu demo`: about half of the resolved orders were surveyed, most customers answered,
so the survey panel and the agents' star ratings have something to show. Idempotent."""

import random
from datetime import datetime, timedelta

from django.db import transaction

from kefu.tickets.models import Status, Ticket, TicketType

from .links import new_nonce
from .models import Answer, Delivery, Survey, Trigger
from .rules import default_questionnaire

COMMENTS = ["客服很耐心，谢谢", "处理很及时", "希望发货再快一点", "", "", "问题解决了，满意", "电话等了比较久"]


def _score(rng: random.Random, agent_bias: int) -> int:
    return max(1, min(5, rng.choice([5, 5, 4, 4, 4, 3, 2]) + agent_bias))


@transaction.atomic
def demo_surveys(*, people: dict, customers: list, rng: random.Random, now: datetime) -> None:
    questionnaire = default_questionnaire()
    if questionnaire is None:
        return
    questions = list(questionnaire.questions.all())
    done = (Ticket.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__isnull=False,
                                  first_response_at__isnull=False, merged_into__isnull=True, surveys__isnull=True)
            .exclude(type__in=[TicketType.COMPLAINT, TicketType.CALLBACK]).select_related("assignee"))
    for ticket in done:
        if rng.random() > 0.6:
            continue
        sent_at = ticket.resolved_at + timedelta(minutes=5)
        answered = rng.random() < 0.75 and sent_at + timedelta(hours=6) < now
        survey = Survey.objects.create(
            ticket=ticket, customer_id=ticket.customer_id, agent=ticket.assignee or ticket.first_responder,
            department_id=ticket.department_id, questionnaire=questionnaire, trigger=Trigger.RESOLVED,
            channel="link", delivery=Delivery.LINK_ONLY, nonce="" if answered else new_nonce(), sent_at=sent_at,
            expires_at=sent_at + timedelta(days=7), answered_at=sent_at + timedelta(hours=rng.randint(1, 6))
            if answered else None)
        if answered:
            bias = {"liuyang": -1}.get(getattr(survey.agent, "username", ""), 0)
            rows = [_answer(survey, q, rng, bias) for q in questions]
            Answer.objects.bulk_create([a for a in rows if a is not None])
            scores = [a.score for a in rows if a is not None and a.kind == "stars" and a.score is not None]
            if scores and min(scores) <= 2:
                Survey.objects.filter(pk=survey.pk).update(low_score=True)


def _answer(survey: Survey, question, rng: random.Random, bias: int) -> Answer | None:
    score, text = None, ""
    if question.kind == "stars":
        score = _score(rng, bias)
    elif question.kind == "yes_no":
        score = 1 if rng.random() < 0.85 else 0
    elif question.kind == "text":
        text = rng.choice(COMMENTS)
        if not text:
            return None
    else:
        return None
    return Answer(survey=survey, question=question, code=question.code, kind=question.kind,
                  question_text=question.text, score=score, text=text)
