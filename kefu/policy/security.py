"""Accounts and security: tokens, two-factor, the audit log, personal-data requests."""

from django.conf import settings

from kefu.accounts.models import Role, User


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.role == Role.ADMIN or user.is_superuser))


def can_see_security_log(user: User) -> bool:
    return is_admin(user)


def can_have_tokens(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_manage_tokens_of(user: User, owner: User) -> bool:
    """Everyone manages their own tokens; admins manage everyone's."""
    return can_have_tokens(user) and (user.pk == owner.pk or is_admin(user))


def requires_two_factor(user: User) -> bool:
    """Roles named in KEFU_2FA_REQUIRED_ROLES (admin by default) must set up two-factor login."""
    if not user.is_authenticated:
        return False
    required = set(settings.KEFU_2FA_REQUIRED_ROLES)
    return user.role in required or (user.is_superuser and Role.ADMIN in required)


def can_use_two_factor(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)
