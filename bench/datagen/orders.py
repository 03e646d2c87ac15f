"""Work orders of a year with their messages, history facts (kefu.tickets.events codes) and, for about
one in twenty, a complaint record walked along the complaint flow with its step log.

About 70% of the orders are closed; the rest are open (new, open or waiting on the customer), most of
them recent. Per order on average ~2.7 messages, ~6 history rows; complaints ~14 steps each."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .people import People, person
from .writer import TableWriter, next_id

SUBJECTS = ["咨询安装进度", "账单金额有误", "快递一直未送达", "产品出现故障需要维修", "申请退货退款", "发票开具问题",
            "会员积分未到账", "上门服务时间变更", "配件价格咨询", "投诉服务人员态度", "宽带经常断线", "预约保养",
            "更换收货地址", "优惠活动规则咨询", "订单重复扣款", "售后网点查询"]
CUSTOMER_LINES = ["你好，我想问一下{s}的情况。", "{s}，麻烦尽快处理。", "我上周已经反映过{s}，到现在还没有结果。",
                  "请问{s}需要提供什么材料？"]
REPLIES = ["您好，已为您登记，我们会在两个工作日内回复。", "您好，已联系相关部门核实，稍后给您回电。",
           "非常抱歉给您带来不便，已为您加急处理。", "您好，问题已处理完毕，请您留意短信通知。"]
COMPLAINT_PATH = [("record", "received", "recorded"), ("dispatch", "recorded", "dispatched"),
                  ("reply", "dispatched", "dispatched"), ("analyse", "dispatched", "analysed"),
                  ("assign_responsibility", "analysed", "responsibility"), ("propose", "responsibility", "proposed"),
                  ("approve", "proposed", "approved"), ("notify_customer", "approved", "notified"),
                  ("implement", "notified", "implemented"), ("report", "implemented", "reported"),
                  ("receipt", "reported", "receipted"), ("archive", "receipted", "archived"),
                  ("summarise", "archived", "summarised")]
TYPES = ["consultation"] * 45 + ["service_request"] * 25 + ["fault"] * 20 + ["complaint"] * 5 + ["suggestion"] * 5
CHANNELS = ["phone"] * 50 + ["wechat"] * 20 + ["web"] * 15 + ["email"] * 10 + ["app"] * 5
PRIORITIES = ["normal"] * 70 + ["high"] * 20 + ["low"] * 6 + ["urgent"] * 4


class OrderWriter:
    def __init__(self, people: People, rng: random.Random, end: datetime, days: int = 365) -> None:
        from kefu.complaints.models import Complaint, ComplaintStep
        from kefu.sla.models import SlaClock
        from kefu.tickets.models import Channel, Message, Priority, Ticket, TicketEvent, TicketType

        self.people, self.rng, self.end, self.days = people, rng, end, days
        self.valid = (set(TicketType.values), set(Channel.values), set(Priority.values))
        self.tickets, self.messages = TableWriter(Ticket), TableWriter(Message)
        self.events, self.complaints, self.steps = TableWriter(TicketEvent), TableWriter(Complaint), TableWriter(ComplaintStep)
        self.clocks = TableWriter(SlaClock)
        self.ids = {"ticket": next_id(Ticket), "message": next_id(Message), "event": next_id(TicketEvent),
                    "complaint": next_id(Complaint), "step": next_id(ComplaintStep), "clock": next_id(SlaClock)}
        self.open_count = 0

    def _next(self, kind: str) -> int:
        value = self.ids[kind]
        self.ids[kind] += 1
        return value

    def _pick(self, options: list[str], valid: set[str], fallback: str) -> str:
        value = self.rng.choice(options)
        return value if value in valid else fallback

    def _created_at(self, open_order: bool) -> datetime:
        # Open orders are mostly recent; closed ones spread over the year, in working hours mostly.
        back = self.rng.expovariate(1 / 20) if open_order else self.rng.uniform(3, self.days)
        day = self.end - timedelta(days=min(back, self.days))
        hour = self.rng.choice(range(8, 21)) if self.rng.random() < 0.9 else self.rng.randrange(24)
        return day.replace(hour=hour, minute=self.rng.randrange(60), second=self.rng.randrange(60))

    def add_order(self) -> None:
        rng = self.rng
        tid = self._next("ticket")
        open_order = rng.random() < 0.30
        created = min(self._created_at(open_order), self.end - timedelta(minutes=5))
        agent, team = rng.choice(self.people.agents)
        kind = self._pick(TYPES, self.valid[0], "consultation")
        subject = rng.choice(SUBJECTS)
        ticket = {"id": tid, "number": f"GD{created:%Y%m%d}{tid:05d}", "subject": subject, "type": kind,
                  "channel": self._pick(CHANNELS, self.valid[1], "phone"),
                  "priority": self._pick(PRIORITIES, self.valid[2], "normal"),
                  "customer_id": rng.choice(self.people.customers), "first_responder_id": agent, "assignee_id": agent,
                  "team_id": team, "department_id": self.people.service.pk, "created_at": created,
                  "last_customer_message_at": created}
        self._message(tid, "customer", None, rng.choice(CUSTOMER_LINES).format(s=subject), created)
        self._event(tid, "ticket.created", agent, created, number=ticket["number"])
        status, at = "new", created
        if not open_order or rng.random() < 0.7:  # answered
            at = self._later(at, 0.1, 30)
            if at < self.end:
                message = self._message(tid, "reply", agent, rng.choice(REPLIES), at)
                self._event(tid, "ticket.status_changed", agent, at, old="new", new="open")
                self._event(tid, "ticket.replied", agent, at, message=message, note=REPLIES[0][:40])
                ticket["first_response_at"] = ticket["last_reply_at"] = at
                status = "open"
        if status == "open" and rng.random() < 0.35:  # waits on the customer, who answers (or not yet)
            at = self._later(at, 0.2, 8)
            self._event(tid, "ticket.status_changed", agent, at, old="open", new="waiting")
            status = "waiting"
            if not open_order or rng.random() < 0.5:
                at = self._later(at, 1, 72)
                message = self._message(tid, "customer", None, "好的，资料已经发过去了。", at)
                self._event(tid, "ticket.status_changed", None, at, old="waiting", new="open", reason="customer_replied")
                self._event(tid, "ticket.customer_message", None, at, message=message, note="好的，资料已经发过去了。")
                ticket["last_customer_message_at"] = at
                status = "open"
        if not open_order and rng.random() < 0.4:  # a follow-up question and its answer
            at = self._later(at, 1, 48)
            message = self._message(tid, "customer", None, "请问还需要多久？", at)
            self._event(tid, "ticket.customer_message", None, at, message=message, note="请问还需要多久？")
            ticket["last_customer_message_at"] = at
            at = self._later(at, 0.2, 20)
            message = self._message(tid, "reply", agent, rng.choice(REPLIES), at)
            self._event(tid, "ticket.replied", agent, at, message=message, note="已为您加急处理")
            ticket["last_reply_at"] = at
        if not open_order:
            at = self._later(at, 1, 96)
            self._event(tid, "ticket.status_changed", agent, at, old=status, new="resolved")
            ticket["resolved_at"] = at
            at = self._later(at, 24, 120)
            self._event(tid, "ticket.status_changed", None, at, old="resolved", new="closed", reason="auto_close")
            ticket["closed_at"], status = at, "closed"
            self._stopped_clocks(tid, created, ticket)
        else:
            self.open_count += 1
        ticket["status"] = status
        ticket["updated_at"] = at
        if kind == "complaint":
            self._complaint(tid, created, agent, closed=not open_order, order=ticket)
        self.tickets.add(**ticket)

    def _stopped_clocks(self, ticket: int, created: datetime, row: dict) -> None:
        """A closed order's clocks, stopped (approximate targets: recompute touches open orders only)."""
        for kind, label, hours, stop in (("first_response", "首次响应", 8, row.get("first_response_at")),
                                         ("resolution", "解决", 72, row["resolved_at"])):
            due = created + timedelta(hours=hours)
            self.clocks.add(id=self._next("clock"), ticket_id=ticket, kind=kind, label=label, derived=True, target_amount=hours,
                            target_unit="calendar_hours", started_at=created, stopped_at=stop or row["resolved_at"],
                            due_at=due, warn_at=created + timedelta(hours=hours * 0.8), alerted="")

    def _later(self, at: datetime, low_hours: float, high_hours: float) -> datetime:
        return min(at + timedelta(hours=self.rng.uniform(low_hours, high_hours)), self.end - timedelta(minutes=1))

    def _message(self, ticket: int, kind: str, author: int | None, body: str, at: datetime) -> int:
        mid = self._next("message")
        self.messages.add(id=mid, ticket_id=ticket, kind=kind, author_id=author, body=body, created_at=at)
        return mid

    def _event(self, ticket: int, code: str, actor: int | None, at: datetime, **params: object) -> None:
        self.events.add(id=self._next("event"), ticket_id=ticket, actor_id=actor, code=code, params=params,
                        created_at=at)

    def _complaint(self, ticket: int, received: datetime, agent: int, *, closed: bool, order: dict) -> None:
        from kefu.complaints.visibility import COPIED  # the complaint's copies of its order's columns

        rng = self.rng
        cid = self._next("complaint")
        dept = rng.choice(self.people.departments)
        handler = rng.choice(self.people.handlers[dept.pk])
        supervisor = rng.choice(self.people.supervisors)
        steps = COMPLAINT_PATH if closed else COMPLAINT_PATH[: rng.randrange(1, len(COMPLAINT_PATH))]
        at, state = received, "received"
        self.steps.add(id=self._next("step"), complaint_id=cid, action="receive", from_state="", to_state="received",
                       actor_id=agent, round=1, note="", created_at=at)
        for action, before, after in steps:
            at, previous = self._later(at, 0.5, 30), at
            actor = handler if after in {"analysed", "responsibility", "proposed", "implemented", "reported"} else (
                supervisor if action in {"approve", "summarise"} else agent)
            self.steps.add(id=self._next("step"), complaint_id=cid, action=action, from_state=before, to_state=after,
                           actor_id=actor, round=1, note=f"{action}：已处理", created_at=at, span=at - previous)
            self._event(ticket, f"complaint.{action}", actor, at, **{"from": before, "to": after, "text": "已处理"})
            state = after
        self.complaints.add(id=cid, ticket_id=ticket, state=state, received_at=received, contact_name=person(rng),
                            description="客户对服务不满意", demand="尽快解决并给出说法", severity="minor",
                            dispatched_to_id=dept.pk if state != "received" else None, updated_at=at,
                            archived_at=at if state in {"archived", "summarised"} else None,
                            **{copy: order.get(column) for column, copy in COPIED.items()})

    def flush(self) -> None:
        # Parents first: the foreign keys are checked row by row.
        for writer in self.writers():
            writer.flush()

    def writers(self) -> list[TableWriter]:
        return [self.tickets, self.messages, self.events, self.complaints, self.steps, self.clocks]

    def models(self) -> list:
        return [w.model for w in self.writers()]
