from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class EmailChannelConfig(AppConfig):
    name = "kefu.channels.email"
    label = "mail"
    verbose_name = gettext_lazy("邮件渠道")

    def ready(self) -> None:
        from kefu.core.extensions import register_message_badges, register_ticket_panel
        from kefu.tickets.signals import message_added

        from . import outbound, panels

        message_added.connect(outbound.on_message_added, dispatch_uid="mail.outbound")
        register_ticket_panel("mail/_ticket_panel.html", panels.ticket_panel, order=8, placement="sidebar")
        register_message_badges(panels.delivery_badges)
        _name_history_events()


def _name_history_events() -> None:
    from django.utils.translation import pgettext_lazy

    from kefu.tickets import events

    events.register("mail.sent", title=pgettext_lazy("history", "邮件已发送"), note=lambda p: p.get("to", ""))
    events.register("mail.failed", title=pgettext_lazy("history", "邮件发送失败"),
                    note=lambda p: f"{p.get('to', '')} {p.get('reason', '')}".strip())
