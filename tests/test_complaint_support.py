"""Shared steps (no tests here) for the complaint tests: walk a complaint forward to a given state with the right roles."""

from datetime import datetime

from django.utils import timezone

from kefu.complaints import services as cs
from kefu.complaints.models import Complaint, ComplaintCategory, ComplaintState
from kefu.customers.models import Customer
from kefu.sla.models import Calendar, CalendarException, SlaPolicy
from kefu.sla.seed import seed_defaults
from tests import factories

DEFAULT_CATEGORIES = [("quality", "质量"), ("delivery", "配送"), ("attitude", "服务态度"), ("price", "价格"),
                      ("installation", "安装"), ("after_sales", "售后"), ("other", "其他")]


def ensure_seed_data() -> None:
    """Transactional tests flush the rows data migrations seeded (categories, calendars); put them back."""
    for code, name in DEFAULT_CATEGORIES:
        ComplaintCategory.objects.get_or_create(code=code, defaults={"name": name})
    if not Calendar.objects.exists():
        seed_defaults(Calendar, CalendarException, SlaPolicy)


def record_data(**overrides) -> dict:
    data = {
        "contact_name": "王先生", "contact_phone": "13800001111", "source": "direct", "account_manager": "",
        "object_kind": "product", "object_detail": "仿古砖 600x600", "description": "送到的瓷砖有三箱表面划痕",
        "happened_at": None, "place": "杭州市西湖区", "demand": "换货并赔偿误工", "emotion": "angry",
        "key_quotes": "你们再不处理我就去12315投诉", "category": ComplaintCategory.objects.get_or_create(code="quality", defaults={"name": "质量"})[0],
        "severity": "major",
    }
    data.update(overrides)
    return data


def received(desk, customer: Customer | None = None, subject: str = "投诉瓷砖表面划痕") -> Complaint:
    return cs.complaint_receive(by=desk.agent, customer=customer or factories.customer(desk.agent),
                                subject=subject, description="瓷砖有划痕")


STEPS = [
    (ComplaintState.RECORDED, lambda d, c: cs.complaint_record(complaint=c, by=d.agent, **record_data())),
    (ComplaintState.DISPATCHED, lambda d, c: cs.complaint_dispatch(complaint=c, by=d.agent, department=d.aftersales)),
    (ComplaintState.ANALYSED, lambda d, c: cs.complaint_analyse(complaint=c, by=d.handler, cause="搬运时未加护角")),
    (ComplaintState.RESPONSIBILITY, lambda d, c: cs.complaint_assign_responsibility(
        complaint=c, by=d.handler, party="ours", department=d.aftersales, person="仓库张三")),
    (ComplaintState.PROPOSED, lambda d, c: cs.complaint_propose(complaint=c, by=d.handler,
                                                                solution="三日内上门换货并补偿运费")),
    (ComplaintState.APPROVED, lambda d, c: cs.complaint_approve(complaint=c, by=d.supervisor, comment="同意")),
    (ComplaintState.NOTIFIED, lambda d, c: cs.complaint_notify_customer(
        complaint=c, by=d.agent, method="phone", customer_response="客户同意方案")),
    (ComplaintState.IMPLEMENTED, lambda d, c: cs.complaint_implement(complaint=c, by=d.handler,
                                                                     implementation="已上门换货")),
    (ComplaintState.REPORTED, lambda d, c: cs.complaint_report(complaint=c, by=d.handler, result="换货完成，运费已补偿")),
    (ComplaintState.RECEIPTED, lambda d, c: cs.complaint_receipt(complaint=c, by=d.agent, satisfied=True)),
    (ComplaintState.ARCHIVED, lambda d, c: cs.complaint_archive(complaint=c, by=d.agent)),
    (ComplaintState.SUMMARISED, lambda d, c: cs.complaint_summarise(
        complaint=c, by=d.supervisor, root_cause="仓库出库未检查包装", improvement="出库增加包装检查", owner="仓库主管")),
]


def walk_to(desk, state: str, complaint: Complaint | None = None) -> Complaint:
    """A complaint received by desk.agent and moved along the main path until it reaches `state`."""
    complaint = complaint or received(desk)
    for target, step in STEPS:
        if complaint.state == state:
            break
        complaint = step(desk, complaint)
        assert complaint.state == target
    complaint.refresh_from_db()
    return complaint


def aware(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))
