"""QA results for the reports benchmark (issue 15): conversations of the department's agents over the
year, each with one current inspection (score around 85, 2% fatal) and, for about a third, findings of
the rules that hit most often. Added to what is there; the orders are not touched."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .writer import TableWriter, next_id

RULES = [("forbidden_phrase", "language", "major"), ("no_greeting", "language", "minor"),
         ("no_closing", "language", "minor"), ("no_apology", "language", "minor"), ("filler_words", "language", "minor"),
         ("interrupting", "skills", "minor"), ("jargon", "skills", "minor"), ("insult", "language", "fatal"),
         ("slow_answer", "voice", "minor"), ("no_empathy", "skills", "minor")]


def add_qa_results(*, count: int, rng: random.Random, end: datetime, days: int = 365, log=print) -> int:
    from django.db import transaction

    from kefu.accounts.models import Role, User
    from kefu.qa.models import Conversation, Finding, Inspection

    agents = list(User.objects.filter(role=Role.AGENT, is_active=True).values_list("pk", "team_id"))
    conversations, inspections, findings = TableWriter(Conversation), TableWriter(Inspection), TableWriter(Finding)
    ids = {"c": next_id(Conversation), "i": next_id(Inspection), "f": next_id(Finding)}
    done = 0
    while done < count:
        with transaction.atomic():
            for _ in range(min(20_000, count - done)):
                agent, team = rng.choice(agents)
                started = end - timedelta(days=rng.uniform(0, days), hours=rng.uniform(0, 10))
                channel = "voice" if rng.random() < 0.6 else "chat"
                cid, iid = ids["c"], ids["i"]
                ids["c"] += 1
                ids["i"] += 1
                hits = rng.choices(RULES, k=rng.choice((0, 0, 1, 2))) if rng.random() < 0.5 else []
                fatal = any(r[2] == "fatal" for r in hits)
                score = max(0.0, min(100.0, rng.gauss(86, 7) - 6 * len(hits) - (40 if fatal else 0)))
                conversations.add(id=cid, external_id=f"bench-{cid}", source="import", channel=channel, agent_id=agent,
                                  started_at=started, digest="bench", inspection_state="done", created_at=started,
                                  updated_at=started)
                inspections.add(id=iid, conversation_id=cid, pack_name="默认规则包", pack_version="bench",
                                trigger="import", is_current=True, digest="bench", auto_score=score, score=round(score, 1),
                                fatal=fatal, finding_count=len(hits), agent_id=agent, team_id=team, channel=channel,
                                started_at=started, created_at=started + timedelta(minutes=5))
                for turn, (rule, category, severity) in enumerate(hits):
                    findings.add(id=ids["f"], inspection_id=iid, rule=rule, category=category, severity=severity,
                                 turn=turn, start=0, end=4, evidence="不知道", message=rule)
                    ids["f"] += 1
            for writer in (conversations, inspections, findings):
                writer.flush()
        done = min(done + 20_000, count)
        if done % 200_000 == 0 or done == count:
            log(f"qa results: {done}/{count}")
    return inspections.written
