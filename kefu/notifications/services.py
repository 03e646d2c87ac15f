"""Sending notices and keeping preferences. notify() is called inside the caller's transaction."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.core.errors import DomainError

from .kinds import KINDS, mutable
from .models import Notification, Preference


def notify(*, users: Iterable, text: str, url: str = "", dedupe_key: str = "", kind: str = "") -> int:
    """Notifies each distinct active user once, unless they muted this kind; with a dedupe_key, a user
    already told is skipped. Returns how many notices were created."""
    people = {}
    for user in users:
        if user is not None and user.is_active:
            people.setdefault(user.pk, user)
    if kind and mutable(kind):
        muted = {p.user_id for p in Preference.objects.filter(user_id__in=people) if kind in p.muted}
        people = {pk: user for pk, user in people.items() if pk not in muted}
    sent = 0
    for user in people.values():
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, kind=kind, text=text[:300], url=url, dedupe_key=dedupe_key)
        except IntegrityError:
            continue  # already sent
        sent += 1
        if user.email and getattr(settings, "KEFU_NOTIFY_EMAIL", False):
            send_mail(text[:80], f"{text}\n{settings.KEFU_SITE_URL}{url}", None, [user.email], fail_silently=True)
    return sent


@transaction.atomic
def preference_set(*, user, muted: Iterable[str]) -> Preference:
    """Stores the kinds the user does not want; unknown or mandatory kinds are refused by name."""
    muted = sorted(set(muted))
    for code in muted:
        if code not in KINDS:
            raise DomainError(f"未知的通知类型：{code}", field="muted")
        if not mutable(code):
            raise DomainError(f"「{KINDS[code].label}」是待您处理的工作，不能关闭", field="muted")
    preference, _created = Preference.objects.get_or_create(user=user)
    preference.muted = muted
    preference.save(update_fields=["muted"])
    return preference


def notifications_mark_read(*, user) -> int:
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
