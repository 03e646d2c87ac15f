from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kefu.accounts"
    label = "accounts"
    verbose_name = _("人员与权限")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_context

        register_context(lambda user: {"can_use_admin_site": policy.can_use_admin_site(user)})
