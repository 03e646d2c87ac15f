from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kefu.customers.intake import INTAKE_FIELDS

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination keeps the filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def _remaining(delta_seconds: float) -> str:
    minutes = int(abs(delta_seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{mins}分"
    return f"{mins}分钟"


@register.simple_tag
def due_badge(ticket, now=None, warning_share: float = 0.2):
    """Countdown to the due time: red when breached, amber in the last share of the time."""
    due = getattr(ticket, "due_at", None)
    if due is None:
        return mark_safe('<span class="muted">—</span>')
    now = now or timezone.now()
    left = (due - now).total_seconds()
    if not ticket.is_active:
        return format_html('<span class="muted">{}</span>', timezone.localtime(due).strftime("%m-%d %H:%M"))
    total = max((due - ticket.created_at).total_seconds(), 1)
    if left < 0:
        css, text = "due breached", f"已超时 {_remaining(left)}"
    elif left / total < warning_share:
        css, text = "due warning", f"剩 {_remaining(left)}"
    else:
        css, text = "due ok", f"剩 {_remaining(left)}"
    return format_html('<span class="{}" title="{}" data-due="{}">{}</span>', css,
                       timezone.localtime(due).strftime("%Y-%m-%d %H:%M"), due.isoformat(), text)


ACTION_LABELS = {
    "created": "创建", "field_changed": "修改", "status_changed": "状态变更", "reopened": "重新打开",
    "assigned": "指派", "transferred": "转班组", "dispatched": "转责任部门", "first_responder_changed": "移交首问负责人",
    "replied": "回复客户", "noted": "内部备注", "customer_message": "客户来信", "linked": "关联", "merged": "被合并",
    "merged_from": "合并入",
}
FIELD_LABELS = {
    "status": "状态", "assignee": "处理人", "team": "班组", "dispatched_to": "责任部门", "subject": "主题",
    "type": "类型", "channel": "渠道", "priority": "优先级", "tags": "标签", "intake": "十问",
    "first_responder": "首问负责人", "related": "关联工单", "merged_into": "合并到", "account_manager": "招商经理",
}


@register.filter
def action_label(value: str) -> str:
    return ACTION_LABELS.get(value, value)


@register.filter
def field_label(value: str) -> str:
    return FIELD_LABELS.get(value, value)


@register.filter
def intake_label(key: str) -> str:
    return str(dict(INTAKE_FIELDS).get(key, key))


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, key)
