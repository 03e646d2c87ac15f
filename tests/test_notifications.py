"""Notifications (issue 8: an app of its own; issue 17: preferences per user, repeated steps say nothing new)."""

import pytest
from django.urls import reverse

from kefu.complaints import services as cs
from kefu.complaints.models import ComplaintState as S
from kefu.core.errors import DomainError
from kefu.notifications import notify
from kefu.notifications.models import Notification
from kefu.notifications.services import preference_set
from kefu.tickets import services
from kefu.tickets.models import TicketEvent
from tests import factories
from tests.test_complaint_support import walk_to


def test_a_muted_kind_is_not_delivered_and_others_still_are(desk):
    preference_set(user=desk.agent, muted=["ticket.owner_update"])
    ticket = factories.ticket(desk.agent)
    services.ticket_assign(ticket=ticket, by=desk.supervisor, assignee=desk.teammate)
    assert not Notification.objects.filter(user=desk.agent).exists()  # muted: owner update
    assert Notification.objects.filter(user=desk.teammate, kind="ticket.assigned_to_you").exists()


def test_work_waiting_for_you_cannot_be_muted_and_unknown_kinds_are_named(desk):
    with pytest.raises(DomainError, match="不能关闭"):
        preference_set(user=desk.handler, muted=["complaint.task"])
    with pytest.raises(DomainError, match="no.such"):
        preference_set(user=desk.handler, muted=["no.such"])


def test_notify_tells_each_active_user_once(desk):
    desk.teammate.is_active = False
    desk.teammate.save()
    sent = notify(users=[desk.agent, desk.agent, desk.teammate, None], text="t", kind="ticket.owner_update")
    assert sent == 1


def test_preferences_page_groups_kinds_and_saves_what_is_unticked(desk, client):
    client.force_login(desk.agent)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert "投诉处理" in page and "超时预警" in page and "工单" in page
    assert 'value="complaint.task" checked disabled' in page
    response = client.post(reverse("notification_preferences"), {"kind": ["sla.breached", "complaint.progress"]})
    assert response.status_code == 302
    # every kind that may be muted and was not ticked (other apps register kinds too, e.g. reports.ready)
    from kefu.notifications.kinds import KINDS

    mutable = {code for code, kind in KINDS.items() if not kind.mandatory}
    assert set(desk.agent.notification_preference.muted) == mutable - {"sla.breached", "complaint.progress"}
    assert {"sla.warning", "ticket.owner_update"} <= set(desk.agent.notification_preference.muted)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert 'value="sla.warning">' in page and 'value="complaint.progress" checked>' in page


def _summarise(desk, complaint, **changes):
    data = {"root_cause": "搬运无护角", "improvement": "加护角", "owner": "仓库张三", **changes}
    return cs.complaint_summarise(complaint=complaint, by=desk.supervisor, **data)


def test_repeating_an_identical_summary_writes_no_history_row_or_notice(desk):
    c = walk_to(desk, S.ARCHIVED)
    c = _summarise(desk, c)
    rows, notices, steps = TicketEvent.objects.count(), Notification.objects.count(), c.steps.count()
    c = _summarise(desk, c)
    assert (TicketEvent.objects.count(), Notification.objects.count(), c.steps.count()) == (rows, notices, steps)
    c = _summarise(desk, c, improvement="加护角并培训搬运工")  # a real change is recorded
    assert TicketEvent.objects.filter(code="complaint.summarise").count() == 2
    assert c.improvement == "加护角并培训搬运工"


def test_repeating_an_identical_reply_adds_nothing_to_the_thread(desk):
    c = walk_to(desk, S.DISPATCHED)
    c = cs.complaint_reply(complaint=c, by=desk.agent, method="phone", note="已致歉，正在核实")
    messages = c.ticket.messages.count()
    c = cs.complaint_reply(complaint=c, by=desk.agent, method="phone", note="已致歉，正在核实")
    assert c.ticket.messages.count() == messages
    assert TicketEvent.objects.filter(ticket=c.ticket, code="complaint.reply").count() == 1
