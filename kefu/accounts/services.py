from django.db import transaction
from django.utils import timezone

from kefu.core.errors import DomainError

from .models import PERSONAL_DATA_ROLES, ApiToken, Department, Role, Team, User


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
        can_view_personal_data=role in PERSONAL_DATA_ROLES,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.save()
    return user


def token_create(*, user: User, name: str = "") -> str:
    """Creates a token and returns the raw value; it cannot be read back later."""
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, prefix=raw[5:13], digest=ApiToken.hash(raw))
    return raw


def token_user(raw: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__department", "user__team")
        .filter(digest=ApiToken.hash(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
