"""Sending in-app notifications (and e-mail when configured)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from .models import Notification


def notify(*, users: Iterable, text: str, url: str = "", dedupe_key: str = "") -> int:
    """Notifies each distinct user once; with a dedupe_key, a user already told is skipped."""
    sent = 0
    seen = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, text=text[:300], url=url, dedupe_key=dedupe_key)
        except IntegrityError:
            continue  # already sent
        sent += 1
        if user.email and getattr(settings, "KEFU_NOTIFY_EMAIL", False):
            send_mail(text[:80], f"{text}\n{settings.KEFU_SITE_URL}{url}", None, [user.email], fail_silently=True)
    return sent
