from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.core.errors import DomainError
from kefu.security.audit import record
from kefu.security.models import EventKind

from .models import ApiToken, Department, Role, Team, User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    department: Department | None = None,
    team: Team | None = None,
    email: str = "",
) -> User:
    if role not in Role.values:
        raise DomainError(f"未知角色：{role}", field="role")
    if User.objects.filter(username=username).exists():
        raise DomainError(f"用户名已存在：{username}", field="username")
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        department=department,
        team=team,
        email=email,
        can_view_personal_data=policy.sees_personal_data_by_default(role),
        is_staff=policy.grants_admin_site(role),
        is_superuser=policy.grants_admin_site(role),
    )
    user.set_password(password)
    user.save()
    return user


def token_create(*, user: User, name: str = "", days: int | None = -1, by: User | None = None) -> str:
    """Creates a token and returns the raw value; it cannot be read back later.

    days: lifetime in days; -1 means the installation's default (KEFU_TOKEN_DAYS); None means no expiry.
    """
    if days == -1:
        days = settings.KEFU_TOKEN_DAYS or None
    if days is not None and not 1 <= int(days) <= 3650:
        raise DomainError("有效期应在 1 到 3650 天之间", field="days")
    if len(name or "") > 60:
        raise DomainError("名称不能超过 60 字", field="name")
    raw = ApiToken.generate()
    expires_at = timezone.now() + timedelta(days=int(days)) if days else None
    token = ApiToken.objects.create(user=user, name=name or "", prefix=raw[5:13], digest=ApiToken.hash(raw),
                                    expires_at=expires_at)
    record(EventKind.TOKEN_CREATED, actor=by, subject=user, token=token.prefix, name=token.name,
           expires_at=expires_at.isoformat() if expires_at else None)
    return raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User | None, reason: str = "revoked") -> ApiToken:
    if token.revoked:
        raise DomainError("令牌已吊销", field="token")
    token.revoked, token.revoked_at, token.revoked_reason = True, timezone.now(), reason
    token.save(update_fields=["revoked", "revoked_at", "revoked_reason"])
    record(EventKind.TOKEN_REVOKED, actor=by, subject=token.user, token=token.prefix, reason=reason)
    return token


def tokens_revoke_all(*, user: User, reason: str) -> int:
    """A password change or a deactivation ends every token of the account."""
    return ApiToken.objects.filter(user=user, revoked=False).update(
        revoked=True, revoked_at=timezone.now(), revoked_reason=reason)


def token_user(raw: str) -> User | None:
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__department", "user__team")
        .filter(digest=ApiToken.hash(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None or token.is_expired(now):
        return None
    # Once a minute is enough to say when a token was last used, and saves a write per request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user.api_token = token
    return token.user
