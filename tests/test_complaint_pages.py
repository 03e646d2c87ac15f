"""Complaint pages: registration, the workspace's forms per role, queues, exports, analysis, receipt page."""

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.complaints import receipts
from kefu.complaints.models import ComplaintCategory, ComplaintState
from kefu.notifications.models import Notification
from kefu.sla.models import SlaClock
from kefu.tickets.models import Ticket
from tests import factories
from tests.test_complaint_support import received, walk_to

S = ComplaintState
pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_register_page_creates_the_work_order_and_the_recorded_complaint(client, desk):
    _login(client, desk.agent)
    quality = ComplaintCategory.objects.get(code="quality")
    response = client.post("/complaints/new/", {
        "new_customer_name": "周女士", "new_customer_phone": "13900001111", "subject": "投诉地板起翘",
        "channel": "phone", "source": "account_manager", "account_manager": "陈经理", "contact_phone": "13900001111",
        "object_kind": "product", "object_detail": "强化地板", "description": "铺好两周就起翘",
        "happened_at": "2026-03-01T10:00", "demand": "重新铺装", "emotion": "angry",
        "key_quotes": "才两周就翘起来了", "category": quality.pk, "severity": "major"})
    assert response.status_code == 302
    number = response.url.strip("/").split("/")[-1]
    page = client.get(response.url)
    assert page.status_code == 200
    complaint = page.context["complaint"]
    assert complaint.state == S.RECORDED and complaint.account_manager == "陈经理"
    assert complaint.ticket.type == "complaint" and complaint.ticket.number == number
    assert timezone.localtime(complaint.happened_at).isoformat() == "2026-03-01T10:00:00+08:00"
    assert "action-dispatch" in page.content.decode()


def test_register_page_shows_the_missing_field_and_creates_nothing(client, desk):
    _login(client, desk.agent)
    response = client.post("/complaints/new/", {
        "new_customer_name": "周女士", "subject": "投诉地板起翘", "channel": "phone", "source": "direct",
        "severity": "minor", "contact_phone": "1390000", "object_kind": "product", "object_detail": "地板",
        "description": "起翘", "emotion": "angry", "key_quotes": "太差了",
        "category": ComplaintCategory.objects.get(code="quality").pk})
    assert response.status_code == 200
    assert "请填写客户诉求" in response.content.decode()
    assert not Ticket.objects.filter(subject="投诉地板起翘").exists()


def test_each_role_sees_only_the_forms_of_its_step(client, desk):
    complaint = walk_to(desk, S.PROPOSED)
    url = f"/complaints/{complaint.ticket.number}/"
    actions = {}
    for user in [desk.agent, desk.supervisor, desk.handler, desk.qa]:
        client.force_login(user)
        actions[user.username] = {a.name for a, _f, _main in client.get(url).context["actions"]}
    assert actions["super"] == {"approve", "send_back", "reply"}
    assert actions["agent_a"] == {"reply"}
    assert actions["handler"] == set() and actions["qa"] == set()
    client.force_login(desk.other_handler)
    assert client.get(url).status_code == 404


def test_posting_a_step_in_the_wrong_role_is_refused_with_a_message_and_nothing_changes(client, desk):
    complaint = walk_to(desk, S.PROPOSED)
    _login(client, desk.agent)
    response = client.post(f"/complaints/{complaint.ticket.number}/act/approve/", {"comment": "好"}, follow=True)
    assert "只有客服主管" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == S.PROPOSED
    client.force_login(desk.supervisor)
    client.post(f"/complaints/{complaint.ticket.number}/act/approve/", {"comment": "同意"})
    complaint.refresh_from_db()
    assert complaint.state == S.APPROVED


def test_queues_for_handler_and_supervisor(client, desk, django_assert_max_num_queries):
    proposed = walk_to(desk, S.PROPOSED)
    dispatched = walk_to(desk, S.DISPATCHED)
    received(desk)
    client.force_login(desk.handler)
    with django_assert_max_num_queries(12):
        rows = list(client.get("/complaints/").context["page"].object_list)
    assert [c.pk for c in rows] == [dispatched.pk]  # handler's default queue: dispatched to their department
    client.force_login(desk.supervisor)
    response = client.get("/complaints/")
    assert [c.pk for c in response.context["page"].object_list] == [proposed.pk]  # default queue: approvals
    counts = {key: n for key, _label, n in response.context["queues"]}
    assert counts == {"mine": 0, "service": 1, "handler": 1, "approval": 1, "summary": 0, "all": 3}
    rows = client.get("/complaints/?queue=all&state=dispatched").context["page"].object_list
    assert [c.pk for c in rows] == [dispatched.pk]


def test_overdue_filter(client, desk):
    late = received(desk)
    # the reply clock is the truth of "late" (issue 8); the complaint's reply_due_at is only a copy
    SlaClock.objects.filter(ticket=late.ticket, kind="complaint_reply").update(due_at=late.received_at.replace(year=2020))
    received(desk)
    client.force_login(desk.supervisor)
    rows = client.get("/complaints/?queue=all&overdue=1").context["page"].object_list
    assert [c.pk for c in rows] == [late.pk] and rows[0].is_late


def test_record_form_xlsx_holds_every_field_of_the_issue(client, desk):
    complaint = walk_to(desk, S.SUMMARISED)
    client.force_login(desk.agent)
    response = client.get(f"/complaints/{complaint.ticket.number}/record.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content))
    values = {row[0]: row[1] for row in wb["投诉处理记录表"].iter_rows(values_only=True) if row[0]}
    for label in ["客户", "联系电话", "投诉来源", "投诉渠道", "投诉对象", "具体对象", "投诉事由", "发生时间", "发生地点",
                  "客户诉求", "情绪状态", "客户原话", "投诉分类", "严重程度", "不成立原因", "处理部门", "原因分析",
                  "责任方", "责任部门", "责任人", "解决方案", "审批人", "告知方式", "客户反应", "实施情况", "处理结果",
                  "客户满意", "根本原因", "改进措施", "改进负责人"]:
        assert label in values, label
    assert values["客户原话"] == "你们再不处理我就去12315投诉" and values["情绪状态"] == "愤怒"
    assert values["客户满意"] == "满意" and values["改进负责人"] == "仓库主管"
    steps = list(wb["处理过程"].iter_rows(values_only=True))
    assert len(steps) == 1 + complaint.steps.count() and steps[-1][1] == "总结评价"


def test_handler_sees_the_contact_phone_masked(client, desk):
    complaint = walk_to(desk, S.DISPATCHED)
    client.force_login(desk.handler)
    page = client.get(f"/complaints/{complaint.ticket.number}/").content.decode()
    assert "13800001111" not in page and "1111" in page


def test_list_xlsx_follows_the_filters(client, desk):
    walk_to(desk, S.RECORDED)
    walk_to(desk, S.DISPATCHED)
    client.force_login(desk.supervisor)
    response = client.get("/complaints/export.xlsx?queue=all&state=dispatched")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "工单号" and len(rows) == 2 and rows[1][11] == "已派发"


def test_print_view_shows_the_record_form(client, desk):
    complaint = walk_to(desk, S.REPORTED)
    client.force_login(desk.agent)
    html = client.get(f"/complaints/{complaint.ticket.number}/print/").content.decode()
    assert "客户投诉处理记录表" in html and "换货完成，运费已补偿" in html and "sidebar" not in html


def test_analysis_counts_and_shares(client, desk):
    walk_to(desk, S.SUMMARISED)
    walk_to(desk, S.RECORDED)
    client.force_login(desk.agent)
    assert client.get("/complaints/analysis/").status_code == 403
    client.force_login(desk.supervisor)
    response = client.get("/complaints/analysis/")
    a = response.context["a"]
    assert a.total == 2 and dict(a.by_category) == {"质量": 2}
    assert a.implement_share.total == 1 and a.implement_share.percent == 100.0
    assert dict(a.by_root_cause) == {"仓库出库未检查包装": 1}
    assert "kefu/vendor/echarts.min.js" in response.content.decode()


def test_receipt_page_without_login_records_the_customers_answer_once(client, desk):
    complaint = walk_to(desk, S.REPORTED)
    url = f"/complaints/receipt/{receipts.receipt_token(complaint)}/"
    page = client.get(url)
    assert page.status_code == 200 and "换货完成" in page.content.decode() and "sidebar" not in page.content.decode()
    response = client.post(url, {"satisfied": "false", "comment": ""})
    assert "请填写不满意的原因" in response.content.decode()
    response = client.post(url, {"satisfied": "false", "comment": "还有两箱没换"})
    assert "重新处理" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == S.RESPONSIBILITY and complaint.round == 2 and complaint.receipt_via == "link"
    again = client.post(url, {"satisfied": "true"})
    assert again.status_code == 410 and "已使用" in again.content.decode()
    assert client.get(url[:-3] + "xx/").status_code == 410
    assert Notification.objects.filter(user=desk.supervisor, text__contains="不满意").exists()


def test_ticket_page_shows_the_complaint_panel(client, desk):
    complaint = walk_to(desk, S.RECORDED)
    plain = factories.ticket(desk.agent, type="complaint", subject="投诉未登记")
    client.force_login(desk.agent)
    assert "进入投诉处理" in client.get(f"/tickets/{complaint.ticket.number}/").content.decode()
    assert f"/complaints/new/?ticket={plain.number}" in client.get(f"/tickets/{plain.number}/").content.decode()
    response = client.get(f"/complaints/new/?ticket={plain.number}")
    assert response.status_code == 200 and response.context["ticket"] == plain


def test_list_page_queries_do_not_grow_with_rows(client, desk, django_assert_max_num_queries):
    for state in [S.RECEIVED, S.RECORDED, S.DISPATCHED, S.PROPOSED, S.REPORTED, S.ARCHIVED]:
        walk_to(desk, state)
    client.force_login(desk.supervisor)
    with django_assert_max_num_queries(12):
        response = client.get("/complaints/?queue=all")
    assert len(response.context["page"].object_list) == 6
    with django_assert_max_num_queries(25):
        assert client.get(f"/complaints/{response.context['page'].object_list[0].ticket.number}/").status_code == 200


def test_record_an_existing_complaint_work_order_from_its_page(client, desk):
    plain = factories.ticket(desk.agent, type="complaint", subject="投诉未登记")
    client.force_login(desk.agent)
    form = client.get(f"/complaints/new/?ticket={plain.number}").context["form"]
    data = {name: form[name].value() or "" for name in ("customer_id", "subject", "channel", "source", "severity")}
    data.update({"contact_phone": "13800001111", "object_kind": "service", "object_detail": "热线",
                 "description": "打了五次没人接", "demand": "回电", "emotion": "anxious", "key_quotes": "一直占线",
                 "category": ComplaintCategory.objects.get_or_create(code="other", defaults={"name": "其他"})[0].pk})
    response = client.post(f"/complaints/new/?ticket={plain.number}", data)
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == f"/complaints/{plain.number}/"
    assert plain.complaint.state == S.RECORDED and plain.complaint.received_at == plain.created_at
