"""Account changes made anywhere (pages, the admin, the shell) are recorded, and end the user's tokens
when the password changes or the account is deactivated."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from kefu.accounts.services import tokens_revoke_all

from .audit import record
from .models import EventKind, TotpDevice
from .services import ROLE_SEEN, role_mark

WATCHED = ("password", "is_active", "role", "is_staff", "is_superuser", "can_view_personal_data", "department_id")
PERMISSION_FIELDS = ("is_staff", "is_superuser", "can_view_personal_data")


def _before(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        instance._kefu_before = None
        return
    instance._kefu_before = sender.objects.filter(pk=instance.pk).values(*WATCHED).first()


def _after(sender, instance, created: bool, **kwargs) -> None:
    before = getattr(instance, "_kefu_before", None)
    instance._kefu_before = None
    if created or before is None:
        return
    if before["password"] != instance.password:
        record(EventKind.PASSWORD_CHANGED, subject=instance)
        tokens_revoke_all(user=instance, reason="password_changed")
    if before["is_active"] and not instance.is_active:
        record(EventKind.USER_DEACTIVATED, subject=instance)
        tokens_revoke_all(user=instance, reason="deactivated")
    if before["role"] != instance.role:
        record(EventKind.ROLE_CHANGED, subject=instance, old=before["role"], new=instance.role)
    changed = {f: [before[f], getattr(instance, f)] for f in PERMISSION_FIELDS if before[f] != getattr(instance, f)}
    if changed:
        record(EventKind.PERMISSION_CHANGED, subject=instance, changes=changed)


def _groups_or_permissions(sender, instance, action: str, pk_set, model, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    User = get_user_model()
    if not isinstance(instance, User):
        return
    record(EventKind.PERMISSION_CHANGED, subject=instance,
           changes={model._meta.model_name: {"action": action.removeprefix("post_"), "ids": sorted(pk_set or [])}})


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(EventKind.LOGOUT, actor=user, subject=user, request=request)


def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[ROLE_SEEN] = role_mark(user)


def _device_deleted(sender, instance, **kwargs) -> None:
    if instance.confirmed_at is not None:
        record(EventKind.TOTP_DISABLED, subject=instance.user)


def connect() -> None:
    User = get_user_model()
    pre_save.connect(_before, sender=User, dispatch_uid="kefu.security.user_before")
    post_save.connect(_after, sender=User, dispatch_uid="kefu.security.user_after")
    m2m_changed.connect(_groups_or_permissions, sender=User.groups.through, dispatch_uid="kefu.security.groups")
    m2m_changed.connect(_groups_or_permissions, sender=User.user_permissions.through,
                        dispatch_uid="kefu.security.perms")
    post_delete.connect(_device_deleted, sender=TotpDevice, dispatch_uid="kefu.security.device_deleted")
    user_logged_out.connect(_logged_out, dispatch_uid="kefu.security.logout")
    user_logged_in.connect(_logged_in, dispatch_uid="kefu.security.login_role")
