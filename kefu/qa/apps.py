from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class QaConfig(AppConfig):
    name = "kefu.qa"
    label = "qa"
    verbose_name = gettext_lazy("质检")

    def ready(self) -> None:
        from kefu.tickets.signals import ticket_changed

        from . import hooks, tasks  # noqa: F401  (tasks registers the background handlers)

        ticket_changed.connect(hooks.on_ticket_changed, dispatch_uid="qa_sync_ticket_conversation")
