from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = gettext_lazy("工作日历与 SLA")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_banner, register_demo, register_nav, register_ticket_panel
        from kefu.tickets.signals import ticket_changed, ticket_created

        from . import hooks

        ticket_changed.connect(hooks.on_ticket_changed, dispatch_uid="sla_recompute_clocks")
        ticket_created.connect(hooks.on_ticket_created, dispatch_uid="sla_start_clocks")
        # a Chinese msgid: the sidebar translates it when it renders
        register_nav(gettext_noop("工作日历与SLA"), "sla:calendar_list", allowed=policy.can_see_calendars, order=80)
        register_ticket_panel("sla/_ticket_clocks.html", hooks.clocks_panel, order=10, placement="sidebar")
        register_demo(hooks.demo_recompute, order=90)
        register_banner("sla/_year_warnings.html", hooks.year_warning_banner)
        _notice_kinds()


def _notice_kinds() -> None:
    from kefu.notifications import register_kind

    group = gettext_lazy("超时预警")
    register_kind("sla.warning", gettext_lazy("我的工单即将超时"), group=group)
    register_kind("sla.breached", gettext_lazy("我的工单已超时"), group=group, mandatory=True)
