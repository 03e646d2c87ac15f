"""Two-factor login changed by someone else (issue 10): an admin resets a user's authenticator in the
in-app user administration; a user promoted to admin sets it up on their next request."""

import time

from django.test import Client
from django.utils import timezone

from kefu.org.models import OrgChange
from kefu.org.services import org_user_update
from kefu.security import totp
from kefu.security.models import EventKind, SecurityEvent, TotpDevice
from tests import factories


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=factories.PASSWORD)
    return client


def _enabled_device(user) -> TotpDevice:
    return TotpDevice.objects.create(user=user, secret=totp.new_secret(), confirmed_at=timezone.now())


def test_admin_resets_a_users_two_factor_and_they_enrol_again(desk, client):
    old = _enabled_device(desk.agent)
    agent = Client()
    agent.force_login(desk.agent)
    assert agent.get("/tickets/").status_code == 200
    client.force_login(desk.admin)
    page = client.get(f"/manage/users/{desk.agent.pk}/").content.decode()
    assert 'data-testid="two-factor-reset"' in page and "已于" in page
    response = client.post(f"/manage/users/{desk.agent.pk}/two-factor-reset/")
    assert response.status_code == 302
    device = TotpDevice.objects.get(user=desk.agent)
    assert device.pk != old.pk and device.secret != old.secret
    assert device.confirmed_at is None and device.enrol_required
    # Signed out everywhere: the old session no longer opens anything.
    assert agent.get("/tickets/").status_code == 302
    event = SecurityEvent.objects.get(kind=EventKind.TOTP_RESET)
    assert event.actor == desk.admin and event.subject == desk.agent and event.params == {"sessions_ended": 1}
    assert SecurityEvent.objects.filter(kind=EventKind.TOTP_DISABLED, subject=desk.agent).exists()
    assert OrgChange.objects.filter(action="two_factor_reset", target_id=desk.agent.pk, actor=desk.admin).exists()
    # An agent need not use two-factor, but after a reset must set it up again before working.
    agent = Client()
    login = agent.post("/login/", {"username": desk.agent.username, "password": factories.PASSWORD})
    assert login.url == "/security/two-factor/"
    assert agent.get("/tickets/").url == "/security/two-factor/"
    agent.post("/security/two-factor/", {"code": totp.code_at(device.secret, time.time())})
    device.refresh_from_db()
    assert device.confirmed_at is not None and not device.enrol_required
    assert agent.get("/tickets/").status_code == 200


def test_only_admins_reset_and_never_their_own(desk, client):
    _enabled_device(desk.agent)
    client.force_login(desk.supervisor)
    assert client.post(f"/manage/users/{desk.agent.pk}/two-factor-reset/").status_code == 403
    assert TotpDevice.objects.get(user=desk.agent).confirmed_at is not None
    _enabled_device(desk.admin)
    client.force_login(desk.admin)
    assert 'data-testid="two-factor-reset"' not in client.get(f"/manage/users/{desk.admin.pk}/").content.decode()
    client.post(f"/manage/users/{desk.admin.pk}/two-factor-reset/")
    assert TotpDevice.objects.get(user=desk.admin).confirmed_at is not None
    assert not SecurityEvent.objects.filter(kind=EventKind.TOTP_RESET).exists()


def test_promotion_to_admin_requires_two_factor_on_the_next_request(desk):
    agent = _signed_in(desk.agent)
    assert agent.get("/tickets/").status_code == 200
    org_user_update(by=desk.admin, user=desk.agent, role="admin")
    assert agent.get("/tickets/").url == "/security/two-factor/"
    assert agent.get("/api/v1/me").status_code == 403
    assert agent.get("/security/two-factor/").status_code == 200
    device = TotpDevice.objects.get(user=desk.agent)  # made by the set-up page
    agent.post("/security/two-factor/", {"code": totp.code_at(device.secret, time.time())})
    assert agent.get("/tickets/").status_code == 200


def test_promotion_of_someone_with_two_factor_changes_nothing(desk):
    _enabled_device(desk.supervisor)
    supervisor = Client()
    supervisor.force_login(desk.supervisor)
    org_user_update(by=desk.admin, user=desk.supervisor, role="admin")
    assert supervisor.get("/tickets/").status_code == 200


def test_a_role_that_needs_no_two_factor_is_not_asked(desk):
    supervisor = _signed_in(desk.supervisor)
    org_user_update(by=desk.admin, user=desk.supervisor, role="agent")
    assert supervisor.get("/tickets/").status_code == 200
