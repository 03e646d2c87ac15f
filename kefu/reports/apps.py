from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = gettext_lazy("统计报表")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_init

        from kefu import policy
        from kefu.core.extensions import register_nav
        from kefu.sla.signals import calendar_days_changed, clocks_recomputed
        from kefu.tickets.models import Ticket
        from kefu.tickets.signals import ticket_changed

        from . import notices, rollup, tasks, worktime  # noqa: F401  (registers the notice kind and the jobs)

        # The day rollup hears every order change after the SLA clocks were re-derived (kefu.sla is
        # installed before kefu.reports, so its receiver runs first).
        ticket_changed.connect(rollup.on_ticket_changed, dispatch_uid="reports.rollup_changed")
        post_delete.connect(rollup.on_ticket_deleted, sender=Ticket, dispatch_uid="reports.rollup_deleted")
        post_init.connect(rollup.on_ticket_loaded, sender=Ticket, dispatch_uid="reports.rollup_loaded")
        # Calendar and policy edits: the clocks they moved and the working times they change.
        clocks_recomputed.connect(rollup.on_clocks_recomputed, dispatch_uid="reports.rollup_recomputed")
        calendar_days_changed.connect(worktime.on_calendar_days_changed, dispatch_uid="reports.worktime_calendar")

        # Chinese msgids: the sidebar translates them when it renders
        register_nav(gettext_noop("统计报表"), "reports:dashboard", allowed=policy.can_see_reports, order=65)
        register_nav(gettext_noop("大屏"), "reports:wall", allowed=policy.can_see_department_reports, order=66)
