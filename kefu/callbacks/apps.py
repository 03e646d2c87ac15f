from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class CallbacksConfig(AppConfig):
    name = "kefu.callbacks"
    label = "callbacks"
    verbose_name = gettext_lazy("回访")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_demo, register_nav, register_ticket_panel
        from kefu.surveys.hooks import on_low_score

        from . import demo, history, panels, receivers

        history.register_codes()
        on_low_score(receivers.on_low_score)
        register_demo(demo.demo_callbacks, order=80)
        register_ticket_panel("callbacks/_ticket_panel.html", panels.ticket_panel, order=45)
        register_nav(gettext_noop("我的回访"), "callbacks:mine", allowed=policy.can_work_callbacks, order=35)
        register_nav(gettext_noop("回访计划"), "callbacks:campaigns", allowed=policy.can_manage_campaigns, order=86)
