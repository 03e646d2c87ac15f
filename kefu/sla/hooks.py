"""What the SLA app plugs into the rest of Kefu: the ticket_changed receiver, the clock panel on
the work-order page, the calendar entry of the sidebar and the demo step."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.tickets.models import Ticket

from .clock import STATE_LABELS, Target
from .selectors import missing_year_warnings
from .services import clocks_recompute, clocks_recompute_open, state_of


def on_ticket_changed(sender: type, ticket: Ticket, **kwargs: object) -> None:
    """Every change of a work order (reply, status, transfer ...) re-derives its clocks."""
    clocks_recompute(ticket=ticket)


def can_see_calendars(user: User) -> bool:
    return user.is_authenticated and (user.role in {Role.ADMIN, Role.SUPERVISOR} or user.is_superuser)


def clocks_panel(ticket: Ticket, user: User, now: datetime | None = None) -> dict | None:
    now = now or timezone.now()
    rows = []
    for clock in ticket.sla_clocks.all():
        state = state_of(clock, now)
        rows.append({"clock": clock, "state": state, "state_label": STATE_LABELS[state],
                     "target": Target(clock.target_amount, clock.target_unit),
                     "left": remaining_text((clock.due_at - now).total_seconds())})
    if not rows:
        return None
    return {"clock_rows": rows, "now": now, "any_provisional": any(r["clock"].provisional for r in rows)}


def remaining_text(seconds: float) -> str:
    """'剩 2小时5分' / '已超时 1天3小时' for a countdown."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    amount = f"{days}天{hours}小时" if days else f"{hours}小时{mins}分" if hours else f"{mins}分钟"
    return f"剩 {amount}" if seconds >= 0 else f"已超时 {amount}"


def demo_recompute(*, people: dict, customers: list, rng: object, now: datetime) -> None:
    """Demo orders are created with back-dated timestamps; give every open one its real deadlines."""
    clocks_recompute_open(now=now)


def year_warning_banner(user) -> dict | None:
    """Administrators and supervisors see, on every page, that deadlines of a year without data are provisional."""
    if user.role not in {Role.ADMIN, Role.SUPERVISOR}:
        return None
    warnings = missing_year_warnings(timezone.localdate())
    return {"warnings": warnings, "link": True} if warnings else None
