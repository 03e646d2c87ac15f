"""Satisfaction surveys for the reports benchmark (issue 15): for resolved orders, a survey sent an hour
after resolution; two in three answered within two days with an overall satisfaction (1-5 stars, mostly
4-5) and "was it solved" (yes/no): two answers per answered survey."""

from __future__ import annotations

import random
from datetime import timedelta

from .writer import TableWriter, next_id

STARS = [1, 2, 3, 4, 4, 5, 5, 5, 5, 5]


def add_survey_answers(*, answers: int, rng: random.Random, log=print) -> int:
    from django.db import transaction

    from kefu.surveys.models import Answer, Questionnaire, Survey
    from kefu.tickets.models import Ticket

    questionnaire = Questionnaire.objects.order_by("-is_default", "pk").first()
    surveys, rows = TableWriter(Survey), TableWriter(Answer)
    ids = {"s": next_id(Survey), "a": next_id(Answer)}
    tickets = (Ticket.objects.filter(resolved_at__isnull=False).exclude(surveys__isnull=False)
               .values_list("pk", "customer_id", "assignee_id", "department_id", "resolved_at").order_by("pk"))
    with transaction.atomic():
        for pk, customer, agent, department, resolved in tickets.iterator(chunk_size=20_000):
            if rows.written + len(rows.rows) >= answers:
                break
            sent = resolved + timedelta(hours=1)
            answered = sent + timedelta(hours=rng.uniform(0.2, 48)) if rng.random() < 0.67 else None
            sid = ids["s"]
            ids["s"] += 1
            surveys.add(id=sid, ticket_id=pk, customer_id=customer, agent_id=agent, department_id=department,
                        questionnaire_id=questionnaire.pk, trigger="resolved", channel="sms", delivery="sent",
                        sent_at=sent, expires_at=sent + timedelta(days=7), answered_at=answered,
                        low_score=False)
            if answered is None:
                continue
            stars = rng.choice(STARS)
            for code, kind, text, score in (("satisfaction", "stars", "您对本次服务的总体满意度", stars),
                                            ("resolved", "yes_no", "您的问题解决了吗", int(rng.random() < 0.85))):
                rows.add(id=ids["a"], survey_id=sid, code=code, kind=kind, question_text=text, score=score)
                ids["a"] += 1
            if len(rows.rows) >= 20_000:
                surveys.flush()
                rows.flush()
                if rows.written % 200_000 == 0:
                    log(f"survey answers: {rows.written}/{answers}")
        surveys.flush()
        rows.flush()
    return rows.written
