from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = _("客户档案")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kefu.core.extensions import register_history_labels

        from .models import Customer
        from .services import customer_sync_phones

        def sync(sender, instance, raw: bool = False, **kwargs) -> None:
            if not raw:
                customer_sync_phones(instance)

        post_save.connect(sync, sender=Customer, dispatch_uid="kefu.customers.phones", weak=False)
        register_history_labels(actions={"customer_merged": _("客户合并")}, fields={"customer": _("客户")})
