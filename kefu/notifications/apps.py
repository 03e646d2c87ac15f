from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class NotificationsConfig(AppConfig):
    name = "kefu.notifications"
    label = "notifications"
    verbose_name = gettext_lazy("通知")

    def ready(self) -> None:
        from kefu.core.extensions import register_context, register_housekeeping

        from .selectors import unread_count
        from .tasks import purge_read_notifications

        register_context(lambda user: {"unread_count": unread_count(user)})
        register_housekeeping(purge_read_notifications)
        gettext_noop("通知")
