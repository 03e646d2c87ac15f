from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhrasesConfig(AppConfig):
    name = "kefu.phrases"
    label = "phrases"
    verbose_name = _("规范用语")

    def ready(self) -> None:
        from kefu import policy
        from kefu.core.extensions import register_context

        register_context(lambda user: {"can_manage_phrases": policy.can_manage_phrases(user)})
