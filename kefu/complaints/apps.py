from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class ComplaintsConfig(AppConfig):
    name = "kefu.complaints"
    label = "complaints"
    verbose_name = gettext_lazy("投诉处理")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_demo, register_nav, register_ticket_panel

        from . import demo, history, notices, panels, visibility

        # Chinese msgids: the sidebar translates them when it renders
        register_nav(gettext_noop("投诉处理"), "complaints:list", allowed=policy.can_see_complaints, order=30)
        register_nav(gettext_noop("投诉分析"), "complaints:analysis", allowed=policy.can_see_complaint_analysis,
                     order=70)
        register_ticket_panel("complaints/_ticket_panel.html", panels.ticket_panel, order=5, placement="top")
        register_demo(demo.demo_complaints, order=60)
        history.register_history()
        notices.register_kinds()
        visibility.connect()
