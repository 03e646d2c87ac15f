from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class SurveysConfig(AppConfig):
    name = "kefu.surveys"
    label = "surveys"
    verbose_name = gettext_lazy("满意度调查")

    def ready(self) -> None:
        from kefu.core.extensions import register_history_labels, register_ticket_panel
        from kefu.tickets.signals import ticket_changed

        from . import panels, receivers

        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="surveys.on_resolve")
        register_ticket_panel("surveys/_ticket_panel.html", panels.ticket_panel, order=40)
        register_history_labels(actions={"survey_sent": gettext_lazy("发送满意度调查"),
                                         "survey_answered": gettext_lazy("客户提交满意度调查")},
                                fields={"survey": gettext_lazy("满意度调查")})
