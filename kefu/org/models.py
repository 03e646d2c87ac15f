from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgChange(models.Model):
    """Audit of every change made on the administration pages: who changed which user, team or
    department, how (create / update / deactivate ...), and the fields with old and new values."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                              verbose_name=_("操作人"))
    target_kind = models.CharField(_("对象类型"), max_length=20)  # user / team / department
    target_id = models.BigIntegerField()
    target_label = models.CharField(_("对象"), max_length=120)
    action = models.CharField(_("操作"), max_length=20)
    changes = models.JSONField(default=dict)  # {"field": [old, new]}
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("组织变更记录")
        verbose_name_plural = _("组织变更记录")

    def __str__(self) -> str:
        return f"{self.action} {self.target_kind}:{self.target_id}"
