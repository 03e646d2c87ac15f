from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class RatingsConfig(AppConfig):
    name = "kefu.ratings"
    label = "ratings"
    verbose_name = gettext_lazy("星级评定")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_nav

        register_nav(gettext_noop("星级评定"), "ratings:list", allowed=policy.can_see_ratings, order=65)
