from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class QaConfig(AppConfig):
    name = "kefu.qa"
    label = "qa"
    verbose_name = gettext_lazy("质检")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_demo, register_nav, register_ticket_panel
        from kefu.tickets.signals import ticket_changed

        from . import demo, hooks, tasks  # noqa: F401  (tasks registers the background handlers)

        ticket_changed.connect(hooks.on_ticket_changed, dispatch_uid="qa_sync_ticket_conversation")
        # a Chinese msgid: the sidebar translates it when it renders
        register_nav(gettext_noop("质检"), "qa:home", allowed=policy.can_use_qa, order=40)
        register_demo(demo.demo_qa, order=70)
        hooks.register_history()
        register_ticket_panel("qa/_assist.html", hooks.assist_panel, order=90, placement="top")
