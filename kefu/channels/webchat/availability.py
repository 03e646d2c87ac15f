"""Is the service open now? Business hours come from the working-day calendar (make-up working days and
holidays included); someone must also be online to take the chat."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from kefu.accounts.models import Department, User
from kefu.sla.calendars import default_calendar, work_calendar

from .models import AgentPresence, ChatSettings

PRESENCE_TTL = timedelta(seconds=90)  # the panel beats every 30 s; three missed beats mean gone


@dataclass(frozen=True)
class Availability:
    open: bool
    reason: str  # "" when open, else "disabled", "hours" or "nobody"


def chat_settings(department: Department) -> ChatSettings | None:
    return ChatSettings.objects.filter(department=department).select_related("calendar", "owner").first()


def in_business_hours(settings_row: ChatSettings, now: datetime | None = None) -> bool:
    calendar = settings_row.calendar or default_calendar()
    local = timezone.localtime(now or timezone.now())
    periods = work_calendar(calendar).periods_on(local.date())
    return any(period.start <= local.time() < period.end for period in periods)


def online_agents(department: Department, now: datetime | None = None) -> list[User]:
    since = (now or timezone.now()) - PRESENCE_TTL
    return [p.user for p in AgentPresence.objects.filter(
        online=True, seen_at__gte=since, user__department=department, user__is_active=True).select_related("user")]


def availability(department: Department, now: datetime | None = None) -> Availability:
    row = chat_settings(department)
    if row is None or not row.is_enabled:
        return Availability(False, "disabled")
    if not in_business_hours(row, now):
        return Availability(False, "hours")
    if not online_agents(department, now):
        return Availability(False, "nobody")
    return Availability(True, "")


def presence_set(*, user: User, online: bool) -> AgentPresence:
    presence, _created = AgentPresence.objects.update_or_create(
        user=user, defaults={"online": online, "seen_at": timezone.now()})
    return presence
