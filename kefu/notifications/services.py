"""Sending notices and keeping preferences. notify() is called inside the caller's transaction."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.core.errors import DomainError

from .kinds import KINDS, mutable
from .models import Notification, Preference
from .signals import notified


@dataclass(frozen=True)
class Notice:
    """One message for some users (see notify); notify_many sends many of them at once."""

    users: Iterable
    text: str
    url: str = ""
    dedupe_key: str = ""
    kind: str = ""


def notify(*, users: Iterable, text: str, url: str = "", dedupe_key: str = "", kind: str = "") -> int:
    """Notifies each distinct active user once, unless they muted this kind; with a dedupe_key, a user
    already told is skipped. Returns how many notices were created."""
    return notify_many([Notice(users, text, url, dedupe_key, kind)])


def notify_many(notices: Iterable[Notice]) -> int:
    """notify() for many notices in a fixed number of queries (the 5-minute SLA alert task tells
    hundreds of people at once): preferences read once, already-sent dedupe keys found in one query, the
    new rows inserted together. Returns how many notices were created."""
    rows: dict[tuple, Notification] = {}
    recipients = {}
    for notice in notices:
        for user in notice.users:
            if user is None or not user.is_active:
                continue
            recipients[user.pk] = user
            # Without a dedupe key the same user is still told once per notice (not per duplicate in users).
            once = (user.pk, notice.dedupe_key or id(notice))
            rows.setdefault(once, Notification(user_id=user.pk, kind=notice.kind, text=notice.text[:300],
                                               url=notice.url, dedupe_key=notice.dedupe_key))
    if not rows:
        return 0
    if any(mutable(row.kind) for row in rows.values() if row.kind):
        muted = {p.user_id: set(p.muted) for p in Preference.objects.filter(user_id__in=recipients)}
        rows = {k: row for k, row in rows.items()
                if not mutable(row.kind) or row.kind not in muted.get(row.user_id, ())}
    keys = {row.dedupe_key for row in rows.values() if row.dedupe_key}
    if keys:
        sent = set(Notification.objects.filter(dedupe_key__in=keys, user_id__in=recipients)
                   .values_list("user_id", "dedupe_key"))
        rows = {k: row for k, row in rows.items() if (row.user_id, row.dedupe_key) not in sent}
    created = _insert(list(rows.values()))
    if created:
        notified.send(sender=Notification, notices=created)
    if getattr(settings, "KEFU_NOTIFY_EMAIL", False):
        for row in created:
            user = recipients[row.user_id]
            if user.email:
                send_mail(row.text[:80], f"{row.text}\n{settings.KEFU_SITE_URL}{row.url}", None, [user.email],
                          fail_silently=True)
    return len(created)


def _insert(rows: list[Notification]) -> list[Notification]:
    """All rows in one INSERT; if another process sent one of them meanwhile (the unique dedupe key
    refuses it), row by row, skipping those already there."""
    try:
        with transaction.atomic():
            Notification.objects.bulk_create(rows, batch_size=500)
        return rows
    except IntegrityError:
        pass
    created = []
    for row in rows:
        try:
            with transaction.atomic():
                row.pk = None
                row.save(force_insert=True)
        except IntegrityError:
            continue  # already sent
        created.append(row)
    return created


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
