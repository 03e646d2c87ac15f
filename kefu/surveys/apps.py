from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class SurveysConfig(AppConfig):
    name = "kefu.surveys"
    label = "surveys"
    verbose_name = gettext_lazy("满意度调查")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_demo, register_nav, register_ticket_panel
        from kefu.notifications import register_kind
        from kefu.tickets.signals import ticket_changed

        from . import demo, history, panels, receivers

        ticket_changed.connect(receivers.on_ticket_changed, dispatch_uid="surveys.on_resolve")
        register_ticket_panel("surveys/_ticket_panel.html", panels.ticket_panel, order=40)
        history.register_codes()
        # Work waiting for the supervisor (seed 003: follow up an unhappy customer): cannot be muted.
        register_kind("survey.low_score", gettext_lazy("客户低分评价"), group=gettext_lazy("满意度调查"), mandatory=True)
        register_demo(demo.demo_surveys, order=70)
        register_nav(gettext_noop("满意度调查设置"), "surveys:manage", allowed=policy.can_manage_questionnaires, order=85)
