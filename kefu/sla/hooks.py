"""What the SLA app plugs into the rest of Kefu: the ticket_changed receiver, the clock panel on
the work-order page, the calendar entry of the sidebar and the demo step."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu import policy
from kefu.accounts.models import User
from kefu.tickets.models import Ticket

from .clock import ClockState, Target
from .selectors import missing_year_warnings
from .services import clocks_recompute, clocks_recompute_open, clocks_start_new, state_of

# The pure core's clock.STATE_LABELS and derive.KIND_LABELS are Chinese only (they are stored text);
# pages show these, in the reader's language.
STATE_TEXT = {ClockState.RUNNING: gettext_lazy("计时中"), ClockState.PAUSED: gettext_lazy("已暂停"),
              ClockState.WARNING: gettext_lazy("即将超时"), ClockState.MET: gettext_lazy("已达标"),
              ClockState.BREACHED: gettext_lazy("已超时")}
KIND_TEXT = {"first_response": gettext_lazy("首次响应"), "next_response": gettext_lazy("后续响应"),
             "resolution": gettext_lazy("解决")}
# after a number ("2 working days"), where English wants lower case, unlike the unit select's "Working days"
UNIT_AFTER_NUMBER = {"business_hours": pgettext_lazy("after a number", "工作小时"),
                     "calendar_hours": pgettext_lazy("after a number", "自然小时"),
                     "working_days": pgettext_lazy("after a number", "工作日")}


def on_ticket_changed(sender: type, ticket: Ticket, created: bool = False, **kwargs: object) -> None:
    """Every change of a work order (reply, status, transfer ...) re-derives its clocks; a new order's
    clocks were started in its creating transaction (on_ticket_created)."""
    if not created:
        clocks_recompute(ticket=ticket)


def on_ticket_created(sender: type, ticket: Ticket, **kwargs: object) -> None:
    clocks_start_new(ticket=ticket)


def clocks_panel(ticket: Ticket, user: User, now: datetime | None = None) -> dict | None:
    now = now or timezone.now()
    rows = []
    for clock in ticket.sla_clocks.all():
        state = state_of(clock, now)
        rows.append({"clock": clock, "state": state, "state_label": STATE_TEXT[state],
                     # other apps' clocks (complaints) store a Chinese label that is also a msgid
                     "label": KIND_TEXT.get(clock.kind) or (_(clock.label) if clock.label else clock.kind),
                     "target": target_text(Target(clock.target_amount, clock.target_unit)),
                     "left": remaining_text((clock.due_at - now).total_seconds())})
    if not rows:
        return None
    return {"clock_rows": rows, "now": now, "any_provisional": any(r["clock"].provisional for r in rows)}


def target_text(target: Target) -> str:
    """'2 工作日' / '2 working days' (the pure core's own str() is Chinese only)."""
    amount = int(target.amount) if target.amount == int(target.amount) else target.amount
    return _("%(amount)s %(unit)s") % {"amount": amount, "unit": UNIT_AFTER_NUMBER[target.unit]}


def remaining_text(seconds: float) -> str:
    """'剩 2小时5分' / '已超时 1天3小时' for a countdown, in the reader's language."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        amount = _("%(days)s天%(hours)s小时") % {"days": days, "hours": hours}
    elif hours:
        amount = _("%(hours)s小时%(mins)s分") % {"hours": hours, "mins": mins}
    else:
        amount = _("%(mins)s分钟") % {"mins": mins}
    return _("剩 %(left)s") % {"left": amount} if seconds >= 0 else _("已超时 %(left)s") % {"left": amount}


def demo_recompute(*, people: dict, customers: list, rng: object, now: datetime) -> None:
    """Demo orders are created with back-dated timestamps; give every open one its real deadlines."""
    clocks_recompute_open(now=now)


def year_warning_banner(user: User, path: str) -> dict | None:
    """Administrators, who can enter the missing year, see on every page that deadlines reaching a year
    without holiday data are provisional; supervisors see it where deadlines are their business (the
    calendar pages and the department overview), not on every page of their day."""
    on_their_pages = path.startswith(("/calendars/", "/tickets/overview/"))
    if not policy.can_see_year_banner(user, on_calendar_pages=on_their_pages):
        return None
    warnings = missing_year_warnings(timezone.localdate())
    return {"warnings": warnings, "link": True} if warnings else None
