from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class LiveConfig(AppConfig):
    name = "kefu.live"
    label = "live"
    verbose_name = gettext_lazy("实时推送")

    def ready(self) -> None:
        from . import hooks

        hooks.connect()
