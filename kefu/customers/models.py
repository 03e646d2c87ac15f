from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Salutation(models.TextChoices):
    MR = "mr", _("先生")
    MS = "ms", _("女士")
    NONE = "", _("未知")


class Customer(models.Model):
    """客户档案: a profile for every customer served (seed 002)."""

    name = models.CharField(_("姓名"), max_length=60)
    salutation = models.CharField(_("称谓"), max_length=4, choices=Salutation.choices, blank=True)
    phones = models.JSONField(_("电话"), default=list, blank=True)
    # Digits of every phone, space separated, so that a search by a part of a number is one LIKE.
    phones_index = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("邮箱"), blank=True)
    wechat_id = models.CharField(_("微信号"), max_length=60, blank=True)
    company = models.CharField(_("单位"), max_length=100, blank=True)
    department = models.CharField(_("部门"), max_length=60, blank=True)
    region = models.CharField(_("地区"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    vip_level = models.PositiveSmallIntegerField(_("VIP 等级"), default=0)
    notes = models.TextField(_("备注"), blank=True)
    intake = models.JSONField(_("十问"), default=dict, blank=True)
    # optimistic locking: a stale edit gets 409; db_default so rows written by older code still insert
    version = models.PositiveIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        indexes = [models.Index(fields=["name"]), models.Index(fields=["company"])]

    def __str__(self) -> str:
        return self.name

    @property
    def address_form(self) -> str:
        """姓+先生/女士 when the surname is known (seed 001 §2.3)."""
        if self.salutation and self.name:
            return self.name[0] + {"mr": "先生", "ms": "女士"}[self.salutation]
        return self.name

    @property
    def primary_phone(self) -> str:
        return self.phones[0] if self.phones else ""
