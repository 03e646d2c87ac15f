"""Demo QA data for `kefu demo`: the work orders' threads inspected, external chats and calls imported,
and reviews and appeals in every state (open, accepted, partly accepted, rejected; a score appeal),
all made through the real services. Idempotent: nothing is added once the demo chats exist."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction

from kefu.accounts.models import User
from kefu.tickets.models import Ticket

from . import review
from .imports import _upsert
from .inspect import inspect_conversations
from .models import Conversation, Finding, Inspection, Source, Trigger
from .packs import active_pack
from .records import Record
from .services import conversation_sync_ticket

CUSTOMER_OPENINGS = ["你好，我上周买的地板到现在还没发货", "在吗？热水器装好第二天就漏水了", "我要退货，东西和图片不一样",
                     "请问门店周末营业吗", "你们的安装师傅迟到了两个小时，太让人生气了"]
GOOD = ["您好，很高兴为您服务，请问有什么可以帮您？", "非常抱歉让您久等了，我马上帮您查询物流", "好的，已经为您登记，请您保持电话畅通",
        "感谢您的耐心，问题已经处理好了，还有其他可以帮您的吗？祝您生活愉快"]
BAD = ["这事我不知道哦，你自己去问快递", "这个我们不管的", "你找我没用，要解决就去找领导", "不能办就是不能办", "你烦不烦啊",
       "喂，你说什么"]
VOICE = [("agent", "您好，这里是客服中心，很高兴为您服务", 0.0, 4.0), ("customer", "我家的门锁打不开了", 4.5, 7.0),
         ("agent", "嗯那个，这个，您稍等", 15.0, 18.0), ("customer", "我都等了半天了", 18.2, 20.0),
         ("agent", "好的，马上安排师傅今天下午上门，感谢您的来电，再见", 20.5, 26.0)]


def demo_qa(*, people: dict[str, User], customers: list, rng: random.Random, now: datetime) -> None:
    if Conversation.objects.filter(external_id__startswith="demo-").exists():
        return
    with transaction.atomic():
        _ticket_threads(now)
        inspections = _external(people, customers, rng, now)
        _reviews_and_appeals(people, inspections)


def _ticket_threads(now: datetime) -> None:
    synced = []
    for ticket in Ticket.objects.filter(last_reply_at__isnull=False).order_by("-created_at")[:120]:
        conversation = conversation_sync_ticket(ticket=ticket)
        if conversation is not None:
            synced.append(conversation)
    inspect_conversations(conversations=synced, trigger=Trigger.REPLY, now=now)


def _external(people: dict[str, User], customers: list, rng: random.Random, now: datetime) -> list[Inspection]:
    agents = [people["lina"], people["zhangwei"], people["liuyang"]]
    records = []
    for i in range(60):
        agent = agents[i % 3]
        started = now - timedelta(days=rng.randint(0, 13), hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
        if i % 10 == 9:
            turns = [{"role": role, "text": text, "start": start, "end": end} for role, text, start, end in VOICE]
            channel = "voice"
        else:
            agent_lines = [rng.choice(GOOD), rng.choice(BAD if i % 3 == 0 else GOOD), GOOD[-1]]
            turns = [{"role": "customer", "text": rng.choice(CUSTOMER_OPENINGS)}]
            for line in agent_lines:
                turns += [{"role": "agent", "text": line}, {"role": "customer", "text": "好的"}]
            channel = "chat"
        records.append(Record(external_id=f"demo-{i + 1:03d}", channel=channel, agent_id=agent.pk, turns=turns,
                              started_at=started, customer_id=customers[i % len(customers)].pk if customers else None))
    conversations = _upsert(records, now)
    for conversation in conversations:
        conversation.source = Source.API if conversation.external_id.endswith(("5", "0")) else Source.IMPORT
    Conversation.objects.bulk_update(conversations, ["source"])
    return inspect_conversations(conversations=conversations, trigger=Trigger.IMPORT, pack=active_pack(), now=now)


def _reviews_and_appeals(people: dict[str, User], inspections: list[Inspection]) -> None:
    qa, supervisor = people["chenzj"], people["wangzg"]
    flawed = [i for i in inspections if Finding.objects.filter(inspection=i, severity__in=["major", "critical"])
              .exists()]
    findings = [Finding.objects.filter(inspection=i, severity__in=["major", "critical"]).first() for i in flawed]
    plan = ["confirmed", "rejected", "confirmed", "confirmed", "confirmed", "confirmed", "confirmed", None]
    for finding, verdict in zip(findings, plan, strict=False):
        if verdict:
            review.finding_review(finding=finding, by=qa, verdict=verdict, comment="示例复核")
    for inspection in flawed[:3]:
        manual = review.manual_items(inspection)[:2]
        review.review_complete(inspection=inspection, by=qa, manual_scores={code: -2 for code in manual},
                               comment="整体服务流程完整，注意用语规范")
    # appeals: open, accepted, partly accepted, rejected, and one on the score
    outcomes = [None, "accept", "partial", "reject"]
    for finding, decision in zip(findings[2:6], outcomes, strict=False):
        inspection = finding.inspection
        appeal = review.appeal_create(inspection=inspection, finding=finding, by=inspection.agent,
                                      reason="客户当时在开玩笑，我随后已经道歉并处理")
        if decision:
            review.appeal_rule(appeal=appeal, by=supervisor, decision=decision, comment="已听录音核实")
    if flawed[6:7]:
        inspection = flawed[6]
        review.appeal_create(inspection=inspection, by=inspection.agent, reason="扣分过重，客户最终表示满意")
