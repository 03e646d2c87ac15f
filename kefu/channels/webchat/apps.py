from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class WebchatConfig(AppConfig):
    name = "kefu.channels.webchat"
    label = "webchat"
    verbose_name = gettext_lazy("网页在线客服")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_demo, register_nav

        from .demo import demo_channels

        register_nav(gettext_noop("在线客服"), "webchat:panel", allowed=policy.can_chat, order=15)
        register_demo(demo_channels, order=70)
