from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = _("客户档案")

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from django.utils.translation import pgettext_lazy

        from kefu.tickets import events

        from .models import Customer
        from .services import customer_sync_phones

        def sync(sender, instance, raw: bool = False, **kwargs) -> None:
            if not raw:
                customer_sync_phones(instance)

        post_save.connect(sync, sender=Customer, dispatch_uid="kefu.customers.phones", weak=False)
        events.register("customer.merged", title=pgettext_lazy("history", "客户合并"), field=_("客户"))
