"""Two-factor set-up and sign-in, API tokens (own; every user's for admins), the security log."""

import io
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import ApiToken
from kefu.accounts.services import token_create, token_revoke
from kefu.accounts.views import PENDING, SETUP_REQUIRED
from kefu.core.errors import DomainError

from . import throttle, totp
from .audit import client_address, record
from .models import EventKind, SecurityEvent, TotpDevice

PENDING_SECONDS = 300  # the code must follow the password within five minutes


def can_manage_own_tokens(user) -> bool:
    return policy.can_have_tokens(user)


def can_see_privacy(user) -> bool:
    return policy.can_see_privacy_requests(user)


def can_see_audit(user) -> bool:
    return policy.can_see_security_log(user)


# ---- two-factor sign-in ----------------------------------------------------------------------------

def _code_rules(request, username: str) -> list:
    return throttle.login_rules(username, client_address(request) or "")


def verify(request):
    """Second step of the login: the six-digit code of the authenticator app."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return redirect("login")
    user = get_object_or_404(get_user_model(), pk=pending["user"], is_active=True)
    device = get_object_or_404(TotpDevice, user=user, confirmed_at__isnull=False)
    error = ""
    status = 200
    if request.method == "POST":
        rules = _code_rules(request, user.username)
        wait = throttle.wait_seconds(rules, "totp")
        counter = None if wait else totp.verify(device.secret, request.POST.get("code", ""),
                                                last_counter=device.last_counter)
        if wait:
            error, status = _("尝试次数过多，请 %(s)s 秒后再试。") % {"s": wait}, 429
        elif counter is None:
            throttle.record_failure(rules, "totp")
            record(EventKind.TOTP_FAILED, subject=user, request=request)
            error = _("验证码不正确或已使用，请输入验证器上的新验证码。")
        else:
            TotpDevice.objects.filter(pk=device.pk).update(last_counter=counter)
            throttle.clear(rules[:1], "totp")
            next_url = pending.get("next") or settings.LOGIN_REDIRECT_URL
            del request.session[PENDING]
            user.backend = pending["backend"]
            auth_login(request, user)
            record(EventKind.LOGIN, actor=user, subject=user, request=request, two_factor=True)
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = settings.LOGIN_REDIRECT_URL
            return redirect(next_url)
    response = render(request, "security/verify.html", {"error": error}, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


# ---- two-factor set-up -----------------------------------------------------------------------------

def _unconfirmed_device(user) -> TotpDevice:
    device, _created = TotpDevice.objects.get_or_create(user=user, defaults={"secret": totp.new_secret()})
    return device


@login_required
def two_factor(request):
    device = TotpDevice.objects.filter(user=request.user).first()
    enabled = bool(device and device.confirmed_at)
    error = ""
    if request.method == "POST" and not enabled:
        device = _unconfirmed_device(request.user)
        counter = totp.verify(device.secret, request.POST.get("code", ""), last_counter=device.last_counter)
        if counter is None:
            error = _("验证码不正确，请确认手机时间准确后重试。")
        else:
            device.confirmed_at, device.last_counter, device.enrol_required = timezone.now(), counter, False
            device.save(update_fields=["confirmed_at", "last_counter", "enrol_required"])
            request.session.pop(SETUP_REQUIRED, None)
            record(EventKind.TOTP_ENABLED, subject=request.user, request=request)
            messages.success(request, _("两步验证已启用，下次登录时需要输入验证码。"))
            return redirect("security:two_factor")
    if not enabled:
        device = _unconfirmed_device(request.user)
    return render(request, "security/two_factor.html", {
        "enabled": enabled, "device": device, "error": error,
        "required": policy.requires_two_factor(request.user) or bool(device and device.enrol_required),
        "secret_groups": " ".join(device.secret[i:i + 4] for i in range(0, len(device.secret), 4)),
    })


@login_required
def two_factor_qr(request):
    """The set-up QR code as SVG, drawn on the server: no CDN, no script."""
    device = TotpDevice.objects.filter(user=request.user, confirmed_at__isnull=True).first()
    if device is None:
        return HttpResponse(status=404)
    uri = totp.provisioning_uri(device.secret, request.user.username, settings.KEFU_2FA_ISSUER)
    svg = io.BytesIO()
    # A standalone SVG file (with its xmlns, unlike svg_inline) so that <img> can show it.
    segno.make(uri, error="m").save(svg, kind="svg", scale=5, border=4, xmldecl=False)
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def two_factor_disable(request):
    if policy.requires_two_factor(request.user):
        raise DomainError(_("您的角色必须使用两步验证，不能停用。"))
    device = TotpDevice.objects.filter(user=request.user, confirmed_at__isnull=False).first()
    if device is not None and totp.verify(device.secret, request.POST.get("code", ""),
                                          last_counter=device.last_counter) is not None:
        device.delete()  # recorded in the security log by the post_delete signal
        messages.success(request, _("两步验证已停用。"))
    else:
        messages.error(request, _("验证码不正确，两步验证没有停用。"))
    return redirect("security:two_factor")


# ---- API tokens ------------------------------------------------------------------------------------

TOKEN_DAYS_CHOICES = [30, 90, 365]


def _token_owner(request):
    owner_id = request.POST.get("user") or request.GET.get("user")
    if owner_id and policy.is_admin(request.user):
        return get_object_or_404(get_user_model(), pk=owner_id) if str(owner_id).isdigit() else request.user
    return request.user


@login_required
def tokens(request):
    policy.require(policy.can_have_tokens(request.user))
    new_token = None
    if request.method == "POST":
        owner = _token_owner(request)
        policy.require(policy.can_manage_tokens_of(request.user, owner))
        days_raw = request.POST.get("days", "")
        days = None if days_raw == "never" and policy.is_admin(request.user) else (
            int(days_raw) if days_raw.isdigit() else -1)
        try:
            new_token = token_create(user=owner, name=request.POST.get("name", "").strip(), days=days,
                                     by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
    rows = ApiToken.objects.select_related("user").order_by("-created_at")
    if not policy.is_admin(request.user):
        rows = rows.filter(user=request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    users = (get_user_model().objects.filter(is_active=True).order_by("username")
             if policy.is_admin(request.user) else [])
    return render(request, "security/tokens.html", {
        "page": page, "new_token": new_token, "users": users, "now": timezone.now(),
        "days_choices": TOKEN_DAYS_CHOICES, "default_days": settings.KEFU_TOKEN_DAYS,
        "is_admin": policy.is_admin(request.user),
    })


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    policy.require(policy.can_manage_tokens_of(request.user, token.user))
    try:
        token_revoke(token=token, by=request.user)
        messages.success(request, _("令牌 %(p)s… 已吊销") % {"p": token.prefix})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("security:tokens")


# ---- the security log ------------------------------------------------------------------------------

@login_required
def audit(request):
    policy.require(policy.can_see_security_log(request.user), _("只有管理员可以查看安全日志"))
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    rows = SecurityEvent.objects.select_related("actor", "subject")
    if kind in EventKind.values:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(username__icontains=q)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "security/audit.html", {"page": page, "kinds": EventKind.choices, "kind": kind, "q": q})
