from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class OrgConfig(AppConfig):
    """In-app administration of users, teams and departments (组织管理), for admins, audited."""

    name = "kefu.org"
    label = "org"
    verbose_name = gettext_lazy("组织管理")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_nav

        register_nav(gettext_noop("用户与部门"), "org:users", allowed=policy.can_manage_org, order=95)
