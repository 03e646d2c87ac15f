"""Kinds of notice the work-order services send (muted per user on the notification preferences page)."""

from django.utils.translation import gettext_lazy as _

from kefu.notifications import register_kind

ASSIGNED_TO_YOU = "ticket.assigned_to_you"
OWNER_UPDATE = "ticket.owner_update"
DISPATCHED_TO_DEPARTMENT = "ticket.dispatched_to_department"
OWNERSHIP_MOVED = "ticket.first_responder_changed"


def register_kinds() -> None:
    group = _("工单")
    register_kind(ASSIGNED_TO_YOU, _("工单转给我处理"), group=group, mandatory=True)
    register_kind(DISPATCHED_TO_DEPARTMENT, _("工单转派到我的部门"), group=group, mandatory=True)
    register_kind(OWNERSHIP_MOVED, _("首问负责人移交给我或从我移出"), group=group, mandatory=True)
    register_kind(OWNER_UPDATE, _("我首问负责的工单被他人转派"), group=group)
