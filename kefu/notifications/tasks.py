from datetime import timedelta

from django.utils import timezone

from .models import Notification


def purge_read_notifications(days: int = 90) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
