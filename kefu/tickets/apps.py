from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    label = "tickets"
    verbose_name = _("工单")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_context

        from . import notices

        register_context(lambda user: {"can_see_overview": policy.can_see_overview(user),
                                       "can_create_ticket": policy.can_create_ticket(user)})
        notices.register_kinds()
