"""Kinds of notice the complaint flow sends, and who hears of a step."""

from django.utils.translation import gettext_lazy as _

from kefu.notifications import register_kind

from .models import FINAL_STATES, ComplaintState

TASK = "complaint.task"  # a step now waits for you (handling order, approval, implementation, summary)
PROGRESS = "complaint.progress"  # a complaint you are first responder for needs customer service again

# States in which customer service (the first responder's desk) acts next, plus the ends of the flow.
SERVICE_NEXT = {ComplaintState.RECEIVED, ComplaintState.RECORDED, ComplaintState.APPROVED, ComplaintState.REPORTED,
                ComplaintState.RECEIPTED, *FINAL_STATES}


def register_kinds() -> None:
    group = _("投诉处理")
    register_kind(TASK, _("需要我处理的投诉步骤"), group=group, mandatory=True)
    register_kind(PROGRESS, _("我首问负责的投诉轮到客服处理或已结束"), group=group)
