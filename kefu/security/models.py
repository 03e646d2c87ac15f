from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGIN_THROTTLED = "login_throttled", _("登录被限速")
    LOGOUT = "logout", _("退出登录")
    TOTP_ENABLED = "totp_enabled", _("启用两步验证")
    TOTP_DISABLED = "totp_disabled", _("停用两步验证")
    TOTP_FAILED = "totp_failed", _("两步验证码错误")
    TOTP_RESET = "totp_reset", _("重置两步验证")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    ROLE_CHANGED = "role_changed", _("角色变更")
    PERMISSION_CHANGED = "permission_changed", _("权限变更")
    USER_DEACTIVATED = "user_deactivated", _("停用账号")
    TOKEN_CREATED = "token_created", _("创建 API 令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销 API 令牌")
    TOKEN_FAILED = "token_failed", _("无效的 API 令牌")
    PERSONAL_DATA_READ = "personal_data_read", _("查看未掩码个人信息")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("导出个人信息")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("删除个人信息")


class SecurityEvent(models.Model):
    """安全审计日志: who did what to whose account, when, from which address. Rows are never edited."""

    kind = models.CharField(_("事件"), max_length=40, choices=EventKind.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("对象账号"))
    username = models.CharField(_("用户名"), max_length=150, blank=True)  # as typed, for failed logins
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")

    def __str__(self) -> str:
        return f"{self.kind} {self.username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("security events cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("security events cannot be deleted")


class TotpDevice(models.Model):
    """A staff member's authenticator app (RFC 6238). Confirmed once a first code was entered."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step accepted: a code seen once cannot be replayed within its 30 s window.
    last_counter = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by an admin's reset (a lost phone): the user sets up a new authenticator at the next sign-in,
    # whatever their role; cleared when they confirm it.
    enrol_required = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("两步验证设备")
        verbose_name_plural = _("两步验证设备")

    def __str__(self) -> str:
        return str(self.user)


class PrivacyKind(models.TextChoices):
    EXPORT = "export", _("导出个人信息")
    ERASE = "erase", _("删除个人信息")


class PrivacyState(models.TextChoices):
    PENDING = "pending", _("待审批")  # filed by staff on the customer's request
    APPROVED = "approved", _("已批准")  # export: the files can be downloaded
    REJECTED = "rejected", _("已驳回")
    DONE = "done", _("已完成")  # erase: personal data anonymised


class PrivacyRequest(models.Model):
    """个人信息请求 (PIPL): a customer asks for a copy of, or the deletion of, their personal data.

    Staff file it; a supervisor (or admin) other than the filer approves; approval of an erasure
    anonymises the customer at once, keeping work orders, statistics and the audit."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="privacy_requests")
    kind = models.CharField(_("类型"), max_length=10, choices=PrivacyKind.choices)
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=PrivacyState.choices, default=PrivacyState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("个人信息请求")
        verbose_name_plural = _("个人信息请求")

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id}"


class Counter(models.Model):
    """A throttle counter (failed logins, API requests in a window) shared by every web process.

    `kefu serve` runs several processes; without Redis their caches are private, so an attacker
    would get one allowance per process. Rows expire (`expires`, epoch seconds) and are purged nightly."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.IntegerField(default=0)
    last = models.FloatField(default=0)  # epoch seconds of the last increment
    expires = models.FloatField(db_index=True)

    class Meta:
        verbose_name = _("限速计数")
        verbose_name_plural = _("限速计数")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
