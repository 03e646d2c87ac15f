"""Work-order template tags: the due badge and the intake labels ({% load tickets %})."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kefu.customers.intake import INTAKE_FIELDS

register = template.Library()


def _remaining(delta_seconds: float) -> str:
    minutes = int(abs(delta_seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)s天%(hours)s小时") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s小时%(mins)s分") % {"hours": hours, "mins": mins}
    return _("%(mins)s分钟") % {"mins": mins}


@register.simple_tag
def due_badge(ticket, now=None):
    """Countdown to the due time of the order's earliest SLA clock: red when breached, amber from the
    clock's own warning time (its warning share of the target), with 暂定 when the calendar lacked a year."""
    due = getattr(ticket, "due_at", None)
    if due is None:
        return mark_safe('<span class="muted">—</span>')
    now = now or timezone.now()
    left = (due - now).total_seconds()
    if not ticket.is_active:
        return format_html('<span class="muted">{}</span>', timezone.localtime(due).strftime("%m-%d %H:%M"))
    warning_at = getattr(ticket, "due_warning_at", None)
    if getattr(ticket, "due_paused", False):  # the SLA clock says so (e.g. waiting on the customer)
        return format_html('<span class="due paused" title="{}">{}</span>', _("等待客户，计时暂停"), _("已暂停"))
    if left < 0:
        css, text = "due breached", _("已超时 %(left)s") % {"left": _remaining(left)}
    elif warning_at is not None and now >= warning_at:
        css, text = "due warning", _("剩 %(left)s") % {"left": _remaining(left)}
    else:
        css, text = "due ok", _("剩 %(left)s") % {"left": _remaining(left)}
    if getattr(ticket, "due_provisional", False):
        text = _("%(text)s（暂定）") % {"text": text}
    return format_html('<span class="{}" title="{}" data-due="{}">{}</span>', css,
                       timezone.localtime(due).strftime("%Y-%m-%d %H:%M"), due.isoformat(), text)


@register.filter
def intake_label(key: str) -> str:
    return str(dict(INTAKE_FIELDS).get(key, key))
