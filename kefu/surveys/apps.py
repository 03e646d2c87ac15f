from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SurveysConfig(AppConfig):
    name = "kefu.surveys"
    label = "surveys"
    verbose_name = gettext_lazy("满意度调查")

    def ready(self) -> None:
        from kefu.core.extensions import register_ticket_panel
        from kefu.tickets.signals import ticket_changed

        from . import history, panels, receivers

        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="surveys.on_resolve")
        register_ticket_panel("surveys/_ticket_panel.html", panels.ticket_panel, order=40)
        history.register_codes()
