import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("客服专员")
    SUPERVISOR = "supervisor", _("客服主管")
    QA = "qa", _("质检员")
    HANDLER = "handler", _("责任部门处理人")
    ADMIN = "admin", _("管理员")


class DepartmentKind(models.TextChoices):
    SERVICE = "service", _("客服部门")
    RESPONSIBLE = "responsible", _("责任部门")


class Department(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.RESPONSIBLE)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("名称"), max_length=60)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="teams", verbose_name=_("部门"))
    # The working-day calendar of the team's SLA clocks (a 7x24 hotline vs an office team); None = default.
    calendar = models.ForeignKey("sla.Calendar", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="teams", verbose_name=_("工作日历"))
    # A retired team is deactivated, never deleted: its orders, QA results and history keep naming it;
    # pickers hide it and nothing new is assigned to it.
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["department__name", "name"]
        unique_together = [("department", "name")]
        verbose_name = _("班组")
        verbose_name_plural = _("班组")

    def __str__(self) -> str:
        return f"{self.department.name} / {self.name}"


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.AGENT)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("部门")
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("班组")
    )
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    can_view_personal_data = models.BooleanField(
        _("可查看客户个人信息"), default=False, help_text=_("不勾选时客户电话等信息以掩码显示。")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for integrations; only its SHA-256 is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # No expiry when empty (only an admin may create such a token).
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Why: "revoked" by a person, "password_changed", "deactivated".
    revoked_reason = models.CharField(max_length=30, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "kefu_" + secrets.token_urlsafe(32)
