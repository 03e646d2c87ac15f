from django.utils.translation import gettext_noop

from kefu.notifications import register_kind

READY = "reports.ready"


def register_kinds() -> None:
    register_kind(READY, gettext_noop("定期报表已生成"))


register_kinds()
