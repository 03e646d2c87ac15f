from .models import Notification, Preference


def unread_count(user) -> int:
    return user.notifications.filter(read_at__isnull=True).count()


def recent(user, limit: int = 100):
    return Notification.objects.filter(user=user)[:limit]


def muted_kinds(user) -> set[str]:
    preference = Preference.objects.filter(user=user).first()
    return set(preference.muted) if preference else set()
