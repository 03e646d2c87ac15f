"""Accounts and security: tokens, two-factor, the audit log, personal-data requests."""

from django.conf import settings
from django.db.models import Q

from kefu.accounts.models import Role, User
from kefu.policy.customers import can_view_customer, can_view_personal_data, visible_customers


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


def can_reset_two_factor(user: User, target: User) -> bool:
    """Admins reset someone else's two-factor login (a lost phone); their own goes through the page."""
    return is_admin(user) and user.pk != target.pk


def can_use_two_factor(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_file_privacy_request(user: User, customer) -> bool:
    """Staff who may see the customer's personal data file a customer's PIPL request."""
    return (user.is_authenticated and user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}
            and can_view_personal_data(user) and can_view_customer(user, customer))


def can_decide_privacy_request(user: User, request) -> bool:
    """A supervisor who sees the customer (or an admin) approves, never the person who filed it."""
    if not user.is_authenticated or user.pk == request.requested_by_id:
        return False
    return is_admin(user) or (user.role == Role.SUPERVISOR and can_view_customer(user, request.customer))


def can_see_privacy_requests(user: User) -> bool:
    """The 个人信息请求 pages: supervisors and admins."""
    return user.is_authenticated and user.role in {Role.SUPERVISOR, Role.ADMIN}


def privacy_request_scope(user: User) -> Q:
    """Requests on the list: admins all; supervisors those of customers they see; others their own of those."""
    if is_admin(user):
        return Q()
    scope = Q(customer__in=visible_customers(user).values("pk"))
    if user.role != Role.SUPERVISOR:
        scope &= Q(requested_by=user)
    return scope


def grants_mark(user: User) -> str:
    """What the user's role grants, as a short string kept in the session at sign-in: when it changes
    (a promotion mid-session), what the user must do (two-factor) is decided again on the next request."""
    return f"{user.role}:{int(user.is_superuser)}"
