"""Login throttling, two-factor login, token lifetime and the security log (issue 10 item 1)."""

import time

import pytest
from django.core.cache import cache

from kefu.accounts.models import ApiToken, Role
from kefu.accounts.services import token_create
from kefu.security import throttle, totp
from kefu.security.models import EventKind, SecurityEvent, TotpDevice
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


class Clock:
    """Moves the throttle's clock forward without sleeping."""

    def __init__(self, monkeypatch) -> None:
        self.now = time.time()
        monkeypatch.setattr(throttle.time, "time", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _login(client, path, username, password, **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_login_forms_slow_down_with_retry_after_and_never_lock_out(path, desk, client, settings, monkeypatch):
    settings.KEFU_LOGIN_MAX_ATTEMPTS = 3
    clock = Clock(monkeypatch)
    user = desk.supervisor
    for _ in range(3):
        assert _login(client, path, user.username, "wrong").status_code == 200
    slowed = _login(client, path, user.username, factories.PASSWORD)
    assert slowed.status_code == 429
    assert int(slowed["Retry-After"]) >= 1
    assert "_auth_user_id" not in client.session
    # Each further failure doubles the wait ...
    clock.advance(int(slowed["Retry-After"]))
    assert _login(client, path, user.username, "wrong").status_code == 200
    longer = _login(client, path, user.username, "wrong")
    assert longer.status_code == 429 and int(longer["Retry-After"]) > int(slowed["Retry-After"])
    # ... but once it has passed, the right password works: a delay, not a lock-out.
    clock.advance(int(longer["Retry-After"]))
    assert _login(client, path, user.username, factories.PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_admin_login_is_the_throttled_view(desk, client, settings):
    settings.KEFU_LOGIN_MAX_ATTEMPTS = 2
    for _ in range(2):
        _login(client, "/admin/login/", desk.admin.username, "wrong")
    assert _login(client, "/admin/login/", desk.admin.username, factories.PASSWORD).status_code == 429


def test_spraying_one_password_over_many_accounts_is_slowed(db, client, settings):
    settings.KEFU_LOGIN_MAX_ATTEMPTS = 2  # the address-wide rule allows four times as many
    users = [factories.user(Role.AGENT) for _ in range(9)]
    statuses = [_login(client, "/login/", u.username, "Password1").status_code for u in users]
    assert statuses[:8] == [200] * 8
    assert statuses[8] == 429


def test_another_address_is_not_slowed_by_an_attackers_failures(desk, client, settings):
    settings.KEFU_LOGIN_MAX_ATTEMPTS = 3
    for _ in range(4):
        _login(client, "/login/", desk.agent.username, "wrong", REMOTE_ADDR="10.9.9.9")
    ok = _login(client, "/login/", desk.agent.username, factories.PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert ok.status_code == 302


def test_failed_and_successful_logins_are_recorded_with_the_address(desk, client):
    _login(client, "/login/", desk.agent.username, "wrong", REMOTE_ADDR="10.2.3.4")
    _login(client, "/login/", desk.agent.username, factories.PASSWORD, REMOTE_ADDR="10.2.3.4")
    failed = SecurityEvent.objects.get(kind=EventKind.LOGIN_FAILED)
    assert (failed.username, failed.address) == (desk.agent.username, "10.2.3.4")
    ok = SecurityEvent.objects.get(kind=EventKind.LOGIN)
    assert (ok.subject, ok.address) == (desk.agent, "10.2.3.4")


def test_bad_bearer_tokens_get_429_with_retry_after(db, client, settings):
    settings.KEFU_LOGIN_MAX_ATTEMPTS = 2
    statuses = []
    for i in range(10):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer kefu_bad{i}")
        statuses.append(response.status_code)
    assert statuses[:8] == [401] * 8
    assert statuses[8] == 429 and int(response["Retry-After"]) >= 1


def test_api_rate_limit_per_token(desk, client, settings):
    settings.KEFU_API_RATE_LIMIT = 5
    raw = token_create(user=desk.agent)
    other = token_create(user=desk.agent)
    codes = [client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    limited = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


# ---- tokens ----------------------------------------------------------------------------------------

def _me(client, raw):
    """Status of /api/v1/me with the token alone (a fresh client: no session to fall back on)."""
    from django.test import Client

    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


def test_tokens_expire(desk, client):
    raw = token_create(user=desk.agent, days=30)
    assert _me(client, raw) == 200
    token = ApiToken.objects.get(user=desk.agent)
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at)
    assert _me(client, raw) == 401


def test_default_token_lifetime_comes_from_settings(desk, settings):
    settings.KEFU_TOKEN_DAYS = 7
    token_create(user=desk.agent)
    token = ApiToken.objects.get(user=desk.agent)
    assert 6.9 < (token.expires_at - token.created_at).total_seconds() / 86400 <= 7


def test_password_change_revokes_every_token(desk, client):
    raw = token_create(user=desk.agent)
    desk.agent.set_password("new-pass-456!")
    desk.agent.save()
    assert _me(client, raw) == 401
    assert ApiToken.objects.get(user=desk.agent).revoked_reason == "password_changed"
    assert SecurityEvent.objects.filter(kind=EventKind.PASSWORD_CHANGED, subject=desk.agent).exists()


def test_password_change_page_revokes_tokens(desk, client):
    raw = token_create(user=desk.agent)
    client.force_login(desk.agent)
    response = client.post("/password/", {"old_password": factories.PASSWORD, "new_password1": "Zx9-long-pass",
                                           "new_password2": "Zx9-long-pass"})
    assert response.status_code == 302
    assert _me(client, raw) == 401


def test_deactivation_revokes_tokens(desk, client):
    raw = token_create(user=desk.agent)
    desk.agent.is_active = False
    desk.agent.save()
    desk.agent.is_active = True
    desk.agent.save()
    assert _me(client, raw) == 401
    assert ApiToken.objects.get(user=desk.agent).revoked_reason == "deactivated"


def test_role_and_permission_changes_are_recorded(desk, client):
    client.force_login(desk.admin)
    desk.agent.role = Role.SUPERVISOR
    desk.agent.can_view_personal_data = False
    desk.agent.save()
    role = SecurityEvent.objects.get(kind=EventKind.ROLE_CHANGED)
    assert role.params == {"old": "agent", "new": "supervisor"}
    perm = SecurityEvent.objects.get(kind=EventKind.PERMISSION_CHANGED)
    assert perm.params["changes"]["can_view_personal_data"] == [True, False]


def test_role_change_in_the_admin_names_the_admin_and_address(desk, client):
    client.force_login(desk.admin)
    page = client.get(f"/admin/accounts/user/{desk.agent.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update({"role": "qa", "username": desk.agent.username, "date_joined_0": "2026-01-01",
                 "date_joined_1": "09:00:00", "department": desk.service.pk, "team": desk.team_a.pk})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    client.post(f"/admin/accounts/user/{desk.agent.pk}/change/", data, REMOTE_ADDR="10.7.7.7")
    desk.agent.refresh_from_db()
    assert desk.agent.role == "qa"
    event = SecurityEvent.objects.get(kind=EventKind.ROLE_CHANGED)
    assert (event.actor, event.address) == (desk.admin, "10.7.7.7")


def test_token_page_create_list_revoke_own(desk, client):
    client.force_login(desk.agent)
    response = client.post("/security/tokens/", {"name": "对接", "days": "30"})
    raw = response.context["new_token"]
    assert raw.startswith("kefu_") and raw in response.content.decode()
    token = ApiToken.objects.get(user=desk.agent)
    assert token.name == "对接" and token.expires_at is not None
    assert SecurityEvent.objects.filter(kind=EventKind.TOKEN_CREATED, subject=desk.agent).exists()
    listing = client.get("/security/tokens/").content.decode()
    assert token.prefix in listing and raw not in listing  # shown once
    client.post(f"/security/tokens/{token.pk}/revoke/")
    assert _me(client, raw) == 401


def test_only_admins_manage_other_peoples_tokens(desk, client):
    token_create(user=desk.teammate)
    theirs = ApiToken.objects.get(user=desk.teammate)
    client.force_login(desk.agent)
    assert theirs.prefix not in client.get("/security/tokens/").content.decode()
    assert client.post(f"/security/tokens/{theirs.pk}/revoke/").status_code == 403
    client.post("/security/tokens/", {"user": desk.teammate.pk, "name": "x", "days": "30"})
    assert not ApiToken.objects.filter(user=desk.teammate, name="x").exists()  # made for the agent instead
    client.force_login(desk.admin)
    assert theirs.prefix in client.get("/security/tokens/").content.decode()
    client.post("/security/tokens/", {"user": desk.teammate.pk, "name": "运维", "days": "never"})
    assert ApiToken.objects.get(user=desk.teammate, name="运维").expires_at is None
    client.post(f"/security/tokens/{theirs.pk}/revoke/")
    theirs.refresh_from_db()
    assert theirs.revoked


def test_sessions_last_one_working_day_by_default(settings):
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == 9 * 3600


# ---- two-factor ------------------------------------------------------------------------------------

def _device(user, confirmed=True) -> TotpDevice:
    from django.utils import timezone

    return TotpDevice.objects.create(user=user, secret=totp.new_secret(),
                                     confirmed_at=timezone.now() if confirmed else None)


def test_totp_matches_the_rfc_6238_test_vector():
    # RFC 6238 appendix B, SHA-1, secret "12345678901234567890", T = 59 s -> 94287082 (8 digits; 6 = 287082)
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp.code_at(secret, 59) == "287082"
    assert totp.code_at(secret, 1111111109) == "081804"
    assert totp.verify(secret, "081804", when=1111111109) is not None
    assert totp.verify(secret, "081804", when=1111111109, last_counter=totp.counter_at(1111111109)) is None


def test_two_factor_login_needs_the_code_and_refuses_a_replay(desk, client):
    device = _device(desk.agent)
    response = _login(client, "/login/", desk.agent.username, factories.PASSWORD)
    assert response.status_code == 302 and response.url == "/security/verify/"
    assert "_auth_user_id" not in client.session
    assert client.get("/tickets/").status_code == 302  # not signed in yet
    assert "两步验证" in client.get("/security/verify/").content.decode()
    current = totp.code_at(device.secret, time.time())
    wrong = client.post("/security/verify/", {"code": "000000" if current != "000000" else "111111"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=EventKind.TOTP_FAILED).exists()
    code = totp.code_at(device.secret, time.time())
    assert client.post("/security/verify/", {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(desk.agent.pk)
    assert SecurityEvent.objects.get(kind=EventKind.LOGIN).params == {"two_factor": True}
    client.logout()
    _login(client, "/login/", desk.agent.username, factories.PASSWORD)
    client.post("/security/verify/", {"code": code})
    assert "_auth_user_id" not in client.session  # the same code twice: refused


def test_admin_must_set_up_two_factor_before_anything_else(desk, client):
    response = _login(client, "/login/", desk.admin.username, factories.PASSWORD)
    assert response.url == "/security/two-factor/"
    assert client.get("/tickets/").url == "/security/two-factor/"
    assert client.get("/api/v1/me").status_code == 403
    page = client.get("/security/two-factor/")
    assert page.status_code == 200
    qr = client.get("/security/two-factor/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b'<svg xmlns="http://www.w3.org/2000/svg"' in qr.content
    device = TotpDevice.objects.get(user=desk.admin)
    client.post("/security/two-factor/", {"code": totp.code_at(device.secret, time.time())})
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert client.get("/tickets/").status_code == 200
    assert SecurityEvent.objects.filter(kind=EventKind.TOTP_ENABLED, subject=desk.admin).exists()


def test_two_factor_is_optional_for_agents_unless_configured(desk, client, settings):
    assert _login(client, "/login/", desk.agent.username, factories.PASSWORD).url == "/tickets/"
    client.logout()
    settings.KEFU_2FA_REQUIRED_ROLES = ["admin", "agent"]
    assert _login(client, "/login/", desk.agent.username, factories.PASSWORD).url == "/security/two-factor/"


def test_security_log_is_for_admins_only(desk, client):
    _login(client, "/login/", desk.agent.username, "wrong")
    client.force_login(desk.supervisor)
    assert client.get("/security/audit/").status_code == 403
    client.force_login(desk.admin)
    page = client.get("/security/audit/").content.decode()
    assert desk.agent.username in page and "登录失败" in page
