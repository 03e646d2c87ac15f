"""Demo complaints for `kefu demo`: one or more in every state of the flow, some overdue, a second round.

Each complaint is walked through the real services, then its timestamps are spread back in time and
its SLA clocks restarted from those times, so deadlines, overdue filters and the analysis look real.
Idempotent: complaints are only created when the demo customers have none.
"""

import random
from datetime import datetime, timedelta

from kefu.accounts.models import User
from kefu.customers.models import Customer
from kefu.tickets.models import Message, MessageKind, Ticket, TicketEvent

from . import deadlines
from . import services as cs
from .models import Complaint, ComplaintCategory, ComplaintState, ComplaintStep
from .spans import store_spans

S = ComplaintState
ORDER = ["record", "dispatch", "reply", "analyse", "assign_responsibility", "propose", "approve", "notify_customer",
         "implement", "report", "receipt", "archive", "summarise"]
STOP_BEFORE = {  # the first action not taken for a complaint to end up in the state
    S.RECEIVED: "record", S.RECORDED: "dispatch", S.DISPATCHED: "analyse", S.ANALYSED: "assign_responsibility",
    S.RESPONSIBILITY: "propose", S.PROPOSED: "approve", S.APPROVED: "notify_customer", S.NOTIFIED: "implement",
    S.IMPLEMENTED: "report", S.REPORTED: "receipt", S.RECEIPTED: "archive", S.ARCHIVED: "summarise",
    S.SUMMARISED: None,
}
# state, age in hours, subject, category code, handler username, emotion, skip the progress reply
SCENARIOS = [
    (S.RECEIVED, 2, "投诉热线长时间无人接听", "attitude", "zhaosh", "anxious", False),
    (S.RECEIVED, 31, "投诉门店店员推诿不处理", "attitude", "zhaosh", "angry", False),
    (S.RECORDED, 5, "投诉实际价格与宣传不符", "price", "zhaosh", "angry", False),
    (S.RECORDED, 40, "投诉赠品未随货送达", "delivery", "sunwl", "calm", True),
    (S.INVALID, 70, "投诉其他品牌地板质量问题", "other", "zhaosh", "angry", False),
    (S.DISPATCHED, 10, "投诉送货延误三天未到", "delivery", "sunwl", "very_angry", True),
    (S.ANALYSED, 20, "投诉瓷砖表面有划痕", "quality", "zhaosh", "angry", False),
    (S.RESPONSIBILITY, 50, "投诉安装后墙砖空鼓", "installation", "zhaosh", "anxious", False),
    (S.PROPOSED, 46, "投诉安装师傅服务态度差", "attitude", "zhaosh", "very_angry", False),
    (S.PROPOSED, 28, "投诉快递外包装破损", "delivery", "sunwl", "calm", False),
    (S.APPROVED, 75, "投诉热水器漏水维修不及时", "after_sales", "zhaosh", "angry", False),
    (S.NOTIFIED, 240, "投诉地板起翘多次维修未果", "after_sales", "zhaosh", "very_angry", False),
    (S.NOTIFIED, 60, "投诉送错瓷砖型号", "delivery", "sunwl", "anxious", False),
    (S.IMPLEMENTED, 130, "投诉智能门锁无法开启", "quality", "zhaosh", "angry", False),
    (S.REPORTED, 150, "投诉卫浴配件缺失", "quality", "sunwl", "calm", False),
    (S.RECEIPTED, 190, "投诉上门测量迟到", "attitude", "zhaosh", "anxious", False),
    (S.ARCHIVED, 300, "投诉发票迟迟未开", "other", "zhaosh", "calm", False),
    (S.SUMMARISED, 480, "投诉瓷砖色差明显", "quality", "zhaosh", "angry", False),
    (S.SUMMARISED, 760, "投诉配送司机态度恶劣", "delivery", "sunwl", "very_angry", False),
    (S.SUMMARISED, 1100, "投诉安装收费不透明", "price", "zhaosh", "anxious", False),
    (S.REPORTED, 200, "投诉橱柜门板变形", "quality", "zhaosh", "angry", False),  # made a second round below
]
SECOND_ROUND = len(SCENARIOS) - 1
# Steps of these happen early in their life, so the implementation deadline has passed since approval.
EARLY = {"投诉地板起翘多次维修未果": 0.1}
DEPARTMENT_PARTY = {"zhaosh": "ours", "sunwl": "logistics"}
OBJECT_OF_CATEGORY = {"attitude": "staff", "delivery": "service", "installation": "service", "other": "service"}


def _kwargs(action: str, people: dict, handler: User, complaint: Complaint, category: ComplaintCategory,
            emotion: str) -> tuple[User, dict]:
    agent, supervisor = complaint.ticket.first_responder, people["wangzg"]
    subject, customer = complaint.ticket.subject, complaint.ticket.customer
    table = {
        # the customer complains from their own number (a placeholder number looked like a real one)
        "record": (agent, dict(contact_name=customer.name, contact_phone=customer.primary_phone,
                               object_kind=OBJECT_OF_CATEGORY.get(category.code, "product"), object_detail=subject[2:12],
                               description=subject[2:], place="客户家中", demand="尽快解决并给个说法",
                               emotion=emotion, key_quotes="你们到底什么时候给我解决？", category=category,
                               severity="major")),
        "dispatch": (agent, dict(department=handler.department, note="请按投诉处理单处理")),
        "reply": (agent, dict(method="phone", note="已向客户致歉，告知正在核实，明天前回复")),
        "analyse": (handler, dict(cause="经核实，问题属实：" + subject[2:])),
        "assign_responsibility": (handler, dict(party=DEPARTMENT_PARTY[handler.username],
                                                department=handler.department, person="")),
        "propose": (handler, dict(solution="上门处理并补偿客户一百元代金券")),
        "approve": (supervisor, dict(comment="同意，注意跟进")),
        "notify_customer": (agent, dict(method="phone", customer_response="客户表示接受")),
        "implement": (handler, dict(implementation="已上门处理完毕")),
        "report": (handler, dict(result="问题已解决，代金券已发放")),
        "receipt": (agent, dict(satisfied=True, comment="")),
        "archive": (agent, {}),
        "summarise": (supervisor, dict(root_cause=category.name + "管控不到位", improvement="加强出库和上门前检查",
                                       owner="王主管")),
    }
    return table[action]


def _walk(complaint: Complaint, scenario: tuple, people: dict, category: ComplaintCategory) -> Complaint:
    state, _age, subject, _code, handler_name, emotion, no_reply = scenario
    if state == S.INVALID:
        complaint = cs.complaint_record(complaint=complaint, by=complaint.ticket.first_responder,
                                        **_kwargs("record", people, people[handler_name], complaint, category,
                                                  emotion)[1])
        return cs.complaint_reject(complaint=complaint, by=complaint.ticket.first_responder, reason="经核实客户所购并非本公司产品",
                                   explained_how="phone")
    stop = STOP_BEFORE[state]
    for action in ORDER:
        if action == stop:
            break
        if action == "reply" and no_reply:
            continue
        by, kwargs = _kwargs(action, people, people[handler_name], complaint, category, emotion)
        complaint = getattr(cs, f"complaint_{action}")(complaint=complaint, by=by, **kwargs)
    return complaint


STEP_FIELDS = {"reject": "explained_at", "dispatch": "dispatched_at", "approve": "approved_at",
               "notify_customer": "notified_at", "implement": "implemented_at", "report": "reported_at",
               "receipt": "receipt_at", "archive": "archived_at", "summarise": "summarised_at"}


def _spread(complaint: Complaint, start: datetime, now: datetime, rng: random.Random, share: float = 0.85) -> None:
    """Moves the complaint's steps to random points between `start` and now, in order, and re-times its clocks."""
    steps = list(complaint.steps.order_by("created_at", "id"))
    # Recording, dispatch and the first reply happen within hours (sometimes too late); the rest spreads out.
    early = [step for step in steps if step.action in {"record", "dispatch", "reply", "reject"}]
    times, at, latest = [start], start, start + (now - start) * 0.5
    for _step in early:
        at = min(at + timedelta(hours=rng.uniform(0.3, 11)), latest)
        times.append(at)
    later = steps[len(times):]
    span = (now - at) * share
    times += [at + span * p for p in sorted(rng.uniform(0.05, 1) for _ in later)]
    complaint.received_at = start
    complaint.first_reply_at = None
    for step, at in zip(steps, times, strict=True):
        ComplaintStep.objects.filter(pk=step.pk).update(created_at=at)
        if step.action in STEP_FIELDS:
            setattr(complaint, STEP_FIELDS[step.action], at)
        if step.action in {"reply", "reject", "notify_customer"} and complaint.first_reply_at is None:
            complaint.first_reply_at = at
    store_spans(complaint.pk)
    _move_history(complaint.ticket_id, times)
    _move_thread(complaint, start, [at for step, at in zip(steps, times, strict=True)
                                    if step.action in {"reply", "reject", "notify_customer"}])
    complaint.ticket.refresh_from_db()
    deadlines.start_reply_clock(complaint, start)
    if complaint.first_reply_at:
        deadlines.stop_clock(complaint, deadlines.REPLY, complaint.first_reply_at)
    proposed = [at for step, at in zip(steps, times, strict=True) if step.action == "propose"]
    if proposed:
        deadlines.start_approve_clock(complaint, proposed[-1])
        if complaint.approved_at:
            deadlines.stop_clock(complaint, deadlines.APPROVE, complaint.approved_at)
    if complaint.approved_at:
        deadlines.start_implement_clock(complaint, complaint.approved_at)
        if complaint.implemented_at:
            deadlines.stop_clock(complaint, deadlines.IMPLEMENT, complaint.implemented_at)
    closed = complaint.archived_at or (times[-1] if complaint.state == "invalid" else None)
    if closed:
        deadlines.stop_running_clocks(complaint, closed)
    complaint.save()


def _move_history(ticket_id: int, times: list[datetime]) -> None:
    """Each complaint_* event takes its step's time; other events (status, dispatch) the step they belong to."""
    events = list(TicketEvent.objects.filter(ticket_id=ticket_id).order_by("-id").values_list("pk", "code"))
    step_times = iter(reversed(times))
    current = times[-1]
    for pk, action in events:  # newest first: a plain event was written just before its complaint event
        if action.startswith("complaint."):
            current = next(step_times, times[0])
        TicketEvent.objects.filter(pk=pk).update(created_at=current)


def _move_thread(complaint: Complaint, start: datetime, reply_times: list[datetime]) -> None:
    """The customer's first message at receipt, each recorded reply at its step; the order's reply stamps follow."""
    messages = complaint.ticket.messages.order_by("id")
    Message.objects.filter(pk__in=messages.filter(kind=MessageKind.CUSTOMER).values("pk")).update(created_at=start)
    replies = list(messages.filter(kind=MessageKind.REPLY).values_list("pk", flat=True))
    for pk, at in zip(replies, reply_times, strict=False):
        Message.objects.filter(pk=pk).update(created_at=at)
    Ticket.objects.filter(pk=complaint.ticket_id).update(
        created_at=start, last_customer_message_at=start, first_response_at=reply_times[0] if reply_times else None,
        last_reply_at=reply_times[-1] if reply_times else None)


def _second_round(complaint: Complaint, people: dict) -> Complaint:
    """A complaint whose customer was not satisfied: back to the solution step, round 2."""
    return cs.complaint_receipt(complaint=complaint, by=complaint.ticket.first_responder, satisfied=False,
                                comment="问题没有彻底解决，同样的情况又出现了")


def demo_complaints(*, people: dict, customers: list[Customer], rng: random.Random, now: datetime) -> None:
    if Complaint.objects.filter(ticket__customer__in=customers).exists():
        return
    categories = {c.code: c for c in ComplaintCategory.objects.all()}
    repeat = customers[0]  # one customer complains three times: shows up under "repeat complainants"
    for index, scenario in enumerate(SCENARIOS):
        customer = repeat if index % 7 == 0 else customers[(index * 3 + 1) % len(customers)]
        start = now - timedelta(hours=scenario[1])
        # dated at receipt from the start, so the GD number carries the receipt date
        # Complaints are taken by whoever answered the call: spread over the desk, not all on one agent.
        desk = [people[name] for name in ("lina", "zhangwei", "liuyang") if name in people]
        first_responder = desk[index % len(desk)]
        complaint = cs.complaint_receive(by=first_responder, customer=customer, subject=scenario[2],
                                         description=scenario[2][2:], received_at=start)
        complaint = _walk(complaint, scenario, people, categories[scenario[3]])
        if index == SECOND_ROUND:  # this one gets a not-satisfied receipt first: round 2, back to solution
            complaint = _second_round(complaint, people)
        _spread(complaint, start, now, rng, EARLY.get(scenario[2], 0.85))
