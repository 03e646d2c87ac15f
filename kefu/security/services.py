"""Two-factor state changed by someone else: an admin's reset (a lost phone), a promotion mid-session."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User

from . import totp
from .audit import record
from .models import EventKind, TotpDevice

ROLE_SEEN = "kefu_role_seen"  # session key: the role at sign-in, so a promotion mid-session is noticed


def role_mark(user: User) -> str:
    return policy.grants_mark(user)


def two_factor_confirmed(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def two_factor_owed(user: User) -> bool:
    """The user must set up an authenticator before anything else: their role requires it, or an admin
    reset it; and none is confirmed."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        return False
    return policy.requires_two_factor(user) or bool(device and device.enrol_required)


def end_sessions(user: User) -> int:
    """Signs the user out everywhere (database sessions hold the user id in their signed data)."""
    ended = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def two_factor_reset(*, by: User, user: User) -> None:
    """The old authenticator stops working at once, the user is signed out everywhere and sets up a new
    one at the next sign-in (their old codes prove nothing any more)."""
    policy.require(policy.can_reset_two_factor(by, user), "只有管理员可以重置他人的两步验证")
    TotpDevice.objects.filter(user=user).delete()  # a confirmed one is logged as disabled by its signal
    TotpDevice.objects.create(user=user, secret=totp.new_secret(), enrol_required=True)
    sessions = end_sessions(user)
    record(EventKind.TOTP_RESET, actor=by, subject=user, sessions_ended=sessions)
