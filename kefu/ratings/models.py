"""Agent star ratings (星级评定): the thresholds in force, period snapshots, supervisors' adjustments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoring import validate_config


class RatingConfig(models.Model):
    """One row: thresholds per measure (for 2-5 stars), minimum samples. Empty = the defaults in criteria.py."""

    thresholds = models.JSONField(_("门槛"), default=dict, blank=True,
                                  help_text=_('例如 {"resolution_rate": [0.6, 0.75, 0.85, 0.93]}'))
    min_samples = models.JSONField(_("各指标最小样本"), default=dict, blank=True)
    min_sample = models.PositiveIntegerField(_("最少处理工单数"), default=20)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("星级评定设置")
        verbose_name_plural = _("星级评定设置")

    def __str__(self) -> str:
        return str(_("星级评定设置"))

    def clean(self) -> None:
        errors = validate_config(self.as_dict())
        if errors:
            raise ValidationError({"thresholds": errors})

    def as_dict(self) -> dict:
        return {"thresholds": self.thresholds or {}, "min_samples": self.min_samples or {},
                "min_sample": self.min_sample}


class RatingSnapshot(models.Model):
    """The computed rating of one agent for one period, kept for history and trend; recomputed while
    the period is open (a closed period's snapshot is its record)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_snapshots")
    period = models.CharField(_("期间"), max_length=10)  # 2026-11, 2026-W45, 2026-Q4
    stars = models.PositiveSmallIntegerField(_("星级"), null=True)
    sample = models.PositiveIntegerField(_("样本量"), default=0)
    criteria = models.JSONField(default=list)  # [{"code","title","value","stars","measures":[...]}]
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["agent", "-period"]
        constraints = [models.UniqueConstraint(fields=["agent", "period"], name="one_snapshot_per_period")]
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")

    def __str__(self) -> str:
        return f"{self.agent} {self.period} {self.stars}"


class RatingAdjustment(models.Model):
    """A supervisor's change of an agent's stars, with the reason. Rows are never edited: the latest
    one for (agent, period) is in force, the earlier ones are its audit trail."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_adjustments")
    period = models.CharField(_("期间"), max_length=10)
    computed_stars = models.PositiveSmallIntegerField(_("计算星级"), null=True)
    stars = models.PositiveSmallIntegerField(_("调整后星级"))
    reason = models.TextField(_("调整原因"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("调整人"))
    created_at = models.DateTimeField(_("调整时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agent", "period", "-created_at"])]
        verbose_name = _("星级调整")
        verbose_name_plural = _("星级调整")

    def __str__(self) -> str:
        return f"{self.agent} {self.period} {self.computed_stars}->{self.stars}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("rating adjustments cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("rating adjustments cannot be deleted")
