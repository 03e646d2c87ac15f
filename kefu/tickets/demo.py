"""A believable service department for `kefu demo`: staff in every role, customers, a month of work orders.

Idempotent: people and customers are looked up by natural keys, work orders only created once.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Department, Role, Team, User
from kefu.accounts.services import user_create
from kefu.core.extensions import DEMO_STEPS
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.notifications.models import Notification
from kefu.tickets import services as ticket_services
from kefu.tickets.models import Channel, Message, Priority, Status, Ticket, TicketEvent, TicketType

DEMO_PASSWORD = "kefu-demo-2026"

STAFF = [
    # username, name, role, department code, team name
    ("admin", "系统管理员", Role.ADMIN, "service", None),
    ("wangzg", "王主管", Role.SUPERVISOR, "service", None),
    ("lina", "李娜", Role.AGENT, "service", "一组"),
    ("zhangwei", "张伟", Role.AGENT, "service", "一组"),
    ("liuyang", "刘洋", Role.AGENT, "service", "二组"),
    ("chenzj", "陈质检", Role.QA, "service", None),
    ("zhaosh", "赵师傅", Role.HANDLER, "after-sales", None),
    ("sunwl", "孙经理", Role.HANDLER, "logistics", None),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
# Given names with the form of address that fits them (王伟 is 王先生, 李芳 is 李女士).
GIVEN = [("伟", "mr"), ("芳", "ms"), ("娜", "ms"), ("敏", "ms"), ("静", "ms"), ("丽", "ms"), ("强", "mr"), ("磊", "mr"),
         ("军", "mr"), ("洋", "mr"), ("勇", "mr"), ("艳", "ms"), ("杰", "mr"), ("娟", "ms"), ("涛", "mr"), ("明", "mr"),
         ("超", "mr"), ("秀英", "ms"), ("建华", "mr"), ("晓东", "mr")]
COMPANIES = ["", "", "宏达建材有限公司", "美居装饰工程部", "安居物业服务中心", "鑫源商贸", "蓝天酒店", "星河地产", "", "华南装饰设计院"]
REGIONS = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆"]
SUBJECTS = {
    TicketType.CONSULTATION: ["咨询瓷砖铺贴面积怎么算", "询问订单什么时候发货", "咨询地板保修政策", "询问发票开具流程",
                              "咨询会员积分规则", "询问门店地址和营业时间"],
    TicketType.COMPLAINT: ["投诉送货延误三天未到", "投诉安装师傅服务态度差", "投诉瓷砖表面有划痕", "投诉热线长时间无人接听",
                           "投诉实际价格与宣传不符"],
    TicketType.AFTER_SALES: ["地板起翘要求上门检修", "热水器漏水申请维修", "智能门锁无法开启", "申请退换货", "配件缺失需要补发"],
    TicketType.SUGGESTION: ["建议增加晚间客服时段", "建议官网增加安装视频", "建议简化退款流程"],
    TicketType.CALLBACK: ["安装完成满意度回访", "投诉处理结果回访", "维修完成回访"],
}
CUSTOMER_TEXT = {
    TicketType.CONSULTATION: "你好，我想问一下{s}，麻烦尽快回复。",
    TicketType.COMPLAINT: "我非常不满意！{s}，你们到底什么时候给我解决？再拖我就打12315了。",
    TicketType.AFTER_SALES: "东西用了没多久就出问题了：{s}，请安排师傅上门看看。",
    TicketType.SUGGESTION: "提个建议：{s}，希望你们考虑一下。",
    TicketType.CALLBACK: "（回访计划）{s}",
}
REPLIES = [
    "您好，很高兴为您服务！您反映的问题我已经记录，请您稍等，我马上为您查询。",
    "非常抱歉给您带来不便，我理解您的心情，我们一定尽快为您解决。",
    "您好，已为您联系相关部门，预计明天下午前给您答复，请您保持电话畅通。",
    "感谢您的耐心等待，问题已处理完毕，请问还有其他可以帮到您的吗？",
]
NOTES = ["客户情绪较激动，已安抚，需重点跟进。", "已电话联系物流，车辆明早到。", "客户为老客户，注意服务态度。"]
DUE_HOURS = {Priority.URGENT: 4, Priority.HIGH: 8, Priority.NORMAL: 24, Priority.LOW: 72}


def _staff() -> dict[str, User]:
    people = {}
    for username, name, role, dept_code, team_name in STAFF:
        department = Department.objects.get(code=dept_code)
        team = Team.objects.get_or_create(department=department, name=team_name)[0] if team_name else None
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=DEMO_PASSWORD, role=role, display_name=name,
                               department=department, team=team, email=f"{username}@example.com")
        people[username] = user
    return people


def _customers(rng: random.Random, by: User) -> list[Customer]:
    customers = []
    for i in range(50):
        given, salutation = GIVEN[(i * 7 + i // len(SURNAMES)) % len(GIVEN)]
        name = SURNAMES[i % len(SURNAMES)] + given  # 50 distinct names
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
        existing = Customer.objects.filter(name=name, region=REGIONS[i % len(REGIONS)], created_by=by).first()
        if existing:
            customers.append(existing)
            continue
        customers.append(customer_create(
            by=by, name=name, salutation=salutation, phones=[phone],
            email=f"customer{i:02d}@example.com" if i % 3 == 0 else "",
            wechat_id=f"wx_{i:03d}{rng.randint(100, 999)}" if i % 2 == 0 else "",
            company=COMPANIES[i % len(COMPANIES)], region=REGIONS[i % len(REGIONS)],
            address=f"{REGIONS[i % len(REGIONS)]}市建设路{rng.randint(1, 300)}号", vip_level=rng.choice([0, 0, 0, 1, 2, 3]),
            tags=rng.choice([[], [], ["老客户"], ["装修中"], ["经销商"]]),
        ))
    return customers


def _shift_history(ticket: Ticket, start) -> None:
    """Spreads the thread and audit rows of a generated order over its lifetime instead of 'now'."""
    step = timedelta(minutes=37)
    for offset, message in enumerate(ticket.messages.order_by("id"), start=0):
        Message.objects.filter(pk=message.pk).update(created_at=start + step * offset)
    for offset, event in enumerate(ticket.events.order_by("id"), start=0):
        TicketEvent.objects.filter(pk=event.pk).update(created_at=start + step * offset)


def _ticket(rng: random.Random, i: int, people: dict[str, User], customers: list[Customer], now) -> None:
    agents = [people["lina"], people["zhangwei"], people["liuyang"]]
    kind = rng.choice(list(SUBJECTS))
    subject = rng.choice(SUBJECTS[kind])
    channel = list(Channel.values)[i % len(Channel.values)]
    priority = rng.choice([Priority.NORMAL] * 4 + [Priority.HIGH, Priority.URGENT, Priority.LOW])
    status = [Status.NEW, Status.OPEN, Status.OPEN, Status.WAITING, Status.RESOLVED, Status.CLOSED, Status.CLOSED][i % 7]
    active = status in (Status.NEW, Status.OPEN, Status.WAITING)
    # Open work is recent (a desk keeps up: untouched orders are hours old, orders in hand a day or two);
    # one in twelve is old, hence overdue. Finished work spreads over the month.
    if not active or i % 12 == 0:
        age = timedelta(days=rng.uniform(0, 30))
    elif status == Status.NEW:
        age = timedelta(hours=rng.uniform(0, 2))
    else:
        age = timedelta(hours=rng.uniform(1, 30))
    created = now - age
    by = rng.choice(agents)
    ticket = ticket_services.ticket_create(
        by=by, customer=rng.choice(customers), subject=subject, body=CUSTOMER_TEXT[kind].format(s=subject),
        type=kind, channel=channel, priority=priority, created_at=created,
        account_manager=rng.choice(["周经理", "吴经理"]) if channel == Channel.ACCOUNT_MANAGER else "",
        intake={"address_as": "先生", "usage": "新房装修", "quantity": f"{rng.randint(10, 200)} 平方米",
                "invoice": rng.choice(["需要", "不需要"])} if kind == TicketType.CONSULTATION and i % 3 == 0 else None,
    )
    age_days = (now - created).days
    if age_days < 2 and status in (Status.RESOLVED, Status.CLOSED):
        status = Status.OPEN
    if status != Status.NEW:
        ticket_services.ticket_add_message(ticket=ticket, by=by, kind="reply", body=rng.choice(REPLIES))
    if i % 5 == 0:
        ticket_services.ticket_add_message(ticket=ticket, by=by, kind="note", body=rng.choice(NOTES))
    if kind in (TicketType.COMPLAINT, TicketType.AFTER_SALES) and i % 2 == 0:
        dept = Department.objects.get(code=rng.choice(["after-sales", "logistics"]))
        ticket_services.ticket_dispatch(ticket=ticket, by=by, department=dept, note="请责任部门跟进处理")
    if i % 11 == 0:
        others = [a for a in agents if a != ticket.assignee]
        ticket_services.ticket_assign(ticket=ticket, by=by, assignee=None if i % 22 == 0 else rng.choice(others),
                                      note="排班调整")
    ticket.refresh_from_db()
    if status in (Status.WAITING, Status.RESOLVED, Status.CLOSED) and ticket.status != status:
        for step in ([Status.RESOLVED, Status.CLOSED] if status == Status.CLOSED else [status]):
            ticket_services.ticket_set_status(ticket=ticket, by=by, status=step)
    _shift_history(ticket, created)
    first_reply = created + timedelta(minutes=37) if status != Status.NEW else None
    done = created + timedelta(hours=rng.uniform(2, 40))
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_at=first_reply, last_reply_at=first_reply,
        resolved_at=done if status in (Status.RESOLVED, Status.CLOSED) else None,
        closed_at=done + timedelta(hours=2) if status == Status.CLOSED else None,
        due_at=created + timedelta(hours=DUE_HOURS[priority]),
    )


def _settle_notifications(keep_unread: int) -> None:
    """A month of generated history would greet every demo user with dozens of unread notices; a real
    desk has read the old ones. Each user keeps only their newest few unread."""
    for user in User.objects.all():
        old = user.notifications.filter(read_at__isnull=True).order_by("-created_at")[keep_unread:]
        Notification.objects.filter(pk__in=list(old.values_list("pk", flat=True))).update(read_at=timezone.now())


@transaction.atomic
def load_demo(seed: int = 2026) -> dict:
    rng = random.Random(seed)
    people = _staff()
    customers = _customers(rng, people["lina"])
    now = timezone.now()
    created = 0
    if Ticket.objects.filter(customer__in=customers).count() < 150:
        for i in range(200):
            _ticket(rng, i, people, customers, now)
            created += 1
    for _order, step in DEMO_STEPS:
        step(people=people, customers=customers, rng=rng, now=now)
    _settle_notifications(keep_unread=8)
    return {"staff": people, "customers": len(customers), "tickets_created": created}
