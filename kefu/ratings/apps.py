from django.apps import AppConfig
from django.utils.translation import gettext_lazy, gettext_noop


class RatingsConfig(AppConfig):
    name = "kefu.ratings"
    label = "ratings"
    verbose_name = gettext_lazy("星级评定")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_nav
        from kefu.notifications import register_kind

        register_nav(gettext_noop("星级评定"), "ratings:list", allowed=policy.can_see_ratings, order=65)
        # A change of the stars that decide pay and promotion (seed 004) is always told: cannot be muted.
        register_kind("rating.adjusted", gettext_lazy("主管调整了我的星级"), group=gettext_lazy("星级评定"),
                      mandatory=True)
