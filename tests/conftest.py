import os
import shutil
import time

import pytest

from kefu.security import totp
from tests import factories

# Browser tests drive Playwright's sync API, which runs an event loop in this thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("KEFU_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 at production strength costs ~0.3 s a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, as with an empty database (tests/test_isolation.py): on SQLite a
    rolled-back test's ids come back, and a personal-data read or a rate-limit count another test left
    for user 4 would change this test's outcome. Only the in-process cache: a Redis cache (REDIS_URL) is
    the developer's own and is left alone."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture
def desk(db) -> factories.Desk:
    return factories.Desk()


@pytest.fixture
def api_client(client):
    """A Django test client with helpers that send JSON with a bearer token."""
    from kefu.accounts.services import token_create

    class Api:
        def __init__(self) -> None:
            self.token = None

        def as_user(self, user) -> "Api":
            self.token = token_create(user=user)
            return self

        def _headers(self) -> dict:
            return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

        def get(self, path, **params):
            return client.get(path, params, **self._headers())

        def post(self, path, data=None):
            return client.post(path, data or {}, content_type="application/json", **self._headers())

        def post_form(self, path, data):
            return client.post(path, data, **self._headers())

        def patch(self, path, data):
            return client.patch(path, data, content_type="application/json", **self._headers())

        def delete(self, path):
            return client.delete(path, **self._headers())

    return Api()


def _serialise_live_server_on_memory_sqlite() -> None:
    """The live server of the browser tests shares the test's one in-memory SQLite connection with every
    request thread (Django passes it as connections_override). A page that loads its panels in parallel
    (the reports dashboard: ~18 requests at once) then used that one connection from several threads at
    the same time, and the run hung inside sqlite3 whenever the interleaving was unlucky. On such a
    database the live server answers one request at a time; a real server (own connection per thread, or
    PostgreSQL) is unchanged, and so is the live server on PostgreSQL."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            if not self.connections_override:
                return super().set_app(application)
            lock = threading.Lock()

            def serialised(environ, start_response):
                with lock:
                    response = application(environ, start_response)
                    if getattr(response, "streaming", False):
                        return response
                    body = b"".join(response)  # read the body while holding the connection
                    response.close()
                    return [body]

            return super().set_app(serialised)

    LiveServerThread.server_class = OneRequestAtATime


_serialise_live_server_on_memory_sqlite()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def screenshot_dir():
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "screenshots")
    os.makedirs(path, exist_ok=True)
    return path


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Polls a JavaScript expression until it is true. Not page.wait_for_function: that compiles its
    predicate with eval whenever the first check is false, which the pages' CSP (rightly) forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def login(page, live_server, username: str, password: str = factories.PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if "/security/two-factor/" in page.url:
        # Admins must set up two-factor login first: do what they would, with the key shown on the page.
        secret = page.inner_text("[data-testid=totp-secret]").replace(" ", "")
        page.fill("input[name=code]", totp.code_at(secret, time.time()))
        page.click("form button.primary")
        page.wait_for_load_state("networkidle")
    elif "/security/verify/" in page.url:
        # Signed in before (another window): the code of the next time step, since the one used at the
        # set-up may not be replayed (one step of clock drift is accepted).
        from kefu.security.models import TotpDevice

        device = TotpDevice.objects.get(user__username=username, confirmed_at__isnull=False)
        page.fill("input[name=code]", totp.code_at(device.secret, time.time() + 30))
        page.click("form button.primary")
        page.wait_for_load_state("networkidle")
    # (After the set-up the two-factor page shows itself again, enabled: that is signed in.)
    assert "/login/" not in page.url and "/verify/" not in page.url, f"{username} not signed in: {page.url}"


from tests.mailservers import imap_server, smtp_server  # noqa: E402,F401  (real mail servers)
