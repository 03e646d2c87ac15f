"""A hand-computed department for the report tests (issue 15), around the 2026 National Day holiday.

Calendar facts (the default China calendar, 09:00-12:00 and 13:30-18:00 = 7.5 business hours a day):
Friday 2026-09-25 is the Mid-Autumn Festival (a holiday); 2026-09-26/27 is an ordinary weekend; 10-01 .. 10-07 are holidays; Saturday 10-10 is a make-up working
day (调休上班). Consultation policy: first response 1 business hour, resolution 2 working days (day 0 =
the day received, due at close of business).

Period P = 2026-09-21 .. 2026-10-11; its previous period is 2026-08-31 .. 2026-09-20. "Now" is Monday
2026-10-12 12:00.

| order | created            | team / agent       | channel | first reply         | resolved         |
| T1    | Mon 09-28 10:00    | A / agent_a        | phone   | 09-28 10:30 (0.5 h) | 09-28 15:00 (3.5 h: 10-12, 13:30-15) |
| T2    | Wed 09-30 17:00    | A / agent_a        | phone   | Thu 10-08 09:30: 1 h on 09-30 + 0.5 h after the holiday = 1.5 h (late) | Fri 10-09 10:00: 1 + 7.5 + 1 = 9.5 h |
| T3    | Fri 09-25 17:00 (holiday) | B / agent_b | chat    | Mon 09-28 09:30: nothing counts on the holiday and the weekend: 0.5 h (met) | Mon 09-28 10:00: 1 h |
| T4    | Fri 10-09 10:00    | A / agent_a        | email   | none: due 10-09 11:00, breached by now | open; due Mon 10-12 18:00 (10-10 is WD 1), not yet due |
| T5    | Thu 09-10 10:00    | A / agent_a        | phone   | 09-10 10:20         | 09-10 11:00 (previous period) |
| T6    | Mon 09-28 10:00    | other department   | phone   | —                   | — |
"""

from datetime import datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

from kefu.accounts.models import Role
from kefu.qa.models import Conversation, Inspection
from kefu.surveys.models import Answer, Questionnaire, Survey
from kefu.tickets import services as ts
from tests import factories

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 12, 12, tzinfo=SH)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def order(desk, run, *, created, agent, team, channel="phone", reply=None, resolve=None, by=None, **extra):
    with patch("django.utils.timezone.now", return_value=created):
        t = run(factories.ticket, by or agent, created_at=created, channel=channel, team=team, assignee=agent, **extra)
    if reply:
        with patch("django.utils.timezone.now", return_value=reply):
            run(ts.ticket_add_message, ticket=t, by=agent, kind="reply", body="您好，已为您处理")
    if resolve:
        with patch("django.utils.timezone.now", return_value=resolve):
            run(ts.ticket_set_status, ticket=t, by=agent, status="resolved")
    t.refresh_from_db()
    return t


def department_orders(desk, run) -> dict:
    a, b = desk.team_a, desk.team_b
    other_team = factories.team(desk.other_service, "外部组")
    outsider = factories.user(Role.AGENT, dept=desk.other_service, team=other_team, username="outsider")
    made = {
        "T1": order(desk, run, created=at(2026, 9, 28, 10), agent=desk.agent, team=a,
                    reply=at(2026, 9, 28, 10, 30), resolve=at(2026, 9, 28, 15)),
        "T2": order(desk, run, created=at(2026, 9, 30, 17), agent=desk.agent, team=a,
                    reply=at(2026, 10, 8, 9, 30), resolve=at(2026, 10, 9, 10)),
        "T3": order(desk, run, created=at(2026, 9, 25, 17), agent=desk.other_agent, team=b, channel="chat",
                    reply=at(2026, 9, 28, 9, 30), resolve=at(2026, 9, 28, 10)),
        "T4": order(desk, run, created=at(2026, 10, 9, 10), agent=desk.agent, team=a, channel="email"),
        "T5": order(desk, run, created=at(2026, 9, 10, 10), agent=desk.agent, team=a,
                    reply=at(2026, 9, 10, 10, 20), resolve=at(2026, 9, 10, 11)),
        "T6": order(desk, run, created=at(2026, 9, 28, 10), agent=outsider, team=other_team),
        "outsider": outsider,
    }
    # The QA engine inspected the orders' threads after their replies; the tests add hand-scored results.
    Inspection.objects.all().delete()
    return made


def answer(ticket, score: int, answered):
    questionnaire = Questionnaire.objects.get_or_create(name="报表测试问卷")[0]
    survey = Survey.objects.create(ticket=ticket, customer=ticket.customer, agent=ticket.assignee,
                                   department=ticket.department, questionnaire=questionnaire, trigger="manual",
                                   sent_at=answered - timedelta(hours=1), expires_at=answered + timedelta(days=7),
                                   answered_at=answered)
    Answer.objects.create(survey=survey, code="satisfaction", kind="stars", question_text="总体满意度", score=score)
    return survey


def inspection(agent, score: float, started, channel="chat", fatal=False):
    conv = Conversation.objects.create(source="import", channel=channel, agent=agent, started_at=started)
    return Inspection.objects.create(conversation=conv, pack_name="默认", pack_version="1", trigger="import",
                                     auto_score=score, score=score, fatal=fatal, agent=agent, team=agent.team,
                                     channel=channel, started_at=started, created_at=started)
