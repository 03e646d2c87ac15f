from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class SecurityConfig(AppConfig):
    name = "kefu.security"
    label = "security"
    verbose_name = gettext_lazy("安全")

    def ready(self) -> None:
        from kefu.core.extensions import register_housekeeping, register_nav

        from . import counters, signals, views

        signals.connect()
        register_housekeeping(counters.purge_expired)
        register_nav(gettext_noop("两步验证"), "security:two_factor", allowed=views.can_manage_own_tokens, order=89)
        register_nav(gettext_noop("API 令牌"), "security:tokens", allowed=views.can_manage_own_tokens, order=90)
        register_nav(gettext_noop("个人信息请求"), "security:privacy", allowed=views.can_see_privacy, order=92)
        register_nav(gettext_noop("安全日志"), "security:audit", allowed=views.can_see_audit, order=91)
