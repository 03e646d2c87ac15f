from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = gettext_lazy("统计报表")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_nav

        from . import notices, tasks  # noqa: F401  (registers the notice kind and the job handlers)

        # Chinese msgids: the sidebar translates them when it renders
        register_nav(gettext_noop("统计报表"), "reports:dashboard", allowed=policy.can_see_reports, order=65)
        register_nav(gettext_noop("大屏"), "reports:wall", allowed=policy.can_see_department_reports, order=66)
