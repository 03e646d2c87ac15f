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
    email = models.EmailField(_("邮箱"), blank=True, db_index=True)  # stored lower-case
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
    # Set when this record was merged into another: it keeps its id (old links still resolve) but
    # holds nothing any more and is left out of lists, searches and duplicate checks.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("已合并到"))

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


class CustomerPhone(models.Model):
    """One row per phone of a customer, digits only: the indexed look-up behind duplicate checks and
    search by number (a LIKE over the joined digits cannot use an index). Kept in step by a signal."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phone_rows")
    number = models.CharField(max_length=24, db_index=True)

    def __str__(self) -> str:
        return self.number


class CustomerMerge(models.Model):
    """Audit of a merge: which record went into which, who did it, what moved, and the merged record's
    data as it was (so nothing of it is lost)."""

    source = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("被合并客户"))
    target = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="merges",
                               verbose_name=_("保留客户"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("合并时间"))
    source_data = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)  # {"tickets.Ticket.customer": 3, ...}

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"
